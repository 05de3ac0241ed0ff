/**
 * Configuration: one typed table of settings (name, accepted form, default, description, parser),
 * read from the environment and/or a JSON file with the same keys, validated at start-up with a
 * message naming every bad, missing or unknown key. Pure: the caller passes the environment and
 * the file's parsed content.
 */
import { isSupportedCountry, type CountryCode } from 'libphonenumber-js/max';
import type { AnalyticsConfig } from '../../connectors/analytics/client.js';
import { isApiVersion, SHOPIFY_API_VERSION } from '../../connectors/commerce/api.js';
import type { CommerceConfig } from '../../connectors/commerce/client.js';
import type { CrmConfig } from '../../connectors/crm/client.js';
import type { LoyaltyConfig } from '../../connectors/loyalty/client.js';
import { canonicalTimeZone } from '../../connectors/shared/time.js';
import type { BreakerOptions } from '../../connectors/shared/silo-guard.js';
import type { IdentifierType } from '../../connectors/types.js';
import { IDENTIFIER_TYPES } from '../identity/identifier.js';
import type { LinkCacheOptions } from '../identity/link-cache.js';
import { parseSurvivorshipRules, type SurvivorshipRules } from '../golden/rules-config.js';
import { DEFAULT_IDENTITY_RULES, type IdentityRules } from '../identity/rules.js';
import { DEFAULT_LIFECYCLE_THRESHOLDS, type LifecycleThresholds } from '../insights/lifecycle.js';
import { DEFAULT_RFM_WINDOW_DAYS } from '../insights/rfm.js';
import { PROFILING_CONSENT_MODES, type ProfilingConsentMode } from '../golden/consent.js';
import type { LogLevel } from '../shared/logger.js';
import { assertNever } from '../../connectors/shared/exhaustive.js';
import { parseApiKeys, parseScopeList, type ApiKeyEntry } from '../access/credentials.js';
import { parseOriginPattern, type OriginPattern } from '../access/origins.js';
import type { Scope } from '../access/scopes.js';
import type { OperationLimits } from './limits/operation-limits.js';

export interface GatewayConfig {
  port: number;
  host: string;
  logLevel: LogLevel;
  /** Serve Apollo Sandbox on GET /graphql from a browser (it needs `introspection`). */
  sandbox: boolean;
  /** Answer introspection queries; off, field suggestions ("Did you mean") are hidden too. */
  introspection: boolean;
  /** Who may call, and how credentials are checked (README, "Authentication"). */
  auth: AuthSettings;
  /** Browser origins allowed to call the gateway (CORS); none: browsers on other origins cannot. */
  corsOrigins: OriginPattern[];
  /** Country used to read phone numbers written without a country code. */
  defaultCountry: CountryCode;
  /** The retailer's IANA time zone: where a silo's date-only values are read unless its own zone says otherwise. */
  timeZone: string;
  /**
   * IANA zone in which each silo that sends date-only fields (birth dates) writes them as
   * instants, so that `1990-04-14T22:00:00Z` from a Paris server is read as 15 April.
   */
  timeZones: SiloTimeZones;
  /**
   * Key that signs journey cursors (HMAC-SHA256), at least 32 characters; empty: a random key
   * made at start, so cursors do not survive a restart and are not understood by other replicas.
   */
  cursorSecret: string;
  /**
   * Path of the segments file (JSON, README "Segments"), or null: no segments. Read and compiled
   * at start by `loadSegments` (segments-file.ts).
   */
  segmentsFile: string | null;
  /** Survivorship rule of each golden field. */
  golden: { rules: SurvivorshipRules };
  /** The limits on an operation's size and cost, checked before anything runs (README, "Limits and resilience"). */
  limits: OperationLimits;
  /** The use of an operation's text at which it is compiled (compiled-execution.ts); 0: never, graphql-js runs everything. */
  compileAfterUses: number;
  identity: {
    maxRounds: number;
    maxRecords: number;
    /** The deadline all rounds of a resolution share, in ms; null: 1.5 times the longest silo call deadline (`*_TIMEOUT_MS`). */
    deadlineMs: number | null;
    cache: LinkCacheOptions;
    rules: IdentityRules;
  };
  /** RFM and the lifecycle stage (src/insights): the RFM window and the stages' thresholds. */
  insights: InsightSettings;
  /** Probes, the per-client rate limit, shutdown and the whole-request deadline (README, "Limits and resilience"). */
  traffic: TrafficSettings;
  silos: { crm: CrmConfig; loyalty: LoyaltyConfig; commerce: CommerceConfig; analytics: AnalyticsConfig };
}

/**
 * How the gateway protects itself and its silos from its clients, and how it stops
 * (GATEWAY_HEALTH_CACHE_MS, GATEWAY_RATE_LIMIT_*, GATEWAY_SHUTDOWN_GRACE_MS, GATEWAY_REQUEST_TIMEOUT_MS).
 */
export interface TrafficSettings {
  /** How long one probe of the silos answers `/health/silos`, in ms (health.ts). */
  healthCacheMs: number;
  /** Requests one client may make per window (rate-limit.ts); 0: no limit. */
  rateLimitRequests: number;
  /** The rate limit's window, in seconds. */
  rateLimitWindowS: number;
  /** How long in-flight requests may take to finish after SIGTERM/SIGINT, in ms. */
  shutdownGraceMs: number;
  /** The whole request's deadline, in ms: then the answer goes out with what is ready; 0: none. */
  requestTimeoutMs: number;
}

/** The insights' settings (RFM_WINDOW_DAYS, LIFECYCLE_*). */
export interface InsightSettings {
  /** `Customer.rfm`'s window when a query gives none, and the window of the model's RFM breakpoints, in days. */
  rfmWindowDays: number;
  /** The lifecycle stages' thresholds. */
  lifecycle: LifecycleThresholds;
  /**
   * Which profiling consent withholds the personalization outputs (PROFILING_CONSENT):
   * `denied` (only a refusal) or `granted` (anything but a grant). src/golden/consent.ts.
   */
  profilingConsent: ProfilingConsentMode;
  /** The lifetime-value model and how `Clv.value` discounts and margins it (README, "Lifetime value"). */
  clv: {
    /** Path of the model file `npm run clv -- fit` wrote, or null: no model (`clv` null, with an error). */
    modelFile: string | null;
    /** Monthly discount rate of future spend, 0 to 1 (0.01: 1% a month, about 12.7% a year). */
    monthlyDiscountRate: number;
    /** Gross margin applied to expected spend, 0 to 1 (1: the value is in revenue). */
    margin: number;
  };
}

/**
 * How a request's credentials are checked (src/server/auth/). A JWT is verified against the key
 * set of `jwksUrl` or of `publicKeyFile` (one of them, or neither: no JWTs); an API key against
 * `apiKeys`' hashes. Without credentials, a request gets `anonymousScopes`, or 401 when null.
 */
export interface AuthSettings {
  /** URL of the issuer's JSON Web Key Set (RFC 7517 section 5), or null. */
  jwksUrl: string | null;
  /** File holding the public key: PEM (SPKI, `-----BEGIN PUBLIC KEY-----`), a JWK or a JWK Set; or null. */
  publicKeyFile: string | null;
  /** The `iss` a token must carry, or null: not checked. */
  issuer: string | null;
  /** The `aud` a token must carry (one of its values), or null: not checked. */
  audience: string | null;
  /** JWS algorithms accepted (RFC 7518 names); only asymmetric ones. */
  algorithms: string[];
  /** Leeway on `exp` and `nbf`, in seconds. */
  clockToleranceS: number;
  apiKeys: ApiKeyEntry[];
  /** Scopes of a request without credentials, or null: such a request gets 401. */
  anonymousScopes: Scope[] | null;
}

/** The silos with date-only fields, and the IANA zone each writes them in. */
export interface SiloTimeZones {
  crm: string;
  loyalty: string;
}

/** The settings that are not about one silo, with their defaults. */
export type GatewaySettings = Omit<GatewayConfig, 'silos'>;

/** What a setting's parser makes of its text: the value, or what was wrong and what is accepted. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** How one kind of setting is written and read. */
export interface SettingKind<T> {
  /** The accepted form, as the README's "accepted" column shows it. */
  type: string;
  /** Reads the trimmed text, or the default's (which may be empty). Pure; never throws. */
  parse(text: string): Parsed<T>;
}

/**
 * One setting: an environment variable, or a key of the `--config` file with the same name.
 * An absent or empty (blank) value means the default.
 */
export interface Setting<T> extends SettingKind<T> {
  name: string;
  /** The text read when the setting is absent or blank; absent means the setting is required. */
  default?: string;
  /** When absent or blank: the text of this other setting, read earlier in the same table. */
  defaultFrom?: string;
  /** The README's default column, when the default's text is not what a reader needs. */
  defaultDoc?: string;
  /** One or two sentences, also the message of a missing required setting. */
  description: string;
}

/** A group of settings, each under the field of the value it gives. */
type SettingTable = Record<string, Setting<unknown>>;

/** The values a table's settings give: `{ port: number, ... }` for `{ port: Setting<number>, ... }`. */
type Values<T extends SettingTable> = { [K in keyof T]: T[K] extends Setting<infer V> ? V : never };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = <T>(error: string): Parsed<T> => ({ ok: false, error });

const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

/**
 * JWS algorithms a token may be signed with (RFC 7518 section 3.1, RFC 8037 section 3.1 for
 * EdDSA, RFC 9864 for Ed25519): the asymmetric ones, verified with the issuer's public key.
 * Never `none`, never HS256/384/512: an HMAC "verified" with a public key would let anyone who
 * has that public key sign tokens.
 */
export const ASYMMETRIC_ALGORITHMS: readonly string[] = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];

/** Where the embedded Apollo Sandbox of the landing page runs: its iframe calls the gateway from this origin. */
export const EMBEDDED_SANDBOX_ORIGIN = 'https://sandbox.embed.apollographql.com';

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** Kinds of settings. Every error says what is accepted; only a secret's value is never repeated. */
const kinds = {
  /** A number written with a dot for decimals (`2`, `2.5`, `0.35`), in a range. */
  decimal(min: number, max: number): SettingKind<number> {
    return {
      type: `number, ${min}-${max}`,
      parse: (text) =>
        /^\d+(\.\d+)?$/.test(text) && Number(text) >= min && Number(text) <= max
          ? ok(Number(text))
          : bad(`expected a number from ${min} to ${max}, written with a dot for decimals such as ${max <= 1 ? '0.5' : '2.5'}, got "${text}".`),
    };
  },
  wholeNumber(min: number, max: number): SettingKind<number> {
    return {
      type: `whole number, ${min}-${max}`,
      parse: (text) => (/^\d+$/.test(text) && Number(text) >= min && Number(text) <= max ? ok(Number(text)) : bad(`expected a whole number from ${min} to ${max}, got "${text}".`)),
    };
  },
  /** A whole number, or empty for none (null). */
  optionalWholeNumber(min: number, max: number): SettingKind<number | null> {
    const whole = kinds.wholeNumber(min, max);
    return {
      type: `whole number, ${min}-${max}, or empty`,
      parse(text) {
        if (text === '') return ok(null);
        const n = whole.parse(text);
        return n.ok ? n : bad(`expected a whole number from ${min} to ${max}, or nothing (no app), got "${text}".`);
      },
    };
  },
  /** Written in MB, read as bytes. */
  megabytes(min: number, max: number): SettingKind<number> {
    const whole = kinds.wholeNumber(min, max);
    return { type: `MB, ${min}-${max}`, parse: (text) => { const n = whole.parse(text); return n.ok ? ok(n.value * 1024 * 1024) : n; } };
  },
  text: { type: 'text', parse: (text) => ok(text) } satisfies SettingKind<string>,
  /** A file's path, or empty for none (null). Whether it can be read is the reader's to say. */
  optionalPath: { type: 'file path, or empty', parse: (text) => ok(text === '' ? null : text) } satisfies SettingKind<string | null>,
  /** Never repeated in a message (there is nothing to check in a secret). */
  secret: { type: 'secret', parse: (text) => ok(text) } satisfies SettingKind<string>,
  /** An empty secret turns its feature off. */
  optionalSecret: { type: 'secret, or empty', parse: (text) => ok(text) } satisfies SettingKind<string>,
  /** A key to sign with: long enough that it cannot be guessed; its value is never repeated. */
  signingKey: {
    type: 'secret of 32+ characters, or empty',
    parse: (text) => (text === '' || text.length >= 32 ? ok(text) : bad(`expected at least 32 characters (for example \`openssl rand -base64 32\`), got ${text.length}.`)),
  } satisfies SettingKind<string>,
  httpUrl: {
    type: 'http(s) URL',
    parse(text) {
      try {
        const url = new URL(text);
        if (url.protocol === 'http:' || url.protocol === 'https:') return ok(text.replace(/\/$/, ''));
      } catch {
        // Not a URL: the message below says what is accepted.
      }
      return bad(`expected an http(s) URL, got "${text}".`);
    },
  } satisfies SettingKind<string>,
  /** Exactly `true` or `false`, in any case (a JSON file's true/false reads the same). */
  bool: {
    type: 'true or false, any case',
    parse(text) {
      if (/^true$/i.test(text)) return ok(true);
      if (/^false$/i.test(text)) return ok(false);
      return bad(`expected true or false (any case), got "${text}".`);
    },
  } satisfies SettingKind<boolean>,
  country: {
    type: 'ISO 3166-1 alpha-2 code',
    parse(text) {
      const code = text.toUpperCase();
      return isSupportedCountry(code) ? ok(code) : bad(`expected an ISO 3166-1 alpha-2 country code such as FR, got "${text}".`);
    },
  } satisfies SettingKind<CountryCode>,
  /** Any case: DEBUG is debug, as DEFAULT_COUNTRY takes gb for GB. */
  logLevel: {
    type: `${LOG_LEVELS.join(', ')} (any case)`,
    parse: (text) => {
      const level = LOG_LEVELS.find((l) => l === text.toLowerCase());
      return level ? ok(level) : bad(`expected one of ${LOG_LEVELS.join(', ')} (any case), got "${text}".`);
    },
  } satisfies SettingKind<LogLevel>,
  timeZone: {
    type: 'IANA time zone',
    parse: (text) => {
      const zone = canonicalTimeZone(text);
      return zone !== null ? ok(zone) : bad(`expected an IANA time zone name such as Europe/Paris, America/New_York or UTC, got "${text}".`);
    },
  } satisfies SettingKind<string>,
  shopifyApiVersion: {
    type: 'YYYY-01, -04, -07, -10 or unstable',
    parse: (text) => (isApiVersion(text) ? ok(text) : bad(`expected a Shopify Admin API version such as ${SHOPIFY_API_VERSION} (quarterly: YYYY-01, -04, -07, -10, or unstable), got "${text}".`)),
  } satisfies SettingKind<string>,
  identityLimits: {
    type: 'type=N,...',
    parse(text) {
      const limits = { ...DEFAULT_IDENTITY_RULES.limits };
      for (const pair of text.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
        const match = /^([a-z]+)=(\d+)$/.exec(pair);
        const type = IDENTIFIER_TYPES.find((t) => t === match?.[1]);
        if (!match || type === undefined || Number(match[2]) < 1) {
          return bad(`expected type=N pairs with N of at least 1 and types among ${IDENTIFIER_TYPES.join(', ')}, got "${pair}".`);
        }
        limits[type] = Number(match[2]);
      }
      return ok(limits);
    },
  } satisfies SettingKind<Record<IdentifierType, number>>,
  identifierTypes(every: boolean): SettingKind<IdentifierType[]> {
    return {
      type: every ? 'every identifier type, comma-separated' : 'identifier types, comma-separated',
      parse(text) {
        const names = text.split(',').map((t) => t.trim()).filter((t) => t !== '');
        const types = names.flatMap((name) => IDENTIFIER_TYPES.filter((t) => t === name));
        const unknown = names.filter((name) => !types.some((t) => t === name));
        if (unknown.length > 0) return bad(`unknown identifier type ${unknown.map((t) => `"${t}"`).join(', ')}; types are ${IDENTIFIER_TYPES.join(', ')}.`);
        if (new Set(types).size !== types.length) return bad('a type is named twice.');
        if (every && types.length !== IDENTIFIER_TYPES.length) return bad(`name every identifier type once, strongest first: ${IDENTIFIER_TYPES.join(', ')}.`);
        return ok(types);
      },
    };
  },
  /** Empty: no pattern. */
  regexList: {
    type: 'regular expression, or empty',
    parse(text) {
      if (text === '') return ok([]);
      try {
        return ok([new RegExp(text)]);
      } catch {
        return bad(`expected a regular expression, got "${text}".`);
      }
    },
  } satisfies SettingKind<RegExp[]>,
  /** Empty: chosen by how the gateway runs (the demo, configured silos, NODE_ENV=production). */
  autoBool: {
    type: 'true or false, any case, or empty',
    parse(text) {
      if (text === '') return ok(null);
      if (/^true$/i.test(text)) return ok(true);
      if (/^false$/i.test(text)) return ok(false);
      return bad(`expected true or false (any case), or nothing for the default, got "${text}".`);
    },
  } satisfies SettingKind<boolean | null>,
  /** Empty: none (null). */
  optionalHttpUrl: {
    type: 'http(s) URL, or empty',
    parse(text) {
      if (text === '') return ok(null);
      return isHttpUrl(text) ? ok(text) : bad(`expected an http(s) URL, or nothing, got "${text}".`);
    },
  } satisfies SettingKind<string | null>,
  optionalText: { type: 'text, or empty', parse: (text) => ok(text === '' ? null : text) } satisfies SettingKind<string | null>,
  /** Empty: null (the feature is off); else at least one scope. */
  optionalScopes: {
    type: 'scopes, comma-separated, or empty',
    parse(text) {
      if (text === '') return ok(null);
      const parsed = parseScopeList(text);
      return parsed.ok ? ok(parsed.scopes) : bad(parsed.error);
    },
  } satisfies SettingKind<Scope[] | null>,
  jwsAlgorithms: {
    type: `JWS algorithms, comma-separated, among ${ASYMMETRIC_ALGORITHMS.join(', ')}`,
    parse(text) {
      const names = text.split(',').map((a) => a.trim()).filter((a) => a !== '');
      const problems: string[] = [];
      for (const name of names) {
        if (ASYMMETRIC_ALGORITHMS.includes(name)) continue;
        if (/^none$/i.test(name)) problems.push('"none" (an unsigned token) is never accepted');
        else if (/^HS\d+$/i.test(name)) problems.push(`"${name}" is a shared-secret algorithm: tokens are verified with the issuer's public keys only`);
        else problems.push(`unknown algorithm "${name}"`);
      }
      if (problems.length > 0) return bad(`${problems.join('; ')}. Accepted: ${ASYMMETRIC_ALGORITHMS.join(', ')}.`);
      if (names.length === 0) return bad(`name at least one algorithm among ${ASYMMETRIC_ALGORITHMS.join(', ')}.`);
      return ok([...new Set(names)]);
    },
  } satisfies SettingKind<string[]>,
  /** Inline JSON (a config file may hold the array itself). */
  apiKeys: {
    type: 'JSON array of { name, sha256, scopes }, or empty',
    parse(text) {
      if (text === '') return ok([]);
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        return bad('expected a JSON array of { "name", "sha256", "scopes" } objects (`npm run api-key` prints one); the text is not valid JSON.');
      }
      const parsed = parseApiKeys(value);
      return parsed.ok ? ok(parsed.keys) : bad(parsed.errors.join(' '));
    },
  } satisfies SettingKind<ApiKeyEntry[]>,
  /** Empty: chosen by how the gateway runs (null). */
  origins: {
    type: 'origins, comma-separated, or empty',
    parse(text) {
      if (text === '') return ok(null);
      const patterns: OriginPattern[] = [];
      const errors: string[] = [];
      for (const item of text.split(',').map((o) => o.trim()).filter((o) => o !== '')) {
        const parsed = parseOriginPattern(item);
        if (parsed.ok) patterns.push(parsed.pattern);
        else errors.push(parsed.error);
      }
      return errors.length > 0 ? bad(errors.join(' ')) : ok(patterns);
    },
  } satisfies SettingKind<OriginPattern[] | null>,
  profilingConsent: {
    type: '`denied` or `granted`',
    parse: (text) => {
      const mode = PROFILING_CONSENT_MODES.find((m) => m === text.trim().toLowerCase());
      return mode ? ok(mode) : bad(`expected \`denied\` (withhold personalization when the customer refused profiling) or \`granted\` (unless they granted it), got "${text}".`);
    },
  } satisfies SettingKind<ProfilingConsentMode>,
  survivorship: {
    type: 'field=rule; ...',
    parse(text) {
      const parsed = parseSurvivorshipRules(text);
      return parsed.ok ? ok(parsed.rules) : bad(parsed.errors.join(' '));
    },
  } satisfies SettingKind<SurvivorshipRules>,
};

/** The settings that are not about one silo; the demo reads only these. */
const GATEWAY_SETTINGS = {
  port: { name: 'PORT', ...kinds.wholeNumber(0, 65_535), default: '4000', description: 'Port of the GraphQL endpoint (0: any free port).' },
  host: {
    name: 'HOST',
    ...kinds.text,
    default: '127.0.0.1',
    description: 'Interface to listen on: loopback only by default; `0.0.0.0` (or `::`) for every interface, as in a container.',
  },
  logLevel: { name: 'LOG_LEVEL', ...kinds.logLevel, default: 'info', description: 'Least severe log lines written (JSON lines on stderr).' },
  sandbox: {
    name: 'GATEWAY_SANDBOX',
    ...kinds.autoBool,
    default: '',
    defaultDoc: 'demo: true; with silo settings or NODE_ENV=production: false',
    description: 'Apollo Sandbox on the landing page (GET /graphql from a browser). It needs introspection.',
  },
  introspection: {
    name: 'GATEWAY_INTROSPECTION',
    ...kinds.autoBool,
    default: '',
    defaultDoc: '`GATEWAY_SANDBOX`',
    description: 'Answer introspection queries. Off, error messages do not suggest field names ("Did you mean") either. `npm run codegen` reads schema/, not the server.',
  },
  jwksUrl: {
    name: 'AUTH_JWKS_URL',
    ...kinds.optionalHttpUrl,
    default: '',
    defaultDoc: '(none)',
    description: "URL of the identity provider's JSON Web Key Set, to verify JWT bearer tokens. Fetched at start (a URL that does not answer a key set stops the start), then cached and refetched for an unknown `kid`.",
  },
  publicKeyFile: {
    name: 'AUTH_PUBLIC_KEY_FILE',
    ...kinds.optionalPath,
    default: '',
    defaultDoc: '(none)',
    description: 'Instead of `AUTH_JWKS_URL`: a file with the public key that verifies JWTs, PEM (`-----BEGIN PUBLIC KEY-----`), a JWK or a JWK Set. Read at start.',
  },
  issuer: {
    name: 'AUTH_ISSUER',
    ...kinds.optionalText,
    default: '',
    defaultDoc: '(none; required with a key set)',
    description: 'The `iss` claim a JWT must carry: the identity provider\'s issuer URL. Required with `AUTH_JWKS_URL` or `AUTH_PUBLIC_KEY_FILE`.',
  },
  audience: {
    name: 'AUTH_AUDIENCE',
    ...kinds.optionalText,
    default: '',
    defaultDoc: '(none; required with a key set)',
    description: "The `aud` claim a JWT must carry: this gateway's identifier at the identity provider. Required with `AUTH_JWKS_URL` or `AUTH_PUBLIC_KEY_FILE`, so that a token issued for another API is refused.",
  },
  algorithms: { name: 'AUTH_ALGORITHMS', ...kinds.jwsAlgorithms, default: 'RS256,PS256,ES256,EdDSA', description: 'JWS algorithms a JWT may be signed with; never `none` or HS*.' },
  clockToleranceS: { name: 'AUTH_CLOCK_TOLERANCE_S', ...kinds.wholeNumber(0, 600), default: '30', description: "Leeway on a JWT's `exp` and `nbf`, in seconds, for clocks that differ." },
  apiKeys: {
    name: 'AUTH_API_KEYS',
    ...kinds.apiKeys,
    default: '',
    defaultDoc: '(none)',
    description:
      'API keys of server-to-server clients, as JSON: `[{ "name", "sha256", "scopes": [...] }]`, the SHA-256 of each key, never the key (`npm run api-key -- --name N --scopes S` makes one). In the config file, the array itself.',
  },
  anonymousScopes: {
    name: 'AUTH_ANONYMOUS_SCOPES',
    ...kinds.optionalScopes,
    default: '',
    defaultDoc: '(none: 401)',
    description: 'Scopes of a request without credentials. Empty: such a request gets 401 UNAUTHENTICATED.',
  },
  corsOrigins: {
    name: 'GATEWAY_CORS_ORIGINS',
    ...kinds.origins,
    default: '',
    defaultDoc: `demo: ${EMBEDDED_SANDBOX_ORIGIN}; with silo settings: none`,
    description: 'Browser origins allowed to call the gateway (CORS), comma-separated: `https://app.example.com`, `http://localhost:5173`, `https://*.example.com` for its subdomains.',
  },
  defaultCountry: { name: 'DEFAULT_COUNTRY', ...kinds.country, default: 'FR', description: 'Country of phone numbers written without a country code.' },
  timeZone: {
    name: 'TIME_ZONE',
    ...kinds.timeZone,
    default: 'Europe/Paris',
    description: "The retailer's IANA time zone (`America/New_York`, `UTC`...): the loyalty program's dates are read there unless `LOYALTY_TIME_ZONE` says otherwise.",
  },
  crmTimeZone: {
    name: 'CRM_TIME_ZONE',
    ...kinds.timeZone,
    default: 'UTC',
    description: 'IANA time zone in which a CRM date property sent as an instant (a birth date) is read; UTC, as HubSpot stores date properties as midnight UTC.',
  },
  loyaltyTimeZone: {
    name: 'LOYALTY_TIME_ZONE',
    ...kinds.timeZone,
    defaultFrom: 'TIME_ZONE',
    description: "IANA time zone of the loyalty program's server, in which a birth date sent as a date-time is read (Open Loyalty writes dates in its zone).",
  },
  maxOperationCost: {
    name: 'MAX_OPERATION_COST',
    ...kinds.wholeNumber(1, 1_000_000),
    default: '5000',
    description:
      'The highest cost of an operation, computed with its variables before anything runs: each customer counts 1 (`customers(ids:)` its number of ids), times what is read in it (`journey(first:)` and the lists\' `limit` count their size, the whole-history fields 10 once per customer). Over it: 400 COST_ESTIMATED_TOO_EXPENSIVE.',
  },
  maxAliases: { name: 'MAX_ALIASES', ...kinds.wholeNumber(1, 10_000), default: '30', description: 'The most aliases in an operation, fragments included (Apollo Router\'s `max_aliases`). Over it: 400 MAX_ALIASES_LIMIT.' },
  maxDepth: { name: 'MAX_DEPTH', ...kinds.wholeNumber(1, 1_000), default: '15', description: 'The deepest selection, in fields from the root field (Apollo Router\'s `max_depth`). Over it: 400 MAX_DEPTH_LIMIT.' },
  maxTokens: {
    name: 'MAX_TOKENS',
    ...kinds.wholeNumber(100, 1_000_000),
    default: '15000',
    description: 'The most lexical tokens in a GraphQL document, past which parsing stops (Apollo Router\'s `parser_max_tokens`). Over it: 400 MAX_TOKENS_LIMIT.',
  },
  maxRequestBytes: {
    name: 'MAX_REQUEST_BYTES',
    ...kinds.wholeNumber(1_024, 104_857_600),
    default: '1048576',
    description: 'The largest request body, in bytes (1 MiB; Apollo Router\'s `http_max_request_bytes`); the rest of a larger one is discarded unread. Over it: 413 REQUEST_TOO_LARGE.',
  },
  compileAfterUses: {
    name: 'GATEWAY_COMPILE_AFTER_USES',
    ...kinds.wholeNumber(0, 1_000_000),
    default: '2',
    description:
      "The use of an operation's text at which it runs as a function compiled for it (graphql-jit) instead of graphql-js's interpreter (README, \"How a request flows\"; the same answers); earlier uses, introspection, mutations and what graphql-jit cannot compile run on graphql-js. 0: never compiled.",
  },
  healthCacheMs: {
    name: 'GATEWAY_HEALTH_CACHE_MS',
    ...kinds.wholeNumber(0, 600_000),
    default: '5000',
    description:
      'How long one probe of the four silos answers `/health/silos` (and `/health`), in ms: hits meanwhile, and hits while a probe is out, share it, so probes cost at most one call per silo per interval. 0: every hit not sharing a probe in flight probes again.',
  },
  rateLimitRequests: {
    name: 'GATEWAY_RATE_LIMIT_REQUESTS',
    ...kinds.wholeNumber(0, 10_000_000),
    default: '1000',
    description:
      'Requests to /graphql one client (API key, JWT subject, or address when anonymous) may make per `GATEWAY_RATE_LIMIT_WINDOW_S`; past it: 429 RATE_LIMITED with `Retry-After`. Counted in this process (each replica counts its own). 0: no limit.',
  },
  rateLimitWindowS: {
    name: 'GATEWAY_RATE_LIMIT_WINDOW_S',
    ...kinds.wholeNumber(1, 3600),
    default: '10',
    description: 'The window of `GATEWAY_RATE_LIMIT_REQUESTS`, in seconds (a fixed window per client, started by its first request).',
  },
  shutdownGraceMs: {
    name: 'GATEWAY_SHUTDOWN_GRACE_MS',
    ...kinds.wholeNumber(0, 600_000),
    default: '10000',
    description:
      'On SIGTERM or SIGINT: how long requests in flight may take to finish, in ms. Meanwhile `/health/ready` answers 503, `/health/live` 200, and new connections are still served (probes, requests routed here before the platform saw the 503), each answer closing its connection. Once nothing is in flight, or at the end of the grace, the gateway stops listening, closes the remaining connections, closes the silo pools and exits 0. Keep it below the platform\'s own grace (Kubernetes: `terminationGracePeriodSeconds`, 30 s).',
  },
  requestTimeoutMs: {
    name: 'GATEWAY_REQUEST_TIMEOUT_MS',
    ...kinds.wholeNumber(0, 600_000),
    default: '10000',
    description:
      'Deadline of a whole GraphQL request, in ms: then the answer goes out with what is ready, and the fields still waiting for a silo are null with one DEADLINE_EXCEEDED error per silo. 0: none (each silo call still has its own timeout).',
  },
  identityMaxRounds: { name: 'IDENTITY_MAX_ROUNDS', ...kinds.wholeNumber(1, 10), default: '4', description: 'Rounds of lookups when resolving a customer.' },
  identityDeadlineMs: {
    name: 'IDENTITY_DEADLINE_MS',
    ...kinds.optionalWholeNumber(100, 120_000),
    default: '',
    defaultDoc: '1.5 × the longest `*_TIMEOUT_MS`',
    description:
      "One deadline shared by all the rounds of a customer's identity resolution, in ms: a silo that has not answered its lookup by then is left out (SOURCE_TIMEOUT, the customer partial), so that slow silos in successive rounds do not add up.",
  },
  identityMaxRecords: { name: 'IDENTITY_MAX_RECORDS', ...kinds.wholeNumber(1, 1000), default: '50', description: 'Records one customer may have before resolution stops.' },
  identityCacheMaxBytes: {
    name: 'IDENTITY_CACHE_MAX_MB',
    ...kinds.megabytes(1, 65_536),
    default: '64',
    description: 'Memory the identity-link cache may hold, estimated, in MB (least recently used identifiers go first).',
  },
  identityCacheTtlMs: {
    name: 'IDENTITY_CACHE_TTL_MS',
    ...kinds.wholeNumber(1, 604_800_000),
    default: '900000',
    description: "How long a resolved customer's links are cached, in ms (15 min).",
  },
  identityNegativeTtlMs: {
    name: 'IDENTITY_NEGATIVE_TTL_MS',
    ...kinds.wholeNumber(0, 86_400_000),
    default: '30000',
    description: 'How long an identifier no silo knows is remembered as unknown, in ms (0: never).',
  },
  identityLimits: {
    name: 'IDENTITY_LIMITS',
    ...kinds.identityLimits,
    default: formatLimits(DEFAULT_IDENTITY_RULES.limits),
    description: 'Most distinct values of each identifier type in one customer; name only the types you change.',
  },
  identityPriority: {
    name: 'IDENTITY_PRIORITY',
    ...kinds.identifierTypes(true),
    default: DEFAULT_IDENTITY_RULES.priority.join(','),
    description: 'Every identifier type, strongest first: decides which record stays out when a limit would be exceeded.',
  },
  identityWeakTypes: {
    name: 'IDENTITY_WEAK_TYPES',
    ...kinds.identifierTypes(false),
    default: DEFAULT_IDENTITY_RULES.weakTypes.join(','),
    description: 'Identifier types several people can share: they link only records that agree with the customer.',
  },
  identityLinkFixedLines: {
    name: 'IDENTITY_LINK_FIXED_LINES',
    ...kinds.bool,
    default: 'false',
    description: "Whether phone numbers that may be fixed lines link records: all but those the numbering plan types as mobiles (landlines, US and Canadian numbers, VoIP...). Off: such a line is usually a household's.",
  },
  identityBlockedEmails: {
    name: 'IDENTITY_BLOCKED_EMAILS',
    ...kinds.regexList,
    default: '',
    description: 'A regular expression: normalized emails it matches never link records, on top of the built-in placeholders.',
  },
  identityBlockedPhones: { name: 'IDENTITY_BLOCKED_PHONES', ...kinds.regexList, default: '', description: 'A regular expression on E.164 phones that never link records.' },
  identityBlockedCards: { name: 'IDENTITY_BLOCKED_CARDS', ...kinds.regexList, default: '', description: 'A regular expression on loyalty card numbers that never link records.' },
  goldenRules: {
    name: 'GOLDEN_RULES',
    ...kinds.survivorship,
    default: '',
    defaultDoc: '(see "The golden record")',
    description: 'Survivorship rules that replace the defaults, as field=rule pairs separated by ";", e.g. `email=sourcePriority:crm>commerce>loyalty; address=mostRecent`.',
  },
  cursorSecret: {
    name: 'GATEWAY_CURSOR_SECRET',
    ...kinds.signingKey,
    default: '',
    defaultDoc: '(random at each start)',
    description:
      'Key that signs `journey` cursors (HMAC-SHA256). Give every replica the same one, so that a cursor works on any replica and after a restart; empty: a random key made at start.',
  },
  segmentsFile: {
    name: 'SEGMENTS_FILE',
    ...kinds.optionalPath,
    default: '',
    defaultDoc: '(none: no segments)',
    description:
      'JSON file of the segments `Customer.segments` evaluates: `[{ "name", "description", "rule" }]` (README.md, "Segments"). A bad file or rule stops the start. The demo uses `demo/segments.json`.',
  },
  profilingConsent: {
    name: 'PROFILING_CONSENT',
    ...kinds.profilingConsent,
    default: 'denied',
    description:
      "When the personalization outputs (`segments`, `inSegment`, `lifecycle`, `clv`, `rfm`, `preferences`) are null with CONSENT_REQUIRED: `denied`, when the customer's profiling consent is denied or cannot be read (personalization on the retailer's legitimate interest, stopped by an objection); `granted`, unless it is granted (the retailer relies on consent). README, \"Consent and preferences\".",
  },
  rfmWindowDays: {
    name: 'RFM_WINDOW_DAYS',
    ...kinds.wholeNumber(1, 3650),
    default: String(DEFAULT_RFM_WINDOW_DAYS),
    description:
      "`Customer.rfm`'s window when a query gives none, in days ending today: frequency and monetary count the purchases in it. The lifetime-value fit computes the RFM score breakpoints over it; scores need the same window.",
  },
  lifecycleFrequentPurchases: {
    name: 'LIFECYCLE_FREQUENT_PURCHASES',
    ...kinds.wholeNumber(2, 1000),
    default: String(DEFAULT_LIFECYCLE_THRESHOLDS.frequentPurchases),
    description: 'Purchase days (several purchases on one day are one) in `LIFECYCLE_FREQUENT_WINDOW_DAYS` that make a customer `frequent`.',
  },
  lifecycleFrequentWindowDays: {
    name: 'LIFECYCLE_FREQUENT_WINDOW_DAYS',
    ...kinds.wholeNumber(1, 3650),
    default: String(DEFAULT_LIFECYCLE_THRESHOLDS.frequentWindowDays),
    description: "The window of `LIFECYCLE_FREQUENT_PURCHASES`, in days up to the customer's last purchase.",
  },
  lifecycleSlowingGapRatio: {
    name: 'LIFECYCLE_SLOWING_GAP_RATIO',
    ...kinds.decimal(1, 100),
    default: String(DEFAULT_LIFECYCLE_THRESHOLDS.slowingGapRatio),
    description:
      'A frequent buyer is `slowingDown` when the days since their last purchase reach this many times their usual (median) gap between purchases, and `LIFECYCLE_SLOWING_MIN_GAP_DAYS`.',
  },
  lifecycleSlowingMinGapDays: {
    name: 'LIFECYCLE_SLOWING_MIN_GAP_DAYS',
    ...kinds.wholeNumber(0, 3650),
    default: String(DEFAULT_LIFECYCLE_THRESHOLDS.slowingMinGapDays),
    description: 'The fewest days since the last purchase for a frequent buyer to be `slowingDown` by their gap (a weekly shopper two weeks away is not).',
  },
  lifecycleSlowingPAlive: {
    name: 'LIFECYCLE_SLOWING_P_ALIVE',
    ...kinds.decimal(0, 1),
    default: String(DEFAULT_LIFECYCLE_THRESHOLDS.slowingPAlive),
    description: "A frequent buyer is also `slowingDown` when the lifetime-value model's probability that they are still buying is below this (0: never).",
  },
  lifecycleLapsedDays: {
    name: 'LIFECYCLE_LAPSED_DAYS',
    ...kinds.wholeNumber(1, 3650),
    default: String(DEFAULT_LIFECYCLE_THRESHOLDS.lapsedDays),
    description: 'Days without a purchase after which a customer who bought is `lapsed`.',
  },
  clvModelFile: {
    name: 'CLV_MODEL_FILE',
    ...kinds.optionalPath,
    default: '',
    defaultDoc: '(none: `clv` is null)',
    description:
      'The lifetime-value model file `npm run clv -- fit` wrote (README, "Lifetime value"): BG/NBD and Gamma-Gamma parameters and the RFM breakpoints, no personal data. Read and checked at start: a missing, malformed or other-version file stops the start. The demo fits one from its own population when this is empty.',
  },
  clvMonthlyDiscountRate: {
    name: 'CLV_MONTHLY_DISCOUNT_RATE',
    ...kinds.decimal(0, 0.99),
    default: '0.01',
    description: "`Clv.value`'s discount rate of future spend, per month (0.01: 1% a month, about 12.7% a year).",
  },
  clvMargin: {
    name: 'CLV_MARGIN',
    ...kinds.decimal(0.01, 1),
    default: '1',
    description: "`Clv.value`'s gross margin on expected spend, 0 to 1: set the retailer's margin (0.35) to value customers in profit; 1 values them in revenue.",
  },
} satisfies SettingTable;

/**
 * The settings every silo has: where it is, how long a call may take, how many connections, the
 * largest answer read, and its circuit breaker (connectors/shared/silo-guard.ts).
 */
function endpointSettings(prefix: string, label: string, defaultTimeoutMs: number, example: string, defaultMaxResponseMb: number) {
  return {
    baseUrl: { name: `${prefix}_BASE_URL`, ...kinds.httpUrl, description: `Base URL of the ${label} API, e.g. \`${example}\`.` },
    timeoutMs: {
      name: `${prefix}_TIMEOUT_MS`,
      ...kinds.wholeNumber(1, 60_000),
      default: String(defaultTimeoutMs),
      description: `Deadline of one ${label} call, connection included, in ms.`,
    },
    connections: { name: `${prefix}_CONNECTIONS`, ...kinds.wholeNumber(1, 1024), default: '32', description: `Keep-alive connections to the ${label}.` },
    maxResponseBytes: {
      name: `${prefix}_MAX_RESPONSE_MB`,
      ...kinds.megabytes(1, 1024),
      default: String(defaultMaxResponseMb),
      description: `Largest answer body read from the ${label}, in MB: a larger one is cut off at the cap and the call fails with SOURCE_BAD_RESPONSE.`,
    },
    breakerFailureRate: {
      name: `${prefix}_BREAKER_FAILURE_RATE`,
      ...kinds.decimal(0.01, 1),
      default: '0.5',
      description: `Share of the calls to the ${label} over \`${prefix}_BREAKER_WINDOW_MS\` that failed (timeout, refused connection, 5xx, 429), at or above which its circuit breaker opens: no call for \`${prefix}_BREAKER_COOLDOWN_MS\`, its fields answer SOURCE_UNAVAILABLE at once. Used once \`${prefix}_BREAKER_MIN_CALLS\` calls ended within the window.`,
    },
    breakerWindowMs: {
      name: `${prefix}_BREAKER_WINDOW_MS`,
      ...kinds.wholeNumber(1, 600_000),
      defaultFrom: `${prefix}_TIMEOUT_MS`,
      description: `The sliding window over which the ${label}'s failure rate is measured, in ms. As long as a call's deadline (the default), a hung silo opens the breaker with its first wave of timeouts, and the window still holds the successes that went out while a timed-out call waited.`,
    },
    breakerMinCalls: {
      name: `${prefix}_BREAKER_MIN_CALLS`,
      ...kinds.wholeNumber(0, 1_000_000),
      default: '20',
      description: `Calls to the ${label} ended within \`${prefix}_BREAKER_WINDOW_MS\` (answered or failed) below which the failure rate is not used (too few calls to measure one) and \`${prefix}_BREAKER_LOW_TRAFFIC_FAILURES\` decides. 0: the rate always decides.`,
    },
    breakerLowTrafficFailures: {
      name: `${prefix}_BREAKER_LOW_TRAFFIC_FAILURES`,
      ...kinds.wholeNumber(1, 1000),
      default: '5',
      description: `With fewer than \`${prefix}_BREAKER_MIN_CALLS\` calls in the window, calls to the ${label} failing in a row that open its circuit breaker, so that a silo with little traffic is protected too.`,
    },
    breakerCooldownMs: {
      name: `${prefix}_BREAKER_COOLDOWN_MS`,
      ...kinds.wholeNumber(100, 3_600_000),
      default: '10000',
      description: `How long the ${label}'s open circuit breaker sends no call, in ms; then one probe call closes it (or opens it again).`,
    },
  } satisfies SettingTable;
}

const CRM_SETTINGS = {
  ...endpointSettings('CRM', 'CRM (HubSpot)', 1500, 'https://api.hubapi.com', 8),
  accessToken: { name: 'CRM_ACCESS_TOKEN', ...kinds.secret, description: 'HubSpot private app access token (scopes `crm.objects.contacts.read`, and `communication_preferences.read` for `Customer.consent`).' },
} satisfies SettingTable;

const LOYALTY_SETTINGS = {
  ...endpointSettings('LOYALTY', 'loyalty program (Open Loyalty)', 1500, 'https://loyalty.example.com', 8),
  storeCode: { name: 'LOYALTY_STORE_CODE', ...kinds.text, default: 'DEFAULT', description: 'Open Loyalty store code.' },
  username: { name: 'LOYALTY_USERNAME', ...kinds.text, description: 'Open Loyalty admin user the gateway logs in as.' },
  password: { name: 'LOYALTY_PASSWORD', ...kinds.secret, description: "That user's password." },
} satisfies SettingTable;

const COMMERCE_SETTINGS = {
  ...endpointSettings('COMMERCE', 'shop (Shopify Admin)', 1500, 'https://my-shop.myshopify.com', 16),
  accessToken: { name: 'COMMERCE_ACCESS_TOKEN', ...kinds.secret, description: 'Shopify Admin API access token of a custom app.' },
  apiVersion: { name: 'COMMERCE_API_VERSION', ...kinds.shopifyApiVersion, default: SHOPIFY_API_VERSION, description: 'Shopify Admin API version (quarterly).' },
} satisfies SettingTable;

const ANALYTICS_SETTINGS = {
  ...endpointSettings('ANALYTICS', 'analytics (Matomo)', 2000, 'https://matomo.example.com', 16),
  siteId: { name: 'ANALYTICS_SITE_ID', ...kinds.wholeNumber(1, 1_000_000), default: '1', description: 'Matomo `idSite` of the website.' },
  appSiteId: {
    name: 'ANALYTICS_APP_SITE_ID',
    ...kinds.optionalWholeNumber(1, 1_000_000),
    default: '',
    defaultDoc: '(none: no app)',
    description: "Matomo `idSite` of the mobile app (a measurable of type mobileapp), read with the website's; its visits are app visits. Empty: the app is not tracked.",
  },
  tokenAuth: { name: 'ANALYTICS_TOKEN_AUTH', ...kinds.secret, description: 'Matomo `token_auth` of a user with view access.' },
} satisfies SettingTable;

const SILO_TABLES = [CRM_SETTINGS, LOYALTY_SETTINGS, COMMERCE_SETTINGS, ANALYTICS_SETTINGS] as const;

/** Every setting the gateway knows, in the README's order. */
export const SETTINGS: readonly Setting<unknown>[] = [GATEWAY_SETTINGS, ...SILO_TABLES].flatMap((table) => Object.values(table));

/**
 * Prefixes of our settings. An unknown environment variable that starts with one is reported
 * (unless a platform sets it: {@link PLATFORM_VARIABLES}), with a suggestion or the list of that
 * prefix's settings; for the generic words in {@link GENERIC_PREFIXES}, only with a suggestion.
 * `LOG_`, `TIME_` or `DEFAULT_` are not among them: other programs use them too.
 */
export const SETTING_PREFIXES: readonly string[] = ['CRM_', 'LOYALTY_', 'COMMERCE_', 'ANALYTICS_', 'IDENTITY_', 'GATEWAY_', 'AUTH_', 'GOLDEN_', 'RFM_', 'LIFECYCLE_', 'CLV_'];

/**
 * Prefixes that are common words other software uses for its own variables (an OpenID client's
 * IDENTITY_PROVIDER_URL, Azure's IDENTITY_ENDPOINT, CGI's GATEWAY_INTERFACE): an unknown
 * environment variable with one is reported only when it is close to one of our settings (a
 * typo, a run of its words, a shared word), never just for the prefix. Keys of the config file
 * are all ours, so there the prefix alone is enough.
 */
export const GENERIC_PREFIXES: readonly string[] = ['IDENTITY_', 'GATEWAY_', 'AUTH_'];

/** Environment variables a platform sets beside ours, and the page that documents them. */
export interface PlatformVariables {
  platform: string;
  /** Where the platform documents the names. */
  documentation: string;
  /** Matches the whole name of each variable the platform sets. */
  names: RegExp;
}

/**
 * Variables platforms set beside ours whose names look like our settings: never reported.
 * Checked and needing nothing here, as none of their variables starts with one of our prefixes
 * or is a typo of a setting (PORT is ours on purpose: they set it for us to listen on):
 * AWS Lambda (`AWS_*`, `LAMBDA_*`, `_HANDLER`; docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html),
 * Amazon ECS (`ECS_CONTAINER_METADATA_URI_V4`, `AWS_*`; docs.aws.amazon.com/AmazonECS/latest/developerguide/task-metadata-endpoint-v4.html),
 * Google Cloud Run (`PORT`, `K_SERVICE`, `K_REVISION`, `K_CONFIGURATION`, `CLOUD_RUN_*`; cloud.google.com/run/docs/container-contract#env-vars),
 * Heroku (`PORT`, `DYNO`, `HEROKU_*`; devcenter.heroku.com/articles/dynos#local-environment-variables),
 * Render (`RENDER_*`, `IS_PULL_REQUEST`, `PORT`; render.com/docs/environment-variables),
 * Fly.io (`FLY_*`, `PRIMARY_REGION`; fly.io/docs/machines/runtime-environment/).
 */
export const PLATFORM_VARIABLES: readonly PlatformVariables[] = [
  {
    platform: 'Kubernetes service links (CRM_SERVICE_HOST, CRM_PORT_443_TCP_ADDR for a Service named crm)',
    documentation: 'https://kubernetes.io/docs/concepts/services-networking/service/#environment-variables',
    names: /^[A-Z0-9_]+_(?:SERVICE_HOST|SERVICE_PORT(?:_[A-Z0-9_]+)?|PORT(?:_\d+_(?:TCP|UDP|SCTP)(?:_(?:PROTO|PORT|ADDR))?)?)$/,
  },
  {
    platform: 'Docker legacy container links (CRM_NAME, CRM_ENV_<VAR>, CRM_PORT_80_TCP)',
    documentation: 'https://docs.docker.com/engine/network/links/#environment-variables',
    names: /^[A-Z0-9_]+_(?:NAME|ENV_[A-Z0-9_]+|PORT(?:_\d+_(?:TCP|UDP)(?:_(?:PROTO|PORT|ADDR))?)?)$/,
  },
  {
    platform: 'Azure App Service, Azure Functions and Azure Container Apps managed identity',
    documentation: 'https://learn.microsoft.com/azure/app-service/overview-managed-identity#rest-endpoint-reference, https://learn.microsoft.com/azure/container-apps/managed-identity',
    names: /^(?:IDENTITY_ENDPOINT|IDENTITY_HEADER|MSI_ENDPOINT|MSI_SECRET)$/,
  },
  {
    platform: 'Azure Service Fabric managed identity',
    documentation: 'https://learn.microsoft.com/azure/service-fabric/how-to-managed-identity-service-fabric-app-code',
    names: /^(?:IDENTITY_ENDPOINT|IDENTITY_HEADER|IDENTITY_SERVER_THUMBPRINT|IDENTITY_API_VERSION)$/,
  },
  {
    platform: 'Azure Arc-enabled servers managed identity',
    documentation: 'https://learn.microsoft.com/azure/azure-arc/servers/managed-identity-authentication',
    names: /^(?:IDENTITY_ENDPOINT|IMDS_ENDPOINT)$/,
  },
  {
    platform: 'CGI, a web server running a program',
    documentation: 'RFC 3875, section 4.1.4 (https://www.rfc-editor.org/rfc/rfc3875#section-4.1.4)',
    names: /^GATEWAY_INTERFACE$/,
  },
];

/** True when a platform of {@link PLATFORM_VARIABLES} sets a variable of that name. */
export function isPlatformVariable(name: string): boolean {
  return PLATFORM_VARIABLES.some((p) => p.names.test(name));
}

export type ConfigResult<T> = { ok: true; config: T } | { ok: false; errors: string[] };

export interface ConfigSources {
  env: Readonly<Record<string, string | undefined>>;
  /** Parsed JSON of a config file: an object with the same keys as the environment. */
  file?: unknown;
}

/**
 * The settings that are not about one silo: used alone by the demo, which makes its own silos.
 * Every problem is listed, unknown names in the environment and the file included (see
 * {@link unknownSettings}).
 */
export function parseGatewaySettings(sources: ConfigSources): ConfigResult<GatewaySettings> {
  const reading = startReading(sources);
  if (!reading.ok) return reading;
  const gateway = readTable(GATEWAY_SETTINGS, reading);
  if (reading.errors.length === 0) checkGateway(gateway, 'demo', sources, reading);
  return reading.errors.length > 0 ? { ok: false, errors: reading.errors } : { ok: true, config: gatewaySettingsOf(gateway, 'demo', sources) };
}

/** The whole configuration, the four silos required. */
export function parseConfig(sources: ConfigSources): ConfigResult<GatewayConfig> {
  const reading = startReading(sources);
  if (!reading.ok) return reading;
  const gateway = readTable(GATEWAY_SETTINGS, reading);
  const silos = {
    crm: endpointOf(readTable(CRM_SETTINGS, reading)),
    loyalty: endpointOf(readTable(LOYALTY_SETTINGS, reading)),
    commerce: endpointOf(readTable(COMMERCE_SETTINGS, reading)),
    analytics: endpointOf(readTable(ANALYTICS_SETTINGS, reading)),
  };
  if (reading.errors.length === 0) checkGateway(gateway, 'configured', sources, reading);
  return reading.errors.length > 0 ? { ok: false, errors: reading.errors } : { ok: true, config: { ...gatewaySettingsOf(gateway, 'configured', sources), silos } };
}

/** The breaker's settings of a silo's table. */
type BreakerValues = { breakerFailureRate: number; breakerWindowMs: number; breakerMinCalls: number; breakerLowTrafficFailures: number; breakerCooldownMs: number };

/** A silo's settings as its connector takes them: the breaker's settings as one object (connectors/shared/silo-guard.ts). */
function endpointOf<T extends BreakerValues>(values: T): Omit<T, keyof BreakerValues> & { breaker: BreakerOptions } {
  const { breakerFailureRate, breakerWindowMs, breakerMinCalls, breakerLowTrafficFailures, breakerCooldownMs, ...rest } = values;
  return {
    ...rest,
    breaker: { failureRate: breakerFailureRate, windowMs: breakerWindowMs, minCalls: breakerMinCalls, lowTrafficFailures: breakerLowTrafficFailures, cooldownMs: breakerCooldownMs },
  };
}

/**
 * How the gateway runs, which sets the defaults of the switches that expose it: the demo (its
 * own simulated silos, `npm start` without silo settings) shows Sandbox and introspection and lets
 * the embedded Sandbox's origin call it; against configured silos all are off unless set.
 */
export type RunMode = 'demo' | 'configured';

/** True under NODE_ENV=production: Sandbox and introspection default to off in any mode. */
function production(sources: ConfigSources): boolean {
  return sources.env['NODE_ENV']?.trim() === 'production';
}

/** The rules between settings, each error naming the settings to change. */
function checkGateway(v: Values<typeof GATEWAY_SETTINGS>, mode: RunMode, sources: ConfigSources, reading: Reading): void {
  const switches = switchesOf(v, mode, sources);
  if (switches.sandbox && !switches.introspection) {
    reading.errors.push('Bad settings GATEWAY_SANDBOX and GATEWAY_INTROSPECTION: Apollo Sandbox reads the schema by introspection; set GATEWAY_INTROSPECTION=true, or GATEWAY_SANDBOX=false.');
  }
  if (v.jwksUrl !== null && v.publicKeyFile !== null) {
    reading.errors.push('Bad settings AUTH_JWKS_URL and AUTH_PUBLIC_KEY_FILE: JWTs are verified against one key set; set one of them.');
  }
  // RFC 8725 (JWT best current practice) sections 3.8 and 3.9: a token is only for this gateway
  // when its issuer and audience say so; without the checks, any token the provider signed (for
  // another API, another tenant) would pass.
  if (v.jwksUrl !== null || v.publicKeyFile !== null) {
    const keySet = v.jwksUrl !== null ? 'AUTH_JWKS_URL' : 'AUTH_PUBLIC_KEY_FILE';
    if (v.issuer === null) reading.errors.push(`Missing setting AUTH_ISSUER: with ${keySet}, the \`iss\` claim a JWT must carry (the identity provider's issuer URL), so that a token of another issuer is refused.`);
    if (v.audience === null) reading.errors.push(`Missing setting AUTH_AUDIENCE: with ${keySet}, the \`aud\` claim a JWT must carry (this gateway's identifier at the identity provider), so that a token issued for another API is refused.`);
  }
}

function switchesOf(v: Values<typeof GATEWAY_SETTINGS>, mode: RunMode, sources: ConfigSources): { sandbox: boolean; introspection: boolean } {
  const sandbox = v.sandbox ?? (mode === 'demo' && !production(sources));
  return { sandbox, introspection: v.introspection ?? sandbox };
}

/**
 * True when the environment or file gives any silo setting a value: the gateway then runs
 * against real silos. A blank value is absent here too ({@link givenText}), as for every setting.
 */
export function configuresSilos(sources: ConfigSources): boolean {
  const file = fileObject(sources.file);
  return SILO_TABLES.some((table) => Object.values(table).some((s) => givenText(s.name, sources.env, file) !== undefined));
}

function gatewaySettingsOf(v: Values<typeof GATEWAY_SETTINGS>, mode: RunMode, sources: ConfigSources): GatewaySettings {
  const { sandbox, introspection } = switchesOf(v, mode, sources);
  return {
    port: v.port,
    host: v.host,
    logLevel: v.logLevel,
    sandbox,
    introspection,
    auth: {
      jwksUrl: v.jwksUrl,
      publicKeyFile: v.publicKeyFile,
      issuer: v.issuer,
      audience: v.audience,
      algorithms: v.algorithms,
      clockToleranceS: v.clockToleranceS,
      apiKeys: v.apiKeys,
      anonymousScopes: v.anonymousScopes,
    },
    // The demo's Sandbox runs in an iframe of another origin, which must be allowed to call.
    corsOrigins: v.corsOrigins ?? (mode === 'demo' && sandbox ? [{ kind: 'exact', origin: EMBEDDED_SANDBOX_ORIGIN }] : []),
    defaultCountry: v.defaultCountry,
    timeZone: v.timeZone,
    timeZones: { crm: v.crmTimeZone, loyalty: v.loyaltyTimeZone },
    cursorSecret: v.cursorSecret,
    segmentsFile: v.segmentsFile,
    golden: { rules: v.goldenRules },
    limits: {
      maxCost: v.maxOperationCost,
      maxAliases: v.maxAliases,
      maxDepth: v.maxDepth,
      maxTokens: v.maxTokens,
      maxRequestBytes: v.maxRequestBytes,
    },
    compileAfterUses: v.compileAfterUses,
    identity: {
      maxRounds: v.identityMaxRounds,
      maxRecords: v.identityMaxRecords,
      deadlineMs: v.identityDeadlineMs,
      cache: { maxBytes: v.identityCacheMaxBytes, ttlMs: v.identityCacheTtlMs, negativeTtlMs: v.identityNegativeTtlMs },
      rules: {
        limits: v.identityLimits,
        priority: v.identityPriority,
        weakTypes: v.identityWeakTypes,
        linkFixedLines: v.identityLinkFixedLines,
        blocked: { email: v.identityBlockedEmails, phone: v.identityBlockedPhones, card: v.identityBlockedCards },
      },
    },
    insights: {
      rfmWindowDays: v.rfmWindowDays,
      profilingConsent: v.profilingConsent,
      lifecycle: {
        frequentPurchases: v.lifecycleFrequentPurchases,
        frequentWindowDays: v.lifecycleFrequentWindowDays,
        slowingGapRatio: v.lifecycleSlowingGapRatio,
        slowingMinGapDays: v.lifecycleSlowingMinGapDays,
        slowingPAlive: v.lifecycleSlowingPAlive,
        lapsedDays: v.lifecycleLapsedDays,
      },
      clv: { modelFile: v.clvModelFile, monthlyDiscountRate: v.clvMonthlyDiscountRate, margin: v.clvMargin },
    },
    traffic: {
      healthCacheMs: v.healthCacheMs,
      rateLimitRequests: v.rateLimitRequests,
      rateLimitWindowS: v.rateLimitWindowS,
      shutdownGraceMs: v.shutdownGraceMs,
      requestTimeoutMs: v.requestTimeoutMs,
    },
  };
}

interface Reading {
  ok: true;
  env: ConfigSources['env'];
  file: Readonly<Record<string, unknown>>;
  /** The text each setting read so far stood for (its own or its default), for `defaultFrom`. */
  texts: Map<string, string>;
  errors: string[];
}

function startReading(sources: ConfigSources): Reading | { ok: false; errors: string[] } {
  const file = sources.file;
  if (file !== undefined && (typeof file !== 'object' || file === null || Array.isArray(file))) {
    return { ok: false, errors: ['The config file must hold one JSON object whose keys are setting names, e.g. {"PORT": "4000"}.'] };
  }
  return { ok: true, env: sources.env, file: fileObject(file), texts: new Map(), errors: unknownSettings(sources) };
}

/** Reads every setting of a table; the values are complete when no error was added. */
function readTable<T extends SettingTable>(table: T, reading: Reading): Values<T> {
  const values: Partial<Record<keyof T, unknown>> = {};
  for (const field of Object.keys(table) as Array<keyof T>) {
    const parsed = readSetting(table[field]!, reading);
    if (parsed?.ok) values[field] = parsed.value;
    else if (parsed) reading.errors.push(parsed.error);
  }
  // Each field holds what its own setting's parser gave, which is what Values<T> says it holds.
  return values as Values<T>;
}

/** The setting's value, an error naming it, or undefined when its `defaultFrom` source failed. */
function readSetting(setting: Setting<unknown>, reading: Reading): Parsed<unknown> | undefined {
  const own = textOf(setting.name, reading);
  if (typeof own === 'object') return own;
  let text = own;
  if (text === undefined && setting.defaultFrom !== undefined) {
    text = reading.texts.get(setting.defaultFrom);
    // The source is bad and already has its error: a second one would blame the wrong key.
    if (text === undefined) return undefined;
  }
  text ??= setting.default;
  if (text === undefined) return bad(`Missing setting ${setting.name}: ${setting.description}`);
  const parsed = setting.parse(text);
  if (!parsed.ok) return bad(`Bad setting ${setting.name}: ${parsed.error}`);
  reading.texts.set(setting.name, text);
  return parsed;
}

/** The trimmed text of a setting, the environment winning; undefined when absent or blank. */
function textOf(name: string, reading: Reading): string | undefined | Parsed<never> {
  return givenText(name, reading.env, reading.file);
}

/**
 * The one rule of what a setting is given: its trimmed text in the environment, else in the
 * file (numbers and true/false as text, AUTH_API_KEYS' array as JSON); undefined when absent,
 * null or blank, which means the default. Another file value that is an object or a list is an error.
 */
function givenText(name: string, env: ConfigSources['env'], file: Readonly<Record<string, unknown>>): string | undefined | Parsed<never> {
  const fromEnv = env[name];
  if (fromEnv !== undefined && fromEnv.trim() !== '') return fromEnv.trim();
  const fromFile = file[name];
  switch (typeof fromFile) {
    case 'string':
      return fromFile.trim() === '' ? undefined : fromFile.trim();
    case 'number':
    case 'boolean':
      return String(fromFile);
    case 'undefined':
      return undefined;
    default:
      // The API keys are JSON: the file may hold the array itself rather than its text.
      if (name === 'AUTH_API_KEYS' && Array.isArray(fromFile)) return JSON.stringify(fromFile);
      return fromFile === null ? undefined : bad(`Bad setting ${name} in the config file: expected a string, a number or true/false, got ${Array.isArray(fromFile) ? 'an array' : 'an object'}.`);
  }
}

/**
 * What the environment and the config file name that the gateway does not know, one message
 * each, with what was probably meant ({@link hintFor}). Every key of the file is ours, so each
 * unknown one is reported. The environment holds other programs' variables (PATH, HOME, npm_*,
 * CI's, a platform's), so a variable is reported only when it looks like one of ours:
 * - its name, upper-cased, is within {@link maxEdits} edits of a setting's name (optimal string
 *   alignment distance: insertions, deletions, substitutions, adjacent transpositions): a typo
 *   such as LOGLEVEL, DEFAULT_COUNTY or port, even when it has a platform's shape
 *   (LOYALTY_USER_NAME, like Docker's `<alias>_NAME`);
 * - or, when no platform of {@link PLATFORM_VARIABLES} sets it, it starts with one of
 *   {@link SETTING_PREFIXES} (CRM_URL, GOLDEN_RULE, CRM_API_KEY); with
 *   one of {@link GENERIC_PREFIXES}, only when a setting is suggested (GATEWAY_TOKEN, not
 *   IDENTITY_PROVIDER_URL).
 */
export function unknownSettings(sources: ConfigSources): string[] {
  const problems: string[] = [];
  for (const name of Object.keys(sources.env)) {
    if (sources.env[name] === undefined || isKnown(name)) continue;
    if (Object.hasOwn(REMOVED_SETTINGS, name)) {
      problems.push(`Setting ${name} (in the environment) is gone: ${REMOVED_SETTINGS[name]!}`);
      continue;
    }
    const hint = hintFor(name);
    if (hint.kind === 'none') continue;
    // A typo of a setting is ours even when its shape is a platform's (LOYALTY_USER_NAME, Docker's _NAME).
    if (!(hint.kind === 'meant' && hint.near) && isPlatformVariable(name)) continue;
    if (hint.kind === 'prefix' && GENERIC_PREFIXES.includes(hint.prefix)) continue;
    problems.push(unknownMessage(name, 'environment', hint));
  }
  for (const key of fileKeys(sources.file)) {
    if (isKnown(key)) continue;
    problems.push(Object.hasOwn(REMOVED_SETTINGS, key) ? `Setting ${key} (in the config file) is gone: ${REMOVED_SETTINGS[key]!}` : unknownMessage(key, 'file', hintFor(key)));
  }
  return problems;
}

/**
 * Settings an earlier version had, and what replaces each: the start is refused with that, so
 * that an upgrade does not silently drop what the operator meant (an admin token that no longer
 * guards anything).
 */
export const REMOVED_SETTINGS: Readonly<Record<string, string>> = {
  GATEWAY_ADMIN_TOKEN:
    'admin operations (`evictCustomer`) need the `admin` scope: an API key with it (`npm run api-key -- --name admin --scopes admin`, in AUTH_API_KEYS) or a JWT whose scope claim holds it (README.md, "Authentication").',
  // The breaker counted failures in a row; it measures a failure rate now (silo-guard.ts), so
  // a threshold set for the old count would mean something else under the new name.
  ...Object.fromEntries(
    ['CRM', 'LOYALTY', 'COMMERCE', 'ANALYTICS'].map((prefix) => [
      `${prefix}_BREAKER_FAILURES`,
      `the circuit breaker opens on a failure rate, not a count in a row: ${prefix}_BREAKER_FAILURE_RATE (share of failed calls, default 0.5) over ${prefix}_BREAKER_WINDOW_MS (default ${prefix}_TIMEOUT_MS), once ${prefix}_BREAKER_MIN_CALLS calls ended within it (default 20); with fewer, ${prefix}_BREAKER_LOW_TRAFFIC_FAILURES failures in a row (default 5) open it (README.md, "Limits and resilience").`,
    ]),
  ),
};

/** What an unknown name probably meant: settings, or only a prefix of ours, or nothing. */
type Hint = { kind: 'meant'; names: string[]; near?: true } | { kind: 'prefix'; prefix: string } | { kind: 'none' };

function unknownMessage(name: string, where: 'environment' | 'file', hint: Hint): string {
  let place: string;
  switch (where) {
    case 'environment':
      place = 'in the environment';
      break;
    case 'file':
      place = 'in the config file';
      break;
    default:
      return assertNever(where, 'place of a setting');
  }
  let text: string;
  switch (hint.kind) {
    case 'meant':
      text = `Did you mean ${orList(hint.names)}?`;
      break;
    case 'prefix':
      text = `${hint.prefix.slice(0, -1)} settings are: ${SETTINGS.filter((s) => s.name.startsWith(hint.prefix)).map((s) => s.name).join(', ')}.`;
      break;
    case 'none':
      text = `Known settings: ${SETTINGS.map((s) => s.name).join(', ')}.`;
      break;
    default:
      return assertNever(hint, 'hint');
  }
  return `Unknown setting "${name}" ${place}. ${text}`;
}

/** "A", "A or B", "A, B or C". */
function orList(names: readonly string[]): string {
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} or ${names.at(-1)!}`;
}

function isKnown(name: string): boolean {
  return SETTINGS.some((s) => s.name === name);
}

/**
 * Most edits between a typo and a setting's name: 1 for names of up to 8 characters (PORT,
 * HOST: HOME is 2 from HOST), 2 for longer ones (LOGLEVEL, TIMEZONE; API_BASE_URL is 3 from
 * CRM_BASE_URL). The same bound applies to a run of a setting's words after its prefix.
 */
export function maxEdits(settingName: string): number {
  return settingName.length <= 8 ? 1 : 2;
}

/**
 * What `name` (any case) probably meant, the first rule that finds something:
 * 1. the setting within {@link maxEdits} edits of it (LOGLEVEL: LOG_LEVEL);
 * 2. with a prefix of ours, after it:
 *    - for GATEWAY_, the gateway's own setting it names (GATEWAY_HOST: HOST);
 *    - the setting of that prefix with a run of words within {@link maxEdits} edits of the
 *      rest, or starting with it (CRM_URL: CRM_BASE_URL; CRM_TOKN: CRM_ACCESS_TOKEN;
 *      LOYALTY_PASS: LOYALTY_PASSWORD);
 *    - the settings of that prefix sharing the most words with the rest, a word standing for
 *      its kind in {@link WORD_KINDS} (CRM_API_KEY: CRM_ACCESS_TOKEN, by KEY for TOKEN);
 *    - else no guess: the prefix, whose settings the message lists (GATEWAY_URL).
 * The closest, then the table's first, wins within a rule.
 */
function hintFor(name: string): Hint {
  const upper = name.toUpperCase();
  const near = nearMiss(upper);
  if (near !== undefined) return { kind: 'meant', names: [near], near: true };
  const prefix = SETTING_PREFIXES.find((p) => upper.startsWith(p));
  if (prefix === undefined) return { kind: 'none' };
  const rest = upper.slice(prefix.length);
  if (prefix === 'GATEWAY_' && isKnown(rest) && !SETTING_PREFIXES.some((p) => rest.startsWith(p))) return { kind: 'meant', names: [rest] };
  const ofPrefix = SETTINGS.map((s) => s.name).filter((known) => known.startsWith(prefix));
  const run = closestRun(rest, ofPrefix, prefix);
  if (run !== undefined) return { kind: 'meant', names: [run] };
  const shared = sharingWords(rest, ofPrefix, prefix);
  return shared.length > 0 ? { kind: 'meant', names: shared } : { kind: 'prefix', prefix };
}

/** The known name closest to `upper` within {@link maxEdits}; the table's first on a tie. */
function nearMiss(upper: string): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const { name: known } of SETTINGS) {
    const distance = editDistance(upper, known);
    if (distance <= maxEdits(known) && (best === undefined || distance < best.distance)) best = { name: known, distance };
  }
  return best?.name;
}

/** The setting with a run of words, after the prefix, that `rest` is a typo or an abbreviation (3+ characters) of. */
function closestRun(rest: string, names: readonly string[], prefix: string): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const known of names) {
    const distances = wordRuns(known.slice(prefix.length)).map((run) => (rest.length >= 3 && run.startsWith(rest) ? 0 : editDistance(rest, run) <= maxEdits(run) ? editDistance(rest, run) : Infinity));
    const distance = Math.min(...distances);
    if (distance !== Infinity && (best === undefined || distance < best.distance)) best = { name: known, distance };
  }
  return best?.name;
}

/**
 * Words that stand for the same thing in a setting's name: a credential, where a silo is, a
 * size; API stands for nothing (every silo setting is about an API: COMMERCE_API_KEY is not
 * COMMERCE_API_VERSION). A word not listed stands for itself.
 */
export const WORD_KINDS: Readonly<Record<string, string>> = {
  KEY: 'TOKEN', APIKEY: 'TOKEN', SECRET: 'TOKEN', PASSWORD: 'TOKEN', PASS: 'TOKEN', PWD: 'TOKEN', AUTH: 'TOKEN', CREDENTIALS: 'TOKEN',
  URI: 'URL', ENDPOINT: 'URL', HOST: 'URL', HOSTNAME: 'URL', ADDRESS: 'URL', ADDR: 'URL', SERVER: 'URL', DOMAIN: 'URL', BASE: 'URL',
  SIZE: 'MB', MEMORY: 'MB', BYTES: 'MB',
  API: '',
};

/** The settings whose words after the prefix share the most kinds with `rest`'s, in table order; none when no kind is shared. */
function sharingWords(rest: string, names: readonly string[], prefix: string): string[] {
  const kindsOf = (text: string): Set<string> => new Set(text.split('_').map((w) => WORD_KINDS[w] ?? w).filter((kind) => kind !== ''));
  const wanted = kindsOf(rest);
  const scored = names.map((known) => ({ known, score: [...kindsOf(known.slice(prefix.length))].filter((k) => wanted.has(k)).length }));
  const top = Math.max(0, ...scored.map((s) => s.score));
  return top === 0 ? [] : scored.filter((s) => s.score === top).map((s) => s.known);
}

/** Every run of consecutive words: ACCESS_TOKEN gives ACCESS, ACCESS_TOKEN, TOKEN. */
function wordRuns(text: string): string[] {
  const words = text.split('_');
  return words.flatMap((_, from) => words.slice(from).map((__, length) => words.slice(from, from + length + 1).join('_')));
}

/**
 * Optimal string alignment distance (Damerau-Levenshtein restricted to adjacent transpositions
 * that are not edited again): the fewest insertions, deletions, substitutions and swaps of two
 * neighbouring characters that turn `a` into `b`. Case-sensitive.
 */
export function editDistance(a: string, b: string): number {
  // rows[i][j]: distance between a's first i characters and b's first j.
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i += 1) {
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = d;
    }
  }
  return rows[a.length]![b.length]!;
}

/**
 * The README's configuration table, one row per setting: name, default, accepted form,
 * meaning. test/docs.test.ts checks that README.md holds it; `npm run docs:settings` writes it.
 */
export function formatSettingsTable(): string {
  const cell = (text: string): string => text.replaceAll('|', '\\|');
  const rows = SETTINGS.map((s) => {
    const shown = s.defaultDoc ?? (s.defaultFrom !== undefined ? `\`${s.defaultFrom}\`` : s.default === undefined ? 'required' : s.default === '' ? '(none)' : s.default);
    return `| \`${s.name}\` | ${cell(shown)} | ${cell(s.type)} | ${cell(s.description)} |`;
  });
  return ['| setting | default | accepted | meaning |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

function formatLimits(limits: Record<IdentifierType, number>): string {
  return Object.entries(limits).map(([type, n]) => `${type}=${n}`).join(',');
}

function fileKeys(file: unknown): string[] {
  return Object.keys(fileObject(file));
}

/** The config file's object; empty when there is none, or when it is not an object (an error of its own). */
function fileObject(file: unknown): Readonly<Record<string, unknown>> {
  return typeof file === 'object' && file !== null && !Array.isArray(file) ? { ...file } : {};
}

/**
 * Why the `--config` file could not be read, in words, from Node's error code (the POSIX errno
 * names of nodejs.org/api/errors.html#common-system-errors): "no such file", "permission
 * denied"... An unlisted code is shown as it is.
 */
export function fileReadProblem(code: string | undefined): string {
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a directory, not a file';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    case 'ELOOP':
      return 'too many symbolic links in the path';
    case 'ENAMETOOLONG':
      return 'the path is too long';
    case undefined:
      return 'it could not be read';
    default:
      return `it could not be read (${code})`;
  }
}
