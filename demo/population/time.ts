/**
 * Time: whole unix seconds everywhere, so Matomo timestamps and ISO dates agree; every date falls
 * in the five years before `now`.
 */
import { type Random } from './random.js';

/** One day in seconds. */
export const DAY = 86_400;
const WINDOW = Math.round(5 * 365.25 * DAY);

export interface Clock {
  /** Unix seconds, not after the `now` option. */
  now: number;
  /** The earliest second any generated date may take: five years before now. */
  start: number;
}

/** The clock of a population generated at `now`: unix seconds, whole. */
export function clockAt(now: Date): Clock {
  const sec = Math.floor(now.getTime() / 1000);
  return { now: sec, start: sec - WINDOW + 1 };
}

/** The start of the current UTC day: a default that stays the same for a whole day of runs. */
export function startOfUtcDay(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
}

/** Unix seconds as ISO 8601 in UTC (`2024-03-14T09:26:53.000Z`). */
export function iso(sec: number): string {
  return new Date(sec * 1000).toISOString();
}

/** A uniform second in [from, to), or `from` when the span is empty. */
export function randomSec(rng: Random, from: number, to: number): number {
  return from + Math.floor(rng.next() * Math.max(0, to - from));
}

/** `n` uniform seconds in [from, to), oldest first. */
export function sortedSecs(rng: Random, n: number, from: number, to: number): number[] {
  return Array.from({ length: n }, () => randomSec(rng, from, to)).sort((a, b) => a - b);
}

/** An integer in [min, max] leaning towards min: most customers buy little, a few buy a lot. */
export function skewedInt(rng: Random, min: number, max: number, power: number): number {
  return Math.min(max, min + Math.floor((max - min + 1) * rng.next() ** power));
}

/**
 * How many purchases a customer made: none for a share `none` (signed up, never bought), else 1 to
 * `max`, most buying a few times and a few buying often (mean about 1 + max / 5).
 */
export function activityCount(rng: Random, none: number, max: number): number {
  return rng.chance(none) ? 0 : skewedInt(rng, 1, max, 4);
}
