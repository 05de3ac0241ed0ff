import { describe, expect, it } from 'vitest';
import { SourceError } from '../shared/errors.js';
import { createLogger } from '../shared/logger.js';
import { SiloFailureLog } from './silo-failure-log.js';

describe('the silo failure log of a request', () => {
  it('writes one line per silo, counting its errors by code, with its first failure\'s detail and first 3 paths', () => {
    const lines: string[] = [];
    const log = new SiloFailureLog();
    for (let i = 0; i < 100; i += 1) log.add(new SourceError('SOURCE_UNAVAILABLE', 'loyalty', 'down', { operation: 'member.list', status: 503 }), ['customers', i, 'loyalty']);
    log.add(new SourceError('SOURCE_TIMEOUT', 'loyalty', 'slow', { operation: 'member.get' }), ['customers', 100, 'loyalty']);
    log.add(new SourceError('SOURCE_TIMEOUT', 'crm', 'slow', { operation: 'contacts.batchRead' }), undefined);
    log.write(createLogger('debug', (line) => lines.push(line)));
    const written = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(written.map(({ time: _time, ...rest }) => rest)).toEqual([
      {
        level: 'warn',
        message: 'silo call failed',
        code: 'SOURCE_UNAVAILABLE',
        source: 'loyalty',
        path: ['customers', 0, 'loyalty'],
        operation: 'member.list',
        status: 503,
        errors: 101,
        codes: { SOURCE_UNAVAILABLE: 100, SOURCE_TIMEOUT: 1 },
        paths: [['customers', 0, 'loyalty'], ['customers', 1, 'loyalty'], ['customers', 2, 'loyalty']],
      },
      { level: 'warn', message: 'silo call failed', code: 'SOURCE_TIMEOUT', source: 'crm', path: null, operation: 'contacts.batchRead', errors: 1, codes: { SOURCE_TIMEOUT: 1 }, paths: [] },
    ]);
    // Written once: a second write has nothing left.
    log.write(createLogger('debug', (line) => lines.push(line)));
    expect(lines).toHaveLength(2);
  });

  it('writes a silo whose errors all come from the client leaving as an info `request stopped`, not a silo failure', () => {
    const lines: string[] = [];
    const log = new SiloFailureLog();
    log.add(new SourceError('REQUEST_ABORTED', 'crm', 'The client closed the connection: crm was not asked.'), ['customer', 'crm']);
    log.add(new SourceError('REQUEST_ABORTED', 'loyalty', 'gone'), ['customer', 'loyalty']);
    log.add(new SourceError('SOURCE_TIMEOUT', 'loyalty', 'slow', { operation: 'member.list' }), ['customer', 'loyalty', 'tier']);
    log.add(new SourceError('DEADLINE_EXCEEDED', 'commerce', 'deadline', { deadlineMs: 300 }), ['customer', 'commerce']);
    log.write(createLogger('debug', (line) => lines.push(line)));
    const written = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(written.map((l) => [l.level, l.message, l.source, l.codes])).toEqual([
      ['info', 'request stopped', 'crm', { REQUEST_ABORTED: 1 }],
      // A silo that also failed on its own is still a warning.
      ['warn', 'silo call failed', 'loyalty', { REQUEST_ABORTED: 1, SOURCE_TIMEOUT: 1 }],
      // The gateway's own deadline cut an answer short: worth a warning.
      ['warn', 'silo call failed', 'commerce', { DEADLINE_EXCEEDED: 1 }],
    ]);
    expect(written[0]).toMatchObject({ reason: 'the client closed the connection', path: ['customer', 'crm'], errors: 1 });
  });
});
