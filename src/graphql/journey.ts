/**
 * `Customer.journey` and `Customer.journeySummary`: the arguments checked, the cursor read, one
 * reader per stream of the customer's history (journey-readers.ts), and the pure journey core
 * (src/journey) merging them. A silo that fails makes the answer partial, with one error naming
 * it; the rest of the journey stands.
 */
import { Kind, type GraphQLResolveInfo, type SelectionNode } from 'graphql';
import type { JourneyPoint } from '../../connectors/types.js';
import type { CustomerResolvers, Source } from '../generated/graphql.js';
import { decodeGoldenId } from '../identity/golden-id.js';
import type { CustomerParent } from '../identity/resolved-customer.js';
import { decodeCursor } from '../journey/cursor.js';
import { filterKey, parseJourneyArgs, planJourney, type JourneyFilterSpec } from '../journey/filter.js';
import { memoryReader, readJourneyPage, type JourneyReader, type JourneyReaders } from '../journey/page.js';
import { JourneySummaryFold } from '../journey/summary.js';
import { JOURNEY_STREAMS, type JourneyStream, type TouchpointRecord } from '../journey/touchpoint.js';
import { SourceError } from '../shared/errors.js';
import { SOURCES, type RequestContext } from './context.js';
import { pathOf, scopeOfField } from './failures.js';
import { journeyReaders } from './journey-readers.js';

type JourneyResolvers = Pick<CustomerResolvers<RequestContext>, 'journey' | 'journeySummary'>;

/** How many events a whole-history read asks a silo for at once: the largest read a window allows. */
const WHOLE_HISTORY_READ = 250;

/** The summary reads every stream whole, whatever a journey filter would keep. */
const WHOLE_HISTORY: JourneyFilterSpec = { kinds: null, channels: null, since: null, until: null };

export const journeyResolvers: JourneyResolvers = {
  journey: async (customer, args, ctx, info) => {
    const { first, filter } = parseJourneyArgs(args);
    const cursor = { goldenId: customer.goldenId, filterKey: filterKey(filter), secret: ctx.services.cursorKey };
    const positions = args.after == null ? undefined : decodeCursor(args.after, { ...cursor, sameCustomer: (id) => anchoredIn(id, customer) }).positions;
    const plan = planJourney(filter);
    // graphql-js calls the resolvers of one object's fields in one synchronous loop: after this
    // tick, a `journeySummary` selected beside this field (before or after it) has started its
    // whole-history reads, and the page is cut from them instead of asking the silos again.
    await Promise.resolve();
    const readers = withWholeHistories(journeyReaders(customer, plan, ctx), ctx.journeyHistories?.get(customer));
    const page = await readJourneyPage({ readers, positions, first, filter, plan, cursor });
    const unavailableSources = reportFailures(customer, page.failures, ctx, info);
    return { edges: page.edges, pageInfo: page.pageInfo, partial: unavailableSources.length > 0, unavailableSources };
  },

  journeySummary: async (customer, _args, ctx, info) => {
    // Started before any await, so that a `journey` beside it finds them (see there).
    const histories = startWholeHistories(customer, ctx);
    // Shop lines name their product; its category is fetched (batched per read) before the fold counts it.
    const categories = new Map<string, string | null>();
    const wantsCategories = selects(info, 'favouriteCategories');
    const fold = new JourneySummaryFold({ currency: await shopCurrency(customer, ctx), categoryOf: (id) => categories.get(id) ?? null });
    const failures: SourceError[] = [];
    await Promise.all(
      [...histories.values()].map(async (history) => {
        try {
          const touchpoints = await history;
          if (wantsCategories) await loadCategories(touchpoints, categories, ctx);
          for (const touchpoint of touchpoints) fold.add(touchpoint);
        } catch (error) {
          if (!(error instanceof SourceError)) throw error;
          failures.push(error);
        }
      }),
    );
    const unavailableSources = reportFailures(customer, failures, ctx, info);
    return { ...fold.result(), partial: unavailableSources.length > 0, unavailableSources };
  },
};

/**
 * The customer's whole history, one promise per stream they have records for, started once per
 * request and customer (kept in the request context for a `journey` beside the summary). A
 * promise rejects with the SourceError of its silo.
 */
function startWholeHistories(customer: CustomerParent, ctx: RequestContext): Map<JourneyStream, Promise<TouchpointRecord[]>> {
  const started = ctx.journeyHistories?.get(customer);
  if (started) return started;
  const readers = journeyReaders(customer, planJourney(WHOLE_HISTORY), ctx);
  const histories = new Map<JourneyStream, Promise<TouchpointRecord[]>>();
  for (const stream of JOURNEY_STREAMS) {
    const reader = readers[stream] as JourneyReader<JourneyStream> | undefined;
    if (!reader) continue;
    const history = readWhole(reader);
    // Awaited by the summary; a journey that does not use it must not leave it unhandled.
    history.catch(() => undefined);
    histories.set(stream, history);
  }
  (ctx.journeyHistories ??= new WeakMap()).set(customer, histories);
  return histories;
}

/** A page's readers, served from the whole histories already being read where there are some. */
function withWholeHistories(readers: JourneyReaders, histories: Map<JourneyStream, Promise<TouchpointRecord[]>> | undefined): JourneyReaders {
  if (!histories) return readers;
  const served: { -readonly [S in JourneyStream]?: JourneyReader<S> } = { ...readers };
  for (const stream of JOURNEY_STREAMS) {
    const history = histories.get(stream);
    if (history && readers[stream]) served[stream] = async (window) => memoryReader(await history)(window);
  }
  return served;
}

/** Every touchpoint of one stream, read after read until the silo has no more. */
async function readWhole(reader: JourneyReader<JourneyStream>): Promise<TouchpointRecord[]> {
  const all: TouchpointRecord[] = [];
  let from: JourneyPoint | undefined;
  for (;;) {
    const read = await reader({ from, limit: WHOLE_HISTORY_READ });
    // A read starts at `from` included: the event there was taken by the read before.
    const fresh = from ? read.touchpoints.filter((t) => !(Date.parse(t.occurredAt) === from!.at && t.sourceId === from!.id)) : read.touchpoints;
    all.push(...fresh);
    const last = read.last ?? (read.touchpoints.length > 0 ? pointOf(read.touchpoints.at(-1)!) : undefined);
    if (read.exhausted || !last || fresh.length === 0) return all;
    from = last;
  }
}

/**
 * The categories of the shop products these touchpoints' lines name, into `categories`. A failed
 * product read leaves them unknown (the lines then count in no category) and is not an error of
 * the summary: its spend and counts stand.
 */
async function loadCategories(touchpoints: readonly TouchpointRecord[], categories: Map<string, string | null>, ctx: RequestContext): Promise<void> {
  const wanted = new Set<string>();
  for (const touchpoint of touchpoints) {
    for (const line of touchpoint.items) if ('productId' in line && line.productId !== null && !categories.has(line.productId)) wanted.add(line.productId);
  }
  if (wanted.size === 0) return;
  const ids = [...wanted];
  const loaded = await ctx.loaders.commerceProductCategories.loadMany(ids);
  ids.forEach((id, i) => {
    const category = loaded[i];
    if (!(category instanceof Error)) categories.set(id, category ?? null);
  });
}

function pointOf(touchpoint: { occurredAt: string; sourceId: string }): JourneyPoint {
  return { at: Date.parse(touchpoint.occurredAt), id: touchpoint.sourceId };
}

/**
 * Whether the field being resolved selects `name` among its own fields (directly or through a
 * fragment): the shop is asked for its products' categories only when they are shown.
 */
function selects(info: GraphQLResolveInfo, name: string): boolean {
  const visit = (selections: readonly SelectionNode[]): boolean =>
    selections.some((selection) => {
      switch (selection.kind) {
        case Kind.FIELD:
          return selection.name.value === name;
        case Kind.INLINE_FRAGMENT:
          return visit(selection.selectionSet.selections);
        case Kind.FRAGMENT_SPREAD: {
          const fragment = info.fragments[selection.name.value];
          return fragment !== undefined && visit(fragment.selectionSet.selections);
        }
      }
    });
  return info.fieldNodes.some((node) => node.selectionSet !== undefined && visit(node.selectionSet.selections));
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

/** The shop's currency, from the customer's shop account; null when they have none (the summary then takes the most used). */
async function shopCurrency(customer: CustomerParent, ctx: RequestContext): Promise<string | null> {
  const id = customer.records.find((record) => record.source === 'commerce')?.id;
  if (!id) return null;
  try {
    return (await ctx.loaders.commerce.load(id))?.currency ?? null;
  } catch (error) {
    if (error instanceof SourceError) return null;
    throw error;
  }
}

/**
 * The silos missing from an answer (those that failed now or while the customer was resolved),
 * in silo order, each noted once for the response.
 */
function reportFailures(customer: CustomerParent, failures: readonly SourceError[], ctx: RequestContext, info: GraphQLResolveInfo): Source[] {
  const all = [...failures, ...SOURCES.flatMap((source) => customer.failures.get(source) ?? [])];
  const scope = scopeOfField(customer.goldenId, info);
  const path = pathOf(info);
  for (const error of all) ctx.failures.note(scope, error, path);
  return SOURCES.filter((source) => all.some((error) => error.source === source));
}
