/**
 * Countries as addresses write them, read as ISO 3166-1 alpha-2 codes. Pure: no I/O.
 *
 * One reading for the whole gateway: the golden address's country and the country a national
 * phone number is read in (normalize.ts) must agree, or a contact in "Italia" would have an
 * Italian address and a French phone.
 */
import { getCountries, type CountryCode } from 'libphonenumber-js/max';
import { visibleText } from './unicode.js';

/** Languages whose country names are recognized: those of the retailers' stores and their neighbours. */
const COUNTRY_NAME_LANGUAGES = ['en', 'fr', 'de', 'es', 'it', 'nl', 'pt'] as const;

/**
 * What people type for a country that is not its name in any of those languages: abbreviations,
 * the nations of the United Kingdom, old names.
 */
const COUNTRY_ALIASES: Readonly<Record<string, CountryCode>> = {
  uk: 'GB', 'great britain': 'GB', england: 'GB', scotland: 'GB', wales: 'GB', 'northern ireland': 'GB', angleterre: 'GB',
  usa: 'US', 'united states of america': 'US', america: 'US', holland: 'NL',
};

let countryNames: Map<string, CountryCode> | undefined;

/**
 * The ISO 3166-1 alpha-2 code of a country as an address writes it: the code itself ("IT", "fr")
 * or its name in English, French, German, Spanish, Italian, Dutch or Portuguese ("Italia",
 * "Deutschland", "España", "België", "United Kingdom"), any case, accents and invisible
 * characters ignored; null when unknown. The names come from the runtime's CLDR data
 * (Intl.DisplayNames), built once on first use, so every region is covered.
 */
export function countryCodeOf(text: string): CountryCode | null {
  const folded = foldCountry(text);
  if (folded === '') return null;
  const upper = folded.toUpperCase();
  if (/^[A-Z]{2}$/.test(upper) && (getCountries() as string[]).includes(upper)) return upper as CountryCode;
  return namesToCodes().get(folded) ?? null;
}

function namesToCodes(): Map<string, CountryCode> {
  if (countryNames) return countryNames;
  countryNames = new Map(Object.entries(COUNTRY_ALIASES));
  for (const language of COUNTRY_NAME_LANGUAGES) {
    const names = new Intl.DisplayNames([language], { type: 'region', fallback: 'none' });
    for (const code of getCountries()) {
      const name = names.of(code);
      if (name && !countryNames.has(foldCountry(name))) countryNames.set(foldCountry(name), code);
    }
  }
  return countryNames;
}

/** Without case, accents or dots ("U.S.A." is "usa"); other punctuation as spaces ("Côte-d'Ivoire"). */
function foldCountry(text: string): string {
  return visibleText(text).normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase().replace(/\./g, '').replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}
