/**
 * Configuration: one table of settings, read from the environment and/or a JSON file with the
 * same keys, validated at start-up with a message naming every bad key. Pure: the caller passes
 * the environment and the file's parsed content.
 */
import { isSupportedCountry, type CountryCode } from 'libphonenumber-js/max';
import type { AnalyticsConfig } from '../connectors/analytics/client.js';
import { SHOPIFY_API_VERSION } from '../connectors/commerce/api.js';
import type { CommerceConfig } from '../connectors/commerce/client.js';
import type { CrmConfig } from '../connectors/crm/client.js';
import type { LoyaltyConfig } from '../connectors/loyalty/client.js';
import { canonicalTimeZone } from '../connectors/shared/time.js';
import type { IdentifierType } from '../connectors/types.js';
import { IDENTIFIER_TYPES } from './identity/identifier.js';
import type { LinkCacheOptions } from './identity/link-cache.js';
import { parseSurvivorshipRules, type SurvivorshipRules } from './golden/rules-config.js';
import { DEFAULT_IDENTITY_RULES, type IdentityRules } from './identity/rules.js';
import type { LogLevel } from './logger.js';
import { assertNever } from '../connectors/shared/exhaustive.js';

export interface GatewayConfig {
  port: number;
  host: string;
  logLevel: LogLevel;
  /** Serve Apollo Sandbox on GET / and allow introspection. */
  sandbox: boolean;
  /** Country used to read phone numbers written without a country code. */
  defaultCountry: CountryCode;
  /** The retailer's IANA time zone: where a silo's date-only values are read unless its own zone says otherwise. */
  timeZone: string;
  /**
   * IANA zone in which each silo that sends date-only fields (birth dates) writes them as
   * instants, so that `1990-04-14T22:00:00Z` from a Paris server is read as 15 April.
   */
  timeZones: SiloTimeZones;
  /** Bearer token of admin operations (cache eviction); empty turns them off. */
  adminToken: string;
  /** Survivorship rule of each golden field. */
  golden: { rules: SurvivorshipRules };
  identity: {
    maxRounds: number;
    maxRecords: number;
    cache: LinkCacheOptions;
    rules: IdentityRules;
  };
  silos: { crm: CrmConfig; loyalty: LoyaltyConfig; commerce: CommerceConfig; analytics: AnalyticsConfig };
}

/** The silos with date-only fields, and the IANA zone each writes them in. */
export interface SiloTimeZones {
  crm: string;
  loyalty: string;
}

/** The settings that are not about one silo, with their defaults. */
export type GatewaySettings = Omit<GatewayConfig, 'silos'>;

type Kind = 'port' | 'int' | 'url' | 'text' | 'secret' | 'bool' | 'country' | 'logLevel' | 'limits' | 'typeOrder' | 'typeList' | 'regex' | 'survivorship' | 'megabytes' | 'timeZone';

interface Setting {
  key: string;
  kind: Kind;
  /** Where the value goes in GatewayConfig. */
  path: readonly string[];
  /** Absent means required (silo settings are required only when silos are configured). */
  default?: string;
  /** When the setting is absent or empty: the value of this other (earlier) setting. */
  defaultFrom?: string;
  description: string;
  min?: number;
  max?: number;
  /** An empty value is allowed (and is what the default is). */
  optional?: boolean;
}

const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

const GATEWAY_SETTINGS: readonly Setting[] = [
  { key: 'PORT', kind: 'port', path: ['port'], default: '4000', description: 'Port of the GraphQL endpoint.' },
  { key: 'HOST', kind: 'text', path: ['host'], default: '0.0.0.0', description: 'Interface to listen on.' },
  { key: 'LOG_LEVEL', kind: 'logLevel', path: ['logLevel'], default: 'info', description: `One of ${LOG_LEVELS.join(', ')}.` },
  { key: 'GATEWAY_SANDBOX', kind: 'bool', path: ['sandbox'], default: 'true', description: 'Apollo Sandbox on the landing page, and introspection.' },
  { key: 'DEFAULT_COUNTRY', kind: 'country', path: ['defaultCountry'], default: 'FR', description: 'ISO 3166-1 alpha-2 country for phone numbers written without a country code.' },
  { key: 'TIME_ZONE', kind: 'timeZone', path: ['timeZone'], default: 'Europe/Paris', description: "The retailer's IANA time zone (such as Europe/Paris or America/New_York): the loyalty program's dates are read there unless LOYALTY_TIME_ZONE says otherwise." },
  {
    key: 'CRM_TIME_ZONE',
    kind: 'timeZone',
    path: ['timeZones', 'crm'],
    default: 'UTC',
    description: 'IANA time zone in which a CRM date property sent as an instant (a birth date) is read. UTC, as HubSpot stores date properties as midnight UTC.',
  },
  {
    key: 'LOYALTY_TIME_ZONE',
    kind: 'timeZone',
    path: ['timeZones', 'loyalty'],
    defaultFrom: 'TIME_ZONE',
    description: "IANA time zone of the loyalty program's server, in which a birth date sent as an instant is read (Open Loyalty writes dates as date-times in its zone). Default: TIME_ZONE.",
  },
  { key: 'IDENTITY_MAX_ROUNDS', kind: 'int', path: ['identity', 'maxRounds'], default: '4', min: 1, max: 10, description: 'Rounds of lookups when resolving a customer.' },
  { key: 'IDENTITY_MAX_RECORDS', kind: 'int', path: ['identity', 'maxRecords'], default: '50', min: 1, max: 1000, description: 'Records one customer may have before resolution stops.' },
  { key: 'IDENTITY_CACHE_MAX_MB', kind: 'megabytes', path: ['identity', 'cache', 'maxBytes'], default: '64', min: 1, max: 65_536, description: 'Memory the identity-link cache may hold, estimated, in MB (least recently used identifiers go first).' },
  { key: 'IDENTITY_CACHE_TTL_MS', kind: 'int', path: ['identity', 'cache', 'ttlMs'], default: '900000', min: 1, max: 604_800_000, description: 'How long a resolved customer\'s links are cached, in ms.' },
  { key: 'IDENTITY_NEGATIVE_TTL_MS', kind: 'int', path: ['identity', 'cache', 'negativeTtlMs'], default: '30000', min: 0, max: 86_400_000, description: 'How long an identifier no silo knows is remembered as unknown, in ms (0: never).' },
  { key: 'IDENTITY_LIMITS', kind: 'limits', path: ['identity', 'rules', 'limits'], default: formatLimits(DEFAULT_IDENTITY_RULES.limits), description: 'Most distinct values of each identifier type one customer may have, as type=N pairs; unnamed types keep their default.' },
  { key: 'IDENTITY_PRIORITY', kind: 'typeOrder', path: ['identity', 'rules', 'priority'], default: DEFAULT_IDENTITY_RULES.priority.join(','), description: 'Every identifier type, strongest first: decides which record stays out when a limit would be exceeded.' },
  { key: 'IDENTITY_WEAK_TYPES', kind: 'typeList', path: ['identity', 'rules', 'weakTypes'], default: DEFAULT_IDENTITY_RULES.weakTypes.join(','), description: 'Identifier types several people can share; they link only records that agree with the customer.' },
  { key: 'IDENTITY_LINK_FIXED_LINES', kind: 'bool', path: ['identity', 'rules', 'linkFixedLines'], default: 'false', description: 'Whether phone numbers that may be fixed lines link records: every number the numbering plan does not type as a mobile (landlines, and US, Canadian, VoIP numbers whose type it cannot tell). Off: such a line is usually a household\'s.' },
  { key: 'IDENTITY_BLOCKED_EMAILS', kind: 'regex', path: ['identity', 'rules', 'blocked', 'email'], default: '', optional: true, description: 'A regular expression; normalized emails it matches never link records (added to the built-in placeholders).' },
  { key: 'IDENTITY_BLOCKED_PHONES', kind: 'regex', path: ['identity', 'rules', 'blocked', 'phone'], default: '', optional: true, description: 'A regular expression on E.164 phones that never link records.' },
  { key: 'IDENTITY_BLOCKED_CARDS', kind: 'regex', path: ['identity', 'rules', 'blocked', 'card'], default: '', optional: true, description: 'A regular expression on card numbers that never link records.' },
  {
    key: 'GOLDEN_RULES',
    kind: 'survivorship',
    path: ['golden', 'rules'],
    default: '',
    optional: true,
    description: 'Survivorship rules that replace the defaults, as field=rule pairs separated by ";", e.g. "email=sourcePriority:crm>commerce>loyalty; address=mostRecent".',
  },
  { key: 'GATEWAY_ADMIN_TOKEN', kind: 'secret', path: ['adminToken'], default: '', optional: true, description: 'Bearer token for admin operations (evictCustomer). Empty: admin operations are off.' },
];

function siloSettings(prefix: string, silo: string, label: string, defaultTimeoutMs: number, extra: Setting[]): Setting[] {
  return [
    { key: `${prefix}_BASE_URL`, kind: 'url', path: ['silos', silo, 'baseUrl'], description: `Base URL of the ${label} API.` },
    ...extra,
    {
      key: `${prefix}_TIMEOUT_MS`,
      kind: 'int',
      path: ['silos', silo, 'timeoutMs'],
      default: String(defaultTimeoutMs),
      min: 1,
      max: 60_000,
      description: `Deadline of one ${label} call, connection included, in ms.`,
    },
    {
      key: `${prefix}_CONNECTIONS`,
      kind: 'int',
      path: ['silos', silo, 'connections'],
      default: '32',
      min: 1,
      max: 1024,
      description: `Keep-alive connections to the ${label}.`,
    },
  ];
}

const SILO_SETTINGS: readonly Setting[] = [
  ...siloSettings('CRM', 'crm', 'CRM (HubSpot)', 1500, [
    { key: 'CRM_ACCESS_TOKEN', kind: 'secret', path: ['silos', 'crm', 'accessToken'], description: 'HubSpot private app access token.' },
  ]),
  ...siloSettings('LOYALTY', 'loyalty', 'loyalty program (Open Loyalty)', 1500, [
    { key: 'LOYALTY_STORE_CODE', kind: 'text', path: ['silos', 'loyalty', 'storeCode'], default: 'DEFAULT', description: 'Open Loyalty store code.' },
    { key: 'LOYALTY_USERNAME', kind: 'text', path: ['silos', 'loyalty', 'username'], description: 'Open Loyalty admin user the gateway logs in as.' },
    { key: 'LOYALTY_PASSWORD', kind: 'secret', path: ['silos', 'loyalty', 'password'], description: "That user's password." },
  ]),
  ...siloSettings('COMMERCE', 'commerce', 'shop (Shopify Admin)', 1500, [
    { key: 'COMMERCE_ACCESS_TOKEN', kind: 'secret', path: ['silos', 'commerce', 'accessToken'], description: 'Shopify Admin API access token of a custom app.' },
    { key: 'COMMERCE_API_VERSION', kind: 'text', path: ['silos', 'commerce', 'apiVersion'], default: SHOPIFY_API_VERSION, description: 'Shopify Admin API version (`YYYY-MM`).' },
  ]),
  ...siloSettings('ANALYTICS', 'analytics', 'analytics (Matomo)', 2000, [
    { key: 'ANALYTICS_SITE_ID', kind: 'int', path: ['silos', 'analytics', 'siteId'], default: '1', min: 1, max: 1_000_000, description: 'Matomo idSite.' },
    { key: 'ANALYTICS_TOKEN_AUTH', kind: 'secret', path: ['silos', 'analytics', 'tokenAuth'], description: 'Matomo token_auth of a user with view access.' },
  ]),
];

/** Every setting, for the README and for the check that names unknown keys. */
export const SETTINGS: readonly Setting[] = [...GATEWAY_SETTINGS, ...SILO_SETTINGS];

const OUR_PREFIXES = /^(CRM|LOYALTY|COMMERCE|ANALYTICS|IDENTITY|GATEWAY)_/;

export type ConfigResult<T> = { ok: true; config: T } | { ok: false; errors: string[] };

export interface ConfigSources {
  env: Readonly<Record<string, string | undefined>>;
  /** Parsed JSON of a config file: an object with the same keys as the environment. */
  file?: unknown;
}

/** The settings that are not about one silo: used alone by the demo, which makes its own silos. */
export function parseGatewaySettings(sources: ConfigSources): ConfigResult<GatewaySettings> {
  return parse(sources, GATEWAY_SETTINGS) as ConfigResult<GatewaySettings>;
}

/** The whole configuration, silos included. */
export function parseConfig(sources: ConfigSources): ConfigResult<GatewayConfig> {
  return parse(sources, SETTINGS) as ConfigResult<GatewayConfig>;
}

/** True when the environment or file names any silo setting: the gateway then runs against real silos. */
export function configuresSilos(sources: ConfigSources): boolean {
  const keys = [...Object.keys(sources.env).filter((k) => sources.env[k] !== undefined), ...fileKeys(sources.file)];
  return keys.some((key) => SILO_SETTINGS.some((s) => s.key === key));
}

function parse(sources: ConfigSources, settings: readonly Setting[]): ConfigResult<unknown> {
  const errors: string[] = [];
  const file = sources.file;
  if (file !== undefined && (typeof file !== 'object' || file === null || Array.isArray(file))) {
    return { ok: false, errors: ['The config file must hold one JSON object whose keys are setting names, e.g. {"PORT": "4000"}.'] };
  }
  const fileValues = (file ?? {}) as Record<string, unknown>;
  const known = new Set(SETTINGS.map((s) => s.key));
  for (const key of Object.keys(fileValues)) {
    if (!known.has(key)) errors.push(`Unknown setting "${key}" in the config file.${suggest(key)}`);
  }
  for (const key of Object.keys(sources.env)) {
    if (OUR_PREFIXES.test(key) && !known.has(key)) errors.push(`Unknown setting "${key}" in the environment.${suggest(key)}`);
  }

  const config: Record<string, unknown> = {};
  const texts = new Map<string, string>();
  for (const setting of settings) {
    const fromFile = fileValues[setting.key];
    const raw = sources.env[setting.key] ?? (fromFile === undefined || fromFile === null ? undefined : String(fromFile));
    const inheritsFrom = raw === undefined || raw.trim() === '' ? setting.defaultFrom : undefined;
    // A setting whose source is bad already has its error: a second one would blame the wrong key.
    if (inheritsFrom !== undefined && !texts.has(inheritsFrom)) continue;
    const text = inheritsFrom !== undefined ? texts.get(inheritsFrom) : (raw ?? setting.default);
    if (text === undefined || (text.trim() === '' && !setting.optional)) {
      errors.push(`Missing setting ${setting.key}: ${setting.description}`);
      continue;
    }
    const value = convert(setting, text.trim());
    if (typeof value === 'object' && value !== null && 'error' in value) {
      errors.push(`Bad setting ${setting.key}: ${value.error}`);
      continue;
    }
    texts.set(setting.key, text.trim());
    assign(config, setting.path, value);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, config };
}

function convert(setting: Setting, text: string): unknown {
  switch (setting.kind) {
    case 'megabytes': {
      const value = convert({ ...setting, kind: 'int' }, text);
      return typeof value === 'number' ? value * 1024 * 1024 : value;
    }
    case 'port':
    case 'int': {
      const min = setting.kind === 'port' ? 0 : (setting.min ?? 0);
      const max = setting.kind === 'port' ? 65_535 : (setting.max ?? Number.MAX_SAFE_INTEGER);
      if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
        return { error: `expected a whole number from ${min} to ${max}, got "${text}".` };
      }
      return Number(text);
    }
    case 'url':
      try {
        const url = new URL(text);
        if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('protocol');
        return text.replace(/\/$/, '');
      } catch {
        return { error: `expected an http(s) URL, got "${text}".` };
      }
    case 'bool':
      if (/^(true|1|yes)$/i.test(text)) return true;
      if (/^(false|0|no)$/i.test(text)) return false;
      return { error: `expected true or false, got "${text}".` };
    case 'country': {
      const code = text.toUpperCase();
      return isSupportedCountry(code) ? code : { error: `expected an ISO 3166-1 alpha-2 country code such as FR, got "${text}".` };
    }
    case 'logLevel':
      return (LOG_LEVELS as readonly string[]).includes(text) ? text : { error: `expected one of ${LOG_LEVELS.join(', ')}, got "${text}".` };
    case 'limits':
      return parseLimits(text);
    case 'typeOrder':
    case 'typeList': {
      const types = text.split(',').map((t) => t.trim()).filter((t) => t !== '');
      const unknown = types.filter((t) => !(IDENTIFIER_TYPES as readonly string[]).includes(t));
      if (unknown.length > 0) return { error: `unknown identifier type ${unknown.map((t) => `"${t}"`).join(', ')}; types are ${IDENTIFIER_TYPES.join(', ')}.` };
      if (new Set(types).size !== types.length) return { error: 'a type is named twice.' };
      if (setting.kind === 'typeOrder' && types.length !== IDENTIFIER_TYPES.length) {
        return { error: `name every identifier type once, strongest first: ${IDENTIFIER_TYPES.join(', ')}.` };
      }
      return types;
    }
    case 'survivorship': {
      const parsed = parseSurvivorshipRules(text);
      return parsed.ok ? parsed.rules : { error: parsed.errors.join(' ') };
    }
    case 'regex':
      if (text === '') return [];
      try {
        return [new RegExp(text)];
      } catch {
        return { error: `expected a regular expression, got "${text}".` };
      }
    case 'timeZone':
      return canonicalTimeZone(text) ?? { error: `expected an IANA time zone name such as Europe/Paris, America/New_York or UTC, got "${text}".` };
    case 'text':
    case 'secret':
      return text;
    default:
      return assertNever(setting.kind, 'setting kind');
  }
}

function formatLimits(limits: Record<IdentifierType, number>): string {
  return Object.entries(limits).map(([type, n]) => `${type}=${n}`).join(',');
}

function parseLimits(text: string): Record<IdentifierType, number> | { error: string } {
  const limits = { ...DEFAULT_IDENTITY_RULES.limits };
  for (const pair of text.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
    const match = /^([a-z]+)=(\d+)$/.exec(pair);
    if (!match || !(IDENTIFIER_TYPES as readonly string[]).includes(match[1]!) || Number(match[2]) < 1) {
      return { error: `expected type=N pairs with N of at least 1 and types among ${IDENTIFIER_TYPES.join(', ')}, got "${pair}".` };
    }
    limits[match[1] as IdentifierType] = Number(match[2]);
  }
  return limits;
}

function assign(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const part of path.slice(0, -1)) {
    node[part] ??= {};
    node = node[part] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

function fileKeys(file: unknown): string[] {
  return typeof file === 'object' && file !== null && !Array.isArray(file) ? Object.keys(file) : [];
}

/** "Did you mean" for a key one or two edits away from a known one. */
function suggest(key: string): string {
  const close = SETTINGS.map((s) => s.key).find((known) => editDistance(known, key) <= 2);
  return close ? ` Did you mean ${close}?` : ` Known settings: ${SETTINGS.map((s) => s.key).join(', ')}.`;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i += 1) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}
