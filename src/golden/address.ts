/**
 * Postal addresses for the golden record: cleaned as a whole, the country made an ISO 3166-1
 * alpha-2 code when the text names one. Pure: no I/O.
 *
 * An address survives as a whole, never part by part: a street from one record and a city from
 * another would be a place where the customer never lived.
 */
import { countryCodeOf } from '../identity/country.js';
import type { PostalAddress } from '../generated/graphql.js';
import { cleanText, fold } from './clean.js';
import type { Cleaned } from './survivorship.js';

export type AddressInput = Omit<PostalAddress, '__typename'>;

export interface GoldenAddress {
  street: string | null;
  postalCode: string | null;
  city: string | null;
  /** ISO 3166-1 alpha-2 when the silo's text names a country, else the text as written. */
  country: string | null;
}

/**
 * An address with each part cleaned (placeholder parts dropped) and the country as a code. One
 * with neither street, postal code nor city is refused: a country alone reaches nobody.
 */
export function cleanAddress(raw: AddressInput): Cleaned<GoldenAddress> {
  const part = (text: string | null | undefined): string | null => {
    const cleaned = text ? cleanText(text) : null;
    return cleaned?.ok && cleaned.value !== '' ? cleaned.value : null;
  };
  const country = part(raw.country);
  const address: GoldenAddress = {
    street: part(raw.street),
    postalCode: part(raw.postalCode)?.toUpperCase() ?? null,
    city: part(raw.city),
    country: country === null ? null : (countryCodeOf(country) ?? country),
  };
  if (address.street === null && address.postalCode === null && address.city === null) {
    const placeholders = [raw.street, raw.postalCode, raw.city].some((text) => text && !cleanText(text).ok);
    return placeholders
      ? { ok: false, reason: 'blocked', detail: 'street, postal code and city are placeholders' }
      : { ok: false, reason: 'invalid', detail: 'no street, postal code or city: not an address one can write to' };
  }
  return { ok: true, value: address };
}

/** Two addresses are the same when their parts match without case, accents or dots. */
export function addressKey(address: GoldenAddress): string {
  return [address.street, address.postalCode?.replace(/\s/g, ''), address.city, address.country].map((p) => fold(p ?? '')).join('|');
}
