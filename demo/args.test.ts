import { describe, expect, it } from 'vitest';
import { parseStartArgs } from './args.js';

describe('npm start arguments', () => {
  it('defaults to a generated population and healthy silos', () => {
    expect(parseStartArgs([])).toEqual({ ok: true, options: { help: false, seed: 42, size: 2000, latency: {}, faults: {} } });
  });

  it('reads latency per silo with a default jitter of a quarter, or an explicit one', () => {
    const result = parseStartArgs(['--latency', 'crm=20,loyalty=40~2']);
    expect(result.ok && result.options.latency).toEqual({ crm: { fixedMs: 20, jitterMs: 5 }, loyalty: { fixedMs: 40, jitterMs: 2 } });
  });

  it('reads every fault mode', () => {
    const result = parseStartArgs(['--fault', 'loyalty=down,crm=slow:300,commerce=error:503,analytics=malformed']);
    expect(result.ok && result.options.faults).toEqual({
      loyalty: { kind: 'down' },
      crm: { kind: 'slow', ms: 300 },
      commerce: { kind: 'error', status: 503 },
      analytics: { kind: 'malformed' },
    });
    const hang = parseStartArgs(['--fault', 'crm=hang']);
    expect(hang.ok && hang.options.faults).toEqual({ crm: { kind: 'hang' } });
  });

  it.each([
    [['--fault', 'erp=down'], 'SILO one of crm, loyalty, commerce, analytics; got "erp=down"'],
    [['--fault', 'crm=explode'], '--fault crm: Unknown fault "explode": expected one of none, down, hang'],
    [['--fault', 'crm=error:200'], 'Unknown fault "error:200"'],
    [['--latency', 'crm=fast'], '--latency crm: latency must be milliseconds like 20'],
    [['--size', '0'], '--size must be a whole number from 1 to 1000000, got "0".'],
    [['--population'], '--population needs a value.'],
    [['--populaton', 'x'], 'Unknown option "--populaton".'],
    [['--population', 'p.json', '--seed', '3'], 'cannot go with --population'],
  ])('explains what is wrong with %j', (argv, message) => {
    const result = parseStartArgs(argv);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toContain(message);
  });
});
