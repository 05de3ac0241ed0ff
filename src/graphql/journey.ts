/**
 * `Customer.journey` and `Customer.journeySummary`: the arguments checked, the cursor read, one
 * reader per stream of the customer's history (journey-readers.ts), and the pure journey core
 * (src/journey) merging them. A silo that fails makes the answer partial, with one error naming
 * it; the rest of the journey stands.
 */
import type { CustomerResolvers } from '../generated/graphql.js';
import { decodeGoldenId } from '../identity/golden-id.js';
import type { CustomerParent } from '../identity/resolved-customer.js';
import { decodeCursor } from '../journey/cursor.js';
import { filterKey, parseJourneyArgs, planJourney } from '../journey/filter.js';
import { readJourneyPage, readJourneyPageInMemory } from '../journey/page.js';
import { JourneySummaryFold, type JourneyFigures } from '../journey/summary.js';
import { SourceError } from '../shared/errors.js';
import type { RequestContext } from './context.js';
import { reportFailures } from './failures.js';
import { selects } from './selection.js';
import { loadCategories, settledHistories, shopCurrency, wholeHistories, wholeHistoryReaders, withWholeHistories } from './histories.js';
import { journeyReaders } from './journey-readers.js';

type JourneyResolvers = Pick<CustomerResolvers<RequestContext>, 'journey' | 'journeySummary'>;

export const journeyResolvers: JourneyResolvers = {
  journey: async (customer, args, ctx, info) => {
    const { first, filter } = parseJourneyArgs(args);
    const cursor = { goldenId: customer.goldenId, filterKey: filterKey(filter), secret: ctx.services.cursorKey };
    const positions = args.after == null ? undefined : decodeCursor(args.after, { sameCustomer: (id) => anchoredIn(id, customer), ...cursor }).positions;
    const plan = planJourney(filter);
    // graphql-js calls the resolvers of one object's fields in one synchronous loop: after this
    // tick, a `journeySummary` selected beside this field (before or after it) has started its
    // whole-history reads, and the page is cut from them instead of asking the silos again.
    await Promise.resolve();
    const readers = journeyReaders(customer, plan, ctx);
    const inMemory = await wholeHistoryReaders(readers, customer, ctx);
    const page =
      inMemory !== null
        ? readJourneyPageInMemory({ readers: inMemory, positions, first, filter, plan, cursor })
        : await readJourneyPage({ readers: withWholeHistories(readers, customer, ctx), positions, first, filter, plan, cursor });
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
  const fold = new JourneySummaryFold({ currency: await shopCurrency(customer, ctx), categoryOf: (id) => categories.get(id) ?? null });
  const { touchpoints, failures } = await settledHistories(histories);
  // For every history at once: the categories loader's one call waits for the request's reads anyway (PendingReads).
  if (withCategories) await loadCategories(touchpoints, categories, ctx);
  for (const touchpoint of touchpoints) fold.add(touchpoint);
  return { figures: fold.result(), failures };
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
