/**
 * Calendar days on the retailer's wall clocks: the unit every insight counts in. Two purchases
 * at 23:30 and 00:30 in Paris are on two days, although they are an hour apart; a purchase at
 * 23:30 in Paris is on the Paris day, whatever day it already is in UTC. A day is numbered as
 * the days since 1970-01-01 on those clocks (day 0), so that a gap is a subtraction.
 */
import { zoneOffsetAt } from '../../connectors/shared/time.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/**
 * The retailer's day of an instant: `epochMs` (ms since the epoch) on the wall clocks of
 * `timeZone` (IANA, as TIME_ZONE; `UTC` for none), as days since 1970-01-01 there.
 *
 * @throws RangeError from Intl when `timeZone` is not a zone the runtime knows (the settings check it at start).
 * @example retailDay(Date.parse('2026-03-29T22:30:00Z'), 'Europe/Paris') // 20542: 2026-03-30 in Paris (it is still the 29th in UTC)
 */
export function retailDay(epochMs: number, timeZone: string): number {
  return Math.floor((epochMs + offsetAt(epochMs, timeZone)) / DAY_MS);
}

/**
 * The instant (ms since the epoch) a retailer's day begins: midnight on the wall clocks of
 * `timeZone`, or the first instant of the day where a clock change skips midnight.
 */
export function startOfRetailDay(day: number, timeZone: string): number {
  const midnight = day * DAY_MS;
  // The offset at the guess is the day's offset unless a clock change falls between them; a
  // second look settles that case.
  let start = midnight - offsetAt(midnight, timeZone);
  start = midnight - offsetAt(start, timeZone);
  // Where the change skips midnight itself, the guess lands on the day before: the day then begins at the change.
  while (retailDay(start, timeZone) < day) start += 15 * 60_000;
  return start;
}

/** The date `YYYY-MM-DD` of a retailer's day, for messages. */
export function retailDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/**
 * Offsets per zone per UTC hour: reading one from Intl costs microseconds, and the insights of a
 * customer read one per purchase. An hour's entry is its offset when its first and last
 * millisecond agree (no clock change inside, as changes are at least hours apart), else NaN: that
 * hour is read exactly each time.
 */
const offsets = new Map<string, Map<number, number>>();
/** Entries kept before the cache starts again (about 2 MB): enough for years of hours in a few zones. */
const MAX_CACHED_HOURS = 100_000;
let cachedHours = 0;

function offsetAt(epochMs: number, timeZone: string): number {
  if (timeZone === 'UTC') return 0;
  const hour = Math.floor(epochMs / HOUR_MS);
  let zone = offsets.get(timeZone);
  if (zone === undefined) {
    zone = new Map();
    offsets.set(timeZone, zone);
  }
  let offset = zone.get(hour);
  if (offset === undefined) {
    if (cachedHours >= MAX_CACHED_HOURS) {
      for (const z of offsets.values()) z.clear();
      cachedHours = 0;
    }
    const first = zoneOffsetAt(hour * HOUR_MS, timeZone);
    const last = zoneOffsetAt(hour * HOUR_MS + HOUR_MS - 1, timeZone);
    offset = first === last ? first : Number.NaN;
    zone.set(hour, offset);
    cachedHours += 1;
  }
  return Number.isNaN(offset) ? zoneOffsetAt(epochMs, timeZone) : offset;
}
