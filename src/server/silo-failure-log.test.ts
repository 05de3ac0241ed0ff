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
});
