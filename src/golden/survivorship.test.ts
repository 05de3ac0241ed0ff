import { describe, expect, it } from 'vitest';
import { cleanText } from './clean.js';
import { distinctValues, isEmpty, survive, type Candidate, type Cleaned, type Rule } from './survivorship.js';

const text = { clean: cleanText };
const byPriority: Rule = { kind: 'sourcePriority', order: ['crm', 'commerce', 'loyalty'] };

function candidate(source: Candidate<string>['source'], recordId: string, value: string | null, times: { updatedAt?: string; createdAt?: string } = {}): Candidate<string> {
  return { source, recordId, value, ...times };
}

/** Candidates without times, each written `silo:recordId=value`. */
function held(...specs: string[]): Array<Candidate<string>> {
  return specs.map((spec) => {
    const [, source, recordId, value] = /^(\w+):([^=]+)=(.*)$/s.exec(spec)!;
    return candidate(source as Candidate<string>['source'], recordId!, value!);
  });
}

/** Reason per record, for compact assertions. */
function reasons(losers: ReadonlyArray<{ source: string; recordId: string; reason: string }>): string[] {
  return losers.map((l) => `${l.source}:${l.recordId} ${l.reason}`);
}

describe('sourcePriority', () => {
  it('takes the value of the first silo in the order, whatever order the candidates come in', () => {
    const candidates = held('loyalty:L1=Léa', 'commerce:7=Lea', 'crm:101=Léa-Marie');
    const decision = survive('firstName', candidates, byPriority, text);
    expect(decision.value).toBe('Léa-Marie');
    expect(decision.winner).toEqual({ source: 'crm', recordId: '101', updatedAt: null });
    expect(reasons(decision.losers)).toEqual(['commerce:7 lowerPriority', 'loyalty:L1 lowerPriority']);
    expect(decision.losers[0]!.detail).toBe('commerce ranks below crm in crm > commerce > loyalty');
    expect(survive('firstName', candidates.slice().reverse(), byPriority, text).winner).toEqual(decision.winner);
  });

  it('ranks silos the order leaves out after it, in the tie-break order', () => {
    const decision = survive('x', [candidate('analytics', 'v1', 'a'), candidate('loyalty', 'L1', 'b')], { kind: 'sourcePriority', order: ['crm'] }, text);
    expect(decision.value).toBe('b');
    expect(decision.losers[0]!.detail).toBe('analytics is not in crm, so it comes after loyalty');
  });

  it('within one silo takes the most recently updated record, then the smaller record id', () => {
    const newer = survive('x', [candidate('crm', '1', 'old', { updatedAt: '2024-01-01T00:00:00Z' }), candidate('crm', '2', 'new', { updatedAt: '2025-01-01T00:00:00Z' })], byPriority, text);
    expect(newer.value).toBe('new');
    expect(reasons(newer.losers)).toEqual(['crm:1 older']);

    const same = '2025-01-01T00:00:00Z';
    const tie = survive('x', [candidate('crm', '10', 'ten', { updatedAt: same }), candidate('crm', '9', 'nine', { updatedAt: same })], byPriority, text);
    expect(tie.value).toBe('nine'); // numeric ids: 9 before 10
    expect(reasons(tie.losers)).toEqual(['crm:10 tieBreak']);
    expect(tie.losers[0]!.detail).toBe('a tie: record 10 comes after record 9');
  });

  it('within one record takes the value listed first', () => {
    const decision = survive('phone', [candidate('crm', '1', 'mobile'), candidate('crm', '1', 'landline')], byPriority, text);
    expect(decision.value).toBe('mobile');
    expect(decision.losers[0]!.detail).toBe('listed after the winning value in the same record');
  });
});

describe('mostRecent', () => {
  const rule: Rule = { kind: 'mostRecent' };

  it('takes the latest updatedAt; a record without one counts as the oldest', () => {
    const decision = survive('x', [
      candidate('crm', '1', 'a', { updatedAt: '2024-05-01T00:00:00Z' }),
      candidate('loyalty', 'L', 'b'),
      candidate('commerce', '3', 'c', { updatedAt: '2025-02-01T10:00:00+01:00' }),
    ], rule, text);
    expect(decision.value).toBe('c');
    expect(decision.winner).toEqual({ source: 'commerce', recordId: '3', updatedAt: '2025-02-01T10:00:00+01:00' });
    expect(reasons(decision.losers)).toEqual(['crm:1 older', 'loyalty:L older']);
    expect(decision.losers[1]!.detail).toBe('updated at an unknown time, before 2025-02-01T10:00:00+01:00');
  });

  it('breaks equal timestamps by silo priority, then by record id', () => {
    const at = { updatedAt: '2025-01-01T00:00:00.000Z' };
    const sameInstant = { updatedAt: '2025-01-01T01:00:00+01:00' };
    const decision = survive('x', [candidate('loyalty', 'L', 'a', at), candidate('crm', '5', 'b', sameInstant), candidate('crm', '4', 'c', at)], rule, text);
    expect(decision.value).toBe('c');
    expect(reasons(decision.losers)).toEqual(['crm:5 tieBreak', 'loyalty:L lowerPriority']);
  });

  it('is deterministic when no candidate has a timestamp', () => {
    const decision = survive('x', [candidate('commerce', '2', 'a'), candidate('crm', '8', 'b')], rule, text);
    expect(decision.value).toBe('b');
    expect(reasons(decision.losers)).toEqual(['commerce:2 lowerPriority']);
  });

  it('uses the tie-break order it is given', () => {
    const decision = survive('x', [candidate('crm', '1', 'a'), candidate('loyalty', 'L', 'b')], rule, { ...text, tieBreak: ['loyalty', 'crm', 'commerce', 'analytics'] });
    expect(decision.value).toBe('b');
  });
});

describe('firstSeen', () => {
  const rule: Rule = { kind: 'firstSeen' };

  it('takes the earliest createdAt; a record without one counts as the newest', () => {
    const decision = survive('x', [
      candidate('crm', '1', 'a', { createdAt: '2021-01-01T00:00:00Z' }),
      candidate('loyalty', 'L', 'b', { createdAt: '2019-06-01T00:00:00Z' }),
      candidate('commerce', '3', 'c'),
    ], rule, text);
    expect(decision.value).toBe('b');
    expect(reasons(decision.losers)).toEqual(['crm:1 newer', 'commerce:3 newer']);
  });

  it('breaks equal creation times by silo priority', () => {
    const at = { createdAt: '2020-01-01T00:00:00Z' };
    expect(survive('x', [candidate('loyalty', 'L', 'a', at), candidate('commerce', '3', 'b', at)], rule, text).value).toBe('b');
  });
});

describe('mostFrequent', () => {
  const rule: Rule = { kind: 'mostFrequent' };

  it('takes the value most candidates hold, compared normalized', () => {
    const decision = survive('city', held('crm:1=Paris', 'loyalty:L=PARIS', 'commerce:3=paris ', 'crm:2=Lyon'), rule, text);
    expect(decision.value).toBe('Paris');
    // Losers come in rank order: the winner's other holders first, as they count 3 too.
    expect(reasons(decision.losers)).toEqual(['commerce:3 duplicate', 'loyalty:L duplicate', 'crm:2 lessFrequent']);
    expect(decision.losers[2]!.detail).toBe('held by 1 record(s), the winner by 3');
  });

  it('gives equal counts to the value whose best holder ranks first by silo, then by record id', () => {
    const bySilo = survive('x', held('loyalty:L=a', 'commerce:3=b', 'analytics:v=a', 'loyalty:M=b'), rule, text);
    expect(bySilo.value).toBe('b');
    expect(bySilo.winner?.source).toBe('commerce');

    const byId = survive('x', [candidate('crm', '12', 'a'), candidate('crm', '11', 'b')], rule, text);
    expect(byId.value).toBe('b');
  });

  it('counts records, not values: one record holding a value twice counts once', () => {
    const decision = survive('email', held('crm:1=a', 'crm:1=A', 'loyalty:L=b', 'commerce:2=b'), rule, text);
    expect(decision.value).toBe('b');
    expect(decision.losers.find((l) => l.reason === 'lessFrequent')?.detail).toBe('held by 1 record(s), the winner by 2');
  });
});

describe('values that cannot win', () => {
  it('sets aside empty and blocked values under every rule, and says why', () => {
    const kinds: Rule[] = [byPriority, { kind: 'mostRecent' }, { kind: 'mostFrequent' }, { kind: 'firstSeen' }];
    for (const rule of kinds) {
      const decision = survive('lastName', [
        candidate('crm', '1', null, { updatedAt: '2026-01-01T00:00:00Z', createdAt: '2000-01-01T00:00:00Z' }),
        candidate('crm', '2', '   '),
        candidate('crm', '3', 'n/a', { updatedAt: '2026-01-01T00:00:00Z', createdAt: '2000-01-01T00:00:00Z' }),
        candidate('crm', '4', '-'),
        candidate('loyalty', 'L', 'Martin'),
      ], rule, text);
      expect(decision.value, rule.kind).toBe('Martin');
      expect(reasons(decision.losers)).toEqual(['crm:1 empty', 'crm:2 empty', 'crm:3 blocked', 'crm:4 blocked']);
      expect(decision.losers[2]!.detail).toBe('"n/a" is a placeholder, not a real value');
    }
  });

  it('keeps values the clean function calls invalid out, and returns no winner when nothing is usable', () => {
    const digits = (raw: string): Cleaned<string> => (/^\d+$/.test(raw) ? { ok: true, value: raw } : { ok: false, reason: 'invalid', detail: 'not digits' });
    const decision = survive('code', [candidate('crm', '1', 'abc'), candidate('crm', '2', '')], byPriority, { clean: digits });
    expect(decision).toEqual({
      field: 'code',
      value: null,
      winner: null,
      rule: byPriority,
      losers: [
        { source: 'crm', recordId: '1', updatedAt: null, value: 'abc', reason: 'invalid', detail: 'not digits' },
        { source: 'crm', recordId: '2', updatedAt: null, value: '', reason: 'empty', detail: 'no value' },
      ],
      partial: false,
    });
  });

  it('marks as duplicates the values equal to the winner once normalized', () => {
    const decision = survive('x', [candidate('crm', '1', 'Anna'), candidate('loyalty', 'L', ' anna ')], byPriority, text);
    expect(reasons(decision.losers)).toEqual(['loyalty:L duplicate']);
  });

  it('treats an object whose parts are all empty as empty', () => {
    expect(isEmpty({ street: ' ', city: null, __typename: 'PostalAddress' })).toBe(true);
    expect(isEmpty({ street: null, city: 'Lyon' })).toBe(false);
    expect(isEmpty([])).toBe(true);
    expect(isEmpty(0)).toBe(false);
  });
});

describe('partial', () => {
  it('is true when a silo that could supply the field failed, and the value is still chosen from the others', () => {
    const decision = survive('x', [candidate('crm', '1', 'a')], byPriority, { ...text, unavailable: ['loyalty'] });
    expect(decision.partial).toBe(true);
    expect(decision.value).toBe('a');
    expect(survive('x', [candidate('crm', '1', 'a')], byPriority, text).partial).toBe(false);
  });
});

describe('distinctValues', () => {
  it('lists the winner first, then the other usable values in rank order, once each', () => {
    const decision = survive('email', held('loyalty:L=c', 'crm:1=a', 'commerce:2=B', 'commerce:3=b', 'crm:1=n/a', 'loyalty:M=A'), byPriority, text);
    expect(distinctValues(decision, text)).toEqual(['a', 'B', 'c']);
  });

  it('is empty when nothing survived', () => {
    expect(distinctValues(survive('x', [candidate('crm', '1', null)], byPriority, text), text)).toEqual([]);
  });
});

it('ends its switch over rule kinds in an exhaustiveness check', () => {
  expect(() => survive('x', [candidate('crm', '1', 'a')], { kind: 'newest' } as unknown as Rule, text)).toThrow('Unhandled survivorship rule: {"kind":"newest"}');
});
