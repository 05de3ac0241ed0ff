/**
 * Thin resolvers: parse arguments, ask the per-request loaders, shape the answer. Every silo call
 * goes through a loader, and a section is fetched only when the query selects it.
 */
import type DataLoader from 'dataloader';
import { GraphQLError, responsePathAsArray, type GraphQLResolveInfo } from 'graphql';
import { badUserInput, clientError, ErrorCode, SourceError } from './errors.js';
import { siloRecords } from './customer-records.js';
import { goldenResolvers } from './golden-resolvers.js';
import type { Resolvers, Source } from './generated/graphql.js';
import type { CustomerParent } from './customer.js';
import { parseCustomerId, type CustomerIdInput } from './identity/identifier.js';
import { resolveCustomers, startOf } from './identity/resolve-customer.js';
import type { LimitedListKey, RequestContext } from './context.js';
import { sameSecret } from './secrets.js';
import { DateScalar, DateTimeScalar } from './scalars.js';

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Date: DateScalar,
  Query: {
    customer: async (_root, { id }, ctx) => {
      const [answer] = await resolveCustomers([parseId(id, ctx)], ctx);
      if (answer instanceof GraphQLError) throw answer;
      return answer ?? null;
    },
    customers: async (_root, { ids }, ctx) => {
      if (ids.length > MAX_IDS) {
        throw badUserInput(`customers(ids:) takes at most ${MAX_IDS} ids, got ${ids.length}. Split the list.`, { argument: 'ids' });
      }
      const parsed = ids.map((id) => parseCustomerId(id, ctx.services.normalize));
      const bad = parsed.flatMap((result, index) => (result.ok ? [] : [`ids[${index}]: ${result.message}`]));
      if (bad.length > 0) throw badUserInput(bad.join('\n'), { argument: 'ids' });
      const inputs = parsed.map((result) => (result as { ok: true; value: CustomerIdInput }).value);
      // An Error in a list slot fails that customer alone, with the slot's index in its path.
      return resolveCustomers(inputs, ctx) as Promise<Array<CustomerParent | null>>;
    },
  },
  Mutation: {
    evictCustomer: (_root, { id }, ctx) => {
      requireAdmin(ctx);
      return { evictedIdentifiers: ctx.services.identity.evict(startOf(parseId(id, ctx))) };
    },
  },
  Customer: {
    id: (customer) => customer.goldenId,
    sourceRecords: (customer) => customer.records,
    identities: (customer) => customer.identities,
    crm: (customer, _args, ctx, info) => section(customer, 'crm', ctx.loaders.crm, ctx, info),
    loyalty: (customer, _args, ctx, info) => section(customer, 'loyalty', ctx.loaders.loyalty, ctx, info),
    commerce: (customer, _args, ctx, info) => section(customer, 'commerce', ctx.loaders.commerce, ctx, info),
    analytics: (customer, _args, ctx, info) => section(customer, 'analytics', ctx.loaders.analytics, ctx, info),
    ...goldenResolvers,
  },
  LoyaltyMember: {
    transactions: (member, { limit }, ctx, info) => newest(ctx.loaders.loyaltyTransactions, member.id, limit, ctx, info),
  },
  CommerceCustomer: {
    orders: (customer, { limit }, ctx, info) => newest(ctx.loaders.commerceOrders, customer.id, limit, ctx, info),
  },
  PurchaseLine: {
    // Shop lines name their product; the category lives on it and is fetched only when selected,
    // for every line of the request in one batch. Should that batch fail, the response says so
    // once, at the first line: the categories are what is missing, for every customer alike.
    category: (line, _args, ctx, info) => {
      if (!('productId' in line)) return line.category ?? null;
      if (line.productId === null) return null;
      return orFailure(ctx.loaders.commerceProductCategories.load(line.productId), 'product categories', ctx, info);
    },
  },
  AnalyticsVisitor: {
    visits: (visitor, { limit }) => visitor.visits.slice(0, checkLimit(limit)),
  },
};

/**
 * The records of one silo in the customer's cluster. When that silo failed (during resolution or
 * now) the section is null with the silo's error, not an empty list: records may exist that the
 * gateway could not see.
 */
async function section<T extends { id: string }>(
  customer: CustomerParent,
  source: Source,
  loader: DataLoader<string, T | null>,
  ctx: RequestContext,
  info: GraphQLResolveInfo,
): Promise<T[] | null> {
  const records = await siloRecords(customer, source, loader);
  if (!(records instanceof SourceError)) return records;
  const error = ctx.failures.claim(customer.goldenId, records, responsePathAsArray(info.path).slice());
  if (error) throw error;
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
    const thrown = ctx.failures.claim(key, error, responsePathAsArray(info.path).slice());
    if (thrown) throw thrown;
    return null;
  }
}

const MAX_LIMIT = 100;
const MAX_IDS = 100;

function parseId(id: string, ctx: RequestContext): CustomerIdInput {
  const parsed = parseCustomerId(id, ctx.services.normalize);
  if (!parsed.ok) throw badUserInput(parsed.message, { argument: 'id' });
  return parsed.value;
}

/** Admin operations need the configured bearer token; without one configured they are off. */
function requireAdmin(ctx: RequestContext): void {
  const expected = ctx.services.adminToken;
  if (!expected) {
    throw clientError(ErrorCode.FORBIDDEN, 'Admin operations are off: the gateway has no GATEWAY_ADMIN_TOKEN configured.');
  }
  if (!ctx.bearerToken || !sameSecret(ctx.bearerToken, expected)) {
    throw clientError(ErrorCode.UNAUTHENTICATED, 'This operation needs the header `Authorization: Bearer <GATEWAY_ADMIN_TOKEN>`.');
  }
}

function checkLimit(limit: number | null | undefined): number {
  const value = limit ?? 10;
  if (!Number.isInteger(value) || value < 1 || value > MAX_LIMIT) {
    throw badUserInput(`limit must be a whole number from 1 to ${MAX_LIMIT}, got ${value}.`, { argument: 'limit' });
  }
  return value;
}

export type { RequestContext };
