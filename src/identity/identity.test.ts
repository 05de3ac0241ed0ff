import { describe, expect, it } from 'vitest';
import { chooseAnchor, decodeGoldenId, encodeGoldenId } from './golden-id.js';
import { parseCustomerId } from './identifier.js';
import { normalizeIdentifier } from './normalize.js';

const fr = { defaultCountry: 'FR' as const };

describe('normalizeIdentifier', () => {
  it('trims and lower-cases emails', () => {
    expect(normalizeIdentifier({ type: 'email', value: '  Anna.Martin@Example.COM ' }, fr)).toEqual({
      ok: true,
      identifier: { type: 'email', value: 'anna.martin@example.com' },
    });
  });

  it.each(['06 12 34 56 78', '06.12.34.56.78', '+33 6 12 34 56 78', '+33612345678', '0033612345678', '(0)6 12 34 56 78', '+33 (0)6 12 34 56 78'])(
    'reads the French mobile %s as +33612345678',
    (value) => {
      expect(normalizeIdentifier({ type: 'phone', value }, fr)).toEqual({ ok: true, identifier: { type: 'phone', value: '+33612345678' } });
    },
  );

  it('reads national numbers in the configured country', () => {
    const gb = normalizeIdentifier({ type: 'phone', value: '07911 123456' }, { defaultCountry: 'GB' });
    expect(gb).toEqual({ ok: true, identifier: { type: 'phone', value: '+447911123456' } });
  });

  it.each([
    ['email', 'noemail@shop.example'],
    ['email', 'none@none.com'],
    ['email', 'n/a'],
    ['phone', '0000000000'],
    ['phone', '+33000000000'],
    ['phone', '1111111111'],
    ['phone', 'n/a'],
  ] as const)('refuses the placeholder %s "%s"', (type, value) => {
    expect(normalizeIdentifier({ type, value }, fr).ok).toBe(false);
  });

  it('refuses what is not an email or a phone, saying what is expected', () => {
    expect(normalizeIdentifier({ type: 'email', value: 'anna' }, fr)).toEqual({ ok: false, reason: 'expected an address like anna@example.com' });
    const phone = normalizeIdentifier({ type: 'phone', value: '12' }, fr);
    expect(phone.ok).toBe(false);
    expect(!phone.ok && phone.reason).toContain('+33612345678');
  });

  it('keeps record ids as the silo gives them, and strips spaces from card numbers', () => {
    expect(normalizeIdentifier({ type: 'analytics', value: ' 9f2cA1 ' }, fr)).toEqual({ ok: true, identifier: { type: 'analytics', value: '9f2cA1' } });
    expect(normalizeIdentifier({ type: 'card', value: '2900 1234 5678 9' }, fr)).toEqual({ ok: true, identifier: { type: 'card', value: '2900123456789' } });
  });
});

describe('golden id', () => {
  it('round-trips an anchor and shows no record key in clear', () => {
    const id = encodeGoldenId({ source: 'crm', id: '101' });
    expect(id.startsWith('cus_')).toBe(true);
    expect(id).not.toContain('crm');
    expect(decodeGoldenId(id)).toEqual({ source: 'crm', id: '101' });
  });

  it('refuses ids that are not golden ids of a known version', () => {
    expect(decodeGoldenId('cus_')).toBeNull();
    expect(decodeGoldenId('cus_!!!')).toBeNull();
    expect(decodeGoldenId('cus_' + Buffer.from('2|crm|101').toString('base64url'))).toBeNull();
    expect(decodeGoldenId('cus_' + Buffer.from('1|erp|101').toString('base64url'))).toBeNull();
  });

  it('anchors on the CRM first, then the shop, loyalty, analytics; smallest id first', () => {
    expect(
      chooseAnchor([
        { source: 'analytics', id: 'a1' },
        { source: 'commerce', id: '7000000002' },
        { source: 'crm', id: '1001' },
        { source: 'crm', id: '999' },
      ]),
    ).toEqual({ source: 'crm', id: '999' });
    expect(chooseAnchor([{ source: 'loyalty', id: 'b' }, { source: 'commerce', id: '7' }])).toEqual({ source: 'commerce', id: '7' });
    expect(chooseAnchor([])).toBeNull();
  });
});

describe('parseCustomerId', () => {
  it('applies each silo\'s id rules and ignores invisible characters', () => {
    const parsed = (id: string) => {
      const result = parseCustomerId(id, fr);
      return result.ok && result.value.kind === 'identifier' ? result.value.identifier : result;
    };
    expect(parsed('analytics:77917FEDB71EC127')).toEqual({ type: 'analytics', value: '77917fedb71ec127' });
    expect(parsed(' crm: 000667 ')).toEqual({ type: 'crm', value: '667' });
    expect(parsed('commerce:gid://shopify/Customer/7000000001')).toEqual({ type: 'commerce', value: '7000000001' });
    expect(parsed('loyalty:5B0E5C3A-8F1D-4C2B-9A7E-3D6F1E2C4B5A')).toEqual({ type: 'loyalty', value: '5b0e5c3a-8f1d-4c2b-9a7e-3d6f1e2c4b5a' });
    expect(parsed('email:\u200bname@example.com')).toEqual({ type: 'email', value: 'name@example.com' });
  });


  it('accepts every source record key and typed identifier', () => {
    for (const id of ['crm:101', 'loyalty:5b0e5c3a-8f1d-4c2b-9a7e-3d6f1e2c4b5a', 'commerce:7000000001', 'analytics:9f2c0a1b2c3d4e5f', 'email:Anna@Example.fr', 'phone:0612345678', 'card:2900123456789']) {
      expect(parseCustomerId(id, fr).ok, id).toBe(true);
    }
  });

  it('accepts a golden id', () => {
    // base64url of `1|commerce|7000000001`, written out rather than made by encodeGoldenId.
    const golden = 'cus_MXxjb21tZXJjZXw3MDAwMDAwMDAx';
    expect(parseCustomerId(golden, fr)).toEqual({ ok: true, value: { kind: 'golden', goldenId: golden, anchor: { source: 'commerce', id: '7000000001' } } });
  });

  it.each([
    ['foo', 'has no type prefix'],
    ['crm:', 'has an empty crm value'],
    ['erp:12', 'has an unknown type "erp"'],
    ['email:not-an-email', 'is not a usable email'],
    ['phone:0000000000', 'is not a usable phone'],
    ['cus_AAAA', 'is not a valid golden id'],
    ['analytics:77917fedb71ec12', 'a Matomo visitor id is 16 hexadecimal characters'],
    ['analytics:user-42', 'a Matomo visitor id is 16 hexadecimal characters'],
    ['crm:abc', 'a HubSpot contact id is a whole number'],
    ['commerce:7000000001x', 'a Shopify customer id is a whole number'],
    ['loyalty:m1', 'an Open Loyalty member id is a UUID'],
  ])('refuses "%s": it %s, and lists the accepted forms', (id, what) => {
    const result = parseCustomerId(id, fr);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.message).toContain(what);
      expect(result.message).toContain('`crm:<HubSpot contact id>`');
      expect(result.message).toContain('golden id');
    }
  });
});
