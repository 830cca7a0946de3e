import { csvCell, neutraliseFormula } from './csv';

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
