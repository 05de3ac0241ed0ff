/**
 * The lifetime-value model's population sample, read live (`npm run clv -- fit --sample N`, and
 * the demo at start): a uniform random sample of the customers who have a record where purchases
 * live (the loyalty program, the shop), each resolved as the gateway resolves a customer and read
 * through the connectors as `Customer.clv` reads them. What comes out is figures only (BG/NBD and
 * Gamma-Gamma inputs, RFM values): no personal data is kept or written.
 *
 * The frame is every record id of both silos (`recordIds`, ids only). A person with several
 * records is in it several times, so a drawn record counts only when it is its customer's first
 * purchase record (the first loyalty record of the cluster, else the first shop record): every
 * customer then has the same chance to be in the sample, whatever their number of records.
 *
 * Speed (bench/README.md, "The live CLV fit"): records are drawn 100 at a time and each batch is
 * resolved in one request context, so that the identity lookups of 100 customers go to each silo
 * together; a few batches are read at once, and their customers are kept in draw order.
 */
import { randomInt } from 'node:crypto';
import type { Source } from '../generated/graphql.js';
import type { CustomerParent } from '../identity/resolved-customer.js';
import { createRequestContext, type GatewayServices } from '../graphql/context.js';
import { purchasesOf, PURCHASE_STREAMS } from '../graphql/insights.js';
import { resolveCustomers } from '../graphql/resolve-customer.js';
import { fitClvModel, type ClvFitRow } from '../insights/clv/fit.js';
import type { ClvModel } from '../insights/clv/model-file.js';
import { daysToModelTime, type TimeUnit } from '../insights/clv/time-unit.js';
import { bgNbdInputs } from '../insights/purchase-history.js';
import { customerRfm, rfmBreakpoints, type RfmSample } from '../insights/rfm.js';
import { mostUsedCurrency } from '../journey/summary.js';

/** What a live sample gives the fit. Times in days. */
export interface ClvSample {
  /** One row per sampled customer who bought (BG/NBD describes customers from their first purchase). */
  rows: ClvFitRow[];
  /** The RFM values of those customers over the RFM window, for the score breakpoints. */
  rfm: RfmSample[];
  /** Customers drawn and kept (bought or not), and those left out because a silo failed. */
  customers: number;
  skippedForFailures: number;
  /** Repeat buyers left out because some of their repeat days are in another currency. */
  skippedForCurrency: number;
  /** The currency most sampled customers' purchases are in (the shop's), or null. */
  currency: string | null;
  /** Wall time, in ms: listing the frame (every record id), and drawing, resolving and reading the customers. */
  timings: { frameMs: number; readMs: number };
}

export interface ClvSampleOptions {
  /** How many customers to draw (records drawn until this many distinct customers are kept, or the frame is used up). */
  size: number;
  /** The RFM window, in days (RFM_WINDOW_DAYS). */
  rfmWindowDays: number;
  /** Batches of drawn records (100 each) resolved and read at once; 4 by default. */
  concurrency?: number;
  /** The model's time unit (`days` by default): the sample's days are converted to it. */
  timeUnit?: TimeUnit;
  /** A random whole number in [0, max): crypto's by default (tests pass a seeded one). */
  random?: (max: number) => number;
}

const FRAME_PAGE = 250;
/** Records drawn and resolved in one request context (the most `customers(ids:)` takes, too). */
const CLV_SAMPLE_BATCH = 100;
/** The smallest batch, near the end of the sample. */
const CLV_SAMPLE_MIN_BATCH = 10;
/** Batches read at once by default. */
const CLV_SAMPLE_CONCURRENCY = 4;
const PURCHASE_SILOS: ReadonlyArray<'loyalty' | 'commerce'> = ['loyalty', 'commerce'];

/**
 * Draws and reads the sample. Throws the SourceError of a silo whose ids cannot be listed (no
 * frame, no fit); a sampled customer whose silo fails is left out and counted.
 */
export async function sampleClvPopulation(services: GatewayServices, options: ClvSampleOptions): Promise<ClvSample> {
  const random = options.random ?? ((max: number) => randomInt(max));
  const started = performance.now();
  const frame: Array<{ source: Source; id: string }> = [];
  for (const source of PURCHASE_SILOS) {
    let page: string | null = null;
    do {
      const read: { ids: string[]; next: string | null } = await services.connectors[source].recordIds(page, FRAME_PAGE);
      for (const id of read.ids) frame.push({ source, id });
      page = read.next;
    } while (page !== null);
  }
  const listed = performance.now();
  const now = services.insights.now();
  const sample: ClvSample = { rows: [], rfm: [], customers: 0, skippedForFailures: 0, skippedForCurrency: 0, currency: null, timings: { frameMs: listed - started, readMs: 0 } };
  const currencies = new Map<string, number>();
  const kept = new Set<string>();
  // A partial Fisher-Yates shuffle: records are drawn without replacement, one at a time.
  let left = frame.length;
  const draw = (): { source: Source; id: string } | undefined => {
    if (left === 0) return undefined;
    const i = random(left);
    left -= 1;
    [frame[i], frame[left]] = [frame[left]!, frame[i]!];
    return frame[left];
  };

  // Records are drawn in batches, in order, and read concurrently; their customers are kept in
  // the order they were drawn (a batch waits for those before it), so that a seed gives the
  // same sample whatever order the reads end in, and the sample stops at exactly `size`.
  const done: Array<SampledCustomer[] | undefined> = [];
  let committed = 0;
  let drawnBatches = 0;
  let inFlight = 0;
  const commit = (): void => {
    for (; done[committed] !== undefined; committed += 1) {
      for (const drawn of done[committed]!) {
        if (kept.size >= options.size) break;
        if (kept.has(drawn.goldenId)) continue;
        kept.add(drawn.goldenId);
        if (drawn.kind === 'failed') {
          sample.skippedForFailures += 1;
          continue;
        }
        sample.customers += 1;
        if (drawn.kind === 'noPurchase') continue;
        if (drawn.kind === 'otherCurrency') {
          sample.skippedForCurrency += 1;
          continue;
        }
        sample.rows.push(drawn.row);
        sample.rfm.push(drawn.rfm);
        if (drawn.currency) currencies.set(drawn.currency, (currencies.get(drawn.currency) ?? 0) + 1);
      }
      done[committed] = undefined;
    }
  };
  const worker = async (): Promise<void> => {
    while (kept.size < options.size) {
      // Near the end, smaller batches: customers read past `size` are read for nothing.
      const wanted = Math.min(CLV_SAMPLE_BATCH, Math.max(CLV_SAMPLE_MIN_BATCH, options.size - kept.size - inFlight));
      const records: Array<{ source: Source; id: string }> = [];
      for (let record = draw(); record !== undefined; record = records.length < wanted ? draw() : undefined) records.push(record);
      if (records.length === 0) return;
      const index = drawnBatches++;
      inFlight += records.length;
      done[index] = await readBatch(services, records, now, options.rfmWindowDays);
      inFlight -= records.length;
      commit();
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? CLV_SAMPLE_CONCURRENCY }, worker));
  sample.timings.readMs = performance.now() - listed;
  sample.currency = mostUsedCurrency(currencies);
  return sample;
}


/** A drawn record's customer, as read: what the sample keeps of them (figures only). */
type SampledCustomer =
  /** A silo of their purchases failed: left out, counted. */
  | { goldenId: string; kind: 'failed' }
  /** Never bought: in the sample, not in the fit (BG/NBD starts at the first purchase). */
  | { goldenId: string; kind: 'noPurchase' }
  /** A repeat day in another currency: left out of the fit, counted. */
  | { goldenId: string; kind: 'otherCurrency' }
  | { goldenId: string; kind: 'bought'; row: ClvFitRow; rfm: RfmSample; currency: string | null };

/**
 * Resolves a batch of drawn records in one request context, so that the identity lookups of the
 * whole batch go to each silo together (a call or two per silo and round for 100 records, where
 * one context per record made a call per record), then reads the purchases of the customers
 * drawn through their first purchase record (the others are not in the sample), all at once
 * (their shop accounts, for the currency, in one batched read). One entry per such customer, in
 * the order of `records`.
 */
async function readBatch(services: GatewayServices, records: ReadonlyArray<{ source: Source; id: string }>, now: number, rfmWindowDays: number): Promise<SampledCustomer[]> {
  const ctx = createRequestContext(services);
  const customers = await resolveCustomers(
    records.map((record) => ({ kind: 'identifier', identifier: { type: record.source, value: record.id } })),
    ctx,
  );
  const drawn: CustomerParent[] = [];
  customers.forEach((customer, i) => {
    if (!customer || customer instanceof Error) return;
    const record = records[i]!;
    const first = customer.records.find((r) => r.source === 'loyalty') ?? customer.records.find((r) => r.source === 'commerce');
    if (first && first.source === record.source && first.id === record.id) drawn.push(customer);
  });
  return Promise.all(
    drawn.map(async (customer): Promise<SampledCustomer> => {
      const goldenId = customer.goldenId;
      if (PURCHASE_SILOS.some((source) => customer.failures.has(source))) return { goldenId, kind: 'failed' };
      const { history, failures } = await purchasesOf(customer, ctx, PURCHASE_STREAMS);
      if (failures.length > 0) return { goldenId, kind: 'failed' };
      const inputs = bgNbdInputs(history, now);
      if (inputs === null) return { goldenId, kind: 'noPurchase' };
      // A repeat day in another currency has no spend the model can use: Gamma-Gamma needs every
      // repeat buyer's mean spend, so such a customer is left out (rare: the shop has one currency).
      if (inputs.zbarDays !== inputs.x) return { goldenId, kind: 'otherCurrency' };
      return {
        goldenId,
        kind: 'bought',
        row: { x: inputs.x, tx: inputs.t_x, T: inputs.T, zbar: inputs.zbar },
        rfm: customerRfm(history, now, { windowDays: rfmWindowDays, breakpoints: null }),
        currency: history.currency,
      };
    }),
  );
}

/**
 * A model fitted live (`source: "live"`, in `timeUnit`, days by default): {@link sampleClvPopulation}, the RFM
 * breakpoints of the sample over the RFM window, and the BG/NBD and Gamma-Gamma fit; `fitMs`, the
 * wall time of the fit maths alone, in ms (the sample's own times are in `sample.timings`).
 * @throws a SourceError when a silo's ids cannot be listed; a RangeError when the sample has no
 *   buyer or the fit fails (fit.ts, rfm.ts).
 */
export async function fitLiveClvModel(services: GatewayServices, options: ClvSampleOptions): Promise<{ model: ClvModel; sample: ClvSample; fitMs: number }> {
  const sample = await sampleClvPopulation(services, options);
  if (sample.rows.length === 0) throw new RangeError(`none of the ${sample.customers} sampled customers has bought: there is nothing to fit`);
  const rfm = sample.currency === null ? null : rfmBreakpoints(sample.rfm, { windowDays: options.rfmWindowDays, currency: sample.currency });
  const unit = options.timeUnit ?? 'days';
  const started = performance.now();
  const rows = sample.rows.map((row) => ({ ...row, tx: daysToModelTime(row.tx, unit), T: daysToModelTime(row.T, unit) }));
  const model = fitClvModel(rows, { timeUnit: unit, source: 'live', currency: sample.currency, rfm, fittedAt: new Date(services.insights.now()) });
  return { model, sample, fitMs: performance.now() - started };
}
