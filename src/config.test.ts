import { describe, expect, it } from 'vitest';
import { DEFAULT_IDENTITY_RULES } from './identity/rules.js';
import { DEFAULT_SURVIVORSHIP } from './golden/rules-config.js';
import { configuresSilos, parseConfig, parseGatewaySettings, SETTINGS } from './config.js';

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
  it('has defaults that run: the gateway settings need nothing', () => {
    const result = parseGatewaySettings({ env: {} });
    expect(result).toEqual({
      ok: true,
      config: {
        port: 4000,
        host: '0.0.0.0',
        logLevel: 'info',
        sandbox: true,
        defaultCountry: 'FR',
        timeZone: 'Europe/Paris',
        timeZones: { crm: 'UTC', loyalty: 'Europe/Paris' },
        adminToken: '',
        golden: { rules: DEFAULT_SURVIVORSHIP },
        identity: {
          maxRounds: 4,
          maxRecords: 50,
          cache: { maxBytes: 64 * 1024 * 1024, ttlMs: 900_000, negativeTtlMs: 30_000 },
          rules: { ...DEFAULT_IDENTITY_RULES, blocked: { email: [], phone: [], card: [] } },
        },
      },
    });
  });

  it('builds each silo from the environment, with defaults for timeouts and pools', () => {
    const result = parseConfig({ env: silos });
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.config.silos.crm).toEqual({ baseUrl: 'https://api.hubapi.com', accessToken: 'pat-na1-secret', timeoutMs: 1500, connections: 32 });
      expect(result.config.silos.commerce.apiVersion).toBe('2026-07');
      expect(result.config.silos.analytics.siteId).toBe(1);
    }
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
    expect(!result.ok && result.errors).toEqual(['Missing setting CRM_ACCESS_TOKEN: HubSpot private app access token.']);
  });

  it('refuses unknown keys in the file and a file that is not an object', () => {
    expect(parseConfig({ env: silos, file: { PROT: 1 } })).toMatchObject({ ok: false, errors: [expect.stringContaining('Did you mean PORT?')] });
    expect(parseConfig({ env: silos, file: [1] })).toMatchObject({ ok: false });
  });

  it('runs against real silos only when a silo setting is given', () => {
    expect(configuresSilos({ env: { PORT: '4000', PATH: '/bin' } })).toBe(false);
    expect(configuresSilos({ env: {}, file: { CRM_BASE_URL: 'https://x' } })).toBe(true);
  });

  it('documents every setting', () => {
    for (const setting of SETTINGS) expect(setting.description.length, setting.key).toBeGreaterThan(10);
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
