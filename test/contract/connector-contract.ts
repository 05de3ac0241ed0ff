/**
 * The contract every connector passes against its own simulator, over real HTTP.
 * A connector's `contract.test.ts` calls {@link connectorContract} with a fixture factory.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SourceError } from '../../src/shared/errors.js';
import type { Simulator } from '../../connectors/shared/simulator.js';
import type { Connector, Identifier } from '../../connectors/types.js';

export interface ContractFixture<TRecord> {
  /** The running simulator, serving a generated population. */
  simulator: Simulator;
  /** A connector pointed at it with good credentials, with the timeout the suite asked for. */
  connector: Connector<TRecord>;
  /** A connector pointed at it with a wrong credential (its value is `badSecret`). */
  connectorWithBadCredentials: Connector<TRecord>;
  badSecret: string;
  /** Ids of records the silo holds (at least 60). */
  knownIds: string[];
  /** The record's own id, as the connector mapped it. */
  idOf(record: TRecord): string;
  /** For each type in `connector.lookupTypes`, at least one identifier and the ids it must find. */
  lookups: Array<{ identifier: Identifier; expectIds: string[] }>;
  /** Upper bound of HTTP calls for fetchRecords of 50 ids (the product's batch size). */
  maxCallsToFetch50: number;
  /** Upper bound of HTTP calls for one lookup of 20 identifiers of the same type. */
  maxCallsToLookup20: number;
  /** 20 identifiers of one type that each find a record. */
  twentyIdentifiers: Identifier[];
  close(): Promise<void>;
}

/**
 * The `now` every contract suite generates its population at: the generator dates records
 * relative to it, so a suite that let it default to the clock would test other data each day.
 */
export const CONTRACT_NOW = new Date('2026-11-01T00:00:00Z');

export interface ContractOptions {
  /** The per-call timeout the fixture must give its connectors. */
  timeoutMs: number;
}

export function connectorContract<TRecord>(
  name: string,
  setup: (options: ContractOptions) => Promise<ContractFixture<TRecord>>,
): void {
  const timeoutMs = 400;

  describe(`${name} connector contract`, () => {
    let f: ContractFixture<TRecord>;

    beforeAll(async () => {
      f = await setup({ timeoutMs });
    });
    afterAll(async () => {
      await f?.close();
    });
    // Healthy before each test, and a fault a test switched on is switched off after it, even
    // when the test failed half-way.
    beforeEach(async () => {
      f.simulator.resetStats();
    });
    afterEach(async () => {
      await f?.simulator.setFault({ kind: 'none' });
      f?.simulator.setLatency({ fixedMs: 0, jitterMs: 0 });
      // The failures a test caused must not open the breaker of the next one.
      f?.connector.calls?.resetGuard();
    });

    it('fetches records by id: one result per id, in order, null for an unknown id', async () => {
      const ids = [f.knownIds[2]!, 'does-not-exist-999', f.knownIds[0]!, f.knownIds[1]!];
      const records = await f.connector.fetchRecords(ids);
      expect(records).toHaveLength(4);
      expect(records[1]).toBeNull();
      expect(f.idOf(records[0]!)).toBe(ids[0]);
      expect(f.idOf(records[2]!)).toBe(ids[2]);
      expect(f.idOf(records[3]!)).toBe(ids[3]);
    });

    it('fetches 50 records in as few calls as the product allows', async () => {
      const ids = f.knownIds.slice(0, 50);
      const records = await f.connector.fetchRecords(ids);
      expect(records.map((r) => (r === null ? null : f.idOf(r)))).toEqual(ids);
      expect(f.simulator.stats().requests).toBeLessThanOrEqual(f.maxCallsToFetch50);
    });

    it('looks records up by every identifier type it declares, with the identifiers they carry', async () => {
      const covered = new Set(f.lookups.map((l) => l.identifier.type));
      expect([...covered].sort()).toEqual([...f.connector.lookupTypes].sort());
      for (const { identifier, expectIds } of f.lookups) {
        const found = await f.connector.lookup([identifier]);
        const ids = found.map((r) => r.id);
        for (const id of expectIds) expect(ids, `${identifier.type}:${identifier.value}`).toContain(id);
        for (const record of found) {
          expect(record.source).toBe(f.connector.source);
          expect(record.identifiers).toContainEqual({ type: f.connector.source, value: record.id });
        }
      }
    });

    it('batches a lookup of 20 identifiers of one type', async () => {
      const found = await f.connector.lookup(f.twentyIdentifiers);
      expect(found.length).toBeGreaterThanOrEqual(20);
      expect(f.simulator.stats().requests).toBeLessThanOrEqual(f.maxCallsToLookup20);
    });

    it('reports a silo that is down as SOURCE_UNAVAILABLE', async () => {
      await f.simulator.setFault({ kind: 'down' });
      await expectSourceError(f.connector.fetchRecords([f.knownIds[0]!]), 'SOURCE_UNAVAILABLE', f.connector.source);
    });

    it('reports a silo that hangs as SOURCE_TIMEOUT after its timeout', async () => {
      await f.simulator.setFault({ kind: 'hang' });
      const started = Date.now();
      await expectSourceError(f.connector.fetchRecords([f.knownIds[0]!]), 'SOURCE_TIMEOUT', f.connector.source);
      expect(Date.now() - started).toBeLessThan(timeoutMs * 5);
    });

    it('reports a silo slower than the timeout as SOURCE_TIMEOUT', async () => {
      await f.simulator.setFault({ kind: 'slow', ms: timeoutMs * 3 });
      await expectSourceError(f.connector.lookup([f.lookups[0]!.identifier]), 'SOURCE_TIMEOUT', f.connector.source);
    });

    it('reports HTTP 500 and 429 as SOURCE_UNAVAILABLE', async () => {
      for (const status of [500, 429]) {
        await f.simulator.setFault({ kind: 'error', status });
        await expectSourceError(f.connector.fetchRecords([f.knownIds[0]!]), 'SOURCE_UNAVAILABLE', f.connector.source);
      }
    });

    it("honours a 429's Retry-After: no call before the time it gives, SOURCE_UNAVAILABLE at once saying when", async () => {
      await f.simulator.setFault({ kind: 'ratelimit', seconds: 30 });
      await expectSourceError(f.connector.fetchRecords([f.knownIds[0]!]), 'SOURCE_UNAVAILABLE', f.connector.source);
      const calls = f.simulator.stats().requests;
      await f.simulator.setFault({ kind: 'none' });
      const error = await expectSourceError(f.connector.lookup([f.lookups[0]!.identifier]), 'SOURCE_UNAVAILABLE', f.connector.source);
      expect(error.message).toMatch(/asked for no call before \d{4}-\d\d-\d\dT[\d:.]+Z \(Retry-After\)/);
      expect(f.simulator.stats().requests).toBe(calls);
    });

    it('reports a malformed body as SOURCE_BAD_RESPONSE', async () => {
      await f.simulator.setFault({ kind: 'malformed' });
      await expectSourceError(f.connector.fetchRecords([f.knownIds[0]!]), 'SOURCE_BAD_RESPONSE', f.connector.source);
      await expectSourceError(f.connector.lookup([f.lookups[0]!.identifier]), 'SOURCE_BAD_RESPONSE', f.connector.source);
    });

    it('reports refused credentials as SOURCE_UNAVAILABLE without repeating the credential', async () => {
      const error = await expectSourceError(
        f.connectorWithBadCredentials.fetchRecords([f.knownIds[0]!]),
        'SOURCE_UNAVAILABLE',
        f.connector.source,
      );
      expect(JSON.stringify({ message: error.message, detail: error.detail })).not.toContain(f.badSecret);
    });

    it('says the silo is up, and down when it is down, without throwing', async () => {
      expect((await f.connector.health()).status).toBe('up');
      await f.simulator.setFault({ kind: 'down' });
      expect((await f.connector.health()).status).toBe('down');
    });
  });
}

/**
 * Expects `promise` to reject with a SourceError, and with this `code` and `source` when they are
 * given; returns the error for further checks. Connector tests use it as well as the contract.
 */
export async function expectSourceError(promise: Promise<unknown>, code?: string, source?: string): Promise<SourceError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SourceError);
  const sourceError = error as SourceError;
  if (code !== undefined) expect(sourceError.code).toBe(code);
  if (source !== undefined) expect(sourceError.source).toBe(source);
  return sourceError;
}
