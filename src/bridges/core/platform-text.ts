import type { Button, TreeNode } from '../../core/chat/document.js';

/**
 * Small text rules every platform renderer shares: one line for a label or a title, a
 * cut to a platform's limit in UTF-16 units that never splits a surrogate pair, and the
 * buttons of an org chart's rows that need attention, each naming its agent.
 */

/** Line breaks (and the blanks around them) become one space. */
export function oneLine(text: string): string {
  return text.replace(/\s*\r?\n\s*/g, ' ');
}

/** At most `max` UTF-16 units (a platform's limit), `…` marking a cut, never ending inside a surrogate pair. */
export function clipUnits(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  if (/[\ud800-\udbff]/.test(text.charAt(end - 1))) end -= 1;
  return `${text.slice(0, end)}…`;
}

/** The buttons of the chart's rows that need attention, in tree order, each naming its agent ("Peek w-cache"). */
export function attentionButtons(root: TreeNode): Button[] {
  const out: Button[] = [];
  const walk = (node: TreeNode): void => {
    if (node.attention) for (const b of node.buttons) out.push({ ...b, label: `${b.label} ${node.name}` });
    node.children.forEach(walk);
  };
  walk(root);
  return out;
}
