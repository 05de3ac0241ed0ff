/**
 * The silos process: the four simulators (demo/silos.ts) on loopback, serving a population generated
 * here (so that a 100,000-person population never has to fit in one JSON string), plus a tiny
 * control endpoint with their call counts. Runs apart from the servers under test so that their
 * CPU time and RSS are their own.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startDemoSilos } from '../demo/silos.js';
import type { Source } from '../src/generated/graphql.js';
import { generatePopulation } from '../demo/population/generate.js';
import type { Population } from '../connectors/population.js';
import { serveRpc, usage } from './rpc.js';
import type { BenchPerson, LongHistoryCustomer, SiloLatency, SiloStats, SilosReady } from './shared.js';

const SOURCES: readonly Source[] = ['crm', 'loyalty', 'commerce', 'analytics'];
const START_PRIORITY: readonly Source[] = ['crm', 'commerce', 'loyalty', 'analytics'];

let demo: Awaited<ReturnType<typeof startDemoSilos>> | null = null;
let population: Population | null = null;

function stats(): SiloStats {
  if (!demo) throw new Error('The silos are not started.');
  const d = demo;
  return Object.fromEntries(SOURCES.map((source) => [source, d.simulators[source].stats()])) as SiloStats;
}

/**
 * Adds the long-history customer (shared.ts, LongHistoryCustomer): a copy of the population's
 * first member under a new id, without email, phone or card (so that no other record links to
 * it), and `count` copies of the population's first receipt moved to it, one every 6 hours back
 * from the population's `now`, every tenth a return. Appended after everything the generator made,
 * and not in the truth: the people the load asks about, and every figure about them, are unchanged.
 */
function addLongHistory(target: Population, count: number): LongHistoryCustomer {
  const memberId = 'b0000000-0000-4000-8000-00000000beef';
  const model = target.loyalty.members[0];
  const receipt = target.loyalty.transactions[0];
  if (!model || !receipt) throw new Error('The population has no loyalty member or transaction to copy for the long-history customer.');
  target.loyalty.members.push({ ...model, customerId: memberId, email: null, phone: null, loyaltyCardNumber: null, firstName: null, lastName: null, active: true });
  const newest = Date.parse('2026-10-31T18:00:00Z');
  for (let i = 0; i < count; i += 1) {
    const id = String(i).padStart(12, '0');
    target.loyalty.transactions.push({
      ...receipt,
      transactionId: `b0000000-0000-4000-8000-${id}`,
      customerId: memberId,
      header: { ...receipt.header, documentNumber: `LONG-${i}`, documentType: i % 10 === 9 ? 'return' : 'sell', purchasedAt: new Date(newest - i * 6 * 3_600_000).toISOString() },
    });
  }
  return { memberId, transactions: count };
}

serveRpc({
  /** `longHistory`: receipts of the long-history customer to add (none when absent or 0). */
  async start(args: { size: number; seed: number; longHistory?: number }): Promise<SilosReady> {
    const started = performance.now();
    // A fixed `now`, so that a seed and size give the same population on every run and machine.
    population = generatePopulation({ seed: args.seed, size: args.size, now: new Date('2026-11-01T00:00:00Z') });
    const generateMs = Math.round(performance.now() - started);
    const longHistory = args.longHistory ? addLongHistory(population, args.longHistory) : null;
    demo = await startDemoSilos({ population });
    const control = createServer((_req, res) => {
      const body = JSON.stringify(stats());
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
    await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', resolve));
    const persons: BenchPerson[] = [];
    for (const entry of population.truth) {
      if (entry.household) continue;
      const only = (source: Source): string | undefined => {
        const ids = entry.records.filter((r) => r.source === source).map((r) => r.id);
        return ids.length === 1 ? ids[0] : undefined;
      };
      const crm = only('crm');
      const loyalty = only('loyalty');
      const commerce = only('commerce');
      const analytics = entry.records.filter((r) => r.source === 'analytics').map((r) => r.id);
      if (crm && loyalty && commerce) persons.push({ crm, loyalty, commerce, analytics });
    }
    // Collect what generating left behind now, not while serving the first measured requests.
    (globalThis as { gc?: () => void }).gc?.();
    return {
      silos: demo.silos,
      controlUrl: `http://127.0.0.1:${(control.address() as AddressInfo).port}`,
      populationSize: population.truth.length,
      generateMs,
      persons,
      longHistory,
    };
  },

  /**
   * People of the population with a loyalty or shop record: the customers a lifetime-value sample
   * draws from (bench/clv-fit.ts checks there are enough), and every loyalty and shop record.
   */
  purchaseCustomers(): { customers: number; loyaltyRecords: number; commerceRecords: number } {
    if (!population) throw new Error('The silos are not started.');
    let customers = 0;
    for (const entry of population.truth) if (entry.records.some((r) => r.source === 'loyalty' || r.source === 'commerce')) customers += 1;
    return { customers, loyaltyRecords: population.loyalty.members.length, commerceRecords: population.commerce.customers.length };
  },

  /** One start per person of the population (its strongest record key), for the memory phase. */
  memoryStarts(args: { count: number }): string[] {
    if (!population) throw new Error('The silos are not started.');
    const starts: string[] = [];
    for (const entry of population.truth) {
      if (starts.length >= args.count) break;
      const record = START_PRIORITY.map((source) => entry.records.find((r) => r.source === source)).find((r) => r !== undefined);
      if (record) starts.push(`${record.source}:${record.id}`);
    }
    return starts;
  },

  stats,

  resetStats(): void {
    for (const source of SOURCES) demo?.simulators[source].resetStats();
  },

  setLatency(latency: SiloLatency): void {
    for (const source of SOURCES) demo?.simulators[source].setLatency(latency[source] ?? { fixedMs: 0, jitterMs: 0 });
  },

  usage,

  /**
   * A full collection (the child runs with --expose-gc): called before every measured run, so that
   * the simulators' old generation (the whole population) is not collected in the middle of one
   * contender's run, a pause that lands on whichever contender happens to be measured.
   */
  gc(): void {
    (globalThis as { gc?: () => void }).gc?.();
  },

  async shutdown(): Promise<void> {
    await demo?.close();
    setImmediate(() => process.exit(0));
  },
});
