import type { State } from '../model/state.js';
import { clipGraphemes } from '../text/graphemes.js';
import { shorten } from '../text/shorten.js';
import { shortDuration } from '../text/short-duration.js';
import type { Button, Mention } from './document.js';

/** The small pieces every chat document is built from: short lines, ages, names, the agent buttons. */

/** Longest task text in a row or a notice, in graphemes. */
export const TASK_CHARS = 48;
/** Longest quoted status line, summary or reason. */
export const QUOTE_CHARS = 80;

/** The first non-blank line of `text`, at most `max` graphemes (an emoji is never cut in half). */
export function shortLine(text: string, max: number): string {
  return clipGraphemes(shorten(text, Number.POSITIVE_INFINITY, { oneLine: 'first' }), max);
}

/** `"…"` around a short line of what an agent wrote. */
export function quoted(text: string, max = QUOTE_CHARS): string {
  return `"${shortLine(text, max)}"`;
}

/** How long ago an ISO time was: `41m` (`0s` when unknown or in the future). */
export function ageSince(iso: string | null | undefined, nowMs: number): string {
  const at = iso ? Date.parse(iso) : Number.NaN;
  return shortDuration(Number.isNaN(at) ? 0 : nowMs - at);
}

/** A person's display name as a conversation saw them (`alice`), else their platform id (`slack:U123`). */
export function personName(state: Readonly<State>, person: Mention, conversation?: number | null): string {
  const conversations = [...state.conversations].sort(
    (a, b) => Number(b.id === conversation) - Number(a.id === conversation),
  );
  for (const c of conversations) {
    if (c.platform !== person.platform) continue;
    const user = c.users.find((u) => u.id === person.user);
    if (user && user.name.trim() !== '') return user.name;
  }
  return `${person.platform}:${person.user}`;
}

/** Value of the agent buttons: `<ea id>:<agent name>`. */
export function agentButtonValue(ea: number, name: string): string {
  return `${ea}:${name}`;
}

/** Peek (the pane's tail, secrets redacted) and Kill (asks to confirm) for an agent that needs a look. */
export function agentButtons(ea: number, name: string): Button[] {
  const value = agentButtonValue(ea, name);
  return [
    { action: 'peek', value, label: 'Peek', style: 'default' },
    { action: 'kill', value, label: 'Kill', style: 'danger' },
  ];
}

/** `a, b, c` or, past `max` names, `a, b, c, … +97 more`. */
export function nameList(names: readonly string[], max = 5, shown = 3): string {
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, shown).join(', ')}, … +${names.length - shown} more`;
}

/** `1 agent`, `12 agents`. */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** Longest button label a platform takes (UTF-16 units; Slack and Discord allow 75/80). */
export const BUTTON_LABEL_CHARS = 75;

/** A one-line label of at most BUTTON_LABEL_CHARS UTF-16 units, cut between graphemes. */
export function buttonLabel(text: string): string {
  let label = shortLine(text, BUTTON_LABEL_CHARS);
  for (let keep = BUTTON_LABEL_CHARS - 1; label.length > BUTTON_LABEL_CHARS && keep > 0; keep -= 1)
    label = shortLine(text, keep);
  return label === '' ? '…' : label;
}
