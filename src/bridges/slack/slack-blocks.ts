import type { Block, Button, ChatDocument, Mention, TreeNode } from '../../core/chat/document.js';
import { attentionButtons, clipUnits, oneLine } from '../core/platform-text.js';
import { treeText } from '../core/render-text.js';
import { splitText } from '../core/text-split.js';

/**
 * A ChatDocument as a Slack message: Block Kit plus the plain-text fallback Slack shows
 * in notifications (docs/contracts.md §11.8). Slack's limits, from its Block Kit
 * reference: 50 blocks per message, 3 000 characters per section text, 150 per header,
 * 10 fields per section (2 000 each), 25 elements per actions block, 75 per button
 * label, 2 000 per button value, 255 per action id; `text` is cut by Slack past 40 000.
 */
export const SLACK_LIMITS = {
  blocks: 50,
  sectionText: 3000,
  header: 150,
  fields: 10,
  fieldText: 2000,
  actionsElements: 25,
  buttonLabel: 75,
  text: 40_000,
  /** Rows of an org chart drawn in one message (the rest folds into `+N more`). */
  treeRows: 60,
} as const;

/** Every omar button's action id starts with this: Bolt routes them by it. */
export const ACTION_PREFIX = 'omar:';

export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

export type SlackText = { type: 'plain_text'; text: string; emoji?: boolean } | { type: 'mrkdwn'; text: string };
export type SlackButton = {
  type: 'button';
  text: { type: 'plain_text'; text: string; emoji: boolean };
  action_id: string;
  value: string;
  style?: 'primary' | 'danger';
};
export type SlackBlock =
  | { type: 'header'; text: { type: 'plain_text'; text: string; emoji: boolean } }
  | { type: 'section'; text?: SlackText; fields?: SlackText[] }
  | { type: 'context'; elements: SlackText[] }
  | { type: 'actions'; elements: SlackButton[] }
  | { type: 'divider' };

/**
 * Escapes text for mrkdwn: `&`, `<` and `>` become entities, so agent or user text can
 * never form `<!channel>`, `<!here>`, `<!everyone>`, a `<@U…>` mention or a link.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The people to mention, as Slack syntax (only Slack users; built here, never from text). */
export function slackMentions(mentions: readonly Mention[]): string {
  return mentions
    .filter((m) => m.platform === 'slack' && /^[UW][A-Z0-9]+$/.test(m.user))
    .map((m) => `<@${m.user}>`)
    .join(' ');
}

export function renderSlackMessage(doc: ChatDocument): SlackMessage {
  const mentions = slackMentions(doc.mentions);
  const blocks = doc.blocks.flatMap((block, i) => blockToSlack(block, i));
  if (mentions !== '') blocks.unshift({ type: 'section', text: { type: 'mrkdwn', text: mentions } });
  const fallback = [mentions, escapeMrkdwn(doc.text)].filter((s) => s !== '').join(' ');
  return { text: clipUnits(fallback, SLACK_LIMITS.text), blocks: fitBlocks(blocks) };
}

function blockToSlack(block: Block, index: number): SlackBlock[] {
  switch (block.type) {
    case 'header':
      return [{ type: 'header', text: { type: 'plain_text', text: clipUnits(oneLine(block.text), 150), emoji: true } }];
    case 'markdown':
      return sections(escapeMrkdwn(block.text));
    case 'context':
      return [{ type: 'context', elements: [{ type: 'mrkdwn', text: clipUnits(escapeMrkdwn(block.text), 3000) }] }];
    case 'fields':
      return chunk(block.fields, SLACK_LIMITS.fields).map((fields) => ({
        type: 'section',
        fields: fields.map((f) => ({
          type: 'mrkdwn',
          text: clipUnits(`*${escapeMrkdwn(oneLine(f.label))}*\n${escapeMrkdwn(f.value)}`, SLACK_LIMITS.fieldText),
        })),
      }));
    case 'tree':
      return treeBlocks(block.root, index);
    case 'buttons':
      return actions(block.buttons, index);
    case 'divider':
      return [{ type: 'divider' }];
  }
}

/** The chart as code-formatted rows (alignment kept), then a row of buttons per agent that needs attention. */
function treeBlocks(root: TreeNode, index: number): SlackBlock[] {
  const lines = treeText(root, { maxTreeRows: SLACK_LIMITS.treeRows, buttonText: () => '' }).map((l) => l.trimEnd());
  const code = splitText(lines.join('\n'), SLACK_LIMITS.sectionText - 8).map((part): SlackBlock => ({
    type: 'section',
    text: { type: 'mrkdwn', text: '```' + escapeMrkdwn(part) + '```' },
  }));
  // Buttons name their agent: "Peek w-cache", "Kill w-cache".
  return [...code, ...actions(attentionButtons(root), index)];
}

function actions(buttons: readonly Button[], index: number): SlackBlock[] {
  return chunk(buttons, SLACK_LIMITS.actionsElements).map((row, r) => ({
    type: 'actions',
    elements: row.map((b, i) => ({
      type: 'button',
      text: { type: 'plain_text', text: clipUnits(oneLine(b.label), SLACK_LIMITS.buttonLabel), emoji: true },
      // Unique within the message (Slack refuses duplicates): the block, the row and the position.
      action_id: `${ACTION_PREFIX}${b.action}:${index}.${r}.${i}`,
      value: b.value,
      ...(b.style === 'default' ? {} : { style: b.style }),
    })),
  }));
}

function sections(text: string): SlackBlock[] {
  if (text.trim() === '') return [];
  return splitText(text, SLACK_LIMITS.sectionText).map((part) => ({
    type: 'section',
    text: { type: 'mrkdwn', text: part },
  }));
}

/** At most 50 blocks: the last kept one says what was left out (the fallback text still has it all). */
function fitBlocks(blocks: SlackBlock[]): SlackBlock[] {
  if (blocks.length <= SLACK_LIMITS.blocks) return blocks;
  const kept = blocks.slice(0, SLACK_LIMITS.blocks - 1);
  const left = blocks.length - kept.length;
  kept.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `+${left} more blocks not shown` }] });
  return kept;
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
