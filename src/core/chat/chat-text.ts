import { neutralisePasteText } from '../text/paste-safe.js';
import { approvalHandle, conversationHandle } from './chat-state.js';

/**
 * The exact texts of chat as agents see them (docs/contracts.md §11). Agents and their
 * prompts match on these: change them only together with the contract.
 */

/** A file a person attached, as the bridge kept it. */
export interface ChatFile {
  name: string;
  /** Bytes. */
  size: number;
  /** Where it was saved, or null when it was too large to keep. */
  path: string | null;
}

/** An earlier message of the thread (sent when the bot is first mentioned inside one). */
export interface ContextMessage {
  name: string;
  text: string;
}

/** At most this many earlier messages, and this many UTF-8 bytes of them, go with a message. */
export const CONTEXT_MAX_MESSAGES = 20;
export const CONTEXT_MAX_BYTES = 4 * 1024;

export const CONTEXT_MARKER = '[context: earlier messages in this thread]';

/**
 * What the EA receives for a chat message:
 * `[CHAT c<N> · <name>] <text>`, the thread's earlier messages (if any) as a marked block
 * of `> <name>: <text>` lines between the tag and the text, and one
 * `[file <name>, <size>] <path>` line per attached file after it.
 * What people wrote cannot forge that structure: control characters are neutralised, a
 * line of their text that starts with `>`, `[` or `\` gets a `\` before it, a quoted
 * message's further lines are indented (`>   …`), and `[`/`]` in names become `(`/`)`.
 */
export function chatPayload(fields: {
  conversation: number;
  name: string;
  text: string;
  files?: readonly ChatFile[];
  context?: readonly ContextMessage[];
}): string {
  const tag = `[CHAT ${conversationHandle(fields.conversation)} · ${oneLineName(fields.name)}]`;
  const context = contextLines(fields.context ?? []);
  const files = (fields.files ?? []).map(fileLine);
  const text = fields.text === '' && files.length > 0 ? [] : [escapeTextLines(neutralisePasteText(fields.text))];
  const lines = [...(context.length > 0 ? [CONTEXT_MARKER, ...context] : []), ...text, ...files];
  return `${tag} ${lines.join('\n')}`;
}

/** `[file report.pdf, 1.2 MB] /home/me/.omar/files/report.pdf` */
export function fileLine(file: ChatFile): string {
  return `[file ${oneLineName(file.name)}, ${humanSize(file.size)}] ${file.path ?? '(not kept: too large)'}`;
}

/** 512 B, 1.5 KB, 12 KB, 3.4 MB, 2 GB. */
export function humanSize(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const shown = unit === 0 || value >= 10 ? String(Math.round(value)) : value.toFixed(1).replace(/\.0$/, '');
  return `${shown} ${units[unit]}`;
}

/** The newest messages that fit (≤ 20, ≤ 4 KB), oldest first; a multi-line text stays quoted. */
function contextLines(messages: readonly ContextMessage[]): string[] {
  const quoted = messages
    .slice(-CONTEXT_MAX_MESSAGES)
    .map((m) => `> ${oneLineName(m.name)}: ${neutralisePasteText(m.text).replace(/\n/g, '\n>   ')}`);
  const kept: string[] = [];
  let bytes = 0;
  for (const line of [...quoted].reverse()) {
    bytes += utf8Bytes(line) + 1;
    if (bytes > CONTEXT_MAX_BYTES) break;
    kept.unshift(line);
  }
  return kept;
}

/** `[APPROVAL a<N>] <option> — by <name> (<platform>:<id>)`; without a platform (the owner on the CLI) just the name. */
export function approvalAnswerText(
  id: number,
  option: string,
  byName: string,
  platform: string | null,
  userId: string | null,
): string {
  const where = platform !== null && userId !== null ? ` (${platform}:${userId})` : '';
  return `[APPROVAL ${approvalHandle(id)}] ${option} — by ${oneLineName(byName)}${where}`;
}

/** `[APPROVAL a<N>] timed out after <N>s` */
export function approvalTimeoutText(id: number, seconds: number): string {
  return `[APPROVAL ${approvalHandle(id)}] timed out after ${Math.round(seconds)}s`;
}

/** `[CHAT FAILED] c<N>: <error>` (an item outside any conversation: `[CHAT FAILED] <error>`). */
export function chatFailedText(conversation: number | null, error: string): string {
  return conversation === null
    ? `[CHAT FAILED] ${error}`
    : `[CHAT FAILED] ${conversationHandle(conversation)}: ${error}`;
}

/** A worker's reply is labelled with its name (`*w-db:* text`); the EA speaks as the bot. */
export function labelledReply(author: string | null, text: string): string {
  return author === null ? text : `*${author}:* ${text}`;
}

/** A name on one line that cannot close or open a tag: `[`/`]` → `(`/`)`, controls neutralised. */
function oneLineName(name: string): string {
  return neutralisePasteText(name).replace(/\s+/g, ' ').replace(/\[/g, '(').replace(/\]/g, ')').trim() || '?';
}

/** A line of a person's text that could pass for a quote, a file or a tag line is escaped with `\`. */
export function escapeTextLines(text: string): string {
  return text.replace(/^(?=[>[\\])/gm, '\\');
}

function utf8Bytes(text: string): number {
  return new TextEncoder().encode(text).length;
}
