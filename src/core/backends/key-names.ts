import { AppError } from '../errors.js';

/**
 * The tmux key names an adapter may press to answer a prompt: one letter or digit, or a
 * named key. Nothing else — no text, no `;` (tmux's command separator), no sequences —
 * so no person's or agent's text can ever become keystrokes through an answer.
 */
export const KEY_NAME =
  /^(?:[A-Za-z0-9]|Enter|Escape|Tab|BTab|Space|BSpace|Up|Down|Left|Right|Home|End|PageUp|PageDown|C-[a-z])$/;

/** INVALID_INPUT unless `key` is one plain key name. */
export function assertKeyName(key: string): void {
  if (KEY_NAME.test(key)) return;
  throw new AppError('INVALID_INPUT', `'${key.slice(0, 20)}' is not a key name omar presses.`, {
    hint: 'Answers press only single letters or digits and named keys (Enter, Escape, Up, Down, BTab …).',
  });
}
