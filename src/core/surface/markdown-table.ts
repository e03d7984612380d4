/**
 * GFM tables and lists from plain rows. Cells are text: `|` and `\` are escaped and
 * newlines become spaces, so one cell can never break the table. Markdown inside a
 * cell (backticks, **bold**) is kept. Pure: shared by the CLI and chat renderers.
 */
/** A column shows one field of the rows: a key the rows do not have does not compile. */
export interface TableColumn<Row extends object = Record<string, unknown>> {
  key: keyof Row & string;
  header: string;
}

export interface EmptyText {
  /** What to print when there are no rows, e.g. "_no agents_". */
  empty?: string;
}

export function toMarkdownTable<Row extends object>(
  rows: readonly Row[],
  columns: readonly TableColumn<NoInfer<Row>>[],
  options: EmptyText = {},
): string {
  if (rows.length === 0) return options.empty ?? '_none_';
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [
    line(columns.map((c) => escapeCell(c.header))),
    line(columns.map(() => '---')),
    ...rows.map((row) => line(columns.map((c) => escapeCell(cellText(row[c.key]))))),
  ].join('\n');
}

/** A two-column `field | value` table of the named fields of `record` that are set, in the given order. */
export function toFieldTable<T extends object>(
  record: T,
  fields: ReadonlyArray<readonly [key: keyof T & string, label: string]>,
): string {
  return toMarkdownTable(
    fields
      .filter(([key]) => record[key] !== undefined)
      .map(([key, label]) => ({ field: label, value: record[key] ?? '' })),
    [
      { key: 'field', header: 'field' },
      { key: 'value', header: 'value' },
    ],
  );
}

export function toMarkdownList(items: readonly string[], options: EmptyText = {}): string {
  if (items.length === 0) return options.empty ?? '_none_';
  return items.map((item) => `- ${item.replace(/\r?\n/g, '\n  ')}`).join('\n');
}

export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

export function escapeCell(text: string): string {
  const flat = text
    .replace(/\r?\n|\r/g, ' ')
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .trim();
  return flat === '' ? ' ' : flat;
}
