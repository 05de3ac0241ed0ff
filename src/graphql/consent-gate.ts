/**
 * `Customer.consent`, `Customer.marketingChannels`, and the consent gate of the personalization
 * outputs.
 *
 * The gate: every resolver of an output that profiles the customer ({@link PERSONALIZATION_FIELDS}:
 * segments, inSegment, lifecycle, clv, rfm, preferences) is wrapped once, where the Customer
 * resolver map is assembled ({@link gatePersonalization} in customer.ts), so that no such field
 * can be added or called without it. Before the wrapped resolver reads anything, the customer's
 * golden profiling consent is decided from the silos that hold it (src/golden/consent.ts); when
 * PROFILING_CONSENT says it withholds them, the field is null with CONSENT_REQUIRED and the
 * resolver never runs: no purchase history is read for it. The rest of the answer stands.
 */
import { GraphQLError, type GraphQLResolveInfo, type GraphQLSchema } from 'graphql';
import type { ConsentPurpose as SchemaConsentPurpose, CustomerResolvers, FieldProvenance, PurposeConsent as SchemaPurposeConsent, Source } from '../generated/graphql.js';
import { CONSENT_SOURCES, goldenConsent, marketingChannels, profilingAllowed, type ConsentPurpose, type PurposeConsent } from '../golden/consent.js';
import type { CustomerParent } from '../identity/resolved-customer.js';
import { clientError, ErrorCode, SourceError } from '../shared/errors.js';
import type { CommerceCustomerRecord, CrmContactRecord, CrmSubscriptionStatusRecord, LoyaltyMemberRecord } from '../../connectors/types.js';
import { oncePerCustomer, type ConsentRead, type RequestContext } from './context.js';
import { siloRecords } from './customer-records.js';
import { reportFailures } from './failures.js';
import { guardAllows } from './scope-guard.js';

/** The Customer fields that profile the customer: withheld without profiling consent. */
export const PERSONALIZATION_FIELDS = ['segments', 'inSegment', 'lifecycle', 'clv', 'rfm', 'preferences'] as const;
type PersonalizationField = (typeof PERSONALIZATION_FIELDS)[number];

/**
 * The customer's golden consent from the given silos (those not asked are read as holding
 * nothing), read once per request and set of silos. A silo that fails is in `failures`, and
 * makes the purposes it could decide partial.
 */
export function consentOf(customer: CustomerParent, ctx: RequestContext, sources: readonly Source[]): Promise<ConsentRead> {
  return oncePerCustomer((ctx.consents ??= new Map()), customer, [...sources].sort().join(' '), () => ctx.loaders.pending.track(readConsent(customer, ctx, sources)));
}

async function readConsent(customer: CustomerParent, ctx: RequestContext, sources: readonly Source[]): Promise<ConsentRead> {
  const { loaders } = ctx;
  const none = Promise.resolve([]);
  const [crm, loyalty, commerce] = await Promise.all([
    sources.includes('crm') ? siloRecords(customer, 'crm', ctx) : none,
    sources.includes('loyalty') ? siloRecords(customer, 'loyalty', ctx) : none,
    sources.includes('commerce') ? siloRecords(customer, 'commerce', ctx) : none,
  ]);
  let crmSubscriptions: CrmSubscriptionStatusRecord[] = [];
  let crmRecords: readonly CrmContactRecord[] | SourceError = crm;
  if (!(crm instanceof SourceError)) {
    // The communication preferences are kept per address: every address of the contacts.
    const emails = [...new Set(crm.flatMap((c) => [c.email, ...c.additionalEmails]).filter((e): e is string => !!e?.trim()))];
    try {
      crmSubscriptions = (await Promise.all(emails.map((email) => loaders.crmSubscriptions.load(email)))).flat();
    } catch (error) {
      if (!(error instanceof SourceError)) throw error;
      crmRecords = error;
    }
  }
  const failures = [crmRecords, loyalty, commerce].filter((r): r is SourceError => r instanceof SourceError);
  const asRecords = <T>(r: readonly T[] | SourceError): readonly T[] | { failed: Source } => (r instanceof SourceError ? { failed: r.source } : r);
  return {
    consent: goldenConsent({ crm: asRecords<CrmContactRecord>(crmRecords), crmSubscriptions, loyalty: asRecords<LoyaltyMemberRecord>(loyalty), commerce: asRecords<CommerceCustomerRecord>(commerce) }),
    failures,
  };
}

/** Every silo that holds a decision for some purpose. */
export const ALL_CONSENT_SOURCES: readonly Source[] = [...new Set(Object.values(CONSENT_SOURCES).flat())];

/**
 * Null when personalization may run for the customer; else the CONSENT_REQUIRED error to answer
 * at the field. Reads only the silos that hold a profiling decision; decided once per request and
 * customer, however many gated fields ask (graphql-js gives each field its own located copy of
 * the error).
 */
export function profilingGate(customer: CustomerParent, ctx: RequestContext, schema: GraphQLSchema): Promise<GraphQLError | null> {
  const decisions = (ctx.profilingDecisions ??= new Map());
  let decision = decisions.get(customer);
  if (decision === undefined) {
    decision = decideProfiling(customer, ctx, guardAllows(schema, 'Customer.consent', ctx.access));
    decisions.set(customer, decision);
  }
  return decision;
}

/**
 * The gate's decision. `mayReadConsent`: whether this client may read `Customer.consent` (its
 * scopes); one that may not is told that consent withholds the field, not what the customer
 * decided (refused, unknown, not granted), which is the very field it may not read.
 */
async function decideProfiling(customer: CustomerParent, ctx: RequestContext, mayReadConsent: boolean): Promise<GraphQLError | null> {
  const gates = ctx.loaders.profilingGates;
  const { consent } = await gates.track(consentOf(customer, ctx, CONSENT_SOURCES.profiling));
  // The request's gates open together: a customer without a loyalty card has nothing to read
  // and would open at once, its fields' reads going out in calls of their own, one batch for
  // them and another for the card holders once the loyalty program answers.
  await new Promise<void>((open) => gates.whenSettled(open));
  const profiling = consent.find((c) => c.purpose === 'profiling')!;
  const mode = ctx.services.insights.profilingConsent;
  if (profilingAllowed(profiling, mode)) return null;
  if (!mayReadConsent) {
    return clientError(
      ErrorCode.CONSENT_REQUIRED,
      "Personalization is withheld under the customer's profiling consent. Customer.consent.profiling says why, to a client with the profile:read scope.",
      { purpose: 'profiling' },
    );
  }
  const why =
    profiling.status === 'denied'
      ? 'the customer refused profiling'
      : profiling.unavailableSources.length > 0
        ? `the customer's profiling consent could not be read (${profiling.unavailableSources.join(', ')} failed), and a refusal it may hold is never overridden`
        : 'the customer has not granted profiling, and PROFILING_CONSENT=granted needs a grant';
  return clientError(ErrorCode.CONSENT_REQUIRED, `Personalization is withheld: ${why}. Customer.consent.profiling says where the decision comes from.`, {
    purpose: 'profiling',
    status: profiling.status,
  });
}

/**
 * Checks of a personalization field's arguments, run before the gate: an argument the field does
 * not take (an unknown segment, a window out of range) is the client's mistake whatever the
 * customer's consent, and is answered as BAD_USER_INPUT rather than hidden behind CONSENT_REQUIRED.
 * Each throws its field's own error.
 */
export type GatedArgumentChecks = { [F in PersonalizationField]?: (args: never, ctx: RequestContext) => void };

/**
 * The resolvers with every personalization field behind the profiling gate: its arguments are
 * checked first (`checks`), then the gate decides; the field's own resolver runs only when it opens.
 */
export function gatePersonalization(resolvers: CustomerResolvers<RequestContext>, checks: GatedArgumentChecks = {}): CustomerResolvers<RequestContext> {
  const gated: Record<string, unknown> = { ...resolvers };
  for (const field of PERSONALIZATION_FIELDS) gated[field] = gate(field, resolvers, checks[field]);
  return gated as CustomerResolvers<RequestContext>;
}

function gate<F extends PersonalizationField>(
  field: F,
  resolvers: CustomerResolvers<RequestContext>,
  check: ((args: never, ctx: RequestContext) => void) | undefined,
): NonNullable<CustomerResolvers<RequestContext>[F]> {
  const resolve = resolvers[field] as unknown as ((parent: CustomerParent, args: unknown, ctx: RequestContext, info: GraphQLResolveInfo) => unknown) | undefined;
  if (typeof resolve !== 'function') throw new Error(`The personalization field Customer.${field} has no resolver to gate.`);
  const gated = async (customer: CustomerParent, args: unknown, ctx: RequestContext, info: GraphQLResolveInfo): Promise<unknown> => {
    check?.(args as never, ctx);
    const refused = await profilingGate(customer, ctx, info.schema);
    if (refused) throw refused;
    return resolve(customer, args, ctx, info);
  };
  return gated as unknown as NonNullable<CustomerResolvers<RequestContext>[F]>;
}

export const consentResolvers: Pick<CustomerResolvers<RequestContext>, 'consent' | 'marketingChannels'> = {
  consent: async (customer, _args, ctx, info) => {
    const { consent, failures } = await consentOf(customer, ctx, ALL_CONSENT_SOURCES);
    reportFailures(customer, [...failures], ctx, info);
    const of = (purpose: ConsentPurpose) => toSchema(consent.find((c) => c.purpose === purpose)!);
    return { emailMarketing: of('emailMarketing'), smsMarketing: of('smsMarketing'), profiling: of('profiling'), marketingChannels: marketingChannels(consent) };
  },
  marketingChannels: async (customer, _args, ctx, info) => {
    const { consent, failures } = await consentOf(customer, ctx, ALL_CONSENT_SOURCES);
    reportFailures(customer, [...failures], ctx, info);
    return marketingChannels(consent);
  },
};

const PURPOSE_FIELD: Record<ConsentPurpose, SchemaConsentPurpose> = { emailMarketing: 'emailMarketing', smsMarketing: 'smsMarketing', profiling: 'profiling' };

function toSchema(c: PurposeConsent): SchemaPurposeConsent {
  const d = c.decision;
  const provenance: FieldProvenance = {
    field: `consent.${PURPOSE_FIELD[c.purpose]}`,
    value: c.status,
    source: d?.source ?? null,
    recordId: d?.recordId ?? null,
    updatedAt: d === null ? null : (d.decidedAt ?? d.notAfter),
    rule: 'mostRecentDecision',
    sourceOrder: null,
    candidates: c.losers.map((l) => ({
      value: `${l.decision.status} (${l.decision.evidence})`,
      source: l.decision.source,
      recordId: l.decision.recordId,
      updatedAt: l.decision.decidedAt ?? l.decision.notAfter,
      reason: l.reason,
      detail: l.detail,
    })),
    partial: c.unavailableSources.length > 0,
    unavailableSources: [...c.unavailableSources],
  };
  return {
    purpose: PURPOSE_FIELD[c.purpose],
    status: c.status,
    source: d?.source ?? null,
    recordId: d?.recordId ?? null,
    decidedAt: d?.decidedAt ?? null,
    notAfter: d?.decidedAt === null ? d.notAfter : null,
    evidence: d?.evidence ?? null,
    provenance,
  };
}
