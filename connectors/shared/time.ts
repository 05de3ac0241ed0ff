/**
 * Date-times as the schema's DateTime wants them: ISO 8601 in UTC with milliseconds, the form
 * `Date.prototype.toISOString` writes, whatever zone or precision the silo wrote.
 */

/** The form toISOString writes: HubSpot and many APIs already send it. */
const CANONICAL_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** `text` as a UTC ISO 8601 date-time, or null when it is not a date-time. */
export function utcDateTime(text: string): string | null {
  const time = Date.parse(text);
  if (Number.isNaN(time)) return null;
  // Already in the canonical form: no need to build a Date and write it again (a few per record).
  return CANONICAL_UTC.test(text) ? text : new Date(time).toISOString();
}
