import type { Block, Button, ChatDocument, Mention } from '../chat/document.js';
import { agentButtonValue, buttonLabel, nameList, shortLine } from '../chat/document-parts.js';
import { GLYPHS } from '../chat/glyphs.js';
import type { State } from '../model/state.js';
import { toCodeBlock } from '../surface/code-block.js';
import { clockTime } from '../text/clock-time.js';
import { shorten } from '../text/shorten.js';
import { type Dialog, dialogHandle } from './dialog-state.js';

/**
 * The card a person answers an agent's prompt on (docs/chat-ux.md, "Waiting for a person"):
 * who waits and in which project, what it wants to do (the command, the file and a short
 * diff, the URL, the question), the CLI's own choices as buttons and a Peek, the person
 * mentioned. Several prompts posted together are one digest with a row each. A closed
 * prompt shows its outcome in place of its buttons (`✔ Allow once — by alice · 14:02`,
 * or that it was answered in the terminal) and pings nobody.
 */

/** Past this many prompts a digest is full: the next prompt starts a new card. */
export const DIGEST_MAX = 10;
/** Detail shown on a single card, and per row of a digest. */
const DETAIL_CHARS = 900;
const DIGEST_DETAIL_CHARS = 240;

/** Choices that say no get the danger style; the first other one is the primary. */
const NEGATIVE = /^(no\b|deny|denied|reject|cancel|abort|stop|don'?t|decline|esc)/i;

const KIND_WORDS: Record<Dialog['kind'], string> = {
  command: 'run a command',
  edit: 'change a file',
  fetch: 'fetch a URL',
  tool: 'use a tool',
  question: 'asks you',
  trust: 'trust a folder',
  plan: 'approve a plan',
  mode: 'choose a mode',
};

export interface DialogCardOptions {
  /** IANA zone for times of day (default: the machine's). */
  timeZone?: string;
}

/** The card of the dialogs that share one card key (one prompt, or a digest). */
export function dialogCard(
  dialogs: readonly Dialog[],
  state: Readonly<State>,
  opts: DialogCardOptions = {},
): ChatDocument {
  if (dialogs.length === 1) return singleCard(dialogs[0]!, state, opts);
  return digestCard(dialogs, state, opts);
}

function singleCard(dialog: Dialog, state: Readonly<State>, opts: DialogCardOptions): ChatDocument {
  const open = dialog.status === 'open';
  const header = [
    `${open ? GLYPHS.waiting : outcomeGlyph(dialog)} ${dialog.agent} ${open ? 'waits for you' : 'asked'}`,
    projectName(state, dialog),
  ]
    .filter((part): part is string => part !== null)
    .join(' · ');
  const blocks: Block[] = [{ type: 'header', text: header }, ...whatItWants(dialog, DETAIL_CHARS)];
  if (open) {
    blocks.push({ type: 'context', text: contextLine(dialog, opts) });
    blocks.push({ type: 'buttons', buttons: dialogButtons(dialog) });
    return {
      text: `${GLYPHS.waiting} ${dialog.agent} waits for you: ${shortLine(dialog.title, 120)}`,
      blocks,
      mentions: mentionsOf([dialog]),
    };
  }
  const outcome = outcomeLine(dialog, opts);
  blocks.push({ type: 'markdown', text: outcome });
  return { text: `${outcome} (${dialog.agent}: ${shortLine(dialog.title, 80)})`, blocks, mentions: [] };
}

function digestCard(dialogs: readonly Dialog[], state: Readonly<State>, opts: DialogCardOptions): ChatDocument {
  const open = dialogs.filter((d) => d.status === 'open');
  const header =
    open.length > 0
      ? `${GLYPHS.waiting} ${open.length} of ${dialogs.length} prompts wait for you`
      : `${GLYPHS.completed} ${dialogs.length} prompts, all answered`;
  const blocks: Block[] = [{ type: 'header', text: header }];
  for (const dialog of dialogs) {
    blocks.push({ type: 'divider' });
    const project = projectName(state, dialog);
    const glyph = dialog.status === 'open' ? GLYPHS.waiting : outcomeGlyph(dialog);
    blocks.push({
      type: 'markdown',
      text: `${glyph} *${dialog.agent}*${project ? ` · ${project}` : ''} — ${KIND_WORDS[dialog.kind]}`,
    });
    blocks.push(...whatItWants(dialog, DIGEST_DETAIL_CHARS));
    if (dialog.status === 'open') blocks.push({ type: 'buttons', buttons: dialogButtons(dialog) });
    else blocks.push({ type: 'context', text: outcomeLine(dialog, opts) });
  }
  const names = nameList(open.map((d) => d.agent));
  return {
    text: open.length > 0 ? `${GLYPHS.waiting} ${open.length} agents wait for you: ${names}` : header,
    blocks,
    mentions: mentionsOf(open),
  };
}

/** The title, and the detail as code (a command, a diff) or as text (a question, a plan). */
function whatItWants(dialog: Dialog, detailChars: number): Block[] {
  const blocks: Block[] = [{ type: 'markdown', text: `*${shorten(dialog.title, 300, { oneLine: 'flat' })}*` }];
  if (dialog.detail !== null && dialog.detail.trim() !== '') {
    const detail = shorten(dialog.detail.trimEnd(), detailChars);
    blocks.push({
      type: 'markdown',
      text: dialog.kind === 'question' || dialog.kind === 'plan' ? detail : toCodeBlock(detail),
    });
  }
  return blocks;
}

/** One button per choice of the CLI (its own meaning, in its order), then Peek. */
export function dialogButtons(dialog: Dialog): Button[] {
  const primary = dialog.choices.findIndex((c) => !NEGATIVE.test(c.short.trim()));
  const buttons: Button[] = dialog.choices.map((choice, i) => ({
    action: 'dialog',
    value: `${dialogHandle(dialog.id)}:${i + 1}`,
    label: buttonLabel(choice.short),
    style: NEGATIVE.test(choice.short.trim()) ? 'danger' : i === primary ? 'primary' : 'default',
  }));
  buttons.push({ action: 'peek', value: agentButtonValue(dialog.ea, dialog.agent), label: 'Peek', style: 'default' });
  return buttons;
}

/** `d3 · run a command · since 14:02` */
function contextLine(dialog: Dialog, opts: DialogCardOptions): string {
  return `${dialogHandle(dialog.id)} · ${KIND_WORDS[dialog.kind]} · since ${clockTime(Date.parse(dialog.createdAt), opts.timeZone)}`;
}

/** `✔ Allow once — by alice · 14:02`, `○ answered in the terminal · 14:03`. */
export function outcomeLine(dialog: Dialog, opts: DialogCardOptions = {}): string {
  const at = dialog.closedAt ? ` · ${clockTime(Date.parse(dialog.closedAt), opts.timeZone)}` : '';
  if (dialog.status === 'gone') return `${GLYPHS.idle} answered in the terminal, or the agent moved on${at}`;
  const by = dialog.answeredBy ? ` — by ${dialog.answeredBy}` : '';
  const choice = dialog.choices.find((c) => c.label === dialog.answer);
  return `${outcomeGlyph(dialog)} ${choice?.short ?? dialog.answer ?? 'answered'}${by}${at}`;
}

function outcomeGlyph(dialog: Dialog): string {
  if (dialog.status === 'gone') return GLYPHS.idle;
  const choice = dialog.choices.find((c) => c.label === dialog.answer);
  return choice && NEGATIVE.test(choice.short.trim()) ? GLYPHS.failed : GLYPHS.completed;
}

function mentionsOf(dialogs: readonly Dialog[]): Mention[] {
  const seen = new Map<string, Mention>();
  for (const d of dialogs) if (d.mention) seen.set(`${d.mention.platform}:${d.mention.user}`, d.mention);
  return [...seen.values()];
}

function projectName(state: Readonly<State>, dialog: Dialog): string | null {
  const agent = state.agents.find((a) => a.ea === dialog.ea && a.name === dialog.agent);
  const project = agent?.projectId != null ? state.projects.find((p) => p.id === agent.projectId) : undefined;
  return project?.name ?? null;
}

/** `⏸ Still waiting for you (35m): w1 — Run: npm test` — the reminder of open prompts, mentioning the person. */
export function reminderDocument(dialogs: readonly Dialog[], waitedText: string): ChatDocument {
  const lines = dialogs.map((d) => `${GLYPHS.waiting} ${d.agent} (${dialogHandle(d.id)}) — ${shortLine(d.title, 100)}`);
  const head = `Still waiting for you (${waitedText}):`;
  const text =
    [head, ...lines.slice(0, DIGEST_MAX)].join('\n') +
    (lines.length > DIGEST_MAX ? `\n… +${lines.length - DIGEST_MAX} more (omar dialogs)` : '');
  return { text, blocks: [{ type: 'markdown', text }], mentions: mentionsOf(dialogs) };
}
