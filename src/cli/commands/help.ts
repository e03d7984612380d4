import { AppError } from '../../core/errors.js';
import { OPERATIONS } from '../../core/registry.js';
import { renderCommandHelp, renderHelp } from '../../core/surface/help.js';
import { matchCommand } from '../../core/surface/parse-command.js';
import type { CliIo, GlobalOptions } from '../cli-context.js';
import { EXIT_OK } from '../exit-codes.js';
import { findLocalCommand, LOCAL_COMMANDS } from '../local-commands.js';
import { printMarkdown } from '../output.js';

/** `omar help [COMMAND…]`, generated from the registry plus the CLI-only commands. */
export async function runHelp(words: string[], globals: GlobalOptions, io: CliIo): Promise<number> {
  const commandWords = words.filter((w) => !w.startsWith('-'));
  if (commandWords.length === 0) {
    const local = LOCAL_COMMANDS.map((c) => `| \`${c.usage}\` | ${c.summary} |`).join('\n');
    const md = `# omar — an organisation of coding agents in tmux\n\n${renderHelp(OPERATIONS, 'cli', { prefix: 'omar' })}\n\n## Local commands\n\n| command | what it does |\n| --- | --- |\n${local}\n\nGlobal flags: \`--json\` (machine output), \`--ea N\` (act in EA N), \`--home DIR\` (another OMAR_HOME), \`--version\`.\nRun \`omar help COMMAND\` for one command's flags.\n`;
    if (globals.json)
      io.stdout.write(
        `${JSON.stringify({ commands: OPERATIONS.filter((o) => o.cli).map((o) => ({ name: o.name, path: o.cli!.path, summary: o.summary })), local: LOCAL_COMMANDS.map((c) => ({ name: c.name, usage: c.usage, summary: c.summary })) }, null, 2)}\n`,
      );
    else await printMarkdown(md, io);
    return EXIT_OK;
  }
  const local = findLocalCommand(commandWords);
  if (local) {
    await printMarkdown(`\`${local.usage}\`\n\n${local.summary}\n`, io);
    return EXIT_OK;
  }
  const match = matchCommand(commandWords, OPERATIONS, 'cli');
  if (!match)
    throw new AppError('USAGE', `There is no command '${commandWords.join(' ')}'.`, {
      hint: 'Run `omar help` for the list.',
    });
  await printMarkdown(renderCommandHelp(match.op, 'cli', 'omar'), io);
  return EXIT_OK;
}
