/**
 * Messy case: households sharing a landline (RATES.household), and the US or Canadian household
 * whose father and same-name son share a line (RATES.nanpHousehold).
 */
import { COUNTRIES } from '../countries.js';
import type { Address, Person } from '../people.js';
import { type Random } from '../random.js';
import { RATES } from '../rates.js';
import { unique } from '../records.js';

export interface HouseholdShare {
  id: string;
  landline: string;
  address: Address;
  lastName: string;
  /** First names already given in the household: a family does not give one twice. */
  firstNames: Set<string>;
}

export const HOUSEHOLD_SIZES = [[2, 55], [3, 30], [4, 15]] as const;
const MEAN_HOUSEHOLD = HOUSEHOLD_SIZES.reduce((s, [n, w]) => s + n * w, 0) / HOUSEHOLD_SIZES.reduce((s, [, w]) => s + w, 0);
/** Chance that the next person starts a household, so that {@link RATES.household} of persons live in one. */
export const HOUSEHOLD_START = RATES.household / (MEAN_HOUSEHOLD - RATES.household * (MEAN_HOUSEHOLD - 1));

/**
 * A US or Canadian father whose CRM contact holds the household line, and his son of the same
 * first and last name, at the same address, who signed up for a loyalty card at the till with
 * that line and no email: two persons that only the line and the name relate. A NANP number does
 * not tell a landline from a mobile, so nothing but the line could tell the gateway they differ.
 * `makeSon` draws the son as a person of his own, after the line.
 */
export function nanpHousehold(rng: Random, father: Person, phones: Set<string>, id: string, makeSon: () => Person): Person[] {
  const plan = COUNTRIES[father.country].phone;
  const line = unique(phones, () => `+${plan.cc}${plan.mobile(rng)}`);
  const son = makeSon();
  return [
    { ...father, landline: line, household: id },
    {
      ...son,
      firstName: father.firstName,
      lastName: father.lastName,
      address: father.address,
      homeStore: father.homeStore,
      landline: line,
      household: id,
      lineOnly: true,
      silos: { crm: false, loyalty: true, commerce: false, analytics: false },
    },
  ];
}
