// The table and list builders are pure and shared with chat; they live in core.
export { cellText, escapeCell, toMarkdownList, toMarkdownTable } from '../../core/surface/markdown-table.js';
export type { EmptyText, TableColumn } from '../../core/surface/markdown-table.js';
