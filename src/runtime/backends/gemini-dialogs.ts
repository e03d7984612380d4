import type { DetectedDialog, DialogChoice, DialogKind } from '../../core/backends/screen-dialog.js';
import {
  capDetail,
  dialogOf,
  KEEP_PLANNING,
  lastNumberedMenu,
  lineAbove,
  planShort,
  type Menu,
  oneLine,
  screenLines,
  shortFor,
  firstUrl,
} from './screen-menu.js';

/**
 * Gemini CLI's confirmations on screen (checked against 0.61.0; fixtures in
 * test/fixtures/dialogs/gemini): a box whose first line is `? <Tool>  <what>` ("? Shell
 * touch x", "? WriteFile notes.md", "? WebFetch …"), the command or diff in an inner box,
 * a question ("Allow execution of [Shell]?", "Apply this change?", "Do you want to
 * proceed?") and a numbered radio list. A digit picks an option, so each choice's key is
 * its number. "Modify with external editor" is left out (it opens an editor in the pane).
 */

const HEADER = /^\?\s+(\S+)\s*(.*)$/;
const INNER = /^[╭╰]─+|^─+$/;

export function detectGeminiDialog(screen: string): DetectedDialog | null {
  const lines = screenLines(screen);
  const menu = lastNumberedMenu(lines);
  if (!menu) return null;
  const plan = planDialog(lines, menu);
  if (plan) return plan;
  const question = lineAbove(lines, menu.first);
  if (!/\?$/.test(question.text)) return null;
  let h = -1;
  for (let i = question.line - 1; i >= 0 && question.line - i < 60; i--) {
    if (HEADER.test(lines[i]!.trim())) {
      h = i;
      break;
    }
  }
  // A confirmation always names its tool, and hides the input box while it shows: a
  // numbered list the model wrote, above an input box, is no dialog.
  if (h < 0 || lines.slice(menu.last + 1).some((l) => /Type your message/.test(l))) return null;
  const header = HEADER.exec(lines[h]!.trim());
  const tool = header?.[1] ?? '';
  const what = header?.[2]?.trim() ?? '';
  const body = lines.slice(h + 1, question.line).filter((l) => !INNER.test(l.trim()));
  const kind = kindOf(tool, question.text);
  const choices: DialogChoice[] = menu.options
    .filter((o) => !/external editor/i.test(o.text))
    .map((o) => {
      const label = o.text.replace(/\s*\(esc\)$/, '');
      return { label, short: shortFor(label), keys: [String(o.number)] };
    });
  const title =
    kind === 'command'
      ? `Run: ${what}`
      : kind === 'edit'
        ? `Edit ${what.replace(/^Writing to\s+/i, '')}`
        : kind === 'fetch'
          ? `Fetch ${firstUrl(`${what}\n${body.join('\n')}`) ?? what}`
          : `${tool} ${what}`.trim() || question.text;
  return dialogOf(kind, oneLine(title), capDetail([...body, question.text].join('\n')), choices);
}

/**
 * Plan approval (`plan` mode, exit_plan_mode): "Ready to start implementation?", the plan,
 * then "Yes, automatically accept edits" / "Yes, manually accept edits" / "Type your
 * feedback..." (typed text: left out) and "Esc to cancel", which keeps it planning.
 */
function planDialog(lines: readonly string[], menu: Menu): DetectedDialog | null {
  let top = -1;
  for (let i = menu.first - 1; i >= 0 && menu.first - i < 80; i--)
    if (/^Ready to start implementation\?$/.test(lines[i]!.trim())) {
      top = i;
      break;
    }
  if (top < 0 || !lines.slice(menu.last + 1).some((l) => /Esc to cancel/.test(l))) return null;
  const choices: DialogChoice[] = menu.options
    .filter((o) => /^Yes\b/i.test(o.text))
    .map((o) => ({ label: o.text, short: planShort(o.text), keys: [String(o.number)] }));
  if (choices.length === 0) return null;
  const text = lines
    .slice(top + 1, menu.first)
    .map((l) => l.trim())
    .join('\n');
  const first = text.split('\n').find((l) => l.trim());
  const title = first ? `Approve the plan: ${first.replace(/^(#+|\d+\.)\s*/, '')}` : 'Approve the plan?';
  return dialogOf('plan', oneLine(title), capDetail(text), [...choices, KEEP_PLANNING]);
}

function kindOf(tool: string, question: string): DialogKind {
  if (/^(Shell|run_shell_command)$/i.test(tool) || /Allow execution of \[Shell\]/.test(question)) return 'command';
  if (/^(Edit|WriteFile|Write|Replace|write_file|replace)$/i.test(tool) || /Apply this change/i.test(question))
    return 'edit';
  if (/^(WebFetch|web_fetch|GoogleSearch)$/i.test(tool)) return 'fetch';
  if (/plan/i.test(tool) || /plan/i.test(question)) return 'plan';
  if (/trust/i.test(question)) return 'trust';
  return tool ? 'tool' : 'question';
}
