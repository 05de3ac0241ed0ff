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
 */
import { randomInt } from 'node:crypto';
import type { Source } from '../generated/graphql.js';
import { createRequestContext, type GatewayServices } from '../graphql/context.js';
import { purchasesOf, PURCHASE_STREAMS } from '../graphql/insights.js';
import { resolveCustomers } from '../graphql/resolve-customer.js';
import { fitClvModel, type ClvFitRow } from '../insights/clv/fit.js';
import type { ClvModel } from '../insights/clv/model-file.js';
import { daysToModelTime, type TimeUnit } from '../insights/clv/time-unit.js';
import { bgNbdInputs } from '../insights/purchase-history.js';
import { customerRfm, rfmBreakpoints, type RfmSample } from '../insights/rfm.js';

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
  /** Customers resolved and read at once. */
  concurrency?: number;
  /** The model's time unit (`days` by default): the sample's days are converted to it. */
  timeUnit?: TimeUnit;
  /** A random whole number in [0, max): crypto's by default (tests pass a seeded one). */
  random?: (max: number) => number;
}

const FRAME_PAGE = 250;
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
  const worker = async (): Promise<void> => {
    for (let record = draw(); record !== undefined && kept.size < options.size; record = draw()) {
      const ctx = createRequestContext(services);
      const [customer] = await resolveCustomers([{ kind: 'identifier', identifier: { type: record.source, value: record.id } }], ctx);
      if (!customer || customer instanceof Error) continue;
      const first = customer.records.find((r) => r.source === 'loyalty') ?? customer.records.find((r) => r.source === 'commerce');
      if (!first || first.source !== record.source || first.id !== record.id || kept.has(customer.goldenId) || kept.size >= options.size) continue;
      kept.add(customer.goldenId);
      if (PURCHASE_SILOS.some((source) => customer.failures.has(source))) {
        sample.skippedForFailures += 1;
        continue;
      }
      const { history, failures } = await purchasesOf(customer, ctx, PURCHASE_STREAMS);
      if (failures.length > 0) {
        sample.skippedForFailures += 1;
        continue;
      }
      sample.customers += 1;
      const inputs = bgNbdInputs(history, now);
      if (inputs === null) continue;
      // A repeat day in another currency has no spend the model can use: Gamma-Gamma needs every
      // repeat buyer's mean spend, so such a customer is left out (rare: the shop has one currency).
      if (inputs.zbarDays !== inputs.x) {
        sample.skippedForCurrency += 1;
        continue;
      }
      sample.rows.push({ x: inputs.x, tx: inputs.t_x, T: inputs.T, zbar: inputs.zbar });
      sample.rfm.push(customerRfm(history, now, { windowDays: options.rfmWindowDays, breakpoints: null }));
      if (history.currency) currencies.set(history.currency, (currencies.get(history.currency) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker));
  sample.timings.readMs = performance.now() - listed;
  sample.currency = [...currencies].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? null;
  return sample;
}


/**
 * A model fitted live (`source: "live"`, in `timeUnit`, days by default): {@link sampleClvPopulation}, the RFM
 * breakpoints of the sample over the RFM window, and the BG/NBD and Gamma-Gamma fit.
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
