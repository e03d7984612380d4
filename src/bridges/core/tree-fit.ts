import type { TreeNode } from '../../core/chat/document.js';
import { CONDITION_ORDER, GLYPHS } from '../../core/chat/glyphs.js';

/**
 * Fits an org chart into a platform's limits (docs/chat-ux.md): past `maxRows` rows, the
 * calmest subtrees (completed, then exited, idle, starting, running; the deepest first)
 * fold into one `+N more` row under their parent, whose detail counts what it hides by
 * glyph (`+37 more · 30 ● 5 ○ 2 ✔`). Rows that need attention, and the rows above them,
 * never fold; when they alone are more than `maxRows`, the tree stays longer than asked.
 */
export function fitTree(root: TreeNode, maxRows: number): TreeNode {
  const draft = toDraft(root, null, 0);
  let rows = rowsOf(draft);
  const candidates = calmSubtrees(draft);
  while (rows > Math.max(1, maxRows)) {
    const next = nextToFold(candidates);
    if (!next?.parent) break;
    rows -= fold(next, next.parent);
  }
  unfoldLoneLeaves(draft);
  return fromDraft(draft);
}

/** Rows a tree takes: one per node. */
export function treeRows(root: TreeNode): number {
  return 1 + root.children.reduce((sum, child) => sum + treeRows(child), 0);
}

/** How calm a glyph is: what folds first. */
const CALM: Record<string, number> = {
  [GLYPHS.completed]: 0,
  [GLYPHS.failed]: 1,
  [GLYPHS.idle]: 2,
  [GLYPHS.starting]: 3,
  [GLYPHS.running]: 4,
};
const BUSIEST = 5;

interface Draft {
  node: TreeNode;
  parent: Draft | null;
  children: Draft[];
  depth: number;
  order: number;
  /** Subtree needs attention somewhere: never folds. */
  attention: boolean;
  /** The busiest glyph in the subtree (higher is busier). */
  busy: number;
  /** Folded away under its parent's `+N more` row. */
  gone: boolean;
  /** What this node's `+N more` row hides: glyph → count. */
  folded: Map<string, number>;
  foldedDrafts: Draft[];
}

function toDraft(node: TreeNode, parent: Draft | null, depth: number, counter = { next: 0 }): Draft {
  const draft: Draft = {
    node,
    parent,
    children: [],
    depth,
    order: (counter.next += 1),
    attention: node.attention,
    busy: CALM[node.glyph] ?? BUSIEST,
    gone: false,
    folded: new Map(),
    foldedDrafts: [],
  };
  draft.children = node.children.map((child) => toDraft(child, draft, depth + 1, counter));
  for (const child of draft.children) {
    draft.attention ||= child.attention;
    draft.busy = Math.max(draft.busy, child.busy);
  }
  return draft;
}

function calmSubtrees(root: Draft): Draft[] {
  const all: Draft[] = [];
  const walk = (d: Draft): void => {
    for (const child of d.children) {
      if (!child.attention) all.push(child);
      walk(child);
    }
  };
  walk(root);
  return all;
}

/**
 * The calmest subtree still shown; among equals the deepest (leaves fold before their
 * parents), then the one under the parent showing the most children (so every lead keeps
 * some rows), then the latest (the first rows stay, `+N more` follows them).
 */
function nextToFold(candidates: readonly Draft[]): Draft | undefined {
  let best: Draft | undefined;
  for (const d of candidates) {
    if (d.gone) continue;
    if (!best || foldsBefore(d, best)) best = d;
  }
  return best;
}

function foldsBefore(a: Draft, b: Draft): boolean {
  if (a.busy !== b.busy) return a.busy < b.busy;
  if (a.depth !== b.depth) return a.depth > b.depth;
  const shownA = a.parent?.children.length ?? 0;
  const shownB = b.parent?.children.length ?? 0;
  if (shownA !== shownB) return shownA > shownB;
  return a.order > b.order;
}

/** Rows a draft takes: itself, its children's, and its `+N more` row if it has one. */
function rowsOf(d: Draft): number {
  return 1 + (d.folded.size > 0 ? 1 : 0) + d.children.reduce((sum, c) => sum + rowsOf(c), 0);
}

/** Folds `d` into its parent's `+N more` row; returns the rows saved. */
function fold(d: Draft, parent: Draft): number {
  const saved = rowsOf(d) - (parent.folded.size > 0 ? 0 : 1);
  for (const [glyph, count] of hiddenGlyphs(d)) parent.folded.set(glyph, (parent.folded.get(glyph) ?? 0) + count);
  parent.children = parent.children.filter((c) => c !== d);
  parent.foldedDrafts.push(d);
  markGone(d);
  return saved;
}

function hiddenGlyphs(d: Draft): Map<string, number> {
  const counts = new Map<string, number>([[d.node.glyph, 1]]);
  const add = (glyph: string, n: number): void => void counts.set(glyph, (counts.get(glyph) ?? 0) + n);
  for (const [glyph, n] of d.folded) add(glyph, n);
  for (const child of d.children) for (const [glyph, n] of hiddenGlyphs(child)) add(glyph, n);
  return counts;
}

function markGone(d: Draft): void {
  d.gone = true;
  for (const child of d.children) markGone(child);
}

/** A `+1 more` row that hides a single leaf takes as many rows as the leaf: show the leaf. */
function unfoldLoneLeaves(d: Draft): void {
  const only = d.foldedDrafts[0];
  if (d.foldedDrafts.length === 1 && only && only.children.length === 0 && only.folded.size === 0) {
    d.children = [...d.children, only].sort((a, b) => a.order - b.order);
    d.folded.clear();
    d.foldedDrafts = [];
  }
  for (const child of d.children) unfoldLoneLeaves(child);
}

function fromDraft(d: Draft): TreeNode {
  const children = d.children.map(fromDraft);
  if (d.folded.size > 0) children.push(moreRow(d.folded));
  return { ...d.node, children };
}

/** `+37 more` with `30 ● 5 ○ 2 ✔` as its detail. */
function moreRow(folded: ReadonlyMap<string, number>): TreeNode {
  const total = [...folded.values()].reduce((a, b) => a + b, 0);
  const known = CONDITION_ORDER.map((c) => GLYPHS[c] as string);
  const glyphs = [...folded.keys()].sort((a, b) => rank(known, a) - rank(known, b));
  return {
    glyph: '…',
    name: `+${total} more`,
    detail: glyphs.map((g) => `${folded.get(g)} ${g}`).join(' '),
    attention: false,
    buttons: [],
    children: [],
  };
}

function rank(known: readonly string[], glyph: string): number {
  const i = known.indexOf(glyph);
  return i === -1 ? known.length : i;
}
