/**
 * What both entries do as a process: read the `--config` file, start the gateway, print where
 * it listens, stop on SIGINT/SIGTERM, and exit with a message (never a stack) when the start is
 * refused. `demo/main.ts` (the demo, `npm start`) and `src/main.ts` (the production start) use
 * it; it imports no demo code.
 */
import { readFile } from 'node:fs/promises';
import type { SiloConnectors } from '../../connectors/types.js';
import { fileReadProblem, type GatewaySettings } from './config.js';
import { createLogger } from '../shared/logger.js';
import type { GatewayServices } from '../graphql/context.js';
import type { ClvModel } from '../insights/clv/model-file.js';
import { loadClvModel } from './clv-model-file.js';
import { loadSegments } from './segments-file.js';
import { startGateway } from './server.js';
import { AuthConfigurationError } from './auth/authenticator.js';
import { closeSiloConnectors } from './silos.js';

/** Exit code of a start refused for a bad option or configuration (1 is a failure while starting). */
export const EXIT_BAD_USAGE = 2;

/** Prints `message` on stderr and exits with {@link EXIT_BAD_USAGE}: what was wrong, no stack. */
export function refuseStart(message: string): never {
  console.error(message);
  process.exit(EXIT_BAD_USAGE);
}

/** The parsed JSON of the `--config` file; refuses the start when it cannot be read or parsed. */
export async function readConfigFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    refuseStart(`Cannot read the config file "${path}": ${fileReadProblem((error as NodeJS.ErrnoException).code)}.`);
  }
  try {
    return JSON.parse(text);
  } catch {
    // JSON.parse's message may quote the file's content, which can hold a secret.
    refuseStart(`The config file "${path}" is not valid JSON.`);
  }
}

/** The message of a configuration that was refused, one line per problem. */
export function configurationMessage(errors: readonly string[]): string {
  return `The configuration is not valid:\n- ${errors.join('\n- ')}`;
}

export interface ServeOptions {
  /** Closed after the gateway and the connectors on SIGINT/SIGTERM (the demo's simulators). */
  alsoClose?: Array<() => Promise<void>>;
  /** A customer id for the printed example query and Apollo Sandbox (the demo). */
  exampleId?: string;
  /**
   * An API key the configuration holds (the demo's, made at start): printed once in the banner
   * with the example, and preloaded in Sandbox's `Authorization` header.
   */
  apiKey?: string;
  /**
   * Makes the lifetime-value model when no CLV_MODEL_FILE is set (the demo fits one from its own
   * population), in the background once the gateway listens: `clv` answers CLV_MODEL_MISSING
   * until it is done. Resolves to the model and a line for the terminal; a rejection leaves no model.
   */
  fitClvModel?: (services: GatewayServices) => Promise<{ model: ClvModel; line: string }>;
}

/**
 * Starts the gateway, prints `Customer gateway ready at <url>` on stdout, and stops it gracefully
 * on SIGINT or SIGTERM (readiness 503, requests in flight given GATEWAY_SHUTDOWN_GRACE_MS while the
 * probes are still answered, see Gateway.shutdown), then closes the connectors' pools, then
 * `alsoClose`, exiting 0.
 */
export async function serveGateway(settings: GatewaySettings, connectors: SiloConnectors, options: ServeOptions = {}): Promise<void> {
  const logger = createLogger(settings.logLevel);
  const example = options.exampleId;
  // The segments and the model are checked before anything listens: a bad file stops the start.
  const [segments, model] = await Promise.all([loadSegments(settings.segmentsFile), loadClvModel(settings.insights.clv.modelFile)]);
  if (!segments.ok) refuseStart(segments.message);
  if (!model.ok) refuseStart(model.message);
  const authorization = options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : undefined;
  let gateway: Awaited<ReturnType<typeof startGateway>>;
  try {
    gateway = await startGateway({
      settings,
      connectors,
      logger,
      exampleVariables: example ? { id: example } : undefined,
      sandboxHeaders: authorization,
      segments: segments.segments,
      clvModel: model.model,
    });
  } catch (error) {
    // A key set that cannot be had names its setting: a configuration problem, not a crash.
    if (error instanceof AuthConfigurationError) refuseStart(error.message);
    throw error;
  }
  const fitting = model.model === null && options.fitClvModel !== undefined;
  logger.info('insights ready', {
    segments: segments.segments.length,
    clvModel: model.model !== null ? `${model.model.source}, ${model.model.sampleSize} customers` : fitting ? 'fitting' : 'none',
  });
  let stopping = false;
  // The signals are ours before the ready line goes out: a supervisor (or a test) that stops the
  // process as soon as it reads that line must get the clean stop, not the default kill.
  const stop = async (signal: NodeJS.Signals): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info('gateway stopping', { signal, graceMs: settings.traffic.shutdownGraceMs });
    // Readiness 503; requests in flight finish within the grace while probes and new connections
    // are still answered; the listener closes once nothing is in flight (server.ts `shutdown`).
    await gateway.shutdown(settings.traffic.shutdownGraceMs);
    await closeSiloConnectors(connectors);
    await Promise.all((options.alsoClose ?? []).map((close) => close()));
    logger.info('gateway stopped', { signal });
    process.exit(0);
  };
  // A second signal while draining changes nothing (the grace bounds the stop): `on`, not `once`,
  // so that it does not fall back to the default kill.
  process.on('SIGINT', (signal) => void stop(signal));
  process.on('SIGTERM', (signal) => void stop(signal));
  const health = gateway.url.replace(/graphql$/, 'health/silos');
  const ready = settings.sandbox
    ? `Customer gateway ready at ${gateway.url} (Apollo Sandbox: open it in a browser; silo health: ${health})`
    : `Customer gateway ready at ${gateway.url} (silo health: ${health}; Apollo Sandbox is off, introspection ${settings.introspection ? 'on' : 'off'})`;
  // One write with the ready line: whoever reads that line has the key too.
  const key = options.apiKey ? `\n\nAPI key of this start, with every scope (Sandbox sends it already; it changes at each start):\n  ${options.apiKey}` : '';
  console.log(ready + key);
  logger.info('gateway started', { url: gateway.url, sandbox: settings.sandbox, introspection: settings.introspection, host: settings.host });
  if (fitting) {
    console.log('Fitting the lifetime-value model on the demo population in the background: `clv` answers once it is done.');
    options.fitClvModel!(gateway.services).then(
      (fitted) => {
        if (stopping) return;
        gateway.services.insights.clvModel = fitted.model;
        console.log(fitted.line);
      },
      (error: unknown) => {
        if (!stopping) console.log(`No lifetime-value model: the fit failed (${(error as Error).message}); \`clv\` answers null.`);
      },
    );
  }
  if (example) {
    const auth = options.apiKey ? ` -H 'authorization: Bearer ${options.apiKey}'` : '';
    console.log(`\nTry it:\n  curl -s ${gateway.url} -H 'content-type: application/json'${auth} \\\n` +
      `    -d '{"query":"{ customer(id: \\"${example}\\") { id sourceRecords { key } crm { firstName lastName email } loyalty { tier activePoints } } }"}'\n`);
  }
}

/** Runs an entry's `main`, turning an error while starting into a one-line message and exit code 1. */
export function runEntry(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    console.error(`The gateway could not start: ${(error as Error).message}`);
    process.exit(1);
  });
}
