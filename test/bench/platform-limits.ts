/**
 * Whether a chat document fits Slack's and Discord's message limits once fitted the way
 * the chat core offers (docs/contracts.md §11.8): text split with splitText on
 * character boundaries, trees folded with fitTree (`+N more`, attention rows kept),
 * drawn with render-text. The Slack and Discord bridges do not exist yet, so this is
 * the benchmark's own model of what they will send: one Block Kit section per text part
 * (header, markdown, context, each tree part), fields ten to a section, buttons 25 to an
 * actions block; on Discord a text-only reply as message content, anything with blocks
 * as embed descriptions, an org chart in one embed (it is edited in place). Platform
 * escaping (Slack `&<>`, Discord markdown) is not modelled.
 */
import type { Block, ChatDocument, TreeNode } from '#core/chat/document.js';
import { blockText, treeText } from '#src/bridges/core/render-text.js';
import { splitText } from '#src/bridges/core/text-split.js';
import { treeRows } from '#src/bridges/core/tree-fit.js';

export const SLACK_LIMITS = {
  blocks: 50,
  sectionChars: 3000,
  fieldsPerSection: 10,
  fieldChars: 2000,
  buttonsPerActions: 25,
} as const;

export const DISCORD_LIMITS = {
  descriptionChars: 4096,
  contentChars: 2000,
  embedsPerMessage: 10,
  embedCharsPerMessage: 6000,
  buttonsPerMessage: 25,
} as const;

export interface Fitting {
  /** Every limit kept. */
  fits: boolean;
  /** Each limit broken, one line each. */
  problems: string[];
  /** Slack blocks, or Discord messages. */
  units: number;
  /** The longest text part (a section, an embed description or a message's content), in UTF-16 units. */
  longestPart: number;
  /** Rows of the tree before and after fitting; null without a tree. */
  tree: { all: number; shown: number } | null;
}

/** One Slack message of Block Kit blocks. */
export function fitForSlack(doc: ChatDocument): Fitting {
  const problems: string[] = [];
  const sections: string[] = [];
  let otherBlocks = 0;
  let tree: TreeNode | null = null;
  for (const block of blocksOf(doc)) {
    switch (block.type) {
      case 'tree':
        tree = block.root;
        break;
      case 'buttons':
        otherBlocks += Math.ceil(block.buttons.length / SLACK_LIMITS.buttonsPerActions);
        break;
      case 'divider':
        otherBlocks += 1;
        break;
      case 'fields':
        otherBlocks += Math.ceil(block.fields.length / SLACK_LIMITS.fieldsPerSection);
        for (const f of block.fields)
          if (`*${f.label}*\n${f.value}`.length > SLACK_LIMITS.fieldChars)
            problems.push(`field ${f.label} is over ${SLACK_LIMITS.fieldChars} chars`);
        break;
      default:
        sections.push(...splitText(block.text, SLACK_LIMITS.sectionChars));
    }
  }
  const room = SLACK_LIMITS.blocks - otherBlocks - sections.length;
  let rows: { all: number; shown: number } | null = null;
  if (tree) {
    const fitted = foldToFit(tree, (lines) => splitText(lines.join('\n'), SLACK_LIMITS.sectionChars).length <= room);
    rows = { all: treeRows(tree), shown: fitted.rows };
    sections.push(...splitText(fitted.lines.join('\n'), SLACK_LIMITS.sectionChars));
  }
  const units = otherBlocks + sections.length;
  if (units > SLACK_LIMITS.blocks) problems.push(`${units} blocks (Slack takes ${SLACK_LIMITS.blocks})`);
  const longestPart = longest(sections);
  if (longestPart > SLACK_LIMITS.sectionChars)
    problems.push(`a section of ${longestPart} chars (Slack takes ${SLACK_LIMITS.sectionChars})`);
  return { fits: problems.length === 0, problems, units, longestPart, tree: rows };
}

/** Discord messages: content for a plain reply, embeds for anything with blocks (a chart in one). */
export function fitForDiscord(doc: ChatDocument): Fitting {
  const problems: string[] = [];
  const blocks = blocksOf(doc);
  const buttons = blocks.reduce((n, b) => n + (b.type === 'buttons' ? b.buttons.length : 0), 0);
  if (isPlainReply(blocks)) {
    const parts = splitText(doc.text, DISCORD_LIMITS.contentChars);
    const longestPart = longest(parts);
    if (longestPart > DISCORD_LIMITS.contentChars)
      problems.push(`a message of ${longestPart} chars (Discord takes ${DISCORD_LIMITS.contentChars})`);
    return { fits: problems.length === 0, problems, units: parts.length, longestPart, tree: null };
  }
  const drawn = blocks.filter((b) => b.type !== 'buttons' && b.type !== 'tree').map((b) => blockText(b));
  const tree = blocks.find((b): b is Extract<Block, { type: 'tree' }> => b.type === 'tree')?.root ?? null;
  let embeds: string[];
  let rows: { all: number; shown: number } | null = null;
  if (tree) {
    // An org chart is one message edited in place: header and tree in one embed.
    const fitted = foldToFit(
      tree,
      (lines) => [...drawn, ...lines].join('\n').length <= DISCORD_LIMITS.descriptionChars,
    );
    rows = { all: treeRows(tree), shown: fitted.rows };
    embeds = [[...drawn, ...fitted.lines].join('\n')];
  } else {
    embeds = splitText(drawn.join('\n'), DISCORD_LIMITS.descriptionChars);
  }
  const messages = groupEmbeds(embeds);
  const longestPart = longest(embeds);
  if (longestPart > DISCORD_LIMITS.descriptionChars)
    problems.push(`an embed description of ${longestPart} chars (Discord takes ${DISCORD_LIMITS.descriptionChars})`);
  if (tree && messages > 1) problems.push(`an org chart in ${messages} messages (it must be one, edited in place)`);
  if (buttons > DISCORD_LIMITS.buttonsPerMessage)
    problems.push(`${buttons} buttons (Discord takes ${DISCORD_LIMITS.buttonsPerMessage} per message)`);
  return { fits: problems.length === 0, problems, units: messages, longestPart, tree: rows };
}

function blocksOf(doc: ChatDocument): Block[] {
  return doc.blocks.length > 0 ? doc.blocks : [{ type: 'markdown', text: doc.text }];
}

/** A reply or a notice that is only text: sent as message content. */
function isPlainReply(blocks: readonly Block[]): boolean {
  return blocks.every((b) => b.type === 'markdown');
}

/**
 * The most rows (fitTree's `maxRows`) whose drawing `fits`; the fewest rows fitTree
 * gives when none does (then the caller's check reports it).
 */
function foldToFit(root: TreeNode, fits: (lines: string[]) => boolean): { lines: string[]; rows: number } {
  const draw = (maxRows: number): string[] => treeText(root, { maxTreeRows: maxRows });
  const all = treeRows(root);
  const whole = draw(all);
  if (fits(whole)) return { lines: whole, rows: whole.length };
  let low = 1;
  let high = all - 1;
  let best: string[] | null = null;
  while (low <= high) {
    const mid = Math.floor((low + high) / 2);
    const lines = draw(mid);
    if (fits(lines)) {
      best = lines;
      low = mid + 1;
    } else high = mid - 1;
  }
  const lines = best ?? draw(1);
  return { lines, rows: lines.length };
}

/** Embeds into messages: at most 10 and 6 000 characters of descriptions each. */
function groupEmbeds(embeds: readonly string[]): number {
  let messages = 0;
  let count = 0;
  let chars = 0;
  for (const embed of embeds) {
    if (
      messages === 0 ||
      count === DISCORD_LIMITS.embedsPerMessage ||
      chars + embed.length > DISCORD_LIMITS.embedCharsPerMessage
    ) {
      messages += 1;
      count = 0;
      chars = 0;
    }
    count += 1;
    chars += embed.length;
  }
  return messages;
}

function longest(parts: readonly string[]): number {
  return Math.max(0, ...parts.map((p) => p.length));
}
