/**
 * CSV cells a spreadsheet cannot run (OWASP "CSV Injection"). Every cell is quoted (RFC 4180,
 * quotes doubled), and a cell a spreadsheet could take for a formula gets a leading single quote,
 * which Excel, LibreOffice and Google Sheets show as text. Taken for a formula:
 * - a first character `=`, `+`, `-`, `@`, tab, carriage return or line feed;
 * - a first non-blank character `=`, `+`, `-`, `@` (spreadsheets skip leading spaces, and
 *   non-breaking and ideographic ones);
 * - the full-width forms `＝ ＋ － ＠` and the small forms `﹦ ﹢ ﹣ ﹫` in either place (some
 *   spreadsheets in East Asian locales normalise them to the ASCII operators).
 * The quote changes what a reader sees by one leading character; an IG officer comparing an export
 * with the hub should know it is there (docs/security.md).
 */

const FORMULA_START = /^(?:[\t\r\n]|\s*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20\uFE66\uFE62\uFE63\uFE6B])/;

/** The value with a leading single quote when a spreadsheet could take it for a formula. */
export function neutraliseFormula(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** One CSV cell: neutralised, quoted, quotes doubled. Null and undefined are the empty cell. */
export function csvCell(value: string | null | undefined): string {
  return `"${neutraliseFormula(value ?? '').replace(/"/g, '""')}"`;
}

/**
 * Parses RFC 4180 CSV (comma, double quotes, "" inside quotes, CRLF or LF) into records of cells (a blank
 * line is a record of one empty cell, so record numbers stay the file's). Throws
 * a RangeError naming the line for an unterminated quote or text after a closing quote.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let afterQuote = false;
  const body = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (quoted) {
      if (ch === '"' && body[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') {
        quoted = false;
        afterQuote = true;
      } else {
        if (ch === '\n') line++;
        cell += ch;
      }
      continue;
    }
    if (ch === '"' && cell === '' && !afterQuote) quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
      afterQuote = false;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && body[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      afterQuote = false;
      line++;
    } else if (afterQuote) throw new RangeError(`line ${line}: text after a closing quote`);
    else cell += ch;
  }
  if (quoted) throw new RangeError(`line ${line}: a quoted cell is not closed`);
  if (cell !== '' || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

/** A data row of a CSV file checked against its schema: its 1-based line number and its values. */
export type CheckedRow<T> = { row: number; data: T };

/**
 * The data rows of a parsed CSV file (`records[0]` is the header) checked against `schema`, one cell
 * per header column, each cell trimmed; blank lines are skipped. A row with the wrong number of cells
 * or values the schema refuses is returned in `rejected` with the column and the reason (never a
 * value); the others in `rows`, in file order. The history imports build on it (ADR 019, ADR 025).
 */
export function checkCsvRows<T>(
  records: string[][],
  header: readonly string[],
  schema: {
    safeParse(
      input: unknown,
    ):
      | { success: true; data: T }
      | { success: false; error: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> } };
  },
): { rows: CheckedRow<T>[]; rejected: Array<{ row: number; reason: string }> } {
  const rows: CheckedRow<T>[] = [];
  const rejected: Array<{ row: number; reason: string }> = [];
  for (const [i, cells] of records.entries()) {
    if (i === 0 || (cells.length === 1 && cells[0] === '')) continue;
    const row = i + 1;
    if (cells.length !== header.length) {
      rejected.push({ row, reason: `row: has ${cells.length} cells, the header ${header.length}` });
      continue;
    }
    const parsed = schema.safeParse(Object.fromEntries(header.map((h, j) => [h, cells[j]!.trim()])));
    if (!parsed.success) {
      rejected.push({ row, reason: parsed.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ') });
      continue;
    }
    rows.push({ row, data: parsed.data });
  }
  return { rows, rejected };
}
