import type { Button, ChatDocument, Mention, TreeNode } from '../../core/chat/document.js';
import { attentionButtons, clipUnits, oneLine } from '../core/platform-text.js';
import { treeText } from '../core/render-text.js';
import { splitText } from '../core/text-split.js';

/**
 * A ChatDocument as Discord messages (docs/contracts.md §11.8), within Discord's limits:
 * 2 000 characters of content, one embed of 4 096 in its description, 256 in its title,
 * 25 fields (256 / 1 024), 6 000 in all; 5 rows of 5 buttons, labels of 80, custom ids
 * of 100. A plain reply is content, split into several messages when long (fences kept
 * whole); anything richer is one embed with its buttons. Nobody is ever pinged but the
 * people the document names: `allowed_mentions` allows only them, whatever the text says.
 */
export const DISCORD_LIMITS = {
  content: 2000,
  description: 4096,
  title: 256,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  embedTotal: 6000,
  rows: 5,
  buttonsPerRow: 5,
  buttonLabel: 80,
  customId: 100,
  treeRows: 50,
} as const;

export const CUSTOM_ID_PREFIX = 'omar:';

export interface DiscordMessageBody {
  content?: string;
  embeds?: DiscordEmbed[];
  components?: DiscordRow[];
  allowed_mentions: { parse: never[]; users: string[] };
}
export interface DiscordEmbed {
  title?: string;
  description?: string;
  fields?: Array<{ name: string; value: string; inline?: boolean }>;
  footer?: { text: string };
  color?: number;
}
export interface DiscordRow {
  type: 1;
  components: Array<{ type: 2; style: number; label: string; custom_id: string }>;
}

const STYLE = { default: 2, primary: 1, danger: 4 } as const;

/** The messages one document becomes (usually one). */
export function renderDiscordMessages(doc: ChatDocument): DiscordMessageBody[] {
  const users = discordUsers(doc.mentions);
  const allowed = { parse: [] as never[], users };
  const mentionLine = users.map((u) => `<@${u}>`).join(' ');
  const onlyText = doc.blocks.every((b) => b.type === 'markdown');
  if (onlyText) {
    const text =
      doc.blocks.length > 0 ? doc.blocks.map((b) => (b.type === 'markdown' ? b.text : '')).join('\n') : doc.text;
    const body = [mentionLine, defuse(text)].filter((s) => s !== '').join(' ');
    return splitText(body || '…', DISCORD_LIMITS.content).map((content) => ({ content, allowed_mentions: allowed }));
  }
  const embed: DiscordEmbed = {};
  const description: string[] = [];
  const fields: NonNullable<DiscordEmbed['fields']> = [];
  const buttons: Button[] = [];
  for (const block of doc.blocks) {
    switch (block.type) {
      case 'header':
        embed.title = clipUnits(oneLine(defuse(block.text)), DISCORD_LIMITS.title);
        break;
      case 'markdown':
        description.push(defuse(block.text));
        break;
      case 'context':
        description.push(`-# ${defuse(oneLine(block.text))}`);
        break;
      case 'divider':
        description.push('');
        break;
      case 'fields':
        for (const f of block.fields)
          fields.push({
            name: clipUnits(oneLine(defuse(f.label)), DISCORD_LIMITS.fieldName),
            value: clipUnits(defuse(f.value) || '—', DISCORD_LIMITS.fieldValue),
            inline: true,
          });
        break;
      case 'tree':
        description.push(treeCode(block.root));
        buttons.push(...attentionButtons(block.root));
        break;
      case 'buttons':
        buttons.push(...block.buttons);
        break;
    }
  }
  const room = DISCORD_LIMITS.embedTotal - (embed.title?.length ?? 0) - fieldsLength(fields);
  const text = description.join('\n').trim();
  if (text !== '') embed.description = clipUnits(text, Math.min(DISCORD_LIMITS.description, Math.max(100, room)));
  if (fields.length > 0) embed.fields = fields.slice(0, DISCORD_LIMITS.fields);
  const components = rows(buttons);
  return [
    {
      ...(mentionLine ? { content: mentionLine } : {}),
      embeds: [embed],
      ...(components.length > 0 ? { components } : {}),
      allowed_mentions: allowed,
    },
  ];
}

/** Only Discord user ids (snowflakes) of the document's mentions: never anything from text. */
export function discordUsers(mentions: readonly Mention[]): string[] {
  return [...new Set(mentions.filter((m) => m.platform === 'discord' && /^\d{5,25}$/.test(m.user)).map((m) => m.user))];
}

/**
 * Agent and user text that cannot even look like a mass ping or a mention: `@everyone`,
 * `@here` and `<@…>`/`<@&…>`/`<#…>` get a zero-width space after their first character.
 * (`allowed_mentions` already stops the pings; this stops the highlight.)
 */
export function defuse(text: string): string {
  return text.replace(/@(everyone|here)/g, '@\u200b$1').replace(/<([@#])/g, '<\u200b$1');
}

function treeCode(root: TreeNode): string {
  const lines = treeText(root, { maxTreeRows: DISCORD_LIMITS.treeRows, buttonText: () => '' }).map((l) =>
    l.trimEnd().replace(/`/g, 'ˋ'),
  );
  return ['```', ...lines, '```'].join('\n');
}

function rows(buttons: readonly Button[]): DiscordRow[] {
  const usable = buttons
    .filter((b) => `${CUSTOM_ID_PREFIX}${b.action}:${b.value}`.length <= DISCORD_LIMITS.customId)
    .slice(0, DISCORD_LIMITS.rows * DISCORD_LIMITS.buttonsPerRow);
  const out: DiscordRow[] = [];
  for (let i = 0; i < usable.length; i += DISCORD_LIMITS.buttonsPerRow) {
    out.push({
      type: 1,
      components: usable.slice(i, i + DISCORD_LIMITS.buttonsPerRow).map((b) => ({
        type: 2,
        style: STYLE[b.style],
        label: clipUnits(oneLine(b.label), DISCORD_LIMITS.buttonLabel),
        custom_id: `${CUSTOM_ID_PREFIX}${b.action}:${b.value}`,
      })),
    });
  }
  return out;
}

/** `omar:approve:a3:1` → action `approve`, value `a3:1`. */
export function parseCustomId(id: string): { action: string; value: string } | null {
  if (!id.startsWith(CUSTOM_ID_PREFIX)) return null;
  const rest = id.slice(CUSTOM_ID_PREFIX.length);
  const colon = rest.indexOf(':');
  return colon < 0 ? { action: rest, value: '' } : { action: rest.slice(0, colon), value: rest.slice(colon + 1) };
}

function fieldsLength(fields: NonNullable<DiscordEmbed['fields']>): number {
  return fields.reduce((n, f) => n + f.name.length + f.value.length, 0);
}
