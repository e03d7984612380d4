import type { DetectedDialog } from '../../core/backends/screen-dialog.js';
import { PROMPT_BOTTOM, PROMPT_TOP } from '../../sim/screen-text.js';
import { dialogOf } from './screen-menu.js';

const CHOICE = /^ {2}(\d)\. (.+)$/;
const FOOTER = new RegExp(`^${PROMPT_BOTTOM} press 1-(\\d)$`);

/**
 * The sim agent's prompt (docs/sim.md, `prompt`): drawn in place of its input line as
 *   ┌ omar sim asks
 *     <question>
 *     1. <choice>  …
 *   └ press 1-<n>
 * and read only while it is the bottom of the screen; its keys are the choices' digits.
 * A question starting `Run:` is a command prompt, anything else a question.
 */
export function detectSimDialog(screen: string): DetectedDialog | null {
  const lines = screen
    .replace(/\r/g, '')
    .split('\n')
    .map((l) => l.trimEnd());
  while (lines.length > 0 && lines.at(-1) === '') lines.pop();
  const footer = FOOTER.exec(lines.at(-1) ?? '');
  if (!footer) return null;
  const count = Number(footer[1]);
  const top = lines.lastIndexOf(PROMPT_TOP);
  if (top < 0 || lines.length - 1 - top !== count + 2) return null;
  const question = lines[top + 1]?.replace(/^ {2}/, '') ?? '';
  const choices = lines.slice(top + 2, top + 2 + count).map((line, i) => {
    const match = CHOICE.exec(line);
    return match && Number(match[1]) === i + 1 ? match[2]! : null;
  });
  if (question.trim() === '' || choices.some((c) => c === null)) return null;
  const kind = /^Run: /.test(question) ? 'command' : 'question';
  return dialogOf(
    kind,
    question,
    null,
    choices.map((label, i) => ({ label: label!, short: label!, keys: [String(i + 1)] })),
  );
}
