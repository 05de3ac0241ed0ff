import { describe, expect, it } from 'vitest';
import { SummaryCsvError, parseSummaryCsv } from './summary-csv.js';

function errorOf(text: string): SummaryCsvError {
  try {
    parseSummaryCsv(text);
  } catch (error) {
    if (error instanceof SummaryCsvError) return error;
    throw error;
  }
  throw new Error('expected a SummaryCsvError');
}

const ACCEPTED = 'accepted: ID,x,t_x,T[,zbar] or ID,frequency,recency,T[,monetary_value], in any order';

describe('parseSummaryCsv', () => {
  it('reads the CDNOW naming with spend', () => {
    expect(parseSummaryCsv('ID,x,t_x,T,zbar\n1,2,30.43,38.86,22.35\n3,0,0.00,38.86,0.00\n')).toEqual({
      hasSpend: true,
      rows: [
        { id: '1', x: 2, tx: 30.43, T: 38.86, zbar: 22.35 },
        { id: '3', x: 0, tx: 0, T: 38.86, zbar: 0 },
      ],
    });
  });

  it("reads lifetimes' naming without spend, in another column order, with CRLF, a BOM and quotes", () => {
    expect(parseSummaryCsv('\uFEFFT,recency,frequency,ID\r\n38.86,30.43,2.0,"cus ""1"", A"\r\n')).toEqual({
      hasSpend: false,
      rows: [{ id: 'cus "1", A', x: 2, tx: 30.43, T: 38.86, zbar: null }],
    });
  });

  it('reads monetary_value as zbar', () => {
    expect(parseSummaryCsv('ID,frequency,recency,T,monetary_value\n7,1,1.71,38.86,11.77').rows).toEqual([{ id: '7', x: 1, tx: 1.71, T: 38.86, zbar: 11.77 }]);
  });

  it.each([
    ['ID,x,T\n1,2,3', 'the header has no t_x or recency column (' + ACCEPTED + ')'],
    ['ID,x,t_x,T,email\n1,2,3,4,a@b.c', 'the header has a column that is not accepted, column 5 (' + ACCEPTED + ')'],
    ['ID,x,frequency,t_x,T\n1,2,2,3,4', 'the header names x or frequency twice (' + ACCEPTED + ')'],
    ['', 'the file has no header line (' + ACCEPTED + ')'],
    ['ID,x,t_x,T\n', 'the file has no row after its header'],
  ])('refuses the header or file %j', (text, message) => {
    const error = errorOf(text);
    expect(error.message).toBe(message);
    expect(error.row).toBe(0);
  });

  it.each([
    ['1,2,30,38\n2,1,2', 'row 2 (line 3): it has 3 fields, the header 4'],
    ['1,2,30,38\n2,1,2,3,4', 'row 2 (line 3): it has 5 fields, the header 4'],
    ['1,two,30,38', 'row 1 (line 2): x/frequency is not a number'],
    ['1,2,,38', 'row 1 (line 2): t_x/recency is not a number'],
    ['1,1.5,30,38', 'row 1 (line 2): x/frequency (repeat purchases) must be a whole number >= 0'],
    ['1,-1,30,38', 'row 1 (line 2): x/frequency (repeat purchases) must be a whole number >= 0'],
    ['1,2,40,38', 'row 1 (line 2): t_x/recency (time of the last repeat purchase) must be between 0 and T'],
    ['1,0,3,38', 'row 1 (line 2): t_x/recency must be 0 when x/frequency is 0 (no repeat purchase)'],
    [' ,2,30,38', 'row 1 (line 2): ID is empty'],
    ['"1,2,30,38', 'row 1 (line 2): a quoted field is not closed on its line'],
    // Values past any real customer: a shifted or scaled column, not a customer to fit.
    ['1,1000000000000000,30,38', 'row 1 (line 2): x/frequency (repeat purchases) must be at most 100,000'],
    ['1,100001,30,38', 'row 1 (line 2): x/frequency (repeat purchases) must be at most 100,000'],
    ['1,2,30,1e9', "row 1 (line 2): T (time since the first purchase) must be at most 100,000 (in the file's time unit)"],
  ])('refuses the row %j', (row, message) => {
    expect(errorOf(`ID,x,t_x,T\n${row}`).message).toBe(message);
  });

  it('takes the largest values it accepts, and refuses a mean spend past 1e12', () => {
    expect(parseSummaryCsv('ID,x,t_x,T,zbar\n1,100000,99999,100000,1000000000000\n').rows[0]).toEqual({ id: '1', x: 100000, tx: 99999, T: 100000, zbar: 1e12 });
    expect(errorOf('ID,x,t_x,T,zbar\n1,2,30,38,2e12').message).toBe('row 1 (line 2): zbar/monetary_value must be at most 1e12');
  });

  it('counts rows and lines apart when blank lines come between rows', () => {
    const error = errorOf('ID,x,t_x,T,zbar\n1,2,30,38,10\n\n2,1,1,38,0\n');
    expect(error.message).toBe('row 2 (line 4): zbar/monetary_value (mean repeat purchase value) must be above 0 when x/frequency is above 0');
    expect(error.row).toBe(2);
    expect(error.line).toBe(4);
  });

  it('never echoes a value of the row', () => {
    expect(errorOf('ID,x,t_x,T\nanna@example.com,2,secret,38').message).not.toMatch(/anna|secret/);
  });
});
