/**
 * `Customer.journey` and `Customer.journeySummary`: the arguments checked, the cursor read, one
 * reader per stream of the customer's history (journey-readers.ts), and the pure journey core
 * (src/journey) merging them. A silo that fails makes the answer partial, with one error naming
 * it; the rest of the journey stands.
 */
import type { CustomerResolvers } from '../generated/graphql.js';
import { decodeGoldenId, isProvisionalGoldenId } from '../identity/golden-id.js';
import type { CustomerParent } from '../identity/resolved-customer.js';
import { decodeCursor } from '../journey/cursor.js';
import { filterKey, parseJourneyArgs, planJourney } from '../journey/filter.js';
import { readJourneyPage, readJourneyPageInMemory, type JourneyReader, type JourneyReaders } from '../journey/page.js';
import { reconcileRecords, recordDigests, recordsWithin, sharesRecord, type RecordDigests } from '../journey/records.js';
import { JOURNEY_STREAMS, STREAM_SOURCE, type JourneyStream } from '../journey/touchpoint.js';
import { JourneySummaryFold, shopCurrencyOf, type JourneyFigures } from '../journey/summary.js';
import { SourceError } from '../shared/errors.js';
import type { Source } from '../generated/graphql.js';
import { SOURCES, type RequestContext } from './context.js';
import { reportFailures } from './failures.js';
import { selects } from './selection.js';
import { loadCategories, settledHistories, shopCurrency, wholeHistories, wholeHistoryReaders, withWholeHistories } from './histories.js';
import { journeyReaders } from './journey-readers.js';
import { recordIdsIn, resolutionFailure, unknownRecordsCause } from './customer-records.js';

type JourneyResolvers = Pick<CustomerResolvers<RequestContext>, 'journey' | 'journeySummary'>;

export const journeyResolvers: JourneyResolvers = {
  journey: async (customer, args, ctx, info) => {
    const { first, filter } = parseJourneyArgs(args);
    const cursor = { goldenId: customer.goldenId, filterKey: filterKey(filter), secret: ctx.services.cursorKey };
    const known = knownRecordDigests(customer);
    const sameCustomer = (id: string, records: RecordDigests | undefined) => cursorOfCustomer(id, records, customer, known);
    const after = args.after == null ? undefined : decodeCursor(args.after, { sameCustomer, ...cursor });
    // The records each silo's positions stand for, against those known now (journey/records.ts).
    const { positions, given, failing, records } = reconcileRecords(after, known, customer.failures.size === 0);
    const plan = planJourney(filter);
    // graphql-js calls the resolvers of one object's fields in one synchronous loop: after this
    // tick, a `journeySummary` selected beside this field (before or after it) has started its
    // whole-history reads, and the page is cut from them instead of asking the silos again.
    await Promise.resolve();
    const readers = journeyReaders(customer, plan, ctx);
    // While a silo failed during resolution, records linked only through it may be missing from
    // any stream: more may follow, whatever the streams read gave (pageCore).
    const request = { positions, given, records, first, filter, plan, cursor, resolutionIncomplete: customer.failures.size > 0 };
    // Streams that lost a record while the resolution is incomplete fail (rare: read from the silos).
    const inMemory = failing.length === 0 ? await wholeHistoryReaders(readers, customer, ctx) : null;
    const page =
      inMemory !== null
        ? readJourneyPageInMemory({ readers: inMemory, ...request })
        : await readJourneyPage({ readers: failingIn(failing, withWholeHistories(readers, customer, ctx), customer), ...request });
    const unavailableSources = reportFailures(customer, page.failures, ctx, info);
    return { edges: page.edges, pageInfo: page.pageInfo, partial: unavailableSources.length > 0, unavailableSources };
  },

  journeySummary: async (customer, _args, ctx, info) => {
    const { figures, failures } = await journeyFigures(customer, ctx, selects(info, 'favouriteCategories'));
    const unavailableSources = reportFailures(customer, failures, ctx, info);
    // Own fields before any spread, or Object.assign: on Node 20 a literal that begins with a
    // spread gets a hidden class of its own each time (docs/hidden-classes.md).
    return { partial: unavailableSources.length > 0, unavailableSources, ...figures };
  },
};

/**
 * The figures of the customer's whole journey (src/journey/summary.ts) and the silos that failed:
 * `journeySummary` and `preferences` (preferences.ts) answer from them. Categories are fetched
 * only when `withCategories`.
 */
export async function journeyFigures(customer: CustomerParent, ctx: RequestContext, withCategories: boolean): Promise<{ figures: JourneyFigures; failures: SourceError[] }> {
  // Started before any await, so that a `journey` beside it finds them (see there).
  const histories = wholeHistories(customer, ctx);
  // Shop lines name their product; its category is fetched before the fold counts it.
  const categories = new Map<string, string | null>();
  const [{ touchpoints, failures }, recordCurrency] = await Promise.all([settledHistories(histories), shopCurrency(customer, ctx)]);
  const fold = new JourneySummaryFold({ currency: shopCurrencyOf(touchpoints, recordCurrency), categoryOf: (id) => categories.get(id) ?? null });
  // For every history at once: the categories loader's one call waits for the request's reads anyway (PendingReads).
  // A product read that failed leaves those lines in no category: the figures are partial.
  const categoryFailure = withCategories ? await loadCategories(touchpoints, categories, ctx) : undefined;
  if (categoryFailure !== undefined) failures.push(categoryFailure);
  for (const touchpoint of touchpoints) fold.add(touchpoint);
  return { figures: fold.result(), failures };
}

/** The digests of the customer's records in each silo where they are known (journey/records.ts). */
function knownRecordDigests(customer: CustomerParent): RecordDigests {
  const ids: { [S in Source]?: string[] } = {};
  for (const source of SOURCES) if (unknownRecordsCause(customer, source) === undefined) ids[source] = recordIdsIn(customer, source);
  return recordDigests(ids);
}

/**
 * `readers` with the `failing` streams failing with the resolution's failure: a record they read
 * known when the cursor was made is missing now, maybe linked only through the silo that failed
 * (reconcileRecords), so they keep their positions rather than go on without it.
 */
function failingIn(failing: readonly JourneyStream[], readers: JourneyReaders, customer: CustomerParent): JourneyReaders {
  if (failing.length === 0) return readers;
  const cause = resolutionFailure(customer)!;
  const failed: { -readonly [S in JourneyStream]?: JourneyReader<S> } = Object.assign({}, readers);
  for (const stream of failing) if (readers[stream] !== undefined) failed[stream] = () => Promise.reject(cause);
  return failed;
}

/**
 * Whether a cursor made under another golden id (`goldenId`, with the record digests it carries)
 * is this customer's (`known`: their records' digests now). A golden id changes when a silo fails
 * during resolution (a provisional id) and when it is back (the durable one), and a provisional
 * cluster may hold a record that, with every silo answering, is someone else's (a phone shared
 * with a person the failed silo would have told apart). So:
 * - a provisional id's cursor: its anchor record is this customer's, and every record it knew
 *   is among theirs (in the silos known on both sides);
 * - a durable id's cursor, while this customer's resolution is incomplete: they share a record,
 *   and every record known now is among the cursor's (a provisional cluster within the durable
 *   one it is part of; the anchor alone is not enough, the provisional cluster may hold it
 *   wrongly);
 * - a durable id's cursor otherwise: its anchor record is this customer's.
 */
function cursorOfCustomer(goldenId: string, records: RecordDigests | undefined, customer: CustomerParent, known: RecordDigests): boolean {
  if (isProvisionalGoldenId(goldenId)) return anchoredIn(goldenId, customer) && (records === undefined || recordsWithin(records, known));
  // A provisional cluster may hold someone else's record, its anchor among them: not enough.
  if (customer.failures.size > 0) return records !== undefined && sharesRecord(records, known) && recordsWithin(known, records);
  return anchoredIn(goldenId, customer);
}

/**
 * Whether a golden id names this customer though it is not theirs now: its anchor record is one
 * of theirs (the provisional id a page was served under while a silo was down, and the durable
 * id once it is back, name the same customer).
 */
function anchoredIn(goldenId: string, customer: CustomerParent): boolean {
  const anchor = decodeGoldenId(goldenId);
  return anchor !== null && customer.records.some((record) => record.source === anchor.source && record.id === anchor.id);
}
