import { lastOutputLines } from '../../core/text/pane-text.js';
import type { Multiplexer } from '../../core/ports.js';

/** What tmux prints in a pane whose process ended (remain-on-exit): not the agent's output. */
const TMUX_DEAD_LINE = /^Pane is dead/;

/** The last `count` lines a dead pane printed (why it died: a crash, a refused start); none if it cannot be read. */
export async function deadPaneOutput(mux: Multiplexer, session: string, count: number): Promise<string[]> {
  const screen = await mux.capture(session, { lines: 40 }).catch(() => '');
  return lastOutputLines(screen, count, TMUX_DEAD_LINE);
}
