/**
 * A calendar instant built from its written UTC fields, every year as written: `Date.UTC` reads
 * years 0 to 99 as 1900 to 1999 (ECMA-262, MakeDay via the Date constructor's two-digit year
 * rule), so "0099-06-01" would come back as 1999. Checks that compare the fields back (a date
 * that exists) use this.
 */
export function utcFromFields(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): Date {
  const date = new Date(0);
  // setUTCFullYear takes the year as given; month is 1 to 12 here, 0 to 11 for the Date API.
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  return date;
}
