import { z } from 'zod';
import { checkCsvRows, csvCell, neutraliseFormula, parseCsv } from './csv';

/** Issue 17, CSV formula injection (OWASP): every way a spreadsheet could start a formula. */
describe('csvCell', () => {
  it.each([
    ['=1+1', `"'=1+1"`],
    ['+1', `"'+1"`],
    ['-1', `"'-1"`],
    ['@SUM(A1)', `"'@SUM(A1)"`],
    ['\t=1', `"'\t=1"`],
    ['\tplain', `"'\tplain"`],
    ['\rplain', `"'\rplain"`],
    ['\nplain', `"'\nplain"`],
    ['  =HYPERLINK("http://x.example")', `"'  =HYPERLINK(""http://x.example"")"`],
    [' +1', `"' +1"`],
    ['\u00A0-1', `"'\u00A0-1"`],
    ['\u3000@x', `"'\u3000@x"`],
    ['\uFF1D1+1', `"'\uFF1D1+1"`],
    ['\uFF0B1', `"'\uFF0B1"`],
    ['\uFF0D1', `"'\uFF0D1"`],
    ['\uFF20SUM(A1)', `"'\uFF20SUM(A1)"`],
    [' \uFF1D1', `"' \uFF1D1"`],
    ['\uFE661', `"'\uFE661"`],
  ])('given %j, then the cell starts with a single quote inside the quotes', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it.each([
    ['Fictional Name', `"Fictional Name"`],
    ['a=b', `"a=b"`],
    ['x-1', `"x-1"`],
    ['2026-11-01T10:00:00.000Z', `"2026-11-01T10:00:00.000Z"`],
    ['say "hi", then leave', `"say ""hi"", then leave"`],
    ['', `""`],
  ])('given %j, then it is only quoted', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it('given null or undefined, then the cell is empty', () => {
    expect(csvCell(null)).toBe('""');
    expect(csvCell(undefined)).toBe('""');
    expect(neutraliseFormula('plain')).toBe('plain');
  });
});

/** The history import's reader (RFC 4180). */
describe('parseCsv', () => {
  it('reads quoted cells with commas, doubled quotes and line breaks, CRLF or LF, and a byte-order mark', () => {
    expect(parseCsv('\uFEFFa,b\r\n"x, y","say ""hi"""\n"two\nlines",\n')).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"'],
      ['two\nlines', ''],
    ]);
  });

  it('keeps a blank line as a record of one empty cell, so record numbers stay the file’s', () => {
    expect(parseCsv('h\n\nv')).toEqual([['h'], [''], ['v']]);
  });

  it('refuses an unclosed quote and text after a closing quote, naming the line', () => {
    expect(() => parseCsv('a\n"open')).toThrow('line 2: a quoted cell is not closed');
    expect(() => parseCsv('a\n"x"y')).toThrow('line 2: text after a closing quote');
  });
});

describe('checkCsvRows: the data rows of a history file checked against their schema', () => {
  const schema = z.object({ ref: z.string().min(1), count: z.coerce.number().int() });
  const header = ['ref', 'count'];

  it('given good rows, a blank line and trailing spaces, then each row with its line number, trimmed, in order', () => {
    const { rows, rejected } = checkCsvRows([header, ['a ', ' 1'], [''], ['b', '2']], header, schema);
    expect(rejected).toEqual([]);
    expect(rows).toEqual([
      { row: 2, data: { ref: 'a', count: 1 } },
      { row: 4, data: { ref: 'b', count: 2 } },
    ]);
  });

  it('given a short row and a value the schema refuses, then each is rejected naming the column, never the value', () => {
    const { rows, rejected } = checkCsvRows([header, ['a'], ['b', 'Fictional Name']], header, schema);
    expect(rows).toEqual([]);
    expect(rejected).toEqual([
      { row: 2, reason: 'row: has 1 cells, the header 2' },
      { row: 3, reason: expect.stringMatching(/^count: /) },
    ]);
    expect(JSON.stringify(rejected)).not.toContain('Fictional Name');
  });
});
