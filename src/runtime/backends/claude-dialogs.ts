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
 * Claude Code's dialogs on screen (checked against 2.1.330; fixtures in
 * test/fixtures/dialogs/claude). Every one is a box that starts at a full-width `─` rule,
 * names what it is on its first line ("Bash command", "Edit file", "Fetch", a question's
 * header), shows the command / diff / URL, asks ("Do you want to proceed?") and ends in a
 * numbered menu and a footer ("Esc to cancel", "Enter to select"). A digit picks an
 * option directly, so each choice's key is its number.
 * Options that need typed text ("Type something", "Chat about this") are left out:
 * answers are keys, never text.
 */

const FOOTER = /Esc to (cancel|exit)|Enter to (select|confirm)|Tab to amend/;
const RULE = /^\s*─{20,}\s*$/;
const TYPED = /^(Type something|Chat about this|Other)\b/i;

export function detectClaudeDialog(screen: string): DetectedDialog | null {
  const lines = screenLines(screen);
  const menu = lastNumberedMenu(lines);
  if (!menu) return trustDialog(lines) ?? autoModeDialog(lines);
  const plan = planDialog(lines, menu);
  if (plan) return plan;
  const after = lines.slice(menu.last + 1);
  if (!after.some((l) => FOOTER.test(l))) return null;
  const question = lineAbove(lines, menu.first);
  const top = boxTop(lines, question.line);
  const header = (lines.slice(top + 1, question.line).find((l) => l.trim()) ?? '').trim();
  const body = lines
    .slice(top + 1, question.line)
    .map((l) => l.trim())
    .filter((l) => l && !/^Tip:/.test(l) && !/^╌+$/.test(l));
  const all = [...body.slice(1), question.text].join('\n');
  const kind = kindOf(header, question.text, all);
  const choices: DialogChoice[] = menu.options
    .filter((o) => !TYPED.test(o.text))
    .map((o) => {
      const label = o.text.split(' · ')[0]!.trim();
      return { label, short: kind === 'question' ? oneLine(label, 40) : shortFor(label), keys: [String(o.number)] };
    });
  if (choices.length === 0) return null;
  const rest = body.slice(1);
  const { title, detail } = describe(kind, header, question.text, rest);
  return dialogOf(kind, title, detail, choices);
}

/**
 * Plan approval (`plan` mode, ExitPlanMode). With a plan file claude shows "Ready to
 * code? Here is Claude's plan:" (the plan between `╌` rules), "Claude has written up a
 * plan and is ready to execute. Would you like to proceed?" and a menu whose choices say
 * which mode it goes on in ("Yes, and use auto mode", "Yes, manually approve edits"; the
 * typed "Tell Claude what to change" is left out). Without one it shows the short "Exit
 * plan mode? Claude wants to exit plan mode" with Yes / No. Escape declines either: the
 * model is told to keep planning.
 */
function planDialog(lines: readonly string[], menu: Menu): DetectedDialog | null {
  const question = lineAbove(lines, menu.first);
  const full = /ready to execute\. Would you like to proceed\?/i.test(question.text);
  const short = /^Claude wants to exit plan mode/i.test(question.text);
  if (!full && !short) return null;
  const choices: DialogChoice[] = menu.options
    .filter((o) => /^(Yes|No)\b/i.test(o.text))
    .map((o) => ({ label: o.text, short: planShort(o.text), keys: [String(o.number)] }));
  if (!choices.some((c) => c.short === KEEP_PLANNING.short)) choices.push(KEEP_PLANNING);
  if (choices.length < 2) return null;
  const rules = lines
    .slice(0, question.line)
    .map((l, i) => (/^\s*╌{10,}\s*$/.test(l) ? i : -1))
    .filter((i) => i >= 0);
  const text =
    full && rules.length >= 2
      ? lines
          .slice(rules.at(-2)! + 1, rules.at(-1)!)
          .map((l) => l.trim())
          .join('\n')
      : '';
  const first = text.split('\n').find((l) => l && !/^#*\s*plan\s*$/i.test(l));
  const title = first
    ? `Approve the plan: ${first.replace(/^(#+|\d+\.)\s*/, '')}`
    : 'Approve the plan and leave plan mode?';
  return dialogOf('plan', oneLine(title), capDetail(text), choices);
}

/**
 * The folder-trust question ("Quick safety check … Yes, I trust this folder"): an
 * unnumbered menu with a `❯` cursor, "Enter to confirm · Esc to cancel". Yes moves the
 * cursor to its line and presses Enter; No is Escape (claude exits, as "No, exit" does).
 * The keys follow the cursor, so a moved cursor makes another fingerprint.
 */
function trustDialog(lines: readonly string[]): DetectedDialog | null {
  const tail = lines.slice(-30);
  const yes = tail.findIndex((l) => /^\s*(❯\s*)?Yes, I trust this folder\s*$/.test(l));
  const no = tail.findIndex((l) => /^\s*(❯\s*)?No, exit\s*$/.test(l));
  if (yes < 0 || no < 0 || !tail.slice(yes).some((l) => /Enter to confirm/.test(l))) return null;
  const cursorOnNo = /❯/.test(tail[no]!);
  const moves = cursorOnNo ? Array<string>(Math.abs(yes - no)).fill(yes > no ? 'Down' : 'Up') : [];
  const accessing = tail.findIndex((l) => /Accessing workspace:/.test(l));
  const folder =
    (accessing >= 0 ? tail.slice(accessing + 1).find((l) => l.trim()) : undefined)?.trim() ?? 'this folder';
  const text = tail
    .slice(
      Math.max(
        0,
        tail.findIndex((l) => /Accessing workspace:/.test(l)),
      ),
      Math.min(yes, no),
    )
    .map((l) => l.trim())
    .filter(Boolean)
    .join('\n');
  return dialogOf('trust', oneLine(`Trust the folder ${folder}?`), capDetail(text), [
    { label: 'Yes, I trust this folder', short: 'Trust this folder', keys: [...moves, 'Enter'] },
    { label: 'No, exit', short: 'Deny', keys: ['Escape'] },
  ]);
}

/**
 * Auto mode's own stop, as reported for 2.1.332 behind a proxy or offline: "Auto mode
 * can't check actions in this session … Enter to stay in auto mode · shift+Tab to leave
 * …". It has no numbered menu: Enter stays, shift+Tab (tmux `BTab`) leaves auto mode.
 */
function autoModeDialog(lines: readonly string[]): DetectedDialog | null {
  const tail = lines.slice(-25);
  const at = tail.findIndex((l) => /Auto mode can['’]t check actions/i.test(l));
  if (at < 0 || !tail.slice(at).some((l) => /Enter to stay in auto mode/i.test(l))) return null;
  const text = tail
    .slice(at)
    .map((l) => l.trim())
    .filter(Boolean)
    .join('\n');
  return dialogOf('mode', oneLine(tail[at]!.trim()), capDetail(text), [
    { label: 'Stay in auto mode', short: 'Stay in auto mode', keys: ['Enter'] },
    { label: 'Leave auto mode', short: 'Leave auto mode', keys: ['BTab'] },
  ]);
}

/** The line of the rule that opens the dialog's box (or the line above the question). */
function boxTop(lines: readonly string[], from: number): number {
  for (let i = from - 1; i >= 0 && from - i < 80; i--) if (RULE.test(lines[i]!)) return i;
  return Math.max(-1, from - 2);
}

function kindOf(header: string, question: string, text: string): DialogKind {
  const all = `${header}\n${text}`;
  if (/trust this folder|Quick safety check/i.test(all)) return 'trust';
  if (/Auto mode|permission mode|Bypass Permissions mode/i.test(all)) return 'mode';
  if (/^Bash command|^Shell/i.test(header)) return 'command';
  if (/^(Edit|Create|Write|Update) file|make this edit|want to create|overwrite/i.test(all)) return 'edit';
  if (/^Fetch|fetch this content|Web ?Search/i.test(all)) return 'fetch';
  if (/plan/i.test(header) || /proceed with (this|the) plan|ready to code/i.test(question)) return 'plan';
  if (/^Tool use|MCP|\(MCP\)/i.test(all)) return 'tool';
  if (/^Do you want to/i.test(question)) return 'tool';
  return 'question';
}

function describe(
  kind: DialogKind,
  header: string,
  question: string,
  body: readonly string[],
): { title: string; detail: string | null } {
  const text = body.join('\n');
  switch (kind) {
    case 'command': {
      // The body: the model's description, then the command between dashed rules.
      const command = body.at(-1) ?? '';
      return { title: oneLine(`Run: ${command}`), detail: capDetail(text) };
    }
    case 'edit': {
      const file = /(?:edit to|create|overwrite|write to)\s+(.+?)\?$/i.exec(question)?.[1] ?? header;
      return { title: oneLine(`${/create/i.test(question) ? 'Create' : 'Edit'} ${file}`), detail: capDetail(text) };
    }
    case 'fetch': {
      const url = firstUrl(text) ?? header;
      return { title: oneLine(`Fetch ${url}`), detail: capDetail(text) };
    }
    case 'question':
      return { title: oneLine(question), detail: capDetail([header, ...body].join('\n')) };
    default:
      return { title: oneLine(header ? `${header}: ${question}` : question), detail: capDetail(text) };
  }
}
