/**
 * Plain-text tables for the CLI's human output: a header row, then one row per entry, every
 * column as wide as its widest cell. Numbers are right-aligned (so `201` and `3851` line up by
 * their last digit); text is left-aligned, and the last column is not padded (no trailing
 * spaces after a title). `--json` output never goes through here.
 */

/** One column of a {@link formatTable} table. */
export interface Column<Row> {
  /** Header text, e.g. `movie id`. */
  header: string;
  /** `right` for numbers, `left` (default) for text. */
  align?: 'left' | 'right';
  /** The cell of `row` (already formatted: decimals, thousands separators). */
  cell: (row: Row, index: number) => string;
}

/** Spaces between two columns. */
const GAP = '  ';

/**
 * The table as lines: the header, then the rows. `indent` (default two spaces) starts every
 * line, so a table sits under the line that introduces it.
 */
export function formatTable<Row>(columns: readonly Column<Row>[], rows: readonly Row[], indent = '  '): string[] {
  const cells = rows.map((row, i) => columns.map((c) => c.cell(row, i)));
  const widths = columns.map((c, j) => Math.max(c.header.length, ...cells.map((r) => r[j].length)));
  const line = (values: string[]) =>
    indent +
    values
      .map((v, j) => {
        if (columns[j].align === 'right') return v.padStart(widths[j]);
        return j === columns.length - 1 ? v : v.padEnd(widths[j]);
      })
      .join(GAP)
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...cells.map(line)];
}

/** `1234567` -> `1,234,567`. */
export function formatInt(n: number): string {
  return n.toLocaleString('en-US');
}
