/**
 * The HTTP server: Apollo Server on node:http, with the GraphQL endpoint at /graphql (Apollo
 * Sandbox on GET with an example operation preloaded), a health endpoint, and the error masking
 * that keeps stacks, upstream bodies and secrets out of responses.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApolloServer, HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import type { SiloConnectors } from '../../connectors/types.js';
import { clipQuotedInput, ErrorCode, inputPrefix, sourceErrorOf, type SourceError } from '../shared/errors.js';
import type { ClvModel } from '../insights/clv/model-file.js';
import type { CompiledSegment } from '../insights/segments/compile.js';
import { createRequestContext, SOURCES, type GatewayServices, type RequestContext } from '../graphql/context.js';
import type { GatewaySettings } from './config.js';
import type { Logger } from '../shared/logger.js';
import { IdentityResolver } from '../identity/identity-resolver.js';
import { resolvers } from '../graphql/resolvers.js';
import { guardFields } from '../graphql/scope-guard.js';
import { compiledExecution } from './compiled-execution.js';
import { SCOPES, type AccessGrant } from '../access/scopes.js';
import { createAuthenticator, type Authentication, type Authenticator } from './auth/authenticator.js';
import { corsHeaders } from './cors.js';
import type { OriginPattern } from '../access/origins.js';
import { SiloFailureLog } from './silo-failure-log.js';
import { operationLimitsCheck, type OperationLimits } from './limits/operation-limits.js';
import { ABORTED, readBody, TOO_LARGE, tooLargeAnswer } from './limits/request-body.js';
import { answerHealth, HEALTH_PATHS, Readiness, SiloProbe } from './health.js';
import { memoryRateLimiter, rateLimitKey, rateLimitMessage, type RateLimiter } from './rate-limit.js';
import { requestController, stopRequest } from '../graphql/request-signal.js';

const SCHEMA_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'schema');

/** The schema's SDL, all files of schema/ in name order. */
export function loadTypeDefs(): string {
  return readdirSync(SCHEMA_DIR)
    .filter((name) => name.endsWith('.graphql'))
    .sort()
    .map((name) => readFileSync(join(SCHEMA_DIR, name), 'utf8'))
    .join('\n');
}

export const EXAMPLE_OPERATION = `# A customer, from any of their silo record keys (crm:, loyalty:, commerce:, analytics:).
query Customer($id: ID!) {
  customer(id: $id) {
    id
    resolution { complete unavailableSources }
    sourceRecords { key source recordId }
    crm { firstName lastName email phone emailOptOut }
    loyalty { cardNumber tier activePoints transactions(limit: 3) { purchasedAt store grossValue } }
    commerce { email ordersCount totalSpent orders(limit: 3) { name createdAt totalPrice } }
    analytics { id visitCount lastVisitAt }
    # The last touchpoints in every silo, newest first; pass pageInfo.endCursor as after for more.
    journey(first: 5) {
      edges { node { occurredAt kind channel source summary } }
      pageInfo { hasNextPage endCursor }
    }
    journeySummary { touchpoints purchases totalSpend currency favouriteStore }
    # Where they are in their life cycle and the segments they are in now (README, "Segments").
    # Null with CONSENT_REQUIRED when they refused profiling (README, "Consent and preferences").
    lifecycle { stage reason since }
    segments { name description }
    # What they consented to, and the channels marketing may use.
    consent { emailMarketing { status source evidence } profiling { status source evidence } }
    marketingChannels
  }
}
`;

export interface GatewayOptions {
  settings: GatewaySettings;
  connectors: SiloConnectors;
  logger: Logger;
  /** Variables preloaded in Sandbox next to the example operation. */
  exampleVariables?: Record<string, unknown>;
  /** Headers preloaded in Sandbox (the demo's API key: `{ authorization: 'Bearer cgw_...' }`). */
  sandboxHeaders?: Record<string, string>;
  /** The lifetime-value model (loaded from CLV_MODEL_FILE, or fitted by the demo); none: `clv` is null. */
  clvModel?: ClvModel | null;
  /** The compiled segments (SEGMENTS_FILE); none: no segments. */
  segments?: readonly CompiledSegment[];
  /** The clock of the insights, in ms since the epoch (tests fix it); default Date.now. */
  now?: () => number;
}

export interface Gateway {
  /** The GraphQL endpoint, e.g. http://localhost:4000/graphql. */
  url: string;
  port: number;
  /** The shared services (the identity resolver and its cache), for tests and benchmarks. */
  services: GatewayServices;
  /** Stops at once: closes every connection, requests in flight included. */
  close(): Promise<void>;
  /**
   * The graceful stop (SIGTERM/SIGINT, gateway-process.ts): readiness answers 503 `draining`,
   * idle keep-alive connections close, and as long as requests are in flight (for up to
   * `graceMs`) the server still accepts connections and serves them (the probes, a request the
   * platform routed here before it saw the 503), each answer closing its connection. Once none is
   * in flight, or the grace is over, it stops listening, closes the remaining connections (cutting
   * what still runs) and stops Apollo. The caller closes the silo pools after it. With nothing in
   * flight it does not wait for the grace.
   */
  shutdown(graceMs: number): Promise<void>;
}

/** The gateway without its HTTP server: the shared services and the started Apollo Server. */
export interface GatewayCore {
  services: GatewayServices;
  apollo: ApolloServer<RequestContext>;
}

/**
 * The default of the deadline a resolution's rounds share (IDENTITY_DEADLINE_MS), in ms: one and
 * a half times the longest per-call deadline of the silos, so that a round waiting for a hung
 * silo still gets its whole call deadline and the rounds after it half of one more (with the
 * deadline at one call's, a silo timing out in the first round left no time for the next).
 * Undefined (no shared deadline) when no connector tells its own (test doubles).
 */
function defaultResolutionDeadline(connectors: SiloConnectors): number | undefined {
  const deadlines = SOURCES.map((source) => connectors[source].calls?.timeoutMs).filter((ms): ms is number => ms !== undefined);
  return deadlines.length > 0 ? Math.round(1.5 * Math.max(...deadlines)) : undefined;
}

/** Builds the services and starts Apollo Server (what `startGateway` serves over HTTP). */
export async function createGatewayCore(options: GatewayOptions): Promise<GatewayCore> {
  const { settings, connectors, logger } = options;
  const normalize = { defaultCountry: settings.defaultCountry };
  const services: GatewayServices = {
    connectors,
    logger,
    normalize,
    cursorKey: settings.cursorSecret || randomBytes(32),
    insights: {
      rfmWindowDays: settings.insights.rfmWindowDays,
      profilingConsent: settings.insights.profilingConsent,
      lifecycle: settings.insights.lifecycle,
      timeZone: settings.timeZone,
      clvModel: options.clvModel ?? null,
      valuation: { monthlyDiscountRate: settings.insights.clv.monthlyDiscountRate, margin: settings.insights.clv.margin },
      segments: options.segments ?? [],
      now: options.now ?? Date.now,
    },
    golden: { ...normalize, rules: settings.golden.rules },
    identity: new IdentityResolver({
      silos: SOURCES.map((source) => connectors[source]),
      rules: settings.identity.rules,
      normalize,
      maxRounds: settings.identity.maxRounds,
      maxRecords: settings.identity.maxRecords,
      deadlineMs: settings.identity.deadlineMs ?? defaultResolutionDeadline(connectors),
      cache: settings.identity.cache,
    }),
  };
  if (!settings.cursorSecret) {
    logger.info('journey cursor key made at start', { reason: 'GATEWAY_CURSOR_SECRET is empty', effect: 'journey cursors stop working after a restart and on other replicas' });
  }
  // The access rules of the schema (@authenticated, @requiresScopes) enforced on every field that declares one.
  const schema = guardFields(makeExecutableSchema({ typeDefs: loadTypeDefs(), resolvers }));
  const apollo = new ApolloServer<RequestContext>({
    schema,
    introspection: settings.introspection,
    // Without introspection, "Did you mean" in validation errors would leak the schema's field names.
    hideSchemaDetailsFromClientErrors: !settings.introspection,
    includeStacktraceInErrorResponses: false,
    // Apollo stops itself on SIGINT/SIGTERM outside NODE_ENV=test and then re-raises the signal,
    // which killed the process (exit 143) before the gateway's own stop (gateway-process.ts) had
    // closed the HTTP server, the connectors' pools and the demo's silos. The process owns signals.
    stopOnTerminationSignals: false,
    // A document of more tokens is not parsed further (Apollo Router's parser_max_tokens); formatError names the limit.
    parseOptions: { maxTokens: settings.limits.maxTokens },
    formatError: (formatted, error) => formatError(formatted, error, logger, settings.limits),
    plugins: [
      gatewayRequestHooks(settings, logger, schema),
      // The gateway sets no cache hints; Apollo's per-field cache-control bookkeeping is pure cost here.
      ApolloServerPluginCacheControlDisabled(),
      settings.sandbox
        ? ApolloServerPluginLandingPageLocalDefault({
            // Sandbox's own usage telemetry to Apollo stays off: the page runs beside personal data.
            embed: { runTelemetry: false },
            document: EXAMPLE_OPERATION,
            variables: options.exampleVariables ?? { id: 'crm:101' },
            ...(options.sandboxHeaders ? { headers: options.sandboxHeaders } : {}),
            includeCookies: false,
          })
        : ApolloServerPluginLandingPageDisabled(),
    ],
  });
  await apollo.start();
  return { services, apollo };
}

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const { settings, logger } = options;
  // The key set is fetched (or read) before anything listens: one that cannot be had stops the start.
  const authenticator = await createAuthenticator(settings.auth);
  const { services, apollo } = await createGatewayCore(options);
  const readiness = new Readiness();
  const http: HttpOptions = {
    authenticator,
    probe: new SiloProbe(services.connectors, settings.traffic.healthCacheMs),
    readiness,
    rateLimiter: settings.traffic.rateLimitRequests > 0 ? memoryRateLimiter(settings.traffic.rateLimitRequests, settings.traffic.rateLimitWindowS) : null,
    requestTimeoutMs: settings.traffic.requestTimeoutMs,
    corsOrigins: settings.corsOrigins,
    landingPage: settings.sandbox,
    pageNeedsKnownHost: options.sandboxHeaders !== undefined,
    configuredHost: settings.host.toLowerCase(),
    maxRequestBytes: settings.limits.maxRequestBytes,
  };

  let inFlight = 0;
  let allDone: (() => void) | null = null;
  const server = createServer((req, res) => {
    inFlight += 1;
    res.once('close', () => {
      inFlight -= 1;
      if (inFlight === 0) allDone?.();
    });
    // While draining, an answer closes its connection rather than keep it open for another request.
    if (readiness.draining) res.shouldKeepAlive = false;
    handle(req, res, apollo, services, http).catch((error: unknown) => {
      logger.error('request failed', { error: describe(error) });
      if (!res.headersSent) sendJson(res, 500, { errors: [{ message: 'Internal server error' }] });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 65_000;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(settings.port, settings.host, () => resolve());
    });
  } catch (error) {
    await apollo.stop();
    throw error;
  }
  logger.info('authentication', { ...authenticator.summary, corsOrigins: settings.corsOrigins.length });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : settings.port;
  const shownHost = settings.host === '0.0.0.0' || settings.host === '::' ? 'localhost' : settings.host;
  return {
    url: `http://${shownHost}:${port}/graphql`,
    port,
    services,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await apollo.stop();
    },
    shutdown: async (graceMs) => {
      readiness.drain();
      // The server keeps listening while requests are in flight: a platform's probe opens a new
      // connection each time (kubelet's httpGet does), so with the listener closed it read a
      // refused connection on /health/live as well as on /health/ready, never the documented
      // 503; and a request routed here before the platform saw the 503 is still served
      // (Kubernetes takes a terminating pod out of its Service's endpoints while the pod already
      // has SIGTERM). Idle keep-alive connections close now; every answer from here on closes
      // its connection.
      server.closeIdleConnections();
      if (inFlight > 0) {
        const finished = new Promise<void>((resolve) => (allDone = resolve));
        let timer: NodeJS.Timeout | undefined;
        const graceOver = new Promise<'grace over'>((resolve) => (timer = setTimeout(() => resolve('grace over'), graceMs)));
        const outcome = await Promise.race([finished, graceOver]);
        clearTimeout(timer);
        if (outcome === 'grace over') logger.warn('shutdown grace over', { graceMs, requestsCut: inFlight });
      }
      // Nothing in flight (or the grace is over): no new connection from here on.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await apollo.stop();
    },
  };
}

/** What `handle` needs beside Apollo and the services. */
interface HttpOptions {
  authenticator: Authenticator;
  /** The silos' shared probe (health.ts). */
  probe: SiloProbe;
  readiness: Readiness;
  /** The per-client rate limit (rate-limit.ts); null: none (GATEWAY_RATE_LIMIT_REQUESTS=0). */
  rateLimiter: RateLimiter | null;
  /** The whole request's deadline, in ms; 0: none. */
  requestTimeoutMs: number;
  corsOrigins: readonly OriginPattern[];
  /** Apollo serves Sandbox's page on a browser's GET. */
  landingPage: boolean;
  /** Sandbox's page carries credentials (the demo's key): served only for a Host the machine answers to ({@link knownHost}). */
  pageNeedsKnownHost: boolean;
  /** HOST, lower-cased. */
  configuredHost: string;
  /** MAX_REQUEST_BYTES. */
  maxRequestBytes: number;
}

/**
 * Whether a request's Host names this machine rather than some DNS name: `localhost`, an IP
 * literal, or the HOST setting. DNS rebinding (a page of attacker.example whose name is then
 * pointed at 127.0.0.1) reaches a local server with its own name in Host, as the same origin as
 * the attacker's page; the demo's Sandbox page holds an API key, so it is not served then.
 */
function knownHost(hostHeader: string | undefined, configuredHost: string): boolean {
  if (hostHeader === undefined) return false;
  const host = hostHeader.toLowerCase();
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d+$/, '');
  return name === 'localhost' || name === configuredHost || /^\d{1,3}(\.\d{1,3}){3}$/.test(name) || /^\[[0-9a-f:.]+\]$/.test(name);
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  apollo: ApolloServer<RequestContext>,
  services: GatewayServices,
  http: HttpOptions,
): Promise<void> {
  // The path and query by hand: a WHATWG URL per request costs more than the split does.
  const target = req.url ?? '/';
  const queryAt = target.indexOf('?');
  const url = { pathname: queryAt < 0 ? target : target.slice(0, queryAt), search: queryAt < 0 ? '' : target.slice(queryAt) };
  if (url.pathname === '/') {
    res.writeHead(302, { location: '/graphql' }).end();
    return;
  }
  if (url.pathname.startsWith(HEALTH_PATHS.legacy) && (await answerHealth(url.pathname, res, http.probe, http.readiness))) return;
  if (url.pathname !== '/graphql') {
    sendJson(res, 404, {
      errors: [{ message: `Nothing at ${inputPrefix(url.pathname)}. The GraphQL endpoint is /graphql; the probes are ${HEALTH_PATHS.live}, ${HEALTH_PATHS.ready} and ${HEALTH_PATHS.silos}.` }],
    });
    return;
  }
  const origin = req.headers.origin;
  const cors = corsHeaders(origin, http.corsOrigins, req.method === 'OPTIONS');
  for (const [name, value] of Object.entries(cors)) res.setHeader(name, value);
  if (req.method === 'OPTIONS') {
    // A preflight carries no credentials (Fetch standard, CORS-preflight request): answered before authentication.
    res.writeHead(204).end();
    return;
  }
  const pageRequest = http.landingPage && req.method === 'GET' && (req.headers.accept ?? '').includes('text/html');
  if (pageRequest && http.pageNeedsKnownHost && !knownHost(req.headers.host, http.configuredHost)) {
    // The Host is not echoed: it is whatever the caller chose.
    sendJson(res, 403, {
      errors: [
        {
          message: "This demo serves Apollo Sandbox, whose page carries the demo's API key, only at localhost, an IP address or HOST: the Host of this request is another name (a DNS rebinding attempt, or a proxy: reach the demo by its address).",
          extensions: { code: ErrorCode.FORBIDDEN },
        },
      ],
    });
    return;
  }
  const authentication = await http.authenticator.authenticate(req.headers.authorization);
  // A browser's GET may be for Sandbox's page, which Apollo serves without running an operation:
  // only an operation needs credentials, so this one goes on and its context refuses it (below).
  if (!authentication.ok && !pageRequest) {
    refuse(res, authentication, services.logger, req.method);
    return;
  }
  if (http.rateLimiter && !(await withinRateLimit(req, res, http.rateLimiter, authentication.ok ? authentication.grant : null, services.logger))) return;
  // The request's stop: the client leaving, or the deadline (request-signal.ts).
  const controller = requestController();
  res.once('close', () => {
    if (!res.writableFinished) stopRequest(controller, { kind: 'disconnect' });
  });
  const deadline = http.requestTimeoutMs > 0 ? setTimeout(() => stopRequest(controller, { kind: 'deadline', ms: http.requestTimeoutMs }), http.requestTimeoutMs) : undefined;
  try {
    await answerGraphQL(req, res, apollo, services, url.search, authentication, controller.signal, http.maxRequestBytes);
  } finally {
    clearTimeout(deadline);
  }
}

/** Reads the body, runs the operation through Apollo with the request's signal, and writes the answer. */
async function answerGraphQL(
  req: IncomingMessage,
  res: ServerResponse,
  apollo: ApolloServer<RequestContext>,
  services: GatewayServices,
  search: string,
  authentication: Authentication,
  signal: AbortSignal,
  maxRequestBytes: number,
): Promise<void> {
  const body = await readBody(req, maxRequestBytes, services.logger);
  if (body === ABORTED) return;
  if (body === TOO_LARGE) {
    sendJson(res, 413, tooLargeAnswer(maxRequestBytes));
    return;
  }
  let parsed: unknown;
  if (req.method === 'POST' && body.length > 0 && (req.headers['content-type'] ?? '').includes('json')) {
    try {
      parsed = JSON.parse(body);
    } catch {
      sendJson(res, 400, { errors: [{ message: 'The request body is not valid JSON.', extensions: { code: 'BAD_REQUEST' } }] });
      return;
    }
  }
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const result = await apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: req.method ?? 'GET', headers, search, body: parsed ?? body },
    context: async () => {
      if (!authentication.ok) throw unauthenticated(authentication);
      return createRequestContext(services, authentication.grant, signal);
    },
  });
  for (const [name, value] of result.headers) res.setHeader(name, value);
  res.statusCode = result.status ?? 200;
  if (result.body.kind === 'complete') {
    // With its length known, the answer goes out in one write, headers included, not chunked.
    res.setHeader('content-length', Buffer.byteLength(result.body.string));
    res.end(result.body.string);
    return;
  }
  for await (const chunk of result.body.asyncIterator) res.write(chunk);
  res.end();
}

/**
 * The gateway's own hooks in every request, in one Apollo Server listener:
 * - the operation limits, before any resolver (limits/operation-limits.ts);
 * - compiled execution (compiled-execution.ts), unless `compileAfterUses` is 0: the operation run
 *   by the function graphql-jit compiled for it, its errors formatted as Apollo formats them;
 * - the silo failures that no null field reported (see failures.ts), added once each, and the
 *   request's silo failures logged, one line per silo (silo-failure-log.ts), not one per error;
 * - the access log: one line per request that read personal data (a pii:read field answered a
 *   value) or looked a customer up by email or phone. Who asked (client, kind of credentials),
 *   the operation, the golden ids read, the fields, the lookups and the scopes used; never a
 *   value (README, "The access log").
 * One listener, not one per concern: Apollo Server runs the hooks of every listener of a request
 * through a Promise.all at each of its stages, which took some 25 promises a request with three.
 */
function gatewayRequestHooks(settings: Pick<GatewaySettings, 'limits' | 'compileAfterUses'>, logger: Logger, schema: GraphQLSchema): ApolloServerPlugin<RequestContext> {
  const { limits, compileAfterUses } = settings;
  const checkLimits = operationLimitsCheck(limits);
  const formatErrors = (errors: ReadonlyArray<GraphQLError>): GraphQLFormattedError[] => errors.map((error) => formatExecutionError(error, logger, limits));
  const compiled = compileAfterUses > 0 ? compiledExecution<RequestContext>(schema, { compileAfterUses, formatErrors }) : null;
  return {
    async requestDidStart() {
      const failureLog = new SiloFailureLog();
      const noteFailures = (errors: ReadonlyArray<GraphQLError>): void => {
        for (const error of errors) {
          const failure = sourceErrorIn(error);
          if (failure) failureLog.add(failure, error.path);
        }
      };
      return {
        didResolveOperation: checkLimits,
        // Undefined when compilation is off: Apollo then executes every operation itself.
        responseForOperation: compiled ? (requestContext) => compiled.responseFor(requestContext, noteFailures) : undefined,
        async didEncounterErrors({ errors }) {
          noteFailures(errors);
        },
        async willSendResponse({ contextValue, response, operationName }) {
          if (response.body.kind === 'single') {
            const pending = contextValue.failures.drain();
            if (pending.length > 0) {
              for (const { error, path } of pending) failureLog.add(error, path);
              const result = response.body.singleResult;
              result.errors = [...(result.errors ?? []), ...pending.map(({ error, path }) => toClientError(error, path))];
            }
          }
          failureLog.write(logger);
          const entry = contextValue.audit.entry(SCOPES);
          if (!entry) return;
          const { kind, client } = contextValue.access;
          logger.info('pii access', { access: 'pii', client, credentials: kind, operation: operationName ?? null, ...entry });
        },
      };
    },
  };
}

/**
 * An execution error as Apollo Server's pipeline hands it to `formatError` (its errorNormalize.ts):
 * the error's JSON, `extensions.code` INTERNAL_SERVER_ERROR where it has none, then formatted; a
 * formatting that throws gives "Internal server error", as in Apollo. For the answers of compiled
 * execution (compiled-execution.ts), which Apollo does not format. `extensions.http`, which Apollo
 * moves to the response's head, is dropped: no resolver of the gateway sets one.
 */
function formatExecutionError(error: GraphQLError, logger: Logger, limits: OperationLimits): GraphQLFormattedError {
  try {
    const { http: _headOnly, ...extensions } = error.extensions;
    return formatError({ ...error.toJSON(), extensions: { ...extensions, code: extensions['code'] ?? ErrorCode.INTERNAL_SERVER_ERROR } }, error, logger, limits);
  } catch {
    return { message: 'Internal server error', extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
  }
}

/** The SourceError behind a resolver's error, through graphql-js's located error and Apollo's wrapping. */
function sourceErrorIn(error: unknown): SourceError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth += 1) {
    const failure = sourceErrorOf(current);
    if (failure) return failure;
    current = (current as { originalError?: unknown }).originalError;
  }
  return undefined;
}

function toClientError(failure: SourceError, path: ReadonlyArray<string | number>): GraphQLFormattedError {
  return { message: failure.message, path: [...path], extensions: { code: failure.code, source: failure.source } };
}

/**
 * HTTP 401 for refused credentials: the UNAUTHENTICATED error in GraphQL's shape, and the
 * `WWW-Authenticate` challenge of RFC 6750 section 3 (with `error="invalid_token"` when a token
 * came and was refused; without an error code when none came, section 3.1). Logged without the token.
 */
function refuse(res: ServerResponse, failure: Extract<Authentication, { ok: false }>, logger: Logger, method: string | undefined): void {
  logger.warn('request refused', { code: ErrorCode.UNAUTHENTICATED, reason: failure.reason, method });
  const challenge = failure.error ? `Bearer realm="customer-gateway", error="${failure.error}"` : 'Bearer realm="customer-gateway"';
  res.setHeader('www-authenticate', challenge);
  sendJson(res, 401, { errors: [{ message: failure.message, extensions: { code: ErrorCode.UNAUTHENTICATED } }] });
}

/** The same refusal from inside Apollo, for a GET that was not for Sandbox's page after all. */
function unauthenticated(failure: Extract<Authentication, { ok: false }>): GraphQLError {
  return new GraphQLError(failure.message, {
    extensions: { code: ErrorCode.UNAUTHENTICATED, http: { status: 401, headers: new HeaderMap([['www-authenticate', 'Bearer realm="customer-gateway"']]) } },
  });
}

/**
 * Counts the request against its client's rate limit; over it, answers 429 RATE_LIMITED with
 * `Retry-After` in seconds (RFC 6585 section 4, RFC 9110 section 10.2.3) before the body is read
 * or parsed, and returns false. The log line carries the hashed key, never the client's name.
 */
async function withinRateLimit(req: IncomingMessage, res: ServerResponse, limiter: RateLimiter, grant: AccessGrant | null, logger: Logger): Promise<boolean> {
  const key = rateLimitKey(grant, req.socket.remoteAddress);
  const decision = await limiter.take(key);
  if (decision.allowed) return true;
  logger.info('request rate limited', { code: ErrorCode.RATE_LIMITED, clientKey: key, retryAfterS: decision.retryAfterS });
  // The body is not read: drained unread, so that the connection can carry the answer.
  req.resume();
  res.setHeader('retry-after', String(decision.retryAfterS));
  sendJson(res, 429, { errors: [{ message: rateLimitMessage(limiter, decision.retryAfterS), extensions: { code: ErrorCode.RATE_LIMITED } }] });
  return false;
}

/**
 * Only errors the gateway made reach a client: a silo failure becomes its code and source; our
 * own GraphQLErrors and Apollo's request errors pass; anything else is logged and masked.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown, logger: Logger, limits?: Pick<OperationLimits, 'maxTokens'>): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const { locations, path } = formatted;
  // graphql-js and Apollo quote a bad variable's whole value: a client gets a short prefix of it.
  const message = clipQuotedInput(formatted.message);
  const failure = sourceErrorOf(original);
  if (failure) {
    // Logged once per silo per request by gatewayRequestHooks, not here once per error.
    return { message: failure.message, locations, path, extensions: { code: failure.code, source: failure.source } };
  }
  const code = formatted.extensions?.code;
  if (isGraphQLError(original) && typeof code === 'string' && code !== ErrorCode.INTERNAL_SERVER_ERROR) {
    const { stacktrace: _dropped, ...extensions } = formatted.extensions ?? {};
    if (code === ErrorCode.UNAUTHENTICATED && message.startsWith(CONTEXT_FAILED)) {
      // Refused in the context (a browser's GET that was not for Sandbox's page): the same message as the 401 of handle().
      return { message: message.slice(CONTEXT_FAILED.length), locations, path, extensions };
    }
    if (limits && code === 'GRAPHQL_PARSE_FAILED' && TOKEN_LIMIT.test(message)) {
      // graphql-js stops parsing at the limit: the figure is "more than" it.
      return {
        message: `This operation has more than ${limits.maxTokens.toLocaleString('en-US')} tokens, over the limit of ${limits.maxTokens.toLocaleString('en-US')} (MAX_TOKENS): send a shorter document, with variables for long lists.`,
        locations,
        extensions: { code: ErrorCode.MAX_TOKENS_LIMIT, limit: limits.maxTokens },
      };
    }
    if (extensions['validationErrorCode'] === 'INTROSPECTION_DISABLED') {
      // Apollo's text tells a server developer to pass an option; a client needs our setting's name.
      return { message: INTROSPECTION_OFF, locations, path, extensions };
    }
    return { message, locations, path, extensions };
  }
  logger.error('unexpected error', { path, error: describe(original) });
  return { message: 'Internal server error', locations, path, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
}

/** graphql-js's message when `parse` stops at `maxTokens`. */
const TOKEN_LIMIT = /Document contains more tha[nt] \d+ tokens/;

/** What Apollo Server puts before the message of an error thrown by the context function. */
const CONTEXT_FAILED = 'Context creation failed: ';

const INTROSPECTION_OFF =
  'Introspection is off on this gateway (GATEWAY_INTROSPECTION=false): the schema is in the repository\'s schema/ folder, or ask its operators.';

/**
 * A GraphQL error made on purpose (by graphql-js, Apollo Server or the error registry). By shape as
 * well as by class: a second copy of graphql-js (Apollo Server's CommonJS one beside our ES module
 * one, as under vitest) makes errors of another GraphQLError class (Apollo's `ValidationError`,
 * `SyntaxError` subclasses of it), and a validation error must not be masked as
 * INTERNAL_SERVER_ERROR for that. A plain Error thrown by a bug has no `extensions`.
 */
function isGraphQLError(error: unknown): error is GraphQLError {
  if (error instanceof GraphQLError) return true;
  return error instanceof Error && 'extensions' in error && typeof error.extensions === 'object' && error.extensions !== null && 'locations' in error;
}

function describe(error: unknown): Record<string, unknown> {
  return error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : { value: String(error) };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

