import { parseArgs } from 'node:util';
import { createChatTerminal } from '../../bridges/console/chat-terminal.js';
import { runConsoleChat } from '../../bridges/console/console-chat.js';
import { connectAsOwner, loadCliConfig, type CliIo, type GlobalOptions } from '../cli-context.js';
import { EXIT_OK } from '../exit-codes.js';
import { colorWanted } from '../render/render-markdown.js';

/**
 * `omar chat [--ea N|NAME]`: the terminal chat with an EA (docs/chat-ux.md). Reads lines
 * from stdin (a terminal or not), prints what the EA and omar send; Ctrl-C or the end of
 * the input leaves, and omar keeps running.
 */
export async function runChat(args: string[], globals: GlobalOptions, io: CliIo): Promise<number> {
  parseArgs({ args, options: {}, strict: true, allowPositionals: false });
  const config = loadCliConfig(io, {}, globals);
  const terminal = createChatTerminal(process.stdin, io.stdout);
  // Without a terminal Ctrl-C is a signal, not a key: leave the same way.
  const leave = (): void => terminal.close();
  process.once('SIGINT', leave);
  process.once('SIGTERM', leave);
  try {
    await runConsoleChat({
      connect: () => connectAsOwner(config),
      ...(globals.eaName !== undefined ? { ea: globals.eaName } : globals.ea !== undefined ? { ea: globals.ea } : {}),
      terminal,
      color: colorWanted(io.env, io.isTty),
    });
  } finally {
    process.off('SIGINT', leave);
    process.off('SIGTERM', leave);
  }
  return EXIT_OK;
}
