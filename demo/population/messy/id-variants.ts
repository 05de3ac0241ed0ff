/**
 * A silo's id as another integration sends it. In the generated data the one cross-silo reference
 * is Matomo's `userId`, the Shopify customer id the site sends at login. Pure: no I/O.
 *
 * What is realistic: the shop theme sends `{{ customer.id }}` as it is; an integration that reads
 * the id from the page instead (a tag manager's "DOM element" variable takes the element's
 * text, with the spaces and line breaks of the template around it), or one that keeps ids in a
 * fixed-width, zero-padded field (an ERP or kiosk export), sends it padded. Shopify ids are
 * integers: spaces and leading zeros are not part of them.
 */
import type { Random } from '../random.js';

/**
 * `id` (a Shopify customer id, digits) as a faulty integration sends it: with surrounding spaces
 * or a line break (60%), or with leading zeros (40%, padded to 16 digits or with one or two
 * zeros). Never equal to `id`.
 */
export function paddedUserId(rng: Random, id: string): string {
  if (rng.chance(0.6)) return rng.weighted<string>([[` ${id}`, 30], [`${id} `, 30], [` ${id} `, 25], [`\n${id}\n`, 15]]);
  return rng.weighted<string>([[id.padStart(16, '0'), 50], [`0${id}`, 30], [`00${id}`, 20]]);
}

/** A Shopify id as the gateway reads it: trimmed, without leading zeros. */
export function canonicalShopId(sent: string): string {
  return sent.trim().replace(/^0+(?=\d)/, '');
}
