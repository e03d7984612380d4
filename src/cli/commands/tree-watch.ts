import type { Config } from '../../config/config-schema.js';
import { getTree } from '../../core/operations/agent-tree.js';
import { resultToMarkdown } from '../../core/surface/result-markdown.js';
import { connectAsOwner, type CliIo, type GlobalOptions } from '../cli-context.js';
import { EXIT_OK } from '../exit-codes.js';
import { printMarkdown } from '../output.js';

/** `omar tree --watch`: redraws the org chart whenever an agent, task, project or EA changes. */
export async function watchTree(config: Config, globals: GlobalOptions, io: CliIo): Promise<number> {
  const client = await connectAsOwner(config);
  const options = globals.ea !== undefined ? { ea: globals.ea } : {};
  let timer: NodeJS.Timeout | null = null;
  let drawing = Promise.resolve();
  const draw = (): void => {
    drawing = drawing
      .then(async () => {
        const tree = await client.call('get_tree', {}, options);
        if (globals.json) {
          io.stdout.write(`${JSON.stringify(tree)}\n`);
          return;
        }
        if (io.isTty) io.stdout.write('\u001b[2J\u001b[H');
        await printMarkdown(
          `${resultToMarkdown(getTree, tree)}\n\n_${new Date().toLocaleTimeString()} — watching; Ctrl-C to stop_`,
          io,
        );
      })
      .catch(() => undefined);
  };
  await client.subscribe(['agent', 'task', 'project', 'ea'], () => {
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
