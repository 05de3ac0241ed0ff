/**
 * `npm start`: the demo (simulated silos + gateway) without configuration, or the gateway alone
 * against the silos the configuration names. Run through tsx from the sources; the production
 * start, compiled and without the demo's code, is src/main.ts.
 */
import { parseStartArgs, START_USAGE, type StartOptions } from './args.js';
import { configuresSilos, parseConfig, parseGatewaySettings, type ConfigSources } from '../src/server/config.js';
import { startDemoSilos } from './silos.js';
import { configurationMessage, readConfigFile, refuseStart, runEntry, serveGateway } from '../src/server/gateway-process.js';
import type { Population } from '../connectors/population.js';
import { generatePopulation } from './population/generate.js';
import { loadPopulationFile } from './population/load.js';
import { createSiloConnectors } from '../src/server/silos.js';
import { createLogger } from '../src/shared/logger.js';
import { fitLiveClvModel } from '../src/server/clv-sample.js';
import { Random } from './population/random.js';
import type { GatewayServices } from '../src/graphql/context.js';
import type { ClvModel } from '../src/insights/clv/model-file.js';
import { fileURLToPath } from 'node:url';
import { hashApiKey, mintApiKey } from '../src/access/credentials.js';
import { SCOPES } from '../src/access/scopes.js';

async function main(): Promise<void> {
  const args = parseStartArgs(process.argv.slice(2));
  if (!args.ok) refuseStart(`${args.message}\n\n${START_USAGE}`);
  if (args.options.help) {
    console.log(START_USAGE);
    return;
  }
  const options = args.options;
  const sources: ConfigSources = { env: process.env, file: options.configFile ? await readConfigFile(options.configFile) : undefined };

  if (configuresSilos(sources)) {
    if (options.populationFile || Object.keys(options.latency).length > 0 || Object.keys(options.faults).length > 0) {
      refuseStart('--population, --latency and --fault are for the demo silos; they cannot go with silo settings.');
    }
    const config = parseConfig(sources);
    if (!config.ok) refuseStart(configurationMessage(config.errors));
    const connectors = createSiloConnectors(config.config.silos, { logger: createLogger(config.config.logLevel) }, config.config.timeZones);
    await serveGateway(config.config, connectors);
    return;
  }

  const parsed = parseGatewaySettings(sources);
  if (!parsed.ok) refuseStart(configurationMessage(parsed.errors));
  // A key with every scope, made at each start and printed once, so that the demo works out of
  // the box while a request without credentials still gets 401, as in production.
  const apiKey = mintApiKey();
  const demoKey = { name: 'demo', sha256: hashApiKey(apiKey), scopes: SCOPES };
  // The demo's own segments unless SEGMENTS_FILE names others.
  const settings = {
    ...parsed.config,
    segmentsFile: parsed.config.segmentsFile ?? DEMO_SEGMENTS_FILE,
    auth: { ...parsed.config.auth, apiKeys: [...parsed.config.auth.apiKeys, demoKey] },
  };
  const population = await demoPopulation(options);
  const demo = await startDemoSilos({ population, latency: options.latency, faults: options.faults });
  const connectors = createSiloConnectors(demo.silos, { logger: createLogger(settings.logLevel) }, settings.timeZones);
  await serveGateway(settings, connectors, {
    alsoClose: [demo.close],
    exampleId: exampleId(population),
    apiKey,
    fitClvModel: (services) => fitDemoModel(services, settings.insights.rfmWindowDays, options.seed),
  });
}

/** The demo's segments (README, "Segments"): ten examples over every group of features. */
const DEMO_SEGMENTS_FILE = fileURLToPath(new URL('./segments.json', import.meta.url));

/** Customers the demo's lifetime-value model is fitted on at start (README, "Lifetime value"). */
const DEMO_CLV_SAMPLE = 1_000;

/**
 * Without CLV_MODEL_FILE, the demo fits a model on its own population, live through the
 * connectors as `npm run clv -- fit --sample` does, so that `clv` and the RFM scores answer.
 */
async function fitDemoModel(services: GatewayServices, rfmWindowDays: number, seed: number): Promise<{ model: ClvModel; line: string }> {
  const started = performance.now();
  // Drawn with the population's seed: the same demo fits the same model on every start.
  const random = new Random(seed).fork('clv sample');
  const { model, sample } = await fitLiveClvModel(services, { size: DEMO_CLV_SAMPLE, rfmWindowDays, random: (max) => random.int(0, max - 1) });
  const line =
    `Lifetime-value model fitted on ${sample.customers} demo customers (${sample.rows.length} buyers) in ${Math.round(performance.now() - started)} ms: ` +
    `r ${model.bgnbd.r.toPrecision(3)}, alpha ${model.bgnbd.alpha.toPrecision(3)} days, a ${model.bgnbd.a.toPrecision(3)}, b ${model.bgnbd.b.toPrecision(3)}.`;
  return { model, line };
}

async function demoPopulation(options: StartOptions): Promise<Population> {
  if (options.populationFile) {
    try {
      return await loadPopulationFile(options.populationFile);
    } catch (error) {
      refuseStart((error as Error).message);
    }
  }
  return generatePopulation({ seed: options.seed, size: options.size });
}

/** A CRM contact of a person known to every silo, so the example query shows every section. */
function exampleId(population: Population): string {
  const everywhere = population.truth.find((t) => new Set(t.records.map((r) => r.source)).size === 4);
  const record = everywhere?.records.find((r) => r.source === 'crm') ?? population.truth[0]?.records[0];
  return record ? `${record.source}:${record.id}` : 'crm:101';
}

runEntry(main);
