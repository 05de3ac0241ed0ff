/**
 * The production entry: `npm run build`, then `npm run start:prod` (`node dist/src/main.js`).
 * The gateway alone, against the silos the configuration names, which it requires. It imports
 * no demo code (demo/, connectors/{*}/simulator.ts): tsconfig.build.json
 * compiles this file and what it imports, and test/integration/production-start.test.ts checks
 * that none of those is in the build.
 */
import { configuresSilos, parseConfig, type ConfigSources } from './server/config.js';
import { configurationMessage, readConfigFile, refuseStart, runEntry, serveGateway } from './server/gateway-process.js';
import { parseServeArgs, SERVE_USAGE } from './server/args.js';
import { createSiloConnectors } from './server/silos.js';
import { createLogger } from './shared/logger.js';

async function main(): Promise<void> {
  const args = parseServeArgs(process.argv.slice(2));
  if (!args.ok) refuseStart(`${args.message}\n\n${SERVE_USAGE}`);
  if (args.options.help) {
    console.log(SERVE_USAGE);
    return;
  }
  const configFile = args.options.configFile;
  const sources: ConfigSources = { env: process.env, file: configFile ? await readConfigFile(configFile) : undefined };
  const config = parseConfig(sources);
  if (!config.ok) {
    // With nothing of the silos configured, the likeliest mistake is starting this instead of the demo.
    const hint = configuresSilos(sources)
      ? ''
      : 'No silo is configured: the production start needs the silo settings, in the environment or in --config FILE (README.md, "Run in production"). The demo, with simulated silos, is `npm start`.\n\n';
    refuseStart(hint + configurationMessage(config.errors));
  }
  const connectors = createSiloConnectors(config.config.silos, { logger: createLogger(config.config.logLevel) }, config.config.timeZones);
  await serveGateway(config.config, connectors);
}

runEntry(main);
