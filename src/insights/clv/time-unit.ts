/**
 * The model's time unit (pure). A model is fitted in days or weeks: its alpha and every time it
 * takes or gives (t_x, T, horizons) are in that unit. The gateway's own figures are in days and
 * months; these convert.
 */

/** The time units a model can be fitted in. */
export const TIME_UNITS = ['days', 'weeks'] as const;
/** A model's time unit. */
export type TimeUnit = (typeof TIME_UNITS)[number];

/** Days in one unit: a week is 7 days. */
export const DAYS_PER_UNIT: Readonly<Record<TimeUnit, number>> = { days: 1, weeks: 7 };

/** Days in a month: a Julian year (365.25 days) over 12, 30.4375. */
export const DAYS_PER_MONTH = 365.25 / 12;

/** Whether a value is one of {@link TIME_UNITS}. */
export function isTimeUnit(value: unknown): value is TimeUnit {
  return value === 'days' || value === 'weeks';
}

/**
 * A duration in days, in the model's unit (weeks: days / 7).
 *
 * @example daysToModelTime(14, 'weeks') // 2
 */
export function daysToModelTime(days: number, unit: TimeUnit): number {
  return days / DAYS_PER_UNIT[unit];
}

/**
 * A number of months, in the model's unit (a month is {@link DAYS_PER_MONTH} days).
 *
 * @example monthsToModelTime(12, 'weeks') // 52.178571428571431 (365.25 / 7)
 */
export function monthsToModelTime(months: number, unit: TimeUnit): number {
  return (months * DAYS_PER_MONTH) / DAYS_PER_UNIT[unit];
}
