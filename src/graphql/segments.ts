/**
 * `Query.segments`, `Customer.segments` and `Customer.inSegment`: the segments compiled at start
 * (src/insights/segments), evaluated live on features built from only what their rules read
 * (`needs`: the streams and records of the silos those features come from), so that a tier-only
 * rule calls the loyalty program alone. A silo that fails leaves its features unknown: a rule
 * they decide is unknown, and the silo's error is reported once.
 */
import { shopCurrencyOf } from '../journey/summary.js';
import { GraphQLError, type GraphQLResolveInfo } from 'graphql';
import type { CustomerResolvers, QueryResolvers, Source } from '../generated/graphql.js';
import type { CustomerParent } from '../identity/resolved-customer.js';
import {
  clvFeatures,
  combinedNeeds,
  consentFeatures,
  findSegment,
  journeyFeatures,
  lifecycleFeatures,
  loyaltyFeatures,
  rfmFeatures,
  segmentFeatures,
  segmentOutcome,
  type CompiledSegment,
  type SegmentFeatures,
  type SegmentNeeds,
} from '../insights/segments/index.js';
import { STREAM_SOURCE } from '../journey/touchpoint.js';
import { clientError, ErrorCode, SourceError } from '../shared/errors.js';
import { requestNow, SOURCES, type RequestContext } from './context.js';
import { siloRecords, unknownRecordsCause } from './customer-records.js';
import { reportFailures } from './failures.js';
import { loadCategories, settledHistories, shopCurrency, wholeHistories } from './histories.js';
import { figuresOf } from './history-figures.js';
import { PURCHASE_STREAMS, purchasesOf, rfmOf } from './insights.js';
import { ALL_CONSENT_SOURCES, consentOf, type GatedArgumentChecks } from './consent-gate.js';

/** The horizon of the segments' `clv.value` (catalogue.ts: "over the next 12 months"). */
const SEGMENT_CLV_MONTHS = 12;

export const segmentQueryResolvers: Pick<QueryResolvers<RequestContext>, 'segments'> = {
  segments: (_root, _args, ctx) => [...ctx.services.insights.segments],
};

/** `inSegment`'s name checked before the consent gate (consent-gate.ts): an unknown segment is BAD_USER_INPUT for every customer. */
export const segmentArgumentChecks: GatedArgumentChecks = {
  inSegment: ({ name }: { name: string }, ctx: RequestContext) => {
    const segment = findSegment(ctx.services.insights.segments, name);
    if (segment instanceof GraphQLError) throw segment;
  },
};

export const segmentCustomerResolvers: Pick<CustomerResolvers<RequestContext>, 'segments' | 'inSegment'> = {
  segments: async (customer, _args, ctx, info) => {
    const { segments } = ctx.services.insights;
    if (segments.length === 0) return [];
    const features = await featuresFor(customer, allNeeds(segments), ctx, info);
    return segments.filter((segment) => segmentOutcome(segment, features) === 'in');
  },

  inSegment: async (customer, { name }, ctx, info) => {
    const segment = findSegment(ctx.services.insights.segments, name);
    if (segment instanceof GraphQLError) throw segment;
    const features = await featuresFor(customer, segment.needs, ctx, info);
    const outcome = segmentOutcome(segment, features);
    if (outcome === 'unknown') return undecided(segment);
    return outcome === 'in';
  },
};

/**
 * What all the segments need together, derived once per list of segments (they are compiled at
 * start and never change): deriving it costs about 12 µs, on every request that asks for segments.
 */
const ALL_NEEDS = new WeakMap<readonly CompiledSegment[], SegmentNeeds>();

function allNeeds(segments: readonly CompiledSegment[]): SegmentNeeds {
  let needs = ALL_NEEDS.get(segments);
  if (needs === undefined) {
    needs = combinedNeeds(segments.map((s) => s.needs));
    ALL_NEEDS.set(segments, needs);
  }
  return needs;
}

/**
 * The features the needs name, built from the streams and records they need and nothing else.
 * A silo that failed (now or while the customer was resolved) is reported at this field and its
 * features stay unknown.
 */
async function featuresFor(customer: CustomerParent, needs: SegmentNeeds, ctx: RequestContext, info: GraphQLResolveInfo): Promise<SegmentFeatures> {
  const { insights } = ctx.services;
  const now = requestNow(ctx);
  const groups = new Set(needs.groups);
  const wantsPurchases = groups.has('lifecycle') || groups.has('rfm') || groups.has('clv');
  const recordSilos = new Set<Source>(needs.streams.filter((s) => s === 'crm.contacts' || s === 'loyalty.members' || s === 'commerce.customers').map((s) => STREAM_SOURCE[s]));
  // Started with the other reads, in the same tick for every customer of the request, so that
  // the communication-preferences reads of a batch's customers go out in one call.
  const consentRead = groups.has('consent') ? consentOf(customer, ctx, ALL_CONSENT_SOURCES) : null;
  const [{ touchpoints, failures }, purchases, currency, crm, loyalty, commerce] = await Promise.all([
    settledHistories(wholeHistories(customer, ctx, needs.streams)),
    // The purchase history the customer's `lifecycle`, `clv` and `rfm` fields read (the same
    // stream reads), and its figures: computed once for all of them (history-figures.ts).
    wantsPurchases ? purchasesOf(customer, ctx, PURCHASE_STREAMS) : null,
    // The shop's currency is what money figures are in: read only when a money figure is asked.
    wantsPurchases || groups.has('journey') ? shopCurrency(customer, ctx) : Promise.resolve(null),
    recordSilos.has('crm') ? siloRecords(customer, 'crm', ctx) : null,
    recordSilos.has('loyalty') ? siloRecords(customer, 'loyalty', ctx) : null,
    recordSilos.has('commerce') ? siloRecords(customer, 'commerce', ctx) : null,
  ]);
  // Unknown: a history that failed, and every silo whose records are unknown (it failed during
  // resolution, or another did and none is known here: its streams fail with that silo's error).
  const failed = new Set([...failures.map((f) => f.source), ...SOURCES.filter((source) => unknownRecordsCause(customer, source) !== undefined)]);
  reportFailures(customer, failures, ctx, info);
  const known = <T>(records: T[] | SourceError | null): T[] | null => (records === null || records instanceof SourceError ? null : records);
  const readStreams = needs.streams.filter((stream) => !failed.has(STREAM_SOURCE[stream]));

  const built: { -readonly [G in keyof SegmentFeatures]?: SegmentFeatures[G] } = {};
  if (groups.has('journey')) {
    const categories = new Map<string, string | null>();
    // A product read that failed leaves the category features unknown (no categoryOf), reported as the shop's failure.
    const categoryFailure = needs.productCategories ? await loadCategories(touchpoints, categories, ctx) : undefined;
    if (categoryFailure !== undefined) reportFailures(customer, [categoryFailure], ctx, info);
    built.journey = journeyFeatures(touchpoints, {
      now,
      streams: readStreams,
      currency: shopCurrencyOf(touchpoints, currency),
      ...(needs.productCategories && categoryFailure === undefined ? { categoryOf: (id: string) => categories.get(id) ?? null } : {}),
    });
  }
  if (purchases !== null) {
    // The purchase figures are unknown when a silo holding purchases failed: a partial history
    // would put the customer in segments their missing purchases would keep them out of.
    const purchasesKnown = !failed.has('loyalty') && !failed.has('commerce');
    const figures = figuresOf(purchases.history, ctx);
    if (purchasesKnown && groups.has('lifecycle')) {
      built.lifecycle = lifecycleFeatures({ stage: figures.lifecycle.stage });
    }
    if (purchasesKnown && groups.has('rfm')) {
      built.rfm = rfmFeatures(rfmOf(figures.history, now, insights.rfmWindowDays, ctx));
    }
    if (purchasesKnown && groups.has('clv')) {
      built.clv = clvFeatures(figures.clv === null ? null : { value: figures.value(SEGMENT_CLV_MONTHS), pAlive: figures.pAlive });
    }
  }
  if (groups.has('loyalty')) built.loyalty = loyaltyFeatures(known(loyalty));
  if (groups.has('consent')) {
    // The golden consent, the decision Customer.consent answers, from the records read above
    // (the loaders share them) and the CRM's communication preferences; its failures are its own.
    const { consent: golden, failures: consentFailures } = await consentRead!;
    reportFailures(customer, [...consentFailures], ctx, info);
    built.consent = consentFeatures({ crmContacts: known(crm), loyaltyMembers: known(loyalty), commerceCustomers: known(commerce) }, golden);
  }
  return segmentFeatures(built);
}

/** `inSegment` when the rule's outcome hangs on a value unknown for this customer. */
function undecided(segment: CompiledSegment): GraphQLError {
  return clientError(
    ErrorCode.SEGMENT_UNDECIDED,
    `Cannot tell whether the customer is in segment "${segment.name}": its rule has no result on this customer's values. A value it reads is unknown (a silo it needs failed, no lifetime-value model is loaded for clv and RFM scores, or the customer has no such figure, as one who never bought has no recency), or an operation on them has none (a division by zero, an integer overflow).`,
    { segment: segment.name },
  );
}
