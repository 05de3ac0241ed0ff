/**
 * `npm start`: the demo (simulated silos + gateway) without configuration, or the gateway alone
 * against the silos the configuration names.
 */
import { readFile } from 'node:fs/promises';
import type { SiloConnectors } from '../connectors/types.js';
import { parseStartArgs, START_USAGE, type StartOptions } from './cli.js';
import { configuresSilos, parseConfig, parseGatewaySettings, type ConfigSources, type GatewaySettings } from './config.js';
import { startDemoSilos } from './demo.js';
import { createLogger } from './logger.js';
import type { Population } from './population/format.js';
import { generatePopulation } from './population/generate.js';
import { loadPopulationFile } from './population/load.js';
import { startGateway } from './server.js';
import { closeSiloConnectors, createSiloConnectors } from './silos.js';

async function main(): Promise<void> {
  const args = parseStartArgs(process.argv.slice(2));
  if (!args.ok) fail(`${args.message}\n\n${START_USAGE}`);
  if (args.options.help) {
    console.log(START_USAGE);
    return;
  }
  const options = args.options;
  const sources: ConfigSources = { env: process.env, file: options.configFile ? await readConfigFile(options.configFile) : undefined };

  if (configuresSilos(sources)) {
    if (options.populationFile || Object.keys(options.latency).length > 0 || Object.keys(options.faults).length > 0) {
      fail('--population, --latency and --fault are for the demo silos; they cannot go with silo settings.');
    }
    const config = parseConfig(sources);
    if (!config.ok) fail(`The configuration is not valid:\n- ${config.errors.join('\n- ')}`);
    const connectors = createSiloConnectors(config.config.silos, {}, config.config.timeZones);
    await serve(config.config, connectors, []);
    return;
  }

  const settings = parseGatewaySettings(sources);
  if (!settings.ok) fail(`The configuration is not valid:\n- ${settings.errors.join('\n- ')}`);
  const population = await demoPopulation(options);
  const demo = await startDemoSilos({ population, latency: options.latency, faults: options.faults });
  const connectors = createSiloConnectors(demo.silos, {}, settings.config.timeZones);
  await serve(settings.config, connectors, [demo.close], exampleId(population));
}

async function serve(
  settings: GatewaySettings,
  connectors: SiloConnectors,
  alsoClose: Array<() => Promise<void>>,
  example?: string,
): Promise<void> {
  const logger = createLogger(settings.logLevel);
  const gateway = await startGateway({ settings, connectors, logger, exampleVariables: example ? { id: example } : undefined });
  console.log(`Customer gateway ready at ${gateway.url} (Apollo Sandbox: open it in a browser; silo health: ${gateway.url.replace(/graphql$/, 'health')})`);
  if (example) {
    console.log(`\nTry it:\n  curl -s ${gateway.url} -H 'content-type: application/json' \\\n` +
      `    -d '{"query":"{ customer(id: \\"${example}\\") { id sourceRecords { key } crm { firstName lastName email } loyalty { tier activePoints } } }"}'\n`);
  }
  const stop = async (): Promise<void> => {
    await gateway.close();
    await closeSiloConnectors(connectors);
    await Promise.all(alsoClose.map((close) => close()));
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

async function demoPopulation(options: StartOptions): Promise<Population> {
  if (options.populationFile) {
    try {
      return await loadPopulationFile(options.populationFile);
    } catch (error) {
      fail((error as Error).message);
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

async function readConfigFile(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    fail(code ? `Cannot read the config file "${path}": ${code}.` : `The config file "${path}" is not valid JSON.`);
  }
}

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

main().catch((error: unknown) => {
  console.error(`The gateway could not start: ${(error as Error).message}`);
  process.exit(1);
});
