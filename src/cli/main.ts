import { AppError, toAppError } from '../core/errors.js';
import { OPERATIONS } from '../core/registry.js';
import { parseCommand } from '../core/surface/parse-command.js';
import { VERSION } from '../version.js';
import { connectAsOwner, loadCliConfig, type CliIo, type GlobalOptions } from './cli-context.js';
import { callFromCli } from './daemon-call.js';
import { EXIT_OK, EXIT_USAGE, exitCodeFor } from './exit-codes.js';
import { findLocalCommand } from './local-commands.js';
import { printError, printResult } from './output.js';
import { prepareCliInput, readAll } from './prepare-input.js';
import { Readable } from 'node:stream';

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
      return await runHelp(first === 'help' ? words.slice(1) : words, globals, io);
    }
    if (local) return await local.run(words.slice(1), globals, io);

    const parsed = parseCommand(words, OPERATIONS, 'cli');
    const { op, watch } = parsed;
    const input = await prepareCliInput(op.name, parsed.input, {
      cwd: io.cwd,
      readStdin: () => readAll(io.stdin ?? emptyStdin()),
    });
    const config = loadCliConfig(io, {}, globals);
    const topics = op.cli?.watch?.topics;
    if (watch && topics) {
      const { watchResult } = await import('./commands/watch-result.js');
      return await watchResult({ op, input, topics }, config, globals, io);
    }
    const client = await connectAsOwner(config, io.env).catch(async (error: unknown) => {
      if (op.name !== LOCAL_FALLBACK_OPERATION || toAppError(error).code !== 'DAEMON_UNREACHABLE') throw error;
      return null;
    });
    if (!client) {
      // What `omar backends` reports is local: without a daemon, look here.
      const { listBackendsHere } = await import('./commands/backends-here.js');
      await printResult(op, await listBackendsHere(config), globals, io);
      return EXIT_OK;
    }
    // Keyed if it writes; sent once more if a daemon restart cuts it (daemon-call.ts).
    const result = await callFromCli(client, {
      op,
      input,
      ...(globals.ea !== undefined ? { ea: globals.ea } : {}),
      connect: () => connectAsOwner(config, io.env),
      stderr: io.stderr,
    });
    await printResult(op, result, globals, io);
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
  const seen = new Set<string>();
  for (let i = 0; i < argv.length; i += 1) {
    const word = argv[i]!;
    if (word === '--') {
      words.push(...argv.slice(i));
      break;
    }
    const flag = globalFlagName(word);
    if (flag !== null) {
      if (seen.has(flag)) throw new AppError('USAGE', `${flag} is given twice.`, { hint: `Give ${flag} once.` });
      seen.add(flag);
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

/** The one operation the CLI can answer without the daemon. */
const LOCAL_FALLBACK_OPERATION = 'list_backends';

function emptyStdin(): NodeJS.ReadableStream {
  return Readable.from([]);
}

/** The global flag a word is (its long name), or null. */
function globalFlagName(word: string): string | null {
  if (word === '--json') return '--json';
  if (word === '--help' || word === '-h') return '--help';
  if (word === '--version' || word === '-V') return '--version';
  if (word === '--ea' || word.startsWith('--ea=')) return '--ea';
  if (word === '--home' || word.startsWith('--home=')) return '--home';
  return null;
}

function eaIdNeeded(value: string): AppError {
  return new AppError('USAGE', `--ea needs an EA id (a number), got '${value}'.`, {
    hint: 'See the ids with omar ea list.',
  });
}

export { EXIT_USAGE };
