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
