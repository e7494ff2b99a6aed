/**
 * The one CSV writer for every download (members, registrants, registry, metrics). Cells typed
 * by people (names, agencies, answers; anonymous guests type some of them) are written so a
 * spreadsheet shows them as text and never runs them as a formula (OWASP "CSV Injection"): a
 * text cell that starts with = + - @, a tab or a carriage return gets a leading apostrophe, and
 * csv-stringify quotes any cell holding a comma, a quote or a line break (RFC 4180).
 */
import { stringify } from 'csv-stringify/sync';

export type CsvCell = string | number | boolean | Date | null | undefined;

/**
 * What a spreadsheet takes as the start of a formula: OWASP's list, plus the full-width forms of
 * = + - @ that spreadsheets with East Asian input convert to their ASCII forms.
 */
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/** A text cell made inert: a leading apostrophe when it would start a formula. Numbers stay numbers. */
export function defuse(cell: CsvCell): string | number {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'number') return cell;
  if (typeof cell === 'boolean') return cell ? 'yes' : 'no';
  if (cell instanceof Date) return cell.toISOString();
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

/** The text a defused cell was written from: for reading our own exports back in (registry import). */
export function undefuse(text: string): string {
  return text.startsWith("'") && FORMULA_START.test(text.slice(1)) ? text.slice(1) : text;
}

/** A header row and the rows, as CSV text with every cell defused (header names too). */
export function toCsv(header: readonly string[], rows: readonly CsvCell[][]): string {
  return stringify([header.map(defuse), ...rows.map((r) => r.map(defuse))]);
}
