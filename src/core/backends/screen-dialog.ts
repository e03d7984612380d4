/** What kind of thing an agent's CLI waits for a person to decide (docs/contracts.md). */
export const DIALOG_KINDS = ['command', 'edit', 'fetch', 'tool', 'question', 'trust', 'plan', 'mode'] as const;
export type DialogKind = (typeof DIALOG_KINDS)[number];

/** One of the CLI's own choices, with how to pick it. */
export interface DialogChoice {
  /** The CLI's label, e.g. "Yes, and don't ask again for npm test commands". */
  label: string;
  /** Short plain meaning for a button, e.g. "Allow once", "Allow for this session", "Deny". */
  short: string;
  /** tmux key names that pick it (send-keys, never pasted text), fixed by the adapter, e.g. ['1'] or ['Down','Enter']. */
  keys: readonly string[];
}

/** A dialog found on a captured screen. */
export interface DetectedDialog {
  kind: DialogKind;
  /** One line: what the agent wants (e.g. "Run: npm test", "Edit src/a.ts", "Fetch https://…", the question). */
  title: string;
  /** More: the full command, a short diff, the question's text; ≤ 1 500 chars; null when the title says it all. */
  detail: string | null;
  choices: readonly DialogChoice[];
  /** Same prompt still on screen → same fingerprint; a new prompt → a new one (hash of kind+title+detail+choices). */
  fingerprint: string;
}
