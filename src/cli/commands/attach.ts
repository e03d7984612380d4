import { spawn, spawnSync } from 'node:child_process';
import type { Config } from '../../config/config-schema.js';
import { AppError } from '../../core/errors.js';
import { connectAsOwner, loadCliConfig, type CliIo, type GlobalOptions } from '../cli-context.js';
import { EXIT_OK } from '../exit-codes.js';

/** `omar attach NAME`: this terminal joins the agent's tmux session on omar's private server. */
export async function runAttach(args: string[], globals: GlobalOptions, io: CliIo): Promise<number> {
  const name = args.find((a) => !a.startsWith('-'));
  if (!name) throw new AppError('USAGE', 'Which agent? Usage: omar attach NAME (use ea for the EA).');
  const config = loadCliConfig(io, {}, globals);
  const client = await connectAsOwner(config);
  let session: string;
  try {
    const agent = await client.call<{ session: string }>(
      'get_agent',
      { name, lines: 1 },
      globals.ea !== undefined ? { ea: globals.ea } : {},
    );
    session = agent.session;
  } finally {
    client.close();
  }
  if (!io.isTty)
    throw new AppError('USAGE', 'omar attach needs a terminal.', {
      hint: `Use omar peek ${name} to read its screen instead.`,
    });
  return attachToSession(config, session, io, { waitMs: 0 });
}

export async function attachToSession(
  config: Config,
  session: string,
  io: CliIo,
  options: { waitMs: number },
): Promise<number> {
  const env = { ...io.env };
  delete env['TMUX'];
  delete env['TMUX_PANE'];
  const base = ['-L', config.tmux.socket];
  const deadline = Date.now() + options.waitMs;
  while (spawnSync('tmux', [...base, 'has-session', '-t', `=${session}`], { env, stdio: 'ignore' }).status !== 0) {
    if (Date.now() >= deadline) {
      throw new AppError('NOT_FOUND', `The session ${session} does not exist on tmux socket '${config.tmux.socket}'.`, {
        hint: 'See omar status and omar list.',
      });
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const child = spawn('tmux', [...base, 'attach-session', '-t', `=${session}`], { env, stdio: 'inherit' });
  const code = await new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
  return code === 0 ? EXIT_OK : code;
}
