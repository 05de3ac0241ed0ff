/**
 * Postal addresses for the golden record: cleaned as a whole, the country made an ISO 3166-1
 * alpha-2 code when the text names one. Pure: no I/O.
 *
 * An address survives as a whole, never part by part: a street from one record and a city from
 * another would be a place where the customer never lived.
 */
import { getCountries, isSupportedCountry } from 'libphonenumber-js/max';
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
 * What people type for a country that is not its name in any language we read: abbreviations
 * and the nations of the United Kingdom.
 */
const COUNTRY_ALIASES: Readonly<Record<string, string>> = {
  uk: 'GB',
  england: 'GB',
  scotland: 'GB',
  wales: 'GB',
  'great britain': 'GB',
  usa: 'US',
  'united states of america': 'US',
  holland: 'NL',
};

/** The languages a retailer's customers in Western Europe and North America type country names in. */
const NAME_LANGUAGES = ['en', 'fr', 'de', 'es', 'nl', 'it', 'pt'];

let countryNames: Map<string, string> | undefined;

/** Folded country name -> code, from the runtime's CLDR data: built once, on first use. */
function namesToCodes(): Map<string, string> {
  if (countryNames) return countryNames;
  countryNames = new Map(Object.entries(COUNTRY_ALIASES));
  for (const language of NAME_LANGUAGES) {
    const names = new Intl.DisplayNames([language], { type: 'region', fallback: 'none' });
    for (const code of getCountries()) {
      const name = names.of(code);
      if (name && !countryNames.has(fold(name))) countryNames.set(fold(name), code);
    }
  }
  return countryNames;
}

/** The ISO 3166-1 alpha-2 code a country's text stands for ("France", "FRANCE", "fr", "België"), or null. */
export function countryCode(text: string): string | null {
  const trimmed = text.trim();
  if (/^[a-z]{2}$/i.test(trimmed) && isSupportedCountry(trimmed.toUpperCase())) return trimmed.toUpperCase();
  return namesToCodes().get(fold(trimmed)) ?? null;
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
    country: country === null ? null : (countryCode(country) ?? country),
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
