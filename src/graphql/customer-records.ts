/**
 * The silo records of a customer's cluster, loaded through the request's DataLoaders, only from
 * the silos asked for. A silo that failed (during resolution or now) comes back as a failure,
 * not as "no records"; so does a silo without known records while the resolution is incomplete
 * (unknownRecordsCause).
 */
import type DataLoader from 'dataloader';
import { SourceError } from '../shared/errors.js';
import type { Source } from '../generated/graphql.js';
import { SOURCES, type RequestContext } from './context.js';
import type { CustomerParent } from '../identity/resolved-customer.js';
import type { ClusterRecords, SiloFailure } from '../golden/golden-record.js';
import type { AnalyticsVisitorRecord, CommerceCustomerRecord, CrmContactRecord, LoyaltyMemberRecord } from '../../connectors/types.js';

export interface LoadedCluster {
  cluster: ClusterRecords;
  /** The failures of the silos asked for, in silo order. */
  errors: SourceError[];
}

/** The ids of the customer's records in one silo, in the cluster's order. */
export function recordIdsIn(customer: CustomerParent, source: Source): string[] {
  return customer.records.filter((record) => record.source === source).map((record) => record.id);
}

/** The record type of each silo's loader (context.ts RequestLoaders). */
export interface SiloRecordTypes {
  crm: CrmContactRecord;
  loyalty: LoyaltyMemberRecord;
  commerce: CommerceCustomerRecord;
  analytics: AnalyticsVisitorRecord;
}

/**
 * The customer's records in one silo, or the SourceError that keeps them unknown. Loaded once per
 * request, customer and silo, however many fields ask (the consent gate, the segments' features,
 * the journey's record streams, a section): the answer is the same, and each field asking anew
 * cost an async call, a load and a list of its own. The list is shared: callers do not change it.
 */
export function siloRecords<S extends Source>(customer: CustomerParent, source: S, ctx: RequestContext): Promise<Array<SiloRecordTypes[S]> | SourceError> {
  const memo = (ctx.siloRecords ??= new Map());
  let bySource = memo.get(customer);
  if (bySource === undefined) {
    bySource = {};
    memo.set(customer, bySource);
  }
  return (bySource[source] ??= loadRecords(customer, source, ctx.loaders[source] as DataLoader<string, SiloRecordTypes[S] | null>)) as Promise<
    Array<SiloRecordTypes[S]> | SourceError
  >;
}

/**
 * Why the customer's records in `source` are unknown, or undefined when they are known (an empty
 * list then means none): the silo failed while the customer was resolved (its own failure), or
 * another silo did and no record is known in this one (the resolution's first failure, in silo
 * order): records here may be linked to the customer only through the silo that failed (Matomo
 * visitors through a shop id, a membership through a CRM contact), so "none found" is not "none".
 * A silo with records answers them; `Customer.resolution.complete: false` says more may exist.
 */
export function unknownRecordsCause(customer: CustomerParent, source: Source): SourceError | undefined {
  const own = customer.failures.get(source);
  if (own !== undefined || customer.failures.size === 0) return own;
  if (customer.records.some((record) => record.source === source)) return undefined;
  return resolutionFailure(customer);
}

/** The first failure of the customer's resolution, in silo order; undefined when every silo answered. */
export function resolutionFailure(customer: CustomerParent): SourceError | undefined {
  if (customer.failures.size === 0) return undefined;
  return SOURCES.map((s) => customer.failures.get(s)).find((failure) => failure !== undefined);
}

async function loadRecords<T extends { id: string }>(customer: CustomerParent, source: Source, loader: DataLoader<string, T | null>): Promise<T[] | SourceError> {
  const unknown = unknownRecordsCause(customer, source);
  if (unknown) return unknown;
  const ids = recordIdsIn(customer, source);
  if (ids.length === 1) {
    // The usual case, one record in this silo: one load, without loadMany's promise per key.
    try {
      const record = await loader.load(ids[0]!);
      return record ? [record] : [];
    } catch (error) {
      if (error instanceof SourceError) return error;
      throw error;
    }
  }
  const results = await loader.loadMany(ids);
  const records = new Map<string, T>();
  for (const result of results) {
    if (result instanceof SourceError) return result;
    if (result instanceof Error) throw result;
    // A record merged in its silo comes back under its survivor's id: list it once.
    if (result) records.set(result.id, result);
  }
  return [...records.values()];
}

/** The records of the silos in `sources`, in parallel; the other silos as empty. */
export async function loadCluster(customer: CustomerParent, sources: readonly Source[], ctx: RequestContext): Promise<LoadedCluster> {
  const errors: SourceError[] = [];
  const load = async <S extends Source>(source: S): Promise<Array<SiloRecordTypes[S]> | SiloFailure> => {
    if (!sources.includes(source)) return [];
    const records = await siloRecords(customer, source, ctx);
    if (!(records instanceof SourceError)) return records;
    errors.push(records);
    return { failed: source };
  };
  const [crm, loyalty, commerce, analytics] = await Promise.all([load('crm'), load('loyalty'), load('commerce'), load('analytics')]);
  // Silo order, whatever order the silos answered in.
  errors.sort((a, b) => SOURCES.indexOf(a.source) - SOURCES.indexOf(b.source));
  return { cluster: { crm, loyalty, commerce, analytics }, errors };
}
