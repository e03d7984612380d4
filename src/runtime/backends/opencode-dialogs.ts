import type { DetectedDialog, DialogChoice, DialogKind } from '../../core/backends/screen-dialog.js';
import { capDetail, dialogOf, oneLine, screenLines, shortFor, firstUrl } from './screen-menu.js';

/**
 * opencode's permission prompt on screen (checked against 1.18.33; fixtures in
 * test/fixtures/dialogs/opencode): `△ Permission required`, a line naming what is asked
 * ("# Shell command", "→ Edit notes.md", …), the command or diff, and one row of buttons
 * "Allow once   Allow always   Reject" with "⇆ select  enter confirm". The first button
 * is selected when the prompt opens: Enter allows once, Right then Enter allows always,
 * Escape rejects.
 */

/** The line that names what is asked, after its icon: `# Shell command`, `→ Edit notes.md`, `% WebFetch <url>`. */
const WHAT = /^[^\w\s$]\s/;
const MARKER = /△\s*Permission required/;
const BUTTONS = /^\s*Allow once\s{2,}Allow always\s{2,}Reject\b/;

const KEYS: Record<string, readonly string[]> = {
  'Allow once': ['Enter'],
  'Allow always': ['Right', 'Enter'],
  Reject: ['Escape'],
};

export function detectOpencodeDialog(screen: string): DetectedDialog | null {
  const lines = screenLines(screen);
  let m = -1;
  for (let i = lines.length - 1; i >= 0 && lines.length - i < 60; i--) {
    if (MARKER.test(lines[i]!)) {
      m = i;
      break;
    }
  }
  if (m < 0) return null;
  const b = lines.findIndex((l, i) => i > m && BUTTONS.test(l));
  if (b < 0) return null;
  const body = lines.slice(m + 1, b).map((l) => l.trim());
  const what = (body.find((l) => WHAT.test(l)) ?? '# ').slice(2).trim();
  const rest = body.filter((l) => l && !WHAT.test(l));
  const kind = kindOf(what);
  const command = rest.find((l) => l.startsWith('$ '))?.slice(2);
  const title =
    kind === 'command' && command
      ? `Run: ${command}`
      : kind === 'fetch'
        ? `Fetch ${firstUrl(body.join(' ')) ?? what}`
        : what || 'Permission required';
  const choices: DialogChoice[] = Object.entries(KEYS).map(([label, keys]) => ({
    label,
    short: shortFor(label),
    keys,
  }));
  return dialogOf(kind, oneLine(title), capDetail(rest.join('\n')), choices);
}

function kindOf(what: string): DialogKind {
  if (/shell|command|bash/i.test(what)) return 'command';
  if (/^(edit|write|patch|create)\b/i.test(what)) return 'edit';
  if (/fetch|web/i.test(what)) return 'fetch';
  if (/director/i.test(what)) return 'edit';
  return 'tool';
}
