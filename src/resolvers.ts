/**
 * Thin resolvers: parse arguments, ask the per-request loaders, shape the answer. Every silo call
 * goes through a loader, and a section is fetched only when the query selects it.
 */
import type DataLoader from 'dataloader';
import { GraphQLError, responsePathAsArray, type GraphQLResolveInfo } from 'graphql';
import { badUserInput, clientError, ErrorCode, SourceError } from './errors.js';
import { customerScope, scopeOfField } from './failures.js';
import { siloRecords } from './customer-records.js';
import { goldenResolvers } from './golden-resolvers.js';
import type { Resolvers, Source } from './generated/graphql.js';
import type { CustomerParent } from './customer.js';
import { parseCustomerId, type CustomerIdInput } from './identity/identifier.js';
import { resolveCustomers, startOf } from './identity/resolve-customer.js';
import { SOURCES, type LimitedListKey, type RequestContext } from './context.js';
import { sameSecret } from '../connectors/shared/secrets.js';
import { DateScalar, DateTimeScalar } from './scalars.js';

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Date: DateScalar,
  Query: {
    customer: async (_root, { id }, ctx, info) => {
      const [answer] = await resolveCustomers([parseId(id, ctx)], ctx);
      if (answer instanceof GraphQLError) throw answer;
      if (answer) noteResolutionFailures(answer, pathOf(info), ctx);
      return answer ?? null;
    },
    customers: async (_root, { ids }, ctx, info) => {
      if (ids.length > MAX_IDS) {
        throw badUserInput(`customers(ids:) takes at most ${MAX_IDS} ids, got ${ids.length}. Split the list.`, { argument: 'ids' });
      }
      const parsed = ids.map((id) => parseCustomerId(id, ctx.services.normalize));
      // An Error in a list slot fails that customer alone, with the slot's index in its path: a
      // malformed id as an unknown or ambiguous one, so that one bad id never costs the others.
      const slots: Array<CustomerParent | null | GraphQLError> = parsed.map((result, index) =>
        result.ok ? null : badUserInput(`ids[${index}]: ${result.message}`, { argument: 'ids' }),
      );
      const wellFormed = parsed.flatMap((result, index) => (result.ok ? [{ index, input: result.value }] : []));
      if (wellFormed.length > 0) {
        const answers = await resolveCustomers(wellFormed.map((slot) => slot.input), ctx);
        const path = pathOf(info);
        wellFormed.forEach(({ index }, i) => {
          const answer = answers[i]!;
          slots[index] = answer;
          if (answer && !(answer instanceof GraphQLError)) noteResolutionFailures(answer, [...path, index], ctx);
        });
      }
      return slots;
    },
  },
  Mutation: {
    evictCustomer: (_root, { id }, ctx) => {
      requireAdmin(ctx);
      const start = startOf(parseId(id, ctx));
      const evictedIdentifiers = ctx.services.identity.evict(start);
      // The audit trail of a data-protection action: what kind of identifier and how many links
      // went, never the identifier's value (an email, a phone).
      ctx.services.logger.info('customer evicted', { identifierType: start.type, evictedIdentifiers });
      return { evictedIdentifiers };
    },
  },
  Customer: {
    id: (customer) => customer.goldenId,
    resolution: (customer) => ({
      complete: customer.failures.size === 0,
      unavailableSources: SOURCES.filter((source) => customer.failures.has(source)),
      truncated: customer.truncated,
    }),
    sourceRecords: (customer) =>
      customer.records.map((record) => ({ key: `${record.source}:${record.id}`, source: record.source, recordId: record.id })),
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
 * The silos that failed while a customer was being resolved, noted at the customer's path: the
 * answer then tells them whatever is selected (even only `id`). A field that is null because of
 * one claims its error instead (see failures.ts); the others are added once, at the end.
 */
function noteResolutionFailures(customer: CustomerParent, path: Path, ctx: RequestContext): void {
  for (const source of SOURCES) {
    const error = customer.failures.get(source);
    if (error) ctx.failures.note(customerScope(customer.goldenId, path), error, path);
  }
}

/**
 * The records of one silo in the customer's cluster. When that silo failed (during resolution or
 * now) the section is null with the silo's error, not an empty list: records may exist that the
 * gateway could not see. For the same reason, when another silo failed during resolution, a
 * section without records is null with that silo's error (its records may be linked to the
 * customer through the failed silo, as a device is through its shop account); a section with
 * records answers them, and `resolution.complete: false` says they may be incomplete.
 */
async function section<T extends { id: string }>(
  customer: CustomerParent,
  source: Source,
  loader: DataLoader<string, T | null>,
  ctx: RequestContext,
  info: GraphQLResolveInfo,
): Promise<T[] | null> {
  const records = await siloRecords(customer, source, loader);
  if (records instanceof SourceError) return nullBecause([records], customer, ctx, info);
  if (records.length === 0 && customer.failures.size > 0) {
    return nullBecause(SOURCES.flatMap((s) => customer.failures.get(s) ?? []), customer, ctx, info);
  }
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

type Path = Array<string | number>;

function pathOf(info: GraphQLResolveInfo): Path {
  return responsePathAsArray(info.path).slice();
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
    ctx.services.logger.warn('admin operation refused', { reason: 'no GATEWAY_ADMIN_TOKEN configured' });
    throw clientError(ErrorCode.FORBIDDEN, 'Admin operations are off: the gateway has no GATEWAY_ADMIN_TOKEN configured.');
  }
  if (!ctx.bearerToken || !sameSecret(ctx.bearerToken, expected)) {
    // Never the token that came: a wrong one may be another system's secret.
    ctx.services.logger.warn('admin operation refused', { reason: ctx.bearerToken ? 'wrong bearer token' : 'no bearer token' });
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
