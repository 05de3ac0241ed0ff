import { describe, expect, it } from 'vitest';
import { DEFAULT_IDENTITY_RULES } from '../identity/rules.js';
import { DEFAULT_SURVIVORSHIP } from '../golden/rules-config.js';
import { configuresSilos, editDistance, fileReadProblem, formatSettingsTable, isPlatformVariable, parseConfig, parseGatewaySettings, PLATFORM_VARIABLES, SETTINGS, unknownSettings } from './config.js';

const silos = {
  CRM_BASE_URL: 'https://api.hubapi.com',
  CRM_ACCESS_TOKEN: 'pat-na1-secret',
  LOYALTY_BASE_URL: 'https://loyalty.example.com',
  LOYALTY_USERNAME: 'gateway@example.com',
  LOYALTY_PASSWORD: 'pw',
  COMMERCE_BASE_URL: 'https://shop.myshopify.com',
  COMMERCE_ACCESS_TOKEN: 'shpat_x',
  ANALYTICS_BASE_URL: 'https://matomo.example.com',
  ANALYTICS_TOKEN_AUTH: 'abc',
};

describe('configuration', () => {
  it('takes GATEWAY_COMPILE_AFTER_USES=0 to run every operation on graphql-js, and refuses a negative one', () => {
    const off = parseGatewaySettings({ env: { GATEWAY_COMPILE_AFTER_USES: '0' } });
    expect(off.ok && off.config.compileAfterUses).toBe(0);
    const negative = parseGatewaySettings({ env: { GATEWAY_COMPILE_AFTER_USES: '-1' } });
    expect(negative.ok ? [] : negative.errors.join(' ')).toContain('GATEWAY_COMPILE_AFTER_USES');
  });

  it('has defaults that run: the gateway settings need nothing', () => {
    const result = parseGatewaySettings({ env: {} });
    expect(result).toEqual({
      ok: true,
      config: {
        port: 4000,
        host: '127.0.0.1',
        logLevel: 'info',
        sandbox: true,
        introspection: true,
        auth: {
          jwksUrl: null,
          publicKeyFile: null,
          issuer: null,
          audience: null,
          algorithms: ['RS256', 'PS256', 'ES256', 'EdDSA'],
          clockToleranceS: 30,
          apiKeys: [],
          anonymousScopes: null,
        },
        compileAfterUses: 2,
        corsOrigins: [{ kind: 'exact', origin: 'https://sandbox.embed.apollographql.com' }],
        defaultCountry: 'FR',
        timeZone: 'Europe/Paris',
        timeZones: { crm: 'UTC', loyalty: 'Europe/Paris' },
        cursorSecret: '',
        segmentsFile: null,
        golden: { rules: DEFAULT_SURVIVORSHIP },
        limits: { maxCost: 5_000, maxAliases: 30, maxDepth: 15, maxTokens: 15_000, maxRequestBytes: 1_048_576 },
        identity: {
          maxRounds: 4,
          maxRecords: 50,
          deadlineMs: null,
          cache: { maxBytes: 64 * 1024 * 1024, ttlMs: 900_000, negativeTtlMs: 30_000 },
          rules: { ...DEFAULT_IDENTITY_RULES, blocked: { email: [], phone: [], card: [] } },
        },
        insights: {
          rfmWindowDays: 365,
          profilingConsent: 'denied',
          lifecycle: { frequentPurchases: 4, frequentWindowDays: 365, slowingGapRatio: 2, slowingMinGapDays: 30, slowingPAlive: 0.5, lapsedDays: 365 },
          clv: { modelFile: null, monthlyDiscountRate: 0.01, margin: 1 },
        },
        traffic: { healthCacheMs: 5000, rateLimitRequests: 1000, rateLimitWindowS: 10, shutdownGraceMs: 10_000, requestTimeoutMs: 10_000 },
      },
    });
  });

  it('reads SEGMENTS_FILE as a path, none when absent or blank, from the environment or the config file', () => {
    expect(parseGatewaySettings({ env: { SEGMENTS_FILE: 'demo/segments.json' } })).toMatchObject({ ok: true, config: { segmentsFile: 'demo/segments.json' } });
    expect(parseGatewaySettings({ env: { SEGMENTS_FILE: '  ' } })).toMatchObject({ ok: true, config: { segmentsFile: null } });
    expect(parseGatewaySettings({ env: {}, file: { SEGMENTS_FILE: '/etc/gateway/segments.json' } })).toMatchObject({ ok: true, config: { segmentsFile: '/etc/gateway/segments.json' } });
    const typo = parseGatewaySettings({ env: { SEGMENT_FILE: 'segments.json' } });
    expect(typo.ok ? [] : typo.errors).toEqual(['Unknown setting "SEGMENT_FILE" in the environment. Did you mean SEGMENTS_FILE?']);
  });

  it('reads the RFM window and the lifecycle thresholds, decimals with a dot', () => {
    const result = parseGatewaySettings({
      env: {
        RFM_WINDOW_DAYS: '180',
        LIFECYCLE_FREQUENT_PURCHASES: '6',
        LIFECYCLE_FREQUENT_WINDOW_DAYS: '730',
        LIFECYCLE_SLOWING_GAP_RATIO: '2.5',
        LIFECYCLE_SLOWING_MIN_GAP_DAYS: '0',
        LIFECYCLE_SLOWING_P_ALIVE: '0.35',
        LIFECYCLE_LAPSED_DAYS: '540',
      },
    });
    expect(result.ok && result.config.insights).toEqual({
      rfmWindowDays: 180,
      profilingConsent: 'denied',
      lifecycle: { frequentPurchases: 6, frequentWindowDays: 730, slowingGapRatio: 2.5, slowingMinGapDays: 0, slowingPAlive: 0.35, lapsedDays: 540 },
      clv: { modelFile: null, monthlyDiscountRate: 0.01, margin: 1 },
    });
  });

  it('reads the lifetime-value model file and valuation, and refuses a margin of 0 or a discount rate of 1', () => {
    const result = parseGatewaySettings({ env: { CLV_MODEL_FILE: 'models/clv.json', CLV_MONTHLY_DISCOUNT_RATE: '0.02', CLV_MARGIN: '0.35' } });
    expect(result.ok && result.config.insights.clv).toEqual({ modelFile: 'models/clv.json', monthlyDiscountRate: 0.02, margin: 0.35 });
    const bad = parseGatewaySettings({ env: { CLV_MONTHLY_DISCOUNT_RATE: '1', CLV_MARGIN: '0' } });
    expect(bad.ok ? [] : bad.errors).toEqual([
      'Bad setting CLV_MONTHLY_DISCOUNT_RATE: expected a number from 0 to 0.99, written with a dot for decimals such as 0.5, got "1".',
      'Bad setting CLV_MARGIN: expected a number from 0.01 to 1, written with a dot for decimals such as 0.5, got "0".',
    ]);
  });

  it('refuses an RFM window or a lifecycle threshold out of range, saying what is accepted', () => {
    const result = parseGatewaySettings({
      env: {
        RFM_WINDOW_DAYS: '0',
        LIFECYCLE_FREQUENT_PURCHASES: '1',
        LIFECYCLE_FREQUENT_WINDOW_DAYS: '3651',
        LIFECYCLE_SLOWING_GAP_RATIO: '2,5',
        LIFECYCLE_SLOWING_MIN_GAP_DAYS: '-1',
        LIFECYCLE_SLOWING_P_ALIVE: '50%',
        LIFECYCLE_LAPSED_DAYS: 'a year',
      },
    });
    expect(result.ok ? [] : result.errors).toEqual([
      'Bad setting RFM_WINDOW_DAYS: expected a whole number from 1 to 3650, got "0".',
      'Bad setting LIFECYCLE_FREQUENT_PURCHASES: expected a whole number from 2 to 1000, got "1".',
      'Bad setting LIFECYCLE_FREQUENT_WINDOW_DAYS: expected a whole number from 1 to 3650, got "3651".',
      'Bad setting LIFECYCLE_SLOWING_GAP_RATIO: expected a number from 1 to 100, written with a dot for decimals such as 2.5, got "2,5".',
      'Bad setting LIFECYCLE_SLOWING_MIN_GAP_DAYS: expected a whole number from 0 to 3650, got "-1".',
      'Bad setting LIFECYCLE_SLOWING_P_ALIVE: expected a number from 0 to 1, written with a dot for decimals such as 0.5, got "50%".',
      'Bad setting LIFECYCLE_LAPSED_DAYS: expected a whole number from 1 to 3650, got "a year".',
    ]);
  });

  it('refuses a gap ratio below 1 and a probability above 1', () => {
    const result = parseGatewaySettings({ env: { LIFECYCLE_SLOWING_GAP_RATIO: '0.5', LIFECYCLE_SLOWING_P_ALIVE: '1.5' } });
    expect(result.ok ? [] : result.errors).toEqual([
      'Bad setting LIFECYCLE_SLOWING_GAP_RATIO: expected a number from 1 to 100, written with a dot for decimals such as 2.5, got "0.5".',
      'Bad setting LIFECYCLE_SLOWING_P_ALIVE: expected a number from 0 to 1, written with a dot for decimals such as 0.5, got "1.5".',
    ]);
  });

  it('names the RFM or lifecycle setting an unknown RFM_ or LIFECYCLE_ variable probably meant', () => {
    expect(unknownSettings({ env: { LIFECYCLE_LAPSE_DAYS: '400', RFM_WINDOW: '90', LIFECYCLE_PALIVE: '0.4' } })).toEqual([
      'Unknown setting "LIFECYCLE_LAPSE_DAYS" in the environment. Did you mean LIFECYCLE_LAPSED_DAYS?',
      'Unknown setting "RFM_WINDOW" in the environment. Did you mean RFM_WINDOW_DAYS?',
      'Unknown setting "LIFECYCLE_PALIVE" in the environment. Did you mean LIFECYCLE_SLOWING_P_ALIVE?',
    ]);
  });

  it('builds each silo from the environment, with defaults for timeouts, pools, answer sizes and breakers', () => {
    const result = parseConfig({ env: silos });
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.config.silos.crm).toEqual({
        baseUrl: 'https://api.hubapi.com',
        accessToken: 'pat-na1-secret',
        timeoutMs: 1500,
        connections: 32,
        maxResponseBytes: 8 * 1024 * 1024,
        breaker: { failureRate: 0.5, windowMs: 1500, minCalls: 20, lowTrafficFailures: 5, cooldownMs: 10_000 },
      });
      // The window follows the silo's call deadline unless set.
      expect(result.config.silos.analytics.breaker?.windowMs).toBe(2000);
      expect(result.config.silos.commerce.maxResponseBytes).toBe(16 * 1024 * 1024);
      expect(result.config.silos.commerce.apiVersion).toBe('2026-07');
      expect(result.config.silos.analytics.siteId).toBe(1);
    }
  });

  it('reads the breaker, answer cap and resolution deadline settings, and says what is accepted', () => {
    const result = parseConfig({
      env: {
        ...silos,
        LOYALTY_BREAKER_FAILURE_RATE: '0.25',
        LOYALTY_BREAKER_WINDOW_MS: '5000',
        LOYALTY_BREAKER_MIN_CALLS: '40',
        LOYALTY_BREAKER_LOW_TRAFFIC_FAILURES: '3',
        LOYALTY_BREAKER_COOLDOWN_MS: '2000',
        LOYALTY_MAX_RESPONSE_MB: '2',
        IDENTITY_DEADLINE_MS: '1200',
      },
    });
    expect(result.ok && [result.config.silos.loyalty.breaker, result.config.silos.loyalty.maxResponseBytes, result.config.identity.deadlineMs]).toEqual([
      { failureRate: 0.25, windowMs: 5000, minCalls: 40, lowTrafficFailures: 3, cooldownMs: 2000 },
      2 * 1024 * 1024,
      1200,
    ]);
    const refused = parseConfig({ env: { ...silos, CRM_BREAKER_FAILURE_RATE: '0', COMMERCE_BREAKER_FAILURE_RATE: '50%', LOYALTY_BREAKER_WINDOW_MS: '0', ANALYTICS_BREAKER_MIN_CALLS: '2.5', CRM_BREAKER_LOW_TRAFFIC_FAILURES: '0' } });
    expect(refused.ok ? [] : refused.errors).toEqual([
      'Bad setting CRM_BREAKER_FAILURE_RATE: expected a number from 0.01 to 1, written with a dot for decimals such as 0.5, got "0".',
      'Bad setting CRM_BREAKER_LOW_TRAFFIC_FAILURES: expected a whole number from 1 to 1000, got "0".',
      'Bad setting LOYALTY_BREAKER_WINDOW_MS: expected a whole number from 1 to 600000, got "0".',
      'Bad setting COMMERCE_BREAKER_FAILURE_RATE: expected a number from 0.01 to 1, written with a dot for decimals such as 0.5, got "50%".',
      'Bad setting ANALYTICS_BREAKER_MIN_CALLS: expected a whole number from 0 to 1000000, got "2.5".',
    ]);
  });

  it('reads ANALYTICS_APP_SITE_ID: no app by default, the app site when set, and says what is accepted', () => {
    const none = parseConfig({ env: silos });
    expect(none.ok && none.config.silos.analytics.appSiteId).toBeNull();
    const app = parseConfig({ env: { ...silos, ANALYTICS_APP_SITE_ID: '2' } });
    expect(app.ok && app.config.silos.analytics.appSiteId).toBe(2);
    const bad = parseConfig({ env: { ...silos, ANALYTICS_APP_SITE_ID: 'app' } });
    expect(bad.ok ? [] : bad.errors).toEqual(['Bad setting ANALYTICS_APP_SITE_ID: expected a whole number from 1 to 1000000, or nothing (no app), got "app".']);
  });

  it('reads a JSON file with the same keys, the environment winning', () => {
    const result = parseConfig({ env: { ...silos, PORT: '8080' }, file: { PORT: 9090, CRM_TIMEOUT_MS: 800 } });
    expect(result.ok && [result.config.port, result.config.silos.crm.timeoutMs]).toEqual([8080, 800]);
  });

  it('names every bad key and says what is accepted', () => {
    const result = parseConfig({
      env: { ...silos, PORT: 'eighty', CRM_TIMEOUT_MS: '0', CRM_BASE_URL: 'ftp://x', DEFAULT_COUNTRY: 'XX', CRM_ACESS_TOKEN: 'typo' },
    });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors).toEqual(
        expect.arrayContaining([
          'Bad setting PORT: expected a whole number from 0 to 65535, got "eighty".',
          'Bad setting CRM_TIMEOUT_MS: expected a whole number from 1 to 60000, got "0".',
          'Bad setting CRM_BASE_URL: expected an http(s) URL, got "ftp://x".',
          'Bad setting DEFAULT_COUNTRY: expected an ISO 3166-1 alpha-2 country code such as FR, got "XX".',
          'Unknown setting "CRM_ACESS_TOKEN" in the environment. Did you mean CRM_ACCESS_TOKEN?',
        ]),
      );
    }
  });

  it('reads the identity guards: partial limits, a full priority, blocked patterns', () => {
    const result = parseGatewaySettings({
      env: { IDENTITY_LIMITS: 'phone=2,crm=1', IDENTITY_BLOCKED_EMAILS: '@mailinator\\.com$', IDENTITY_LINK_FIXED_LINES: 'true' },
    });
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.config.identity.rules.limits).toEqual({ ...DEFAULT_IDENTITY_RULES.limits, phone: 2, crm: 1 });
      expect(result.config.identity.rules.blocked.email![0]!.test('x@mailinator.com')).toBe(true);
      expect(result.config.identity.rules.linkFixedLines).toBe(true);
    }
    const bad = parseGatewaySettings({ env: { IDENTITY_LIMITS: 'fax=2', IDENTITY_PRIORITY: 'crm,email', IDENTITY_BLOCKED_PHONES: '(' } });
    expect(!bad.ok && bad.errors).toEqual([
      'Bad setting IDENTITY_LIMITS: expected type=N pairs with N of at least 1 and types among crm, loyalty, commerce, analytics, email, phone, card, got "fax=2".',
      'Bad setting IDENTITY_PRIORITY: name every identifier type once, strongest first: crm, loyalty, commerce, analytics, email, phone, card.',
      'Bad setting IDENTITY_BLOCKED_PHONES: expected a regular expression, got "(".',
    ]);
  });

  it('takes a cursor key of 32 characters or more, and says how long a short one is without repeating it', () => {
    const key = 'k'.repeat(32);
    const good = parseGatewaySettings({ env: { GATEWAY_CURSOR_SECRET: key } });
    expect(good.ok && good.config.cursorSecret).toBe(key);
    const bad = parseGatewaySettings({ env: { GATEWAY_CURSOR_SECRET: 'short-secret' } });
    expect(!bad.ok && bad.errors).toEqual([
      'Bad setting GATEWAY_CURSOR_SECRET: expected at least 32 characters (for example `openssl rand -base64 32`), got 12.',
    ]);
  });

  it('reads survivorship rules over the defaults, and names what is wrong in them', () => {
    const result = parseGatewaySettings({ env: { GOLDEN_RULES: 'email=mostRecent; address=firstSeen' } });
    expect(result.ok && result.config.golden.rules).toEqual({ ...DEFAULT_SURVIVORSHIP, email: { kind: 'mostRecent' }, address: { kind: 'firstSeen' } });
    const bad = parseGatewaySettings({ env: { GOLDEN_RULES: 'email=sourcePriority:crm>erp' } });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.errors[0]).toMatch(/^Bad setting GOLDEN_RULES: .*"erp"/);
  });

  it('names missing required settings', () => {
    const { CRM_ACCESS_TOKEN: _omitted, ...rest } = silos;
    const result = parseConfig({ env: rest });
    expect(!result.ok && result.errors).toEqual(['Missing setting CRM_ACCESS_TOKEN: HubSpot private app access token (scopes `crm.objects.contacts.read`, and `communication_preferences.read` for `Customer.consent`).']);
  });

  it('refuses unknown keys in the file, each with the closest setting, and a file that is not an object', () => {
    expect(parseConfig({ env: silos, file: { PROT: 1, GOLDEN_RULE: 'email=mostRecent', CRM_URL: 'https://x' } })).toEqual({
      ok: false,
      errors: [
        'Unknown setting "PROT" in the config file. Did you mean PORT?',
        'Unknown setting "GOLDEN_RULE" in the config file. Did you mean GOLDEN_RULES?',
        'Unknown setting "CRM_URL" in the config file. Did you mean CRM_BASE_URL?',
      ],
    });
    expect(parseConfig({ env: silos, file: [1] })).toEqual({
      ok: false,
      errors: ['The config file must hold one JSON object whose keys are setting names, e.g. {"PORT": "4000"}.'],
    });
  });

  it('lists the known settings for a file key like none of them', () => {
    const result = parseGatewaySettings({ env: {}, file: { listen: '8080' } });
    expect(!result.ok && result.errors[0]).toMatch(/^Unknown setting "listen" in the config file\. Known settings: PORT, HOST, LOG_LEVEL, .*, ANALYTICS_TOKEN_AUTH\.$/);
  });

  it('reads numbers and true/false from the file, and refuses an object or a list as a value', () => {
    const result = parseGatewaySettings({ env: {}, file: { PORT: 8081, GATEWAY_SANDBOX: false } });
    expect(result.ok && [result.config.port, result.config.sandbox]).toEqual([8081, false]);
    const bad = parseGatewaySettings({ env: {}, file: { PORT: { value: 1 }, HOST: ['a'] } });
    expect(!bad.ok && bad.errors).toEqual([
      'Bad setting PORT in the config file: expected a string, a number or true/false, got an object.',
      'Bad setting HOST in the config file: expected a string, a number or true/false, got an array.',
    ]);
  });

  it('takes a blank value for the default', () => {
    const result = parseGatewaySettings({ env: { PORT: '', LOG_LEVEL: '  ' }, file: { HOST: '' } });
    expect(result.ok && [result.config.port, result.config.logLevel, result.config.host]).toEqual([4000, 'info', '127.0.0.1']);
  });

  it('refuses a Shopify API version that is not a quarter', () => {
    const result = parseConfig({ env: { ...silos, COMMERCE_API_VERSION: '2026-05' } });
    expect(!result.ok && result.errors).toEqual([
      'Bad setting COMMERCE_API_VERSION: expected a Shopify Admin API version such as 2026-07 (quarterly: YYYY-01, -04, -07, -10, or unstable), got "2026-05".',
    ]);
  });

  it('runs against real silos only when a silo setting is given', () => {
    expect(configuresSilos({ env: { PORT: '4000', PATH: '/bin' } })).toBe(false);
    expect(configuresSilos({ env: {}, file: { CRM_BASE_URL: 'https://x' } })).toBe(true);
    expect(configuresSilos({ env: { ANALYTICS_SITE_ID: '3' } })).toBe(true);
  });

  it('takes a blank silo setting for absent, in the environment and in the file, as the production start does', () => {
    expect(configuresSilos({ env: { CRM_BASE_URL: '' } })).toBe(false);
    expect(configuresSilos({ env: { CRM_BASE_URL: '   ', LOYALTY_PASSWORD: '' }, file: { COMMERCE_BASE_URL: ' ', ANALYTICS_SITE_ID: null } })).toBe(false);
    // The demo then starts: the blank is the default, not a request for real silos.
    expect(parseGatewaySettings({ env: { CRM_BASE_URL: '' } }).ok).toBe(true);
  });

  it('reads a log level in any case, and says so when refusing one', () => {
    const level = (text: string) => {
      const result = parseGatewaySettings({ env: { LOG_LEVEL: text } });
      return result.ok ? result.config.logLevel : result.errors;
    };
    expect(level('DEBUG')).toBe('debug');
    expect(level('Warn')).toBe('warn');
    expect(level('verbose')).toEqual(['Bad setting LOG_LEVEL: expected one of debug, info, warn, error, silent (any case), got "verbose".']);
  });

  it('reads exactly true or false, in any case, and refuses the rest saying so', () => {
    const sandbox = (text: string) => {
      const result = parseGatewaySettings({ env: { GATEWAY_SANDBOX: text } });
      return result.ok ? result.config.sandbox : result.errors;
    };
    expect([sandbox('true'), sandbox('False'), sandbox('TRUE')]).toEqual([true, false, true]);
    for (const text of ['yes', 'no', '0', '1']) {
      expect(sandbox(text)).toEqual([`Bad setting GATEWAY_SANDBOX: expected true or false (any case), or nothing for the default, got "${text}".`]);
    }
    expect(SETTINGS.find((s) => s.name === 'GATEWAY_SANDBOX')?.type).toBe('true or false, any case, or empty');
  });

  it('says in words why the config file could not be read', () => {
    expect(fileReadProblem('ENOENT')).toBe('no such file');
    expect(fileReadProblem('EACCES')).toBe('permission denied');
    expect(fileReadProblem('EISDIR')).toBe('it is a directory, not a file');
    expect(fileReadProblem('EMFILE')).toBe('it could not be read (EMFILE)');
  });

  it('describes every setting in a sentence', () => {
    for (const setting of SETTINGS) expect(setting.description, setting.name).toMatch(/^.{10,}\.$/);
  });

  it('names every setting once', () => {
    const names = SETTINGS.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('reads each silo in its time zone: the loyalty program in the retailer\'s unless told, the CRM in UTC', () => {
    const zones = (env: Record<string, string>) => {
      const result = parseGatewaySettings({ env });
      return result.ok ? [result.config.timeZone, result.config.timeZones] : result.errors;
    };
    expect(zones({ TIME_ZONE: 'America/New_York' })).toEqual(['America/New_York', { crm: 'UTC', loyalty: 'America/New_York' }]);
    expect(zones({ LOYALTY_TIME_ZONE: 'Asia/Tokyo', CRM_TIME_ZONE: 'europe/paris' })).toEqual(['Europe/Paris', { crm: 'Europe/Paris', loyalty: 'Asia/Tokyo' }]);
    // An empty value is the default, as for the other settings.
    expect(zones({ TIME_ZONE: 'America/Chicago', LOYALTY_TIME_ZONE: '' })).toEqual(['America/Chicago', { crm: 'UTC', loyalty: 'America/Chicago' }]);
  });

  it('stops on an unknown time zone, naming the key and the value', () => {
    const result = parseConfig({ env: { ...silos, TIME_ZONE: 'Europe/Pariss', CRM_TIME_ZONE: 'CEST' } });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors).toEqual([
        'Bad setting TIME_ZONE: expected an IANA time zone name such as Europe/Paris, America/New_York or UTC, got "Europe/Pariss".',
        'Bad setting CRM_TIME_ZONE: expected an IANA time zone name such as Europe/Paris, America/New_York or UTC, got "CEST".',
      ]);
    }
    // LOYALTY_TIME_ZONE follows TIME_ZONE, so only TIME_ZONE is blamed; named itself, it is checked itself.
    const own = parseGatewaySettings({ env: { LOYALTY_TIME_ZONE: 'Paris' } });
    expect(own.ok ? [] : own.errors).toEqual(['Bad setting LOYALTY_TIME_ZONE: expected an IANA time zone name such as Europe/Paris, America/New_York or UTC, got "Paris".']);
  });
});

describe('unknown settings', () => {
  it.each([
    ['GOLDEN_RULE', 'GOLDEN_RULES'],
    ['DEFAULT_COUNTY', 'DEFAULT_COUNTRY'],
    ['LOGLEVEL', 'LOG_LEVEL'],
    ['log_level', 'LOG_LEVEL'],
    ['port', 'PORT'],
    ['PROT', 'PORT'],
    ['TIMEZONE', 'TIME_ZONE'],
    ['IDENTITY_MAX_ROUND', 'IDENTITY_MAX_ROUNDS'],
    ['CRM_ACESS_TOKEN', 'CRM_ACCESS_TOKEN'],
    ['LOYALTY_USER_NAME', 'LOYALTY_USERNAME'],
  ])('names %s in the environment with the setting it is a typo of, %s', (name, meant) => {
    expect(unknownSettings({ env: { [name]: 'x' } })).toEqual([`Unknown setting "${name}" in the environment. Did you mean ${meant}?`]);
  });

  it.each([
    ['CRM_URL', 'CRM_BASE_URL'],
    ['CRM_TOKEN', 'CRM_ACCESS_TOKEN'],
    ['CRM_TOKN', 'CRM_ACCESS_TOKEN'],
    ['LOYALTY_PASS', 'LOYALTY_PASSWORD'],
    ['GATEWAY_CORS', 'GATEWAY_CORS_ORIGINS'],
    ['AUTH_JWKS', 'AUTH_JWKS_URL'],
    ['ANALYTICS_SITE', 'ANALYTICS_SITE_ID'],
    ['IDENTITY_CACHE_SIZE', 'IDENTITY_CACHE_MAX_MB'],
    ['CRM_API_KEY', 'CRM_ACCESS_TOKEN'],
    ['CRM_HOST', 'CRM_BASE_URL'],
    ['ANALYTICS_API_KEY', 'ANALYTICS_TOKEN_AUTH'],
    ['LOYALTY_SECRET', 'LOYALTY_PASSWORD'],
    ['GATEWAY_HOST', 'HOST'],
    ['GATEWAY_SECRET', 'GATEWAY_CURSOR_SECRET'],
    ['COMMERCE_API_KEY', 'COMMERCE_ACCESS_TOKEN'],
  ])('names %s, with a prefix of ours but far from every setting, with the setting its words point to, %s', (name, meant) => {
    expect(unknownSettings({ env: { [name]: 'x' } })).toEqual([`Unknown setting "${name}" in the environment. Did you mean ${meant}?`]);
  });

  it('names every setting sharing the most words when several do', () => {
    expect(unknownSettings({ env: { IDENTITY_MAX_SIZE: '1' } })).toEqual([
      'Unknown setting "IDENTITY_MAX_SIZE" in the environment. Did you mean IDENTITY_CACHE_MAX_MB?',
    ]);
    expect(unknownSettings({ env: { IDENTITY_MAX_HOPS: '1' } })).toEqual([
      'Unknown setting "IDENTITY_MAX_HOPS" in the environment. Did you mean IDENTITY_MAX_ROUNDS, IDENTITY_MAX_RECORDS or IDENTITY_CACHE_MAX_MB?',
    ]);
  });

  it('lists the settings of the prefix, without a guess, for a name near none of them', () => {
    expect(unknownSettings({ env: { CRM_PORTAL_ID: '1', GOLDEN_SOURCE: 'crm' } })).toEqual([
      'Unknown setting "CRM_PORTAL_ID" in the environment. CRM settings are: CRM_TIME_ZONE, CRM_BASE_URL, CRM_TIMEOUT_MS, CRM_CONNECTIONS, CRM_MAX_RESPONSE_MB, CRM_BREAKER_FAILURE_RATE, CRM_BREAKER_WINDOW_MS, CRM_BREAKER_MIN_CALLS, CRM_BREAKER_LOW_TRAFFIC_FAILURES, CRM_BREAKER_COOLDOWN_MS, CRM_ACCESS_TOKEN.',
      'Unknown setting "GOLDEN_SOURCE" in the environment. GOLDEN settings are: GOLDEN_RULES.',
    ]);
    expect(unknownSettings({ env: {}, file: { GATEWAY_URL: 'x', IDENTITY_PROVIDER_URL: 'x' } })).toEqual([
      'Unknown setting "GATEWAY_URL" in the config file. GATEWAY settings are: GATEWAY_SANDBOX, GATEWAY_INTROSPECTION, GATEWAY_CORS_ORIGINS, GATEWAY_COMPILE_AFTER_USES, GATEWAY_HEALTH_CACHE_MS, GATEWAY_RATE_LIMIT_REQUESTS, GATEWAY_RATE_LIMIT_WINDOW_S, GATEWAY_SHUTDOWN_GRACE_MS, GATEWAY_REQUEST_TIMEOUT_MS, GATEWAY_CURSOR_SECRET.',
      'Unknown setting "IDENTITY_PROVIDER_URL" in the config file. IDENTITY settings are: IDENTITY_MAX_ROUNDS, IDENTITY_DEADLINE_MS, IDENTITY_MAX_RECORDS, IDENTITY_CACHE_MAX_MB, IDENTITY_CACHE_TTL_MS, IDENTITY_NEGATIVE_TTL_MS, IDENTITY_LIMITS, IDENTITY_PRIORITY, IDENTITY_WEAK_TYPES, IDENTITY_LINK_FIXED_LINES, IDENTITY_BLOCKED_EMAILS, IDENTITY_BLOCKED_PHONES, IDENTITY_BLOCKED_CARDS.',
    ]);
  });

  it('leaves alone an environment variable with a generic prefix, IDENTITY_ or GATEWAY_, near none of our settings', () => {
    expect(unknownSettings({ env: { GATEWAY_URL: 'x', IDENTITY_PROVIDER_URL: 'x', GATEWAY_REGION: 'eu' } })).toEqual([]);
    // Near one of ours (GATEWAY_REQUEST_TIMEOUT_MS): likely meant for this gateway.
    expect(unknownSettings({ env: { GATEWAY_TIMEOUT_MS: '5' } })).toHaveLength(1);
  });

  it('leaves alone the managed-identity variables Azure sets, and CGI\'s GATEWAY_INTERFACE', () => {
    const env = Object.fromEntries(
      ['IDENTITY_ENDPOINT', 'IDENTITY_HEADER', 'MSI_ENDPOINT', 'MSI_SECRET', 'IDENTITY_SERVER_THUMBPRINT', 'IDENTITY_API_VERSION', 'IMDS_ENDPOINT', 'GATEWAY_INTERFACE'].map((name) => [name, 'x']),
    );
    expect(unknownSettings({ env })).toEqual([]);
    expect(parseGatewaySettings({ env }).ok).toBe(true);
  });

  it('knows the Azure managed-identity and CGI names as platform variables, each platform with its documentation', () => {
    const names = ['IDENTITY_ENDPOINT', 'IDENTITY_HEADER', 'MSI_ENDPOINT', 'MSI_SECRET', 'IDENTITY_SERVER_THUMBPRINT', 'IDENTITY_API_VERSION', 'IMDS_ENDPOINT', 'GATEWAY_INTERFACE'];
    expect(names.filter((name) => !isPlatformVariable(name))).toEqual([]);
    expect(isPlatformVariable('IDENTITY_MAX_ROUNDS')).toBe(false);
    for (const platform of PLATFORM_VARIABLES) expect(platform.documentation, platform.platform).toMatch(/https:\/\//);
  });

  it('leaves alone the variables AWS, Cloud Run, Heroku, Render and Fly.io set', () => {
    const env = Object.fromEntries(
      [
        'AWS_REGION', 'AWS_LAMBDA_FUNCTION_NAME', 'LAMBDA_TASK_ROOT', '_HANDLER', 'ECS_CONTAINER_METADATA_URI_V4', 'K_SERVICE', 'K_REVISION', 'K_CONFIGURATION',
        'CLOUD_RUN_JOB', 'DYNO', 'HEROKU_APP_NAME', 'RENDER', 'RENDER_SERVICE_NAME', 'IS_PULL_REQUEST', 'FLY_APP_NAME', 'FLY_REGION', 'PRIMARY_REGION',
      ].map((name) => [name, 'x']),
    );
    expect(unknownSettings({ env })).toEqual([]);
  });

  it('leaves alone the variables of a shell, npm, CI and other programs', () => {
    const env = Object.fromEntries(
      [
        'PATH', 'HOME', 'HOSTNAME', 'PWD', 'OLDPWD', 'USER', 'SHELL', 'TERM', 'LANG', 'TZ', 'NODE_ENV', 'NODE_OPTIONS',
        'npm_config_loglevel', 'npm_lifecycle_event', 'npm_package_name', 'INIT_CWD', 'CI', 'GITHUB_ACTIONS', 'RUNNER_OS',
        'API_BASE_URL', 'LOG_FORMAT', 'DEFAULT_LOCALE', 'TIME_FORMAT', 'DEBUG', 'HTTP_PROXY', 'no_proxy',
      ].map((name) => [name, 'x']),
    );
    expect(unknownSettings({ env })).toEqual([]);
  });

  it('leaves alone the service links Kubernetes and Docker set for a service named like a silo', () => {
    const env = Object.fromEntries(
      ['CRM_SERVICE_HOST', 'CRM_SERVICE_PORT', 'CRM_SERVICE_PORT_HTTPS', 'CRM_PORT', 'CRM_PORT_443_TCP', 'CRM_PORT_443_TCP_ADDR', 'LOYALTY_PORT_80_TCP_PROTO', 'GATEWAY_NAME', 'ANALYTICS_ENV_MATOMO_DATABASE_HOST'].map(
        (name) => [name, 'x'],
      ),
    );
    expect(unknownSettings({ env })).toEqual([]);
  });

  it('ignores a variable that is declared but unset', () => {
    expect(unknownSettings({ env: { LOGLEVEL: undefined } })).toEqual([]);
  });

  it('stops the start, with every other problem listed too', () => {
    const result = parseGatewaySettings({ env: { GOLDEN_RULE: 'email=mostRecent', PORT: 'eighty', DEFAULT_COUNTY: 'GB' } });
    expect(result).toEqual({
      ok: false,
      errors: [
        'Unknown setting "GOLDEN_RULE" in the environment. Did you mean GOLDEN_RULES?',
        'Unknown setting "DEFAULT_COUNTY" in the environment. Did you mean DEFAULT_COUNTRY?',
        'Bad setting PORT: expected a whole number from 0 to 65535, got "eighty".',
      ],
    });
  });

  it('never repeats the value of an unknown variable', () => {
    expect(unknownSettings({ env: { CRM_ACESS_TOKEN: 'pat-na1-secret' } }).join(' ')).not.toContain('pat-na1-secret');
  });
});

describe('edit distance', () => {
  it.each([
    ['PORT', 'PORT', 0],
    ['PROT', 'PORT', 1],
    ['HOME', 'HOST', 2],
    ['LOGLEVEL', 'LOG_LEVEL', 1],
    ['CA', 'ABC', 3],
    ['API_BASE_URL', 'CRM_BASE_URL', 3],
    ['', 'HOST', 4],
  ])('from %s to %s is %i', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
  });
});

describe('the settings table for the README', () => {
  it('shows a default, a required setting, an inherited default and an empty one', () => {
    const table = formatSettingsTable();
    expect(table.split('\n').slice(0, 3)).toEqual([
      '| setting | default | accepted | meaning |',
      '| --- | --- | --- | --- |',
      '| `PORT` | 4000 | whole number, 0-65535 | Port of the GraphQL endpoint (0: any free port). |',
    ]);
    expect(table).toContain('| `CRM_BASE_URL` | required | http(s) URL | Base URL of the CRM (HubSpot) API, e.g. `https://api.hubapi.com`. |');
    expect(table).toContain('| `LOYALTY_TIME_ZONE` | `TIME_ZONE` | IANA time zone |');
    expect(table).toContain('| `IDENTITY_BLOCKED_CARDS` | (none) | regular expression, or empty |');
  });
});

describe('authentication, introspection and CORS settings', () => {
  const HASH = 'a'.repeat(64);
  const errorsOf = (result: { ok: boolean; errors?: string[] }) => (result.ok ? [] : result.errors);

  it('turns Sandbox, introspection and CORS off with silo settings, and under NODE_ENV=production in the demo too', () => {
    const configured = parseConfig({ env: silos });
    expect(configured.ok && [configured.config.sandbox, configured.config.introspection, configured.config.corsOrigins, configured.config.host]).toEqual([false, false, [], '127.0.0.1']);
    const production = parseGatewaySettings({ env: { NODE_ENV: 'production' } });
    expect(production.ok && [production.config.sandbox, production.config.introspection, production.config.corsOrigins]).toEqual([false, false, []]);
    // Each switch on its own: introspection without Sandbox (for a schema registry), Sandbox with it.
    const introspection = parseConfig({ env: { ...silos, GATEWAY_INTROSPECTION: 'true' } });
    expect(introspection.ok && [introspection.config.sandbox, introspection.config.introspection]).toEqual([false, true]);
    const sandbox = parseConfig({ env: { ...silos, GATEWAY_SANDBOX: 'true' } });
    expect(sandbox.ok && [sandbox.config.sandbox, sandbox.config.introspection]).toEqual([true, true]);
  });

  it('refuses Sandbox without introspection, naming both settings', () => {
    expect(errorsOf(parseGatewaySettings({ env: { GATEWAY_SANDBOX: 'true', GATEWAY_INTROSPECTION: 'false' } }))).toEqual([
      'Bad settings GATEWAY_SANDBOX and GATEWAY_INTROSPECTION: Apollo Sandbox reads the schema by introspection; set GATEWAY_INTROSPECTION=true, or GATEWAY_SANDBOX=false.',
    ]);
  });

  it('reads API keys from inline JSON or the config file\'s array', () => {
    const entry = { name: 'crm-sync', sha256: HASH.toUpperCase(), scopes: ['pii:read', 'profile:read'] };
    const expected = [{ name: 'crm-sync', sha256: HASH, scopes: ['pii:read', 'profile:read'] }];
    const inline = parseConfig({ env: { ...silos, AUTH_API_KEYS: JSON.stringify([entry]) } });
    expect(inline.ok && inline.config.auth.apiKeys).toEqual(expected);
    const file = parseConfig({ env: silos, file: { AUTH_API_KEYS: [entry] } });
    expect(file.ok && file.config.auth.apiKeys).toEqual(expected);
  });

  it('refuses a key without scopes, an unknown scope, a bad hash, a repeated name and text that is not JSON, naming each key', () => {
    const keys = [
      { name: 'no-scopes', sha256: HASH, scopes: [] },
      { name: 'typo', sha256: HASH, scopes: ['pii:raed'] },
      { name: 'plain', sha256: 'cgw_the-key-itself', scopes: ['admin'] },
      { name: 'typo', sha256: HASH, scopes: ['admin'] },
    ];
    expect(errorsOf(parseConfig({ env: { ...silos, AUTH_API_KEYS: JSON.stringify(keys) } }))).toEqual([
      'Bad setting AUTH_API_KEYS: key 1 ("no-scopes"): "scopes" must be a non-empty array of scope names (profile:read, pii:read, journey:read, insights:read, admin). ' +
        'key 2 ("typo"): "scopes": unknown scope "pii:raed"; scopes are profile:read, pii:read, journey:read, insights:read, admin. ' +
        'key 3 ("plain"): "sha256" must be the 64 hex digits of the key\'s SHA-256 (never the key itself). ' +
        'key 4 ("typo"): "name" is used by an earlier key.',
    ]);
    expect(errorsOf(parseConfig({ env: { ...silos, AUTH_API_KEYS: '[{name: x}]' } }))).toEqual([
      'Bad setting AUTH_API_KEYS: expected a JSON array of { "name", "sha256", "scopes" } objects (`npm run api-key` prints one); the text is not valid JSON.',
    ]);
  });

  it('refuses an unknown anonymous scope, none and HS* algorithms, a bad origin pattern and two key sources', () => {
    expect(
      errorsOf(
        parseConfig({
          env: {
            ...silos,
            AUTH_ANONYMOUS_SCOPES: 'profile:read,everything',
            AUTH_ALGORITHMS: 'RS256,none,HS256',
            GATEWAY_CORS_ORIGINS: 'https://app.example.com, https://app.example.com/path, *',
          },
        }),
      ),
    ).toEqual([
      'Bad setting AUTH_ALGORITHMS: "none" (an unsigned token) is never accepted; "HS256" is a shared-secret algorithm: tokens are verified with the issuer\'s public keys only. Accepted: RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA, Ed25519.',
      'Bad setting AUTH_ANONYMOUS_SCOPES: unknown scope "everything"; scopes are profile:read, pii:read, journey:read, insights:read, admin.',
      'Bad setting GATEWAY_CORS_ORIGINS: "https://app.example.com/path" is not an origin pattern: an origin is scheme://host[:port] such as https://app.example.com or http://localhost:5173, or https://*.example.com for its subdomains. "*" is not an origin pattern: an origin is scheme://host[:port] such as https://app.example.com or http://localhost:5173, or https://*.example.com for its subdomains.',
    ]);
    const issuerAndAudience = { AUTH_ISSUER: 'https://id.example.com/', AUTH_AUDIENCE: 'customer-gateway' };
    expect(errorsOf(parseConfig({ env: { ...silos, ...issuerAndAudience, AUTH_JWKS_URL: 'https://id.example.com/jwks.json', AUTH_PUBLIC_KEY_FILE: '/etc/key.pem' } }))).toEqual([
      'Bad settings AUTH_JWKS_URL and AUTH_PUBLIC_KEY_FILE: JWTs are verified against one key set; set one of them.',
    ]);
  });

  it('refuses a JWT key set without the issuer and audience a token must carry', () => {
    expect(errorsOf(parseConfig({ env: { ...silos, AUTH_JWKS_URL: 'https://id.example.com/jwks.json' } }))).toEqual([
      "Missing setting AUTH_ISSUER: with AUTH_JWKS_URL, the `iss` claim a JWT must carry (the identity provider's issuer URL), so that a token of another issuer is refused.",
      "Missing setting AUTH_AUDIENCE: with AUTH_JWKS_URL, the `aud` claim a JWT must carry (this gateway's identifier at the identity provider), so that a token issued for another API is refused.",
    ]);
    expect(errorsOf(parseConfig({ env: { ...silos, AUTH_PUBLIC_KEY_FILE: '/etc/key.pem', AUTH_ISSUER: 'https://id.example.com/' } }))).toEqual([
      "Missing setting AUTH_AUDIENCE: with AUTH_PUBLIC_KEY_FILE, the `aud` claim a JWT must carry (this gateway's identifier at the identity provider), so that a token issued for another API is refused.",
    ]);
  });

  it('reads the JWT settings and the CORS origins', () => {
    const result = parseConfig({
      env: {
        ...silos,
        AUTH_JWKS_URL: 'https://id.example.com/.well-known/jwks.json',
        AUTH_ISSUER: 'https://id.example.com/',
        AUTH_AUDIENCE: 'customer-gateway',
        AUTH_ALGORITHMS: 'ES256, RS256',
        AUTH_CLOCK_TOLERANCE_S: '5',
        AUTH_ANONYMOUS_SCOPES: 'profile:read',
        GATEWAY_CORS_ORIGINS: 'https://app.example.com,https://*.shops.example.com:8443',
      },
    });
    expect(result.ok && [result.config.auth, result.config.corsOrigins]).toEqual([
      {
        jwksUrl: 'https://id.example.com/.well-known/jwks.json',
        publicKeyFile: null,
        issuer: 'https://id.example.com/',
        audience: 'customer-gateway',
        algorithms: ['ES256', 'RS256'],
        clockToleranceS: 5,
        apiKeys: [],
        anonymousScopes: ['profile:read'],
      },
      [
        { kind: 'exact', origin: 'https://app.example.com' },
        { kind: 'subdomains', scheme: 'https', suffix: '.shops.example.com', port: '8443' },
      ],
    ]);
  });

  it('refuses <SILO>_BREAKER_FAILURES, now gone, saying what replaces it, in the environment and in the file', () => {
    expect(errorsOf(parseConfig({ env: { ...silos, LOYALTY_BREAKER_FAILURES: '50' }, file: { CRM_BREAKER_FAILURES: '5' } }))).toEqual([
      'Setting LOYALTY_BREAKER_FAILURES (in the environment) is gone: the circuit breaker opens on a failure rate, not a count in a row: LOYALTY_BREAKER_FAILURE_RATE (share of failed calls, default 0.5) over LOYALTY_BREAKER_WINDOW_MS (default LOYALTY_TIMEOUT_MS), once LOYALTY_BREAKER_MIN_CALLS calls ended within it (default 20); with fewer, LOYALTY_BREAKER_LOW_TRAFFIC_FAILURES failures in a row (default 5) open it (README.md, "Limits and resilience").',
      'Setting CRM_BREAKER_FAILURES (in the config file) is gone: the circuit breaker opens on a failure rate, not a count in a row: CRM_BREAKER_FAILURE_RATE (share of failed calls, default 0.5) over CRM_BREAKER_WINDOW_MS (default CRM_TIMEOUT_MS), once CRM_BREAKER_MIN_CALLS calls ended within it (default 20); with fewer, CRM_BREAKER_LOW_TRAFFIC_FAILURES failures in a row (default 5) open it (README.md, "Limits and resilience").',
    ]);
  });

  it('refuses GATEWAY_ADMIN_TOKEN, now gone, saying what replaces it', () => {
    expect(errorsOf(parseConfig({ env: { ...silos, GATEWAY_ADMIN_TOKEN: 'old-token' } }))).toEqual([
      'Setting GATEWAY_ADMIN_TOKEN (in the environment) is gone: admin operations (`evictCustomer`) need the `admin` scope: an API key with it (`npm run api-key -- --name admin --scopes admin`, in AUTH_API_KEYS) or a JWT whose scope claim holds it (README.md, "Authentication").',
    ]);
  });
});
