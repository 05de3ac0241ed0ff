/**
 * Reading a customer summary CSV (pure: text in, rows out), the input analysts give lifetimes or
 * BTYD: one row per customer with x (repeat purchases), t_x (time of the last repeat purchase), T
 * (time since the first purchase), all in one time unit, and optionally zbar (mean value of the
 * repeat purchases). The CDNOW files come in both namings (test/fixtures/cdnow/README.md).
 *
 * Accepted header, columns in any order: `ID`, `x` or `frequency`, `t_x` or `recency`, `T`, and
 * optionally `zbar` or `monetary_value`. Fields may be quoted (RFC 4180, within one line). A row
 * that does not fit stops the reading with a {@link SummaryCsvError} naming its row and line.
 */

/** One customer's summary, times in the file's unit. */
export interface SummaryRow {
  /** The customer's ID, as written (the file's own key; only echoed back by scoring). */
  readonly id: string;
  readonly x: number;
  readonly tx: number;
  readonly T: number;
  /** Mean value of the repeat purchases, or null when the file has no spend column. 0 when x = 0. */
  readonly zbar: number | null;
}

/** A summary file's rows and whether it has spend. */
export interface SummaryCsv {
  readonly rows: readonly SummaryRow[];
  /** True when the file has a `zbar` or `monetary_value` column. */
  readonly hasSpend: boolean;
}

/**
 * A summary file that cannot be read. `row` is the data row (1 = the first after the header, 0 =
 * the header or the file), `line` the line in the file (1 = the header). The message says what was
 * wrong and what is accepted, never a value of the row.
 */
export class SummaryCsvError extends Error {
  override readonly name = 'SummaryCsvError';
  constructor(
    message: string,
    readonly row: number,
    readonly line: number,
  ) {
    super(message);
  }
}

/** The columns and the names each may have. */
const COLUMNS = {
  id: ['ID'],
  x: ['x', 'frequency'],
  tx: ['t_x', 'recency'],
  T: ['T'],
  zbar: ['zbar', 'monetary_value'],
} as const;
type Column = keyof typeof COLUMNS;
const ACCEPTED = 'accepted: ID,x,t_x,T[,zbar] or ID,frequency,recency,T[,monetary_value], in any order';

/**
 * The largest values a row may hold: far past any real customer (100,000 repeat purchase days;
 * 100,000 time units, 270 years in days; a mean spend of 10^12), so that a file whose columns are
 * shifted or scaled stops with its row named instead of giving a fit pinned at the optimizer's
 * bounds (found with a row of x = 10^15: the fit "succeeded" with meaningless parameters).
 */
export const SUMMARY_LIMITS = { x: 100_000, T: 100_000, zbar: 1e12 } as const;

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Splits one CSV line into fields; null when a quote is not closed. */
function splitLine(line: string): string[] | null {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const end = line.indexOf('"', i);
        if (end < 0) return null;
        value += line.slice(i, end);
        if (line[end + 1] === '"') {
          value += '"';
          i = end + 2;
          continue;
        }
        i = end + 1;
        break;
      }
      fields.push(value);
      if (i >= line.length) return fields;
      if (line[i] !== ',') return null;
      i++;
    } else {
      const end = line.indexOf(',', i);
      if (end < 0) {
        fields.push(line.slice(i));
        return fields;
      }
      fields.push(line.slice(i, end));
      i = end + 1;
    }
  }
}

/**
 * Reads a summary CSV.
 *
 * @throws SummaryCsvError when the header lacks a column, repeats one or has one not accepted;
 *   when there is no row; or when a row has the wrong number of fields, an empty ID, a number that
 *   is not one, x that is not a whole number >= 0, T < 0, t_x outside [0, T], t_x other than 0
 *   when x = 0, or zbar < 0, or zbar not above 0 when x > 0; or a value past {@link SUMMARY_LIMITS}.
 * @example parseSummaryCsv('ID,x,t_x,T\n1,2,30.43,38.86\n').rows[0] // { id: '1', x: 2, tx: 30.43, T: 38.86, zbar: null }
 */
export function parseSummaryCsv(text: string): SummaryCsv {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = splitLine(lines[0] ?? '');
  if (header === null || (header.length === 1 && header[0]!.trim() === '')) throw new SummaryCsvError(`the file has no header line (${ACCEPTED})`, 0, 1);
  const position = new Map<Column, number>();
  header.forEach((raw, index) => {
    const name = raw.trim();
    const column = (Object.keys(COLUMNS) as Column[]).find((key) => (COLUMNS[key] as readonly string[]).includes(name));
    if (column === undefined) throw new SummaryCsvError(`the header has a column that is not accepted, column ${index + 1} (${ACCEPTED})`, 0, 1);
    if (position.has(column)) throw new SummaryCsvError(`the header names ${COLUMNS[column].join(' or ')} twice (${ACCEPTED})`, 0, 1);
    position.set(column, index);
  });
  for (const column of ['id', 'x', 'tx', 'T'] as const) {
    if (!position.has(column)) throw new SummaryCsvError(`the header has no ${COLUMNS[column].join(' or ')} column (${ACCEPTED})`, 0, 1);
  }
  const hasSpend = position.has('zbar');

  const rows: SummaryRow[] = [];
  let row = 0;
  for (let index = 1; index < lines.length; index++) {
    const line = lines[index]!;
    if (line.trim() === '') continue;
    row++;
    const fail = (problem: string): never => {
      throw new SummaryCsvError(`row ${row} (line ${index + 1}): ${problem}`, row, index + 1);
    };
    const fields = splitLine(line);
    if (fields === null) fail('a quoted field is not closed on its line');
    if (fields!.length !== header.length) fail(`it has ${fields!.length} fields, the header ${header.length}`);
    const field = (column: Column): string => fields![position.get(column)!]!.trim();
    const number = (column: Column): number => {
      const value = field(column);
      if (!NUMBER.test(value)) fail(`${COLUMNS[column].join('/')} is not a number`);
      return Number(value);
    };
    const id = field('id');
    if (id === '') fail('ID is empty');
    const x = number('x');
    const tx = number('tx');
    const T = number('T');
    const zbar = hasSpend ? number('zbar') : null;
    if (!Number.isInteger(x) || x < 0) fail('x/frequency (repeat purchases) must be a whole number >= 0');
    if (x > SUMMARY_LIMITS.x) fail(`x/frequency (repeat purchases) must be at most ${SUMMARY_LIMITS.x.toLocaleString('en')}`);
    if (!(T >= 0 && T < Infinity)) fail('T (time since the first purchase) must be a number >= 0');
    if (T > SUMMARY_LIMITS.T) fail(`T (time since the first purchase) must be at most ${SUMMARY_LIMITS.T.toLocaleString('en')} (in the file's time unit)`);
    if (!(tx >= 0 && tx <= T)) fail('t_x/recency (time of the last repeat purchase) must be between 0 and T');
    if (x === 0 && tx !== 0) fail('t_x/recency must be 0 when x/frequency is 0 (no repeat purchase)');
    if (zbar !== null && !(zbar >= 0 && zbar < Infinity)) fail('zbar/monetary_value must be a number >= 0');
    if (zbar !== null && zbar > SUMMARY_LIMITS.zbar) fail('zbar/monetary_value must be at most 1e12');
    if (zbar !== null && x > 0 && !(zbar > 0)) fail('zbar/monetary_value (mean repeat purchase value) must be above 0 when x/frequency is above 0');
    rows.push({ id, x, tx, T, zbar });
  }
  if (rows.length === 0) throw new SummaryCsvError('the file has no row after its header', 0, 1);
  return { rows, hasSpend };
}
