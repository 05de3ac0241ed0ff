/**
 * The golden fields of `Customer` and their provenance. Each field loads only the silos that can
 * supply it (FIELD_SOURCES), in parallel, through the request's loaders, and applies its
 * survivorship rule (src/golden). A failed silo makes a field partial, and null only when no
 * other silo supplied a value.
 */
import type { GraphQLResolveInfo } from 'graphql';
import { badUserInput, inputPrefix } from '../shared/errors.js';
import { pathOf, scopeOfField } from './failures.js';
import type { CustomerResolvers, FieldProvenance, ProvenanceCandidate } from '../generated/graphql.js';
import type { RequestContext } from './context.js';
import type { CustomerParent } from '../identity/resolved-customer.js';
import { loadCluster } from './customer-records.js';
import {
  decideField,
  FIELD_SOURCES,
  GOLDEN_FIELDS,
  goldenField,
  provenanceFields,
  SURVIVING_FIELDS,
  type GoldenField,
  type GoldenRecord,
  type SurvivingField,
} from '../golden/golden-record.js';
import type { FieldDecision } from '../golden/survivorship.js';

type GoldenResolvers = Pick<
  CustomerResolvers<RequestContext, CustomerParent>,
  GoldenField | 'provenance'
>;

export const goldenResolvers: GoldenResolvers = {
  firstName: (customer, _args, ctx, info) => resolveGolden('firstName', customer, ctx, info),
  lastName: (customer, _args, ctx, info) => resolveGolden('lastName', customer, ctx, info),
  displayName: (customer, _args, ctx, info) => resolveGolden('displayName', customer, ctx, info),
  email: (customer, _args, ctx, info) => resolveGolden('email', customer, ctx, info),
  emails: (customer, _args, ctx, info) => resolveGolden('emails', customer, ctx, info),
  phone: (customer, _args, ctx, info) => resolveGolden('phone', customer, ctx, info),
  phones: (customer, _args, ctx, info) => resolveGolden('phones', customer, ctx, info),
  birthDate: (customer, _args, ctx, info) => resolveGolden('birthDate', customer, ctx, info),
  address: (customer, _args, ctx, info) => resolveGolden('address', customer, ctx, info),
  locale: (customer, _args, ctx, info) => resolveGolden('locale', customer, ctx, info),
  createdAt: (customer, _args, ctx, info) => resolveGolden('createdAt', customer, ctx, info),
  provenance: async (customer, { field }, ctx, info) => {
    const fields = field == null ? SURVIVING_FIELDS : provenanceFields(checkField(field));
    const sources = [...new Set(fields.flatMap((f) => FIELD_SOURCES[f]))];
    const { cluster, errors } = await loadCluster(customer, sources, ctx);
    // The provenance itself tells what is partial: the failures are reported once, not thrown.
    for (const error of errors) ctx.failures.note(scopeOfField(customer.goldenId, info), error, pathOf(info));
    const failed = errors.map((e) => e.source);
    return fields.map((f) => toProvenance(f, decideField(cluster, f, ctx.services.golden), FIELD_SOURCES[f].filter((s) => failed.includes(s))));
  },
};

/**
 * One golden field's value (typed per field, as the schema's field is), or null with the first
 * silo failure that made it unknown; failures that only made it partial are noted, not thrown.
 */
async function resolveGolden<F extends GoldenField>(
  field: F,
  customer: CustomerParent,
  ctx: RequestContext,
  info: GraphQLResolveInfo,
): Promise<GoldenRecord[F]['value'] | null> {
  const { cluster, errors } = await loadCluster(customer, FIELD_SOURCES[field], ctx);
  const result: GoldenRecord[F] = goldenField(cluster, field, ctx.services.golden);
  const value: GoldenRecord[F]['value'] = result.value;
  const path = pathOf(info);
  const missing = value === null || (Array.isArray(value) && value.length === 0);
  const [first, ...others] = errors;
  if (missing && first) {
    // Null because a silo failed: the first field to see that failure carries its error.
    for (const error of others) ctx.failures.note(scopeOfField(customer.goldenId, info), error, path);
    const thrown = ctx.failures.claim(scopeOfField(customer.goldenId, info), first, path);
    if (thrown) throw thrown;
    return null;
  }
  for (const error of errors) ctx.failures.note(scopeOfField(customer.goldenId, info), error, path);
  return value;
}

function checkField(field: string): GoldenField {
  const known = GOLDEN_FIELDS.find((f) => f === field);
  if (known) return known;
  throw badUserInput(`provenance(field:) does not know "${inputPrefix(field)}". Golden fields: ${GOLDEN_FIELDS.join(', ')}.`, { argument: 'field' });
}

function toProvenance(
  field: SurvivingField,
  decision: FieldDecision<unknown, unknown>,
  unavailable: FieldProvenance['unavailableSources'],
): FieldProvenance {
  const { winner, rule } = decision;
  return {
    field,
    value: asText(decision.value),
    source: winner?.source ?? null,
    recordId: winner?.recordId ?? null,
    updatedAt: winner?.updatedAt ?? null,
    rule: rule.kind,
    sourceOrder: rule.kind === 'sourcePriority' ? [...rule.order] : null,
    candidates: decision.losers.map(
      (loser): ProvenanceCandidate => ({
        value: asText(loser.value),
        source: loser.source,
        recordId: loser.recordId,
        updatedAt: loser.updatedAt,
        reason: loser.reason,
        detail: loser.detail,
      }),
    ),
    partial: decision.partial,
    unavailableSources: unavailable,
  };
}

/** A value as one line of text: an address joins its parts. */
function asText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'object') {
    const parts = Object.values(value).filter((part) => part !== null && part !== undefined && part !== '');
    return parts.length > 0 ? parts.join(', ') : null;
  }
  return String(value);
}
