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
    const connectors = createSiloConnectors(config.config.silos, {}, config.config.timeZones);
    await serveGateway(config.config, connectors);
    return;
  }

  const settings = parseGatewaySettings(sources);
  if (!settings.ok) refuseStart(configurationMessage(settings.errors));
  const population = await demoPopulation(options);
  const demo = await startDemoSilos({ population, latency: options.latency, faults: options.faults });
  const connectors = createSiloConnectors(demo.silos, {}, settings.config.timeZones);
  await serveGateway(settings.config, connectors, { alsoClose: [demo.close], exampleId: exampleId(population) });
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
