/**
 * What the harness's processes agree on: the question every contender answers, the shape of the
 * people it is asked about, and the messages the silos process sends.
 */
import type { Latency, SimulatorStats } from '../connectors/shared/simulator.js';
import type { GatewayConfig } from '../src/server/config.js';
import type { Source } from '../src/generated/graphql.js';
import { hashApiKey } from '../src/access/credentials.js';
import { SCOPES } from '../src/access/scopes.js';

/**
 * The API key every request of the harness sends (the gateway needs credentials, as in
 * production; the floor and the usual approach ignore it). Fixed, as the harness's processes must
 * agree on it, and only ever trusted by the gateways the harness starts on loopback.
 */
export const BENCH_API_KEY = 'cgw_bench-harness-key-only-trusted-by-bench-gateways';

/** The request headers of the harness: JSON, and {@link BENCH_API_KEY}. */
export const BENCH_HEADERS: Readonly<Record<string, string>> = { 'content-type': 'application/json', authorization: `Bearer ${BENCH_API_KEY}` };

/** AUTH_API_KEYS of a gateway the harness starts: {@link BENCH_API_KEY} with every scope. */
export const BENCH_AUTH_API_KEYS = JSON.stringify([{ name: 'bench', sha256: hashApiKey(BENCH_API_KEY), scopes: SCOPES }]);

/**
 * The question: "the profile of this customer, with loyalty tier and last 5 orders". The gateway
 * and the usual approach get this exact operation; the floor answers the same data without
 * GraphQL.
 */
export const PROFILE_QUERY = `query Profile($id: ID!) {
  customer(id: $id) {
    id
    crm { firstName lastName email }
    loyalty { tier }
    commerce { orders(limit: 5) { name createdAt totalPrice } }
  }
}`;

/** The same selection for many customers at once. */
export const PROFILES_QUERY = `query Profiles($ids: [ID!]!) {
  customers(ids: $ids) {
    id
    crm { firstName lastName email }
    loyalty { tier }
    commerce { orders(limit: 5) { name createdAt totalPrice } }
  }
}`;

/**
 * The journey question: "the first page of this customer's journey (20 touchpoints) with the
 * summary". The gateway gets this exact operation; the journey floor (journey-floor.ts) answers
 * the same data without GraphQL.
 */
export const JOURNEY_QUERY = `query Journey($id: ID!) {
  customer(id: $id) {
    journey(first: 20) {
      edges { cursor node { id occurredAt kind channel source summary amount currency } }
      pageInfo { hasNextPage endCursor }
    }
    journeySummary { touchpoints purchases returns totalSpend currency favouriteStore }
  }
}`;

/** One page of 100 of a journey, from `after`: how the RSS check pages through a long history. */
export const JOURNEY_PAGE_QUERY = `query JourneyPage($id: ID!, $after: String) {
  customer(id: $id) {
    journey(first: 100, after: $after) {
      edges { cursor node { id occurredAt kind channel source summary amount currency } }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;

/**
 * The personalization question (issue 14): "for these customers, the lifecycle stage, the
 * 12-month lifetime value and the segments they are in now", asked for a batch at a time as a
 * personalization engine asks. The personalization floor (personalization-floor.ts) answers the
 * same data without GraphQL.
 */
export const PERSONALIZATION_QUERY = `query Personalization($ids: [ID!]!) {
  customers(ids: $ids) {
    id
    lifecycle { stage }
    clv { value(months: 12) }
    segments { name }
  }
}`;

/** Resolution only: which customers these are, no section fetched (the memory phase). */
export const IDS_ONLY_QUERY = `query Resolve($ids: [ID!]!) { customers(ids: $ids) { id } }`;

/**
 * A person the load is asked about: known to the CRM, the loyalty program and the shop by
 * exactly one record each (from the population's ground truth), outside any household.
 */
export interface BenchPerson {
  crm: string;
  loyalty: string;
  commerce: string;
  /** Their analytics visitors (devices), any number: the journey floor reads their visits. */
  analytics: string[];
}

/**
 * The customer with a long store history that the silos process adds to the load population
 * (silos-child.ts): one loyalty member, in no other silo and not in the truth, with
 * `transactions` store receipts. The journey's RSS check pages through them.
 */
export interface LongHistoryCustomer {
  /** Ask for it as `loyalty:<memberId>`. */
  memberId: string;
  transactions: number;
}

/** What the silos process reports once its simulators listen. */
export interface SilosReady {
  /** Connector configuration pointing at the simulators (as demo/silos.ts builds it). */
  silos: GatewayConfig['silos'];
  /** GET <controlUrl>/stats answers every simulator's call counts (for the gateway's round counter). */
  controlUrl: string;
  populationSize: number;
  generateMs: number;
  /** Every person of the population with exactly one CRM, loyalty and shop record, in truth order. */
  persons: BenchPerson[];
  /** The long-history customer added to the population, or null when none was asked for. */
  longHistory: LongHistoryCustomer | null;
}

export type SiloStats = Record<Source, SimulatorStats>;
export type SiloLatency = Partial<Record<Source, Latency>>;

/** One lookup a gateway connector made, as the round counter saw it (see server-child.ts). */
export interface LookupTrace {
  source: Source;
  /** When the gateway asked (the lookups of one resolution round are asked together). */
  issuedMs: number;
  /** When the lookup's answer came. */
  endMs: number;
  /** Identifiers asked for in this call. */
  identifiers: number;
  /** HTTP calls the silo received while this lookup ran (simulator counts). */
  calls: number;
}

/** How far apart a silo's latency may wander: the `npm start -- --latency` default (25%). */
export function withJitter(fixedMs: number): Latency {
  return { fixedMs, jitterMs: Math.round(fixedMs * 0.25) };
}
