/**
 * The journey's order within one silo: newest first, then by the event's id. Connectors read
 * their product's pages in this order and the journey (src/journey) merges silos with it, so a
 * page boundary falls at the same place whichever side computes it.
 */
import type { JourneyPoint } from '../types.js';

/**
 * Compares two event ids of one silo: numerically when both are whole numbers (Shopify order ids,
 * Matomo visit ids: `9` before `10`), else by UTF-16 code units (UUIDs). Negative when `a` comes first.
 */
export function compareEventIds(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) {
    if (a.length !== b.length) return a.length - b.length;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Journey order of two events of one silo: the newer first, then {@link compareEventIds}. Negative when `a` comes first. */
export function compareJourneyPoints(a: JourneyPoint, b: JourneyPoint): number {
  return b.at - a.at || compareEventIds(a.id, b.id);
}

/** True when `event` is at `from` or after it in journey order (what a read starting at `from` answers). */
export function isAtOrAfter(event: JourneyPoint, from: JourneyPoint | undefined): boolean {
  return from === undefined || compareJourneyPoints(from, event) <= 0;
}
