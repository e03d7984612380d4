/**
 * What a chat client received, read the way a person would notice it: how many messages
 * were posted, how often each one was edited, and what an org chart says (without its
 * ages, which change every minute).
 */
import type { ChatDocument, TreeNode } from '#core/chat/document.js';
import type { OutboundMessage } from '#src/bridges/core/bridge.js';
import type { ReceivedChat } from './console-chat-client.js';

/** The message an outbound item shows as: a post is its own, an update edits the one its ref names. */
export function messageKey(message: OutboundMessage, postRef: (post: OutboundMessage) => string): string {
  return message.kind === 'update' && message.ref !== null ? message.ref : postRef(message);
}

export interface EditCadence {
  /** The message (its platform ref). */
  key: string;
  edits: number;
  /** Shortest time between two edits of it as they arrived (Infinity with fewer than two). */
  minGapMs: number;
  /** Edits that came sooner than `minGapMs` after the one before. */
  tooSoon: number;
  /** Its latest document (the post, or its last edit). */
  last: ChatDocument;
}

/** Per message that was posted or edited in `received`: its edits and how close together they came. */
export function editCadence(
  received: readonly ReceivedChat[],
  postRef: (post: OutboundMessage) => string,
  minGapMs: number,
): EditCadence[] {
  const byKey = new Map<string, { at: number[]; last: ChatDocument }>();
  for (const r of received) {
    if (r.message.kind === 'ephemeral') continue;
    const key = messageKey(r.message, postRef);
    const entry = byKey.get(key) ?? { at: [], last: r.message.document };
    if (r.message.kind === 'update') entry.at.push(r.at);
    entry.last = r.message.document;
    byKey.set(key, entry);
  }
  return [...byKey].map(([key, { at, last }]) => {
    const gaps = at.slice(1).map((t, i) => t - at[i]!);
    return {
      key,
      edits: at.length,
      minGapMs: Math.min(Number.POSITIVE_INFINITY, ...gaps),
      tooSoon: gaps.filter((g) => g < minGapMs).length,
      last,
    };
  });
}

/** An org chart without its ages: the header's parts but the last (`42m`), and one `glyph name` per row, indented. */
export interface ChartOutline {
  header: string;
  rows: string[];
}

export function chartOutline(doc: ChatDocument): ChartOutline | null {
  const tree = doc.blocks.find((b) => b.type === 'tree');
  const header = doc.blocks.find((b) => b.type === 'header');
  if (!tree || tree.type !== 'tree' || !header || header.type !== 'header') return null;
  const rows: string[] = [];
  const walk = (node: TreeNode, depth: number): void => {
    rows.push(`${'  '.repeat(depth)}${node.glyph} ${node.name}`);
    for (const child of node.children) walk(child, depth + 1);
  };
  walk(tree.root, 0);
  return { header: header.text.split(' · ').slice(0, -1).join(' · '), rows };
}

/** Where two outlines first differ, or null when they say the same. */
export function outlineDifference(got: ChartOutline, want: ChartOutline): string | null {
  if (got.header !== want.header) return `header '${got.header}', expected '${want.header}'`;
  const n = Math.max(got.rows.length, want.rows.length);
  for (let i = 0; i < n; i += 1)
    if (got.rows[i] !== want.rows[i])
      return `row ${i + 1} '${got.rows[i] ?? '(none)'}', expected '${want.rows[i] ?? '(none)'}'`;
  return null;
}

/** The largest agent count a chart header gave (`tree-127 · 127 agents: …`). */
export function agentsInHeader(doc: ChatDocument): number {
  return Number(/(\d+) agents?:/.exec(doc.text)?.[1] ?? 0);
}
