import type { Config } from '../../config/config-schema.js';
import type { AnyOperation } from '../../core/operation.js';
import type { JournalTopic } from '../../core/ports.js';
import { resultToMarkdown } from '../../core/surface/result-markdown.js';
import { connectAsOwner, type CliIo, type GlobalOptions } from '../cli-context.js';
import { EXIT_OK } from '../exit-codes.js';
import { printMarkdown } from '../output.js';

export interface WatchedCall {
  op: AnyOperation;
  input: Record<string, unknown>;
  /** Journal topics whose entries may change the result (the surface's `watch.topics`). */
  topics: readonly JournalTopic[];
}

/**
 * `--watch` (e.g. `omar tree --watch`): calls the operation and draws its result, then
 * again whenever the journal records an entry of one of the topics, until Ctrl-C.
 */
export async function watchResult(
  call: WatchedCall,
  config: Config,
  globals: GlobalOptions,
  io: CliIo,
): Promise<number> {
  const client = await connectAsOwner(config);
  const options = globals.ea !== undefined ? { ea: globals.ea } : {};
  let timer: NodeJS.Timeout | null = null;
  let drawing = Promise.resolve();
  const draw = (): void => {
    drawing = drawing
      .then(async () => {
        const result = await client.call(call.op.name, call.input, options);
        if (globals.json) {
          io.stdout.write(`${JSON.stringify(result)}\n`);
          return;
        }
        if (io.isTty) io.stdout.write('\u001b[2J\u001b[H');
        await printMarkdown(
          `${resultToMarkdown(call.op, result)}\n\n_${new Date().toLocaleTimeString()} — watching; Ctrl-C to stop_`,
          io,
        );
      })
      .catch(() => undefined);
  };
  await client.subscribe(call.topics, () => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      draw();
    }, 100);
  });
  draw();
  await new Promise<void>((resolve) => {
    client.onClose(resolve);
    process.once('SIGINT', () => {
      client.close();
      resolve();
    });
  });
  return EXIT_OK;
}
