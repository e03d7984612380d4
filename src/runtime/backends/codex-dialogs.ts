import type { DetectedDialog, DialogChoice, DialogKind } from '../../core/backends/screen-dialog.js';
import { capDetail, dialogOf, lastNumberedMenu, oneLine, screenLines, shortFor } from './screen-menu.js';

/**
 * Codex's approval prompts on screen (checked against 0.169.0; fixtures in
 * test/fixtures/dialogs/codex): a question ("Would you like to run the following
 * command?", "… make the following edits?", "Allow … to run tool …?"), the reason and the
 * command or patch, then a numbered menu whose options carry their own shortcut key in
 * parentheses — `(y)`, `(p)`, `(a)`, `(esc)` — and the footer "Press enter to confirm or
 * esc to cancel". The key of each choice is that shortcut (Escape for esc), else its number.
 * A tool of another MCP server (your own `~/.codex/config.toml` servers) asks "Allow the
 * <server> MCP server to run tool "<tool>"?" with the call's arguments, options whose
 * meaning follows in a second column ("Allow   Run the tool and continue"), no shortcuts
 * (a digit picks and submits), and "enter to submit | esc to cancel".
 */

const FOOTER = /Press enter to confirm|esc to cancel/i;
const QUESTION = /^(Would you like to|Do you want to|Allow |Approve )/;
const SHORTCUT = /\s*\((esc|[a-z])\)$/;

export function detectCodexDialog(screen: string): DetectedDialog | null {
  const lines = screenLines(screen);
  const menu = lastNumberedMenu(lines);
  if (!menu) return null;
  if (!lines.slice(menu.last + 1).some((l) => FOOTER.test(l))) return null;
  let q = -1;
  for (let i = menu.first - 1; i >= 0 && menu.first - i < 60; i--) {
    if (QUESTION.test(lines[i]!.trim())) {
      q = i;
      break;
    }
  }
  if (q < 0) return null;
  const question = lines[q]!.trim();
  const body = lines.slice(q + 1, menu.first).map((l) => l.trim());
  const kind = kindOf(question);
  const choices: DialogChoice[] = menu.options.map((o) => {
    const hint = SHORTCUT.exec(o.text)?.[1];
    // The label, without its shortcut or its meaning column.
    const label = o.text.replace(SHORTCUT, '').split(/\s{2,}/)[0]!;
    return { label, short: shortFor(label), keys: [hint === 'esc' ? 'Escape' : (hint ?? String(o.number))] };
  });
  const command = body.find((l) => l.startsWith('$ '))?.slice(2);
  const mcp = /^Allow the (.+?) MCP server to run tool "(.+)"\?$/.exec(question);
  const title =
    kind === 'command' && command
      ? `Run: ${command}`
      : kind === 'edit'
        ? `Edit ${body.find((l) => /^[^\s:]+\.[A-Za-z0-9]+\b/.test(l)) ?? 'files'}`
        : mcp
          ? `Use ${mcp[2]} of the ${mcp[1]} MCP server`
          : question;
  return dialogOf(kind, oneLine(title), capDetail(body.join('\n')), choices);
}

function kindOf(question: string): DialogKind {
  if (/MCP server to run tool/i.test(question)) return 'tool';
  if (/run the following command|run this command/i.test(question)) return 'command';
  if (/edits?|apply|patch|write/i.test(question)) return 'edit';
  if (/network|fetch|url/i.test(question)) return 'fetch';
  if (/tool|MCP/i.test(question)) return 'tool';
  return 'question';
}
