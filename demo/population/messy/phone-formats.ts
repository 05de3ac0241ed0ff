/**
 * Messy case: phones typed into HubSpot's free-text fields, in every national and international habit.
 */
import { COUNTRIES, type Country, FR_GROUPS, groupDigits } from '../countries.js';
import { type Random } from '../random.js';
import { RATES } from '../rates.js';

/**
 * A phone as someone typed it into HubSpot's free-text field. French numbers come in every
 * national and international habit; foreign ones in international form, or with `national`
 * ({@link RATES.nationalForeignPhone}) as the customer dictated them, in their country's national
 * format (the contact's country is then written, see {@link crmDraft}). Now and then the
 * international number without its `+` ({@link RATES.phoneWithoutPlus}).
 */
export function crmPhoneText(rng: Random, e164: string, country: Country, national = true): string {
  const plan = COUNTRIES[country].phone;
  const nsn = e164.slice(1 + plan.cc.length);
  if (rng.chance(RATES.phoneWithoutPlus)) return `${plan.cc}${nsn}`;
  if (country !== 'FR' && national && rng.chance(RATES.nationalForeignPhone)) return plan.national(nsn);
  const intl = `+${plan.cc} ${groupDigits(nsn, plan.groups, ' ')}`;
  const formats: Array<readonly [() => string, number]> = [
    [() => intl, 30],
    [() => e164, 30],
    [() => `00${plan.cc}${nsn}`, 10],
    [() => `00${plan.cc} ${nsn}`, 5],
  ];
  if (plan.trunk) formats.push([() => `+${plan.cc} (0)${groupDigits(nsn, plan.groups, ' ')}`, 5]);
  if (country === 'FR') {
    formats.push(
      [() => `0${groupDigits(nsn, FR_GROUPS, ' ')}`, 100],
      [() => `0${nsn}`, 45],
      [() => `0${groupDigits(nsn, FR_GROUPS, '.')}`, 25],
      [() => `(0)${groupDigits(nsn, FR_GROUPS, ' ')}`, 10],
      [() => `0${groupDigits(nsn, FR_GROUPS, '-')}`, 5],
    );
  }
  return rng.weighted(formats)();
}
