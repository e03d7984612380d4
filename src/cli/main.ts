import { AppError, toAppError } from '../core/errors.js';
import { OPERATIONS } from '../core/registry.js';
import { parseCommand } from '../core/surface/parse-command.js';
import { VERSION } from '../version.js';
import { connectAsOwner, loadCliConfig, type CliIo, type GlobalOptions } from './cli-context.js';
import { EXIT_OK, EXIT_USAGE, exitCodeFor } from './exit-codes.js';
import { findLocalCommand } from './local-commands.js';
import { printError, printResult } from './output.js';

/**
 * The `omar` command: a client of the control API. Operation commands are parsed
 * with the shared grammar from the registry; local commands (up, attach, doctor, help)
 * run here. The one catch point of the CLI surface.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let globals: GlobalOptions = { json: false, help: false, version: false };
  try {
    const split = extractGlobals(argv);
    globals = split.globals;
    const words = split.words;
    const local = findLocalCommand(words);
    if (globals.eaName !== undefined && !local?.eaByName) throw eaIdNeeded(globals.eaName);
    if (globals.version) {
      io.stdout.write(`omar ${VERSION}\n`);
      return EXIT_OK;
    }
    const first = words[0];
    if (first === undefined || first === 'help' || globals.help) {
      const { runHelp } = await import('./commands/help.js');
      return runHelp(first === 'help' ? words.slice(1) : words, globals, io);
    }
    if (local) return await local.run(words.slice(1), globals, io);

    const { op, input, watch } = parseCommand(words, OPERATIONS, 'cli');
    const config = loadCliConfig(io, {}, globals);
    const topics = op.cli?.watch?.topics;
    if (watch && topics) {
      const { watchResult } = await import('./commands/watch-result.js');
      return await watchResult({ op, input, topics }, config, globals, io);
    }
    const client = await connectAsOwner(config);
    try {
      const result = await client.call(op.name, input, globals.ea !== undefined ? { ea: globals.ea } : {});
      await printResult(op, result, globals, io);
    } finally {
      client.close();
    }
    return EXIT_OK;
  } catch (thrown) {
    const error = toAppError(thrown);
    printError(error, globals, io);
    return exitCodeFor(error);
  }
}

/**
 * `--json`, `--ea N`, `--home DIR`, `--help`/`-h`, `--version`/`-V` may stand anywhere before `--`.
 * `--ea` with a name is kept as `eaName` for the commands that resolve names (`omar chat`).
 */
export function extractGlobals(argv: readonly string[]): { globals: GlobalOptions; words: string[] } {
  const globals: GlobalOptions = { json: false, help: false, version: false };
  const words: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const word = argv[i]!;
    if (word === '--') {
      words.push(...argv.slice(i));
      break;
    }
    if (word === '--json') globals.json = true;
    else if (word === '--help' || word === '-h') globals.help = true;
    else if (word === '--version' || word === '-V') globals.version = true;
    else if (word === '--ea' || word.startsWith('--ea=')) {
      const value = word.startsWith('--ea=') ? word.slice(5) : argv[++i];
      if (value === undefined || value === '') throw eaIdNeeded(value ?? '');
      if (/^\d+$/.test(value)) globals.ea = Number(value);
      else globals.eaName = value;
    } else if (word === '--home' || word.startsWith('--home=')) {
      const value = word.startsWith('--home=') ? word.slice(7) : argv[++i];
      if (!value) throw new AppError('USAGE', '--home needs a directory.');
      globals.home = value;
    } else words.push(word);
  }
  return { globals, words };
}

function eaIdNeeded(value: string): AppError {
  return new AppError('USAGE', `--ea needs an EA id (a number), got '${value}'.`, {
    hint: 'See the ids with omar ea list.',
  });
}

export { EXIT_USAGE };
