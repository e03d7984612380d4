import type { DetectedDialog, DialogKind } from '../backends/screen-dialog.js';

/**
 * `[[dialogs.rules]]` (docs/contracts.md §7a): prompts a person never wants to see,
 * answered by omar the moment they show — and only those. A rule names the backend (or
 * any), the kinds it covers, a case-insensitive regular expression the prompt's title or
 * detail must match, and the answer (a choice's number, label or short meaning). The
 * first rule that matches wins; each use is journaled as `dialog.rule`.
 */
export interface DialogRule {
  /** Its place in config.toml, from 1: `rule 2` signs what it answered. */
  index: number;
  /** A backend name, or null for every backend. */
  backend: string | null;
  /** Kinds it covers; empty: every kind. */
  kinds: readonly DialogKind[];
  /** Tested against `title` and `detail`, case-insensitive. */
  match: RegExp;
  answer: string;
}

/** The rule that answers this prompt, and the index of its choice; null when none does. */
export function ruleFor(
  rules: readonly DialogRule[],
  backend: string,
  dialog: Pick<DetectedDialog, 'kind' | 'title' | 'detail' | 'choices'>,
): { rule: DialogRule; choice: number } | null {
  for (const rule of rules) {
    if (rule.backend !== null && rule.backend !== backend) continue;
    if (rule.kinds.length > 0 && !rule.kinds.includes(dialog.kind)) continue;
    if (!rule.match.test(dialog.title) && !(dialog.detail !== null && rule.match.test(dialog.detail))) continue;
    const choice = choiceIndex(dialog.choices, rule.answer);
    if (choice !== null) return { rule, choice };
  }
  return null;
}

/** A rule's answer as a choice: its number, label or short meaning (any case); null when the prompt has no such choice. */
export function choiceIndex(choices: ReadonlyArray<{ label: string; short: string }>, answer: string): number | null {
  const text = answer.trim().toLowerCase();
  if (/^\d+$/.test(text)) {
    const index = Number(text) - 1;
    return index >= 0 && index < choices.length ? index : null;
  }
  const found = choices.findIndex((c) => c.label.toLowerCase() === text || c.short.toLowerCase() === text);
  return found >= 0 ? found : null;
}

/** `rule 2` — how a rule signs its answer. */
export function ruleSignature(rule: Pick<DialogRule, 'index'>): string {
  return `rule ${rule.index}`;
}
