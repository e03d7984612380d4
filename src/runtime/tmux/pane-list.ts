import type { PaneInfo } from '../../core/ports.js';

/** The session the control client keeps attached; never an agent, never listed. */
export const CONTROL_SESSION = '_omar_ctl';

/** Fields of one `list-panes -a` row, in order. The command goes last: it may contain anything. */
export const PANE_FIELDS = [
  'session_name',
  'pane_id',
  'pane_pid',
  'pane_dead',
  'pane_dead_status',
  'pane_dead_signal',
  'window_activity',
  'session_attached',
  'pane_current_command',
] as const;

export const PANE_SEPARATOR = '\t';

/** The `-F` argument of `list-panes -a` (pass it as one quoted argument). */
export const PANE_LIST_FORMAT = PANE_FIELDS.map((field) => `#{${field}}`).join(PANE_SEPARATOR);

/**
 * Parses `list-panes -a -F PANE_LIST_FORMAT` output. Malformed rows and the control session are skipped.
 * A pane killed by signal N gets deadStatus 128 + N (the shell's convention). A dead pane whose
 * status tmux has not collected yet (see tmux-multiplexer.ts) has deadStatus null.
 */
export function parsePaneList(lines: readonly string[], exclude: readonly string[] = [CONTROL_SESSION]): PaneInfo[] {
  const panes: PaneInfo[] = [];
  for (const line of lines) {
    const pane = parsePaneLine(line);
    if (pane && !exclude.includes(pane.session)) panes.push(pane);
  }
  return panes;
}

export function parsePaneLine(line: string): PaneInfo | null {
  const parts = line.split(PANE_SEPARATOR);
  if (parts.length < PANE_FIELDS.length) return null;
  const [session, paneId, pid, dead, deadStatus, deadSignal, activity, attached] = parts as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const command = parts.slice(PANE_FIELDS.length - 1).join(PANE_SEPARATOR);
  if (session === '' || !paneId.startsWith('%')) return null;
  const pidNumber = toInt(pid);
  const activitySeconds = toInt(activity);
  if (pidNumber === null || activitySeconds === null) return null;
  const signal = toInt(deadSignal);
  const status = deadStatus !== '' ? toInt(deadStatus) : signal !== null ? 128 + signal : null;
  return {
    session,
    paneId,
    pid: pidNumber,
    dead: dead === '1',
    deadStatus: dead === '1' ? status : null,
    activityMs: activitySeconds * 1000,
    attached: (toInt(attached) ?? 0) > 0,
    command,
  };
}

function toInt(text: string): number | null {
  if (!/^-?\d+$/.test(text)) return null;
  return Number(text);
}
