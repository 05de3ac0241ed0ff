import { describe, expect, it } from 'vitest';
import { JOURNEY_STREAMS } from '../journey/touchpoint.js';
import { slowestSiloFirst } from './histories.js';

describe('slowestSiloFirst', () => {
  it('puts the streams of the slowest silo first, keeps the journey order among a silo\'s streams, and an untimed silo last', () => {
    const latency = { crm: 20, loyalty: null, commerce: 40, analytics: 60 } as const;
    expect(slowestSiloFirst(JOURNEY_STREAMS, (source) => latency[source])).toEqual([
      'analytics.visits',
      'analytics.logins',
      'commerce.customers',
      'commerce.orders',
      'crm.contacts',
      'loyalty.members',
      'loyalty.transactions',
      'loyalty.redemptions',
    ]);
  });

  it('keeps the given order when no silo is timed yet', () => {
    expect(slowestSiloFirst(JOURNEY_STREAMS, () => null)).toEqual([...JOURNEY_STREAMS]);
  });
});
