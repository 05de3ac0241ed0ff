/**
 * The insights' arguments, checked (schema/insights.graphql): `Customer.rfm(windowDays)`,
 * `Clv.expectedPurchases(days)` and `Clv.value(months)`. A resolver calls these before computing
 * anything, so that a bad argument is a BAD_USER_INPUT naming it and the accepted range, as
 * `first` is for the journey (src/journey/filter.ts).
 */
import { badUserInput } from '../shared/errors.js';

/** The accepted range of each argument, inclusive; the schema documents the same. */
export const INSIGHT_ARG_RANGES = {
  /** `Customer.rfm(windowDays)`, in days: up to ten years. */
  windowDays: { min: 1, max: 3650 },
  /** `Clv.expectedPurchases(days)`, in days: up to ten years. */
  days: { min: 1, max: 3650 },
  /** `Clv.value(months)`, in months: up to ten years. */
  months: { min: 1, max: 120 },
} as const;

/** `Clv.value`'s `months` when the query does not give it (the schema's default). */
export const DEFAULT_CLV_MONTHS = 12;

/**
 * The RFM window of a query, in days: `windowDays`, or the configured window (RFM_WINDOW_DAYS)
 * when it is absent or null.
 *
 * @throws a BAD_USER_INPUT GraphQLError when it is not a whole number from 1 to 3650.
 */
export function rfmWindowDays(windowDays: number | null | undefined, configured: number): number {
  return wholeIn('windowDays', windowDays ?? configured, 'days');
}

/**
 * The horizon of `Clv.expectedPurchases`, in days.
 *
 * @throws a BAD_USER_INPUT GraphQLError when it is not a whole number from 1 to 3650.
 */
export function horizonDays(days: number): number {
  return wholeIn('days', days, 'days');
}

/**
 * The horizon of `Clv.value`, in months: `months`, or {@link DEFAULT_CLV_MONTHS} when absent or null.
 *
 * @throws a BAD_USER_INPUT GraphQLError when it is not a whole number from 1 to 120.
 */
export function horizonMonths(months: number | null | undefined): number {
  return wholeIn('months', months ?? DEFAULT_CLV_MONTHS, 'months');
}

function wholeIn(name: keyof typeof INSIGHT_ARG_RANGES, value: number, unit: string): number {
  const { min, max } = INSIGHT_ARG_RANGES[name];
  if (!Number.isInteger(value) || value < min || value > max) {
    throw badUserInput(`${name} must be a whole number of ${unit} from ${min} to ${max}, got ${String(value)}.`);
  }
  return value;
}
