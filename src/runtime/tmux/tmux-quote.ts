import { AppError } from '../../core/errors.js';

/**
 * Quoting for tmux's command parser (cmd-parse.y), as used on one control-mode line.
 *
 * Each argument is wrapped in double quotes. Inside double quotes tmux still expands
 * `$VAR`, a leading `~`, and backslash escapes, so those are escaped; `#` is escaped too
 * (harmless, and safe should a future parser treat `#{` inside quotes specially). Line
 * feeds, tabs and every other control character become three-digit octal escapes
 * (`\ooo`), because a raw line feed would end the control line. Everything else,
 * including `;`, `'` and any non-ASCII text, is passed through as UTF-8: inside double
 * quotes it is literal. NUL cannot be represented (tmux strings are C strings).
 */
export function tmuxQuote(arg: string): string {
  let out = '"';
  for (const ch of arg) {
    const code = ch.codePointAt(0)!;
    if (code === 0) {
      throw new AppError('INVALID_INPUT', 'Text containing a NUL character cannot be sent through tmux.', {
        hint: 'Remove the NUL (\\0) characters from the text.',
      });
    }
    if (code < 0x20 || code === 0x7f) {
      out += `\\${code.toString(8).padStart(3, '0')}`;
    } else if (ch === '"' || ch === '\\' || ch === '$' || ch === '#' || ch === '~') {
      out += `\\${ch}`;
    } else {
      out += ch;
    }
  }
  return `${out}"`;
}

/** One control-mode line (without the trailing line feed) running `args` as one command. */
export function buildCommand(args: readonly string[]): string {
  if (args.length === 0) throw new AppError('INTERNAL', 'A tmux command needs at least a command name.');
  return args.map(tmuxQuote).join(' ');
}
