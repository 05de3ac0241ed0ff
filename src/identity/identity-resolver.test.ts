import { describe, expect, it } from 'vitest';
import type { Source } from '../generated/graphql.js';
import type { FoundRecord, Identifier } from '../../connectors/types.js';
import { IdentityResolver, type Lookup } from './identity-resolver.js';
import { DEFAULT_IDENTITY_RULES } from './rules.js';
import { SourceError } from '../shared/errors.js';
import { RequestStopped, stoppedError } from '../shared/request-stop.js';

/** A promise and the functions that settle it, so that a test decides when a lookup answers. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

const CONTACT: FoundRecord = { source: 'crm', id: '101', identifiers: [{ type: 'crm', value: '101' }, { type: 'email', value: 'anna@example.com' }] };
const SHOP_CUSTOMER: FoundRecord = {
  source: 'commerce',
  id: '7001',
  identifiers: [{ type: 'commerce', value: '7001' }, { type: 'email', value: 'anna@example.com' }],
};

function resolver(): IdentityResolver {
  return new IdentityResolver({
    silos: [
      { source: 'crm', lookupTypes: ['crm', 'email'] },
      { source: 'commerce', lookupTypes: ['commerce', 'email'] },
    ],
    rules: DEFAULT_IDENTITY_RULES,
    normalize: { defaultCountry: 'FR' },
    maxRounds: 4,
    maxRecords: 50,
    cache: { maxBytes: 1024 * 1024, ttlMs: 60_000, negativeTtlMs: 60_000 },
  });
}

/**
 * A lookup over the two records above that counts its calls; while `gate` is set, a lookup by
 * CRM id (a resolution's first round, from ANNA) waits for it.
 */
function silos() {
  const state = { calls: 0, gate: null as Promise<void> | null };
  const lookup: Lookup = async (source: Source, identifier: Identifier) => {
    state.calls += 1;
    if (identifier.type === 'crm' && state.gate) await state.gate;
    const records = source === 'crm' ? [CONTACT] : [SHOP_CUSTOMER];
    return records.filter((r) => r.identifiers.some((i) => i.type === identifier.type && i.value === identifier.value));
  };
  return { state, lookup };
}

const ANNA = { type: 'crm', value: '101' } as const;

describe('IdentityResolver.evict', () => {
  it('keeps a resolution that was in flight at the eviction out of the cache', async () => {
    const identity = resolver();
    const { state, lookup } = silos();
    const gate = deferred<void>();
    state.gate = gate.promise;
    const inFlight = identity.resolveMany([ANNA], lookup);
    expect(state.calls).toBe(1);

    expect(identity.evict(ANNA)).toBe(0);
    gate.resolve();
    const [answer] = await inFlight;
    expect(answer!.kind).toBe('found');

    expect(identity.cache.size).toBe(0);
    state.gate = null;
    state.calls = 0;
    await identity.resolveMany([ANNA], lookup);
    expect(state.calls).toBeGreaterThan(0);
  });

  it('starts a new resolution for a request arriving after the eviction, instead of joining the one in flight', async () => {
    const identity = resolver();
    const { state, lookup } = silos();
    const first = deferred<void>();
    state.gate = first.promise;
    const before = identity.resolveMany([ANNA], lookup);
    identity.evict(ANNA);

    const second = deferred<void>();
    state.gate = second.promise;
    const after = identity.resolveMany([ANNA], lookup);
    expect(state.calls).toBe(2);

    first.resolve();
    await before;
    expect(identity.cache.size).toBe(0);
    second.resolve();
    await after;
    // The later resolution started after the eviction: it is cached, under the CRM id, the email and the shop id.
    expect(identity.cache.size).toBe(3);
    state.calls = 0;
    const [warm] = await identity.resolveMany([{ type: 'commerce', value: '7001' }], lookup);
    expect(warm!.kind).toBe('found');
    expect(state.calls).toBe(0);
  });

  it('keeps an unknown identifier resolved across an eviction out of the negative cache', async () => {
    const identity = resolver();
    const { state, lookup } = silos();
    const gate = deferred<void>();
    state.gate = gate.promise;
    const stranger = { type: 'crm', value: '999' } as const;
    const inFlight = identity.resolveMany([stranger], lookup);
    identity.evict(stranger);
    gate.resolve();
    expect((await inFlight)[0]!.kind).toBe('notFound');
    expect(identity.cache.size).toBe(0);
  });

  it('leaves a resolution that starts after the eviction free to cache, and counts the identifiers it removes', async () => {
    const identity = resolver();
    const { lookup } = silos();
    await identity.resolveMany([ANNA], lookup);
    expect(identity.cache.size).toBe(3);
    expect(identity.evict({ type: 'email', value: 'anna@example.com' })).toBe(3);
    expect(identity.cache.size).toBe(0);
    await identity.resolveMany([ANNA], lookup);
    expect(identity.cache.size).toBe(3);
  });
});

describe('IdentityResolver single-flight with a stopped request', () => {
  /** A lookup of a request whose client leaves while its first lookup is out. */
  function stoppedRequest(gate: Promise<void>): Lookup {
    return async (source) => {
      await gate;
      throw stoppedError(new RequestStopped({ kind: 'disconnect' }), source);
    };
  }

  it('resolves a joining request with its own lookups when the request it joined was stopped', async () => {
    const identity = resolver();
    const gate = deferred<void>();
    const first = identity.resolveMany([ANNA], stoppedRequest(gate.promise));
    const { state, lookup } = silos();
    const second = identity.resolveMany([ANNA], lookup);
    // Joined: no lookup of its own while the first is out.
    expect(state.calls).toBe(0);

    gate.resolve();
    const [[cut], [answer]] = await Promise.all([first, second]);
    expect(cut).toMatchObject({ kind: 'failed', error: { code: 'REQUEST_ABORTED' } });
    expect(answer).toMatchObject({ kind: 'found', customer: { records: [{ source: 'crm', id: '101' }, { source: 'commerce', id: '7001' }] } });
    expect(answer?.kind === 'found' && answer.customer.failures.size).toBe(0);
    expect(state.calls).toBeGreaterThan(0);
  });

  it("still shares a resolution whose failure is the silo's own", async () => {
    const identity = resolver();
    const gate = deferred<void>();
    const down: Lookup = async (source) => {
      await gate.promise;
      throw new SourceError('SOURCE_UNAVAILABLE', source, 'down');
    };
    const first = identity.resolveMany([ANNA], down);
    const { state, lookup } = silos();
    const second = identity.resolveMany([ANNA], lookup);
    gate.resolve();
    const [[a], [b]] = await Promise.all([first, second]);
    expect(a).toMatchObject({ kind: 'failed', error: { code: 'SOURCE_UNAVAILABLE' } });
    expect(b).toBe(a);
    expect(state.calls).toBe(0);
  });
});
