/**
 * `Query` and `Mutation`: parse the ids, resolve the customers (one batch for a list), and the
 * admin operations behind the `admin` scope.
 */
import { GraphQLError } from 'graphql';
import { badUserInput, clientError, ErrorCode } from '../shared/errors.js';
import { customerScope, pathOf, type Path } from './failures.js';
import type { MutationResolvers, QueryResolvers } from '../generated/graphql.js';
import type { CustomerParent } from '../identity/resolved-customer.js';
import { parseCustomerId, type CustomerIdInput } from '../identity/identifier.js';
import { resolveCustomers, startOf } from './resolve-customer.js';
import { startSelectedHistories } from './histories.js';
import { SOURCES, type RequestContext } from './context.js';

/** The most ids `customers(ids:)` takes in one call. */
const MAX_IDS = 100;

export const queryResolvers: QueryResolvers = {
  customer: async (_root, { id }, ctx, info) => {
    const input = parseId(id, ctx);
    const refused = lookupRefusal(input, ctx);
    if (refused) throw refused;
    const [answer] = await resolveCustomers([input], ctx);
    noteLookup(input, answer, ctx);
    if (answer instanceof GraphQLError) throw answer;
    if (answer) {
      const path = pathOf(info);
      ctx.audit.customerAt(path, answer.goldenId);
      noteResolutionFailures(answer, path, ctx);
      startSelectedHistories([answer], ctx, info);
    }
    return answer ?? null;
  },
  customers: async (_root, { ids }, ctx, info) => {
    if (ids.length > MAX_IDS) {
      throw badUserInput(`customers(ids:) takes at most ${MAX_IDS} ids, got ${ids.length}. Split the list.`, { argument: 'ids' });
    }
    const parsed = ids.map((id) => parseCustomerId(id, ctx.services.normalize));
    // An Error in a list slot fails that customer alone, with the slot's index in its path: a
    // malformed id as an unknown or ambiguous one, so that one bad id never costs the others.
    // An email:/phone: id without pii:read fails its slot the same way, and no silo is asked for it.
    const slots: Array<CustomerParent | null | GraphQLError> = parsed.map((result, index) =>
      result.ok ? lookupRefusal(result.value, ctx, index) : badUserInput(`ids[${index}]: ${result.message}`, { argument: 'ids' }),
    );
    const wellFormed = parsed.flatMap((result, index) => (result.ok && slots[index] === null ? [{ index, input: result.value }] : []));
    if (wellFormed.length > 0) {
      const answers = await resolveCustomers(wellFormed.map((slot) => slot.input), ctx);
      const path = pathOf(info);
      wellFormed.forEach(({ index, input }, i) => {
        const answer = answers[i]!;
        slots[index] = answer;
        noteLookup(input, answer, ctx);
        if (answer && !(answer instanceof GraphQLError)) {
          ctx.audit.customerAt([...path, index], answer.goldenId);
          noteResolutionFailures(answer, [...path, index], ctx);
        }
      });
      startSelectedHistories(
        slots.filter((slot): slot is CustomerParent => slot !== null && !(slot instanceof GraphQLError)),
        ctx,
        info,
      );
    }
    return slots;
  },
};

export const mutationResolvers: MutationResolvers = {
  evictCustomer: (_root, { id }, ctx) => {
    requireAdmin(ctx);
    const input = parseId(id, ctx);
    // How many links went tells whether that email or phone was looked up lately: the same
    // personal data as a lookup, under the same scope.
    const refused = lookupRefusal(input, ctx, undefined, 'Evicting a customer');
    if (refused) throw refused;
    const start = startOf(input);
    const evictedIdentifiers = ctx.services.identity.evict(start);
    // The audit trail of a data-protection action: who, what kind of identifier and how many
    // links went, never the identifier's value (an email, a phone).
    ctx.services.logger.info('customer evicted', { client: ctx.access.client, kind: ctx.access.kind, identifierType: start.type, evictedIdentifiers });
    return { evictedIdentifiers };
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
 * Whether looking this id up is refused: an email or a phone tells whether that person is a
 * customer (found or not), which is personal data itself, so it needs pii:read. The error names
 * the scope, never the email or phone. `index` is the slot of `customers(ids:)`.
 */
function lookupRefusal(input: CustomerIdInput, ctx: RequestContext, index?: number, action = 'Looking a customer up'): GraphQLError | null {
  if (input.kind !== 'identifier') return null;
  const { type } = input.identifier;
  if ((type !== 'email' && type !== 'phone') || ctx.access.scopes.has('pii:read')) return null;
  const which = index === undefined ? '' : `ids[${index}]: `;
  return clientError(
    ErrorCode.FORBIDDEN,
    `${which}${action} by ${type} needs the scope "pii:read", which this client does not hold: it tells whether that person is a customer. Use a record key, a card or a golden id.`,
    { requiredScopes: [['pii:read']] },
  );
}

/** An email:/phone: lookup goes to the access log, with the customer it found. */
function noteLookup(input: CustomerIdInput, answer: CustomerParent | null | GraphQLError | undefined, ctx: RequestContext): void {
  if (input.kind !== 'identifier') return;
  const { type } = input.identifier;
  if (type !== 'email' && type !== 'phone') return;
  ctx.audit.lookedUp(type, answer && !(answer instanceof GraphQLError) ? answer.goldenId : null);
}

function parseId(id: string, ctx: RequestContext): CustomerIdInput {
  const parsed = parseCustomerId(id, ctx.services.normalize);
  if (!parsed.ok) throw badUserInput(parsed.message, { argument: 'id' });
  return parsed.value;
}

/** Admin operations need the `admin` scope in the request's grant (a JWT's scope claim, an API key's scopes). */
function requireAdmin(ctx: RequestContext): void {
  if (ctx.access.scopes.has('admin')) return;
  ctx.services.logger.warn('admin operation refused', { reason: 'no admin scope', client: ctx.access.client, kind: ctx.access.kind });
  throw clientError(ErrorCode.FORBIDDEN, 'This operation needs the admin scope, which this client\'s credentials do not grant.', { scope: 'admin' });
}
