/**
 * The customer's own fields and its silo sections: each section is fetched only when selected,
 * through the request's loaders; a failed silo nulls only its own section, with its error.
 */
import type DataLoader from 'dataloader';
import type { GraphQLResolveInfo } from 'graphql';
import { badUserInput, SourceError } from '../shared/errors.js';
import { pathOf, scopeOfField } from './failures.js';
import { siloRecords, type SiloRecordTypes } from './customer-records.js';
import { consentResolvers, gatePersonalization } from './consent-gate.js';
import { goldenResolvers } from './golden.js';
import { preferencesResolvers } from './preferences.js';
import { insightArgumentChecks, insightResolvers } from './insights.js';
import { journeyResolvers } from './journey.js';
import { segmentArgumentChecks, segmentCustomerResolvers } from './segments.js';
import type { AnalyticsVisitorResolvers, CommerceCustomerResolvers, CustomerResolvers, LoyaltyMemberResolvers, PurchaseLineResolvers, Source } from '../generated/graphql.js';
import type { CustomerParent } from '../identity/resolved-customer.js';
import { SOURCES, type LimitedListKey, type RequestContext } from './context.js';

/** The most items a list field (`limit`) answers. */
export const MAX_LIST_LIMIT = 100;

/**
 * Every field of Customer. The personalization outputs are behind the profiling consent gate,
 * applied here once for all of them (consent-gate.ts).
 */
export const customerResolvers: CustomerResolvers = gatePersonalization({
  id: (customer) => customer.goldenId,
  resolution: (customer) => ({
    complete: customer.failures.size === 0,
    unavailableSources: SOURCES.filter((source) => customer.failures.has(source)),
    truncated: customer.truncated,
  }),
  sourceRecords: (customer) =>
    customer.records.map((record) => ({ key: `${record.source}:${record.id}`, source: record.source, recordId: record.id })),
  identities: (customer) => customer.identities,
  crm: (customer, _args, ctx, info) => section(customer, 'crm', ctx, info),
  loyalty: (customer, _args, ctx, info) => section(customer, 'loyalty', ctx, info),
  commerce: (customer, _args, ctx, info) => section(customer, 'commerce', ctx, info),
  analytics: (customer, _args, ctx, info) => section(customer, 'analytics', ctx, info),
  ...goldenResolvers,
  ...journeyResolvers,
  ...insightResolvers,
  ...segmentCustomerResolvers,
  ...preferencesResolvers,
  ...consentResolvers,
}, { ...segmentArgumentChecks, ...insightArgumentChecks });

export const loyaltyMemberResolvers: LoyaltyMemberResolvers = {
  transactions: (member, { limit }, ctx, info) => newest(ctx.loaders.loyaltyTransactions, member.id, limit, ctx, info),
};

export const commerceCustomerResolvers: CommerceCustomerResolvers = {
  orders: (customer, { limit }, ctx, info) => newest(ctx.loaders.commerceOrders, customer.id, limit, ctx, info),
};

export const purchaseLineResolvers: PurchaseLineResolvers = {
  // Shop lines name their product; the category lives on it and is fetched only when selected,
  // for every line of the request in one batch. Should that batch fail, the response says so
  // once, at the first line: the categories are what is missing, for every customer alike.
  category: (line, _args, ctx, info) => {
    if (!('productId' in line)) return line.category ?? null;
    if (line.productId === null) return null;
    return orFailure(ctx.loaders.commerceProductCategories.load(line.productId), 'product categories', ctx, info);
  },
};

export const analyticsVisitorResolvers: AnalyticsVisitorResolvers = {
  visits: (visitor, { limit }) => visitor.visits.slice(0, checkLimit(limit)),
};

/**
 * The records of one silo in the customer's cluster. When that silo failed (during resolution or
 * now) the section is null with the silo's error, not an empty list: records may exist that the
 * gateway could not see. For the same reason, when another silo failed during resolution, a
 * section without records is null with that silo's error (its records may be linked to the
 * customer through the failed silo, as a device is through its shop account); a section with
 * records answers them, and `resolution.complete: false` says they may be incomplete.
 */
async function section<S extends Source>(customer: CustomerParent, source: S, ctx: RequestContext, info: GraphQLResolveInfo): Promise<Array<SiloRecordTypes[S]> | null> {
  // A silo without known records while another failed during resolution comes back as that failure (siloRecords).
  const records = await siloRecords(customer, source, ctx);
  if (records instanceof SourceError) return nullBecause([records], customer, ctx, info);
  return records;
}

/** Null, with the first of these failures that no field of the customer reported yet (the others stay noted). */
function nullBecause(errors: readonly SourceError[], customer: CustomerParent, ctx: RequestContext, info: GraphQLResolveInfo): null {
  const path = pathOf(info);
  for (const error of errors) {
    const thrown = ctx.failures.claim(scopeOfField(customer.goldenId, info), error, path);
    if (thrown) throw thrown;
  }
  return null;
}

/** A record's newest list items (orders, transactions), as many as `limit` asks, or null when the silo failed. */
function newest<T>(
  loader: DataLoader<LimitedListKey, T[], string>,
  id: string,
  limit: number | null | undefined,
  ctx: RequestContext,
  info: GraphQLResolveInfo,
): Promise<T[] | null> {
  return orFailure(loader.load({ id, limit: checkLimit(limit) }), id, ctx, info);
}

/**
 * A value fetched on demand from a silo, or null with the silo's error (reported once per silo)
 * when the silo failed: the rest of the answer stands.
 */
async function orFailure<T>(value: Promise<T>, key: string, ctx: RequestContext, info: GraphQLResolveInfo): Promise<T | null> {
  try {
    return await value;
  } catch (error) {
    if (!(error instanceof SourceError)) throw error;
    const thrown = ctx.failures.claim(key, error, pathOf(info));
    if (thrown) throw thrown;
    return null;
  }
}

function checkLimit(limit: number | null | undefined): number {
  const value = limit ?? 10;
  if (!Number.isInteger(value) || value < 1 || value > MAX_LIST_LIMIT) {
    throw badUserInput(`limit must be a whole number from 1 to ${MAX_LIST_LIMIT}, got ${value}.`, { argument: 'limit' });
  }
  return value;
}
