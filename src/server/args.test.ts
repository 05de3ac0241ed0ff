import { describe, expect, it } from 'vitest';
import { parseServeArgs } from './args.js';

describe('production start arguments', () => {
  it('takes nothing, --config FILE and --help', () => {
    expect(parseServeArgs([])).toEqual({ ok: true, options: { help: false } });
    expect(parseServeArgs(['--config', 'prod.json'])).toEqual({ ok: true, options: { help: false, configFile: 'prod.json' } });
    expect(parseServeArgs(['-h'])).toEqual({ ok: true, options: { help: true } });
  });

  it.each([
    [['--population', 'p.json'], '--population is an option of the demo (npm start), which simulates the silos; the production start takes --config FILE.'],
    [['--fault', 'crm=down'], '--fault is an option of the demo (npm start), which simulates the silos; the production start takes --config FILE.'],
    [['--port', '80'], 'Unknown option "--port"; the production start takes --config FILE and --help.'],
    [['--config'], '--config needs a value: the path of a JSON file of settings.'],
    [['--config', '--help'], '--config needs a value: the path of a JSON file of settings.'],
    [['--config', 'a.json', '--config', 'b.json'], '--config is given twice; give one file.'],
  ])('explains what is wrong with %j', (argv, message) => {
    expect(parseServeArgs(argv)).toEqual({ ok: false, message });
  });
});
