/**
 * Reading and answering a real CLI's prompt in a backend world, as a person does through
 * omar: the adapter's detector finds it on screen, `omar dialogs` lists it, the agent is
 * `waiting` with the question as its status line, a card is queued, and `omar answer NAME
 * CHOICE` presses the choice's keys through the agent's lane.
 */
import { expect } from 'vitest';
import type { DetectedDialog, DialogChoice } from '#core/backends/screen-dialog.js';
import { backendByName } from '#runtime/backends/backend-registry.js';
import { waitFor } from '../helpers/wait-for.js';
import type { BackendWorld } from './harness.js';
import type { CliName } from './install-clis.js';

export const SESSION = 'omar-agent-0-w';

export interface DialogRow {
  id: string;
  agent: string;
  kind: string;
  title: string;
  status: string;
  choices: Array<{ number: number; short: string }>;
}

/** The helpers, bound to the test's current world (`current()` is read on every call). */
export function dialogHelpers(current: () => BackendWorld) {
  /** The visible screen, as the supervisor captures it. */
  const screen = (session = SESSION): string =>
    current().world.tmux(['capture-pane', '-p', '-J', '-t', `=${session}:`]).stdout;

  const waitDialog = async (cli: CliName, what: string, match: (d: DetectedDialog) => boolean, session = SESSION) => {
    const adapter = backendByName(cli);
    const found = await waitFor(
      () => {
        const d = adapter.detectDialog!(screen(session));
        return d && match(d) ? d : null;
      },
      { timeoutMs: 90_000, intervalMs: 300, describe: async () => `${cli}: ${what}\n${await current().describe()}` },
    );
    return found!;
  };

  const openDialogs = async (): Promise<DialogRow[]> =>
    (await current().world.omarJson<{ dialogs: DialogRow[] }>(['dialogs'])).dialogs;

  /**
   * Answers through omar, as a person does: the daemon has seen the prompt (`omar dialogs`
   * lists it, the agent is `waiting` with the question as its status line, a card for the
   * person is queued), then `omar answer NAME CHOICE` presses the choice's keys through the
   * agent's lane and returns once the prompt has left the screen.
   */
  const answer = async (
    cli: CliName,
    dialog: DetectedDialog,
    choice: DialogChoice,
    session = SESSION,
  ): Promise<void> => {
    const name = session.replace(/^omar-agent-0-/, '');
    const row = await waitFor(
      async () => (await openDialogs()).find((d) => d.agent === name && d.title === dialog.title),
      {
        timeoutMs: 30_000,
        describe: async () => `${cli}: omar never listed "${dialog.title}"\n${await current().describe()}`,
      },
    );
    expect(row!.choices.map((c) => c.short)).toEqual(dialog.choices.map((c) => c.short));
    const agents = (
      await current().world.omarJson<{ agents: Array<{ name: string; health: string; status_line: string | null }> }>([
        'list',
      ])
    ).agents;
    expect(agents.find((a) => a.name === name)).toMatchObject({
      health: 'waiting',
      status_line: `waiting: ${dialog.title}`,
    });
    const outbox = (await current().world.omarJson<{ items: Array<{ text: string }> }>(['outbox', '--all'])).items;
    expect(outbox.some((o) => o.text.includes(name))).toBe(true);
    const sent = Date.now();
    const answered = await current().world.omar(['answer', name, choice.short]);
    expect(answered.exitCode, `${answered.stdout}${answered.stderr}`).toBe(0);
    console.error(
      `[needs-input] ${cli}: omar answer "${choice.short}" took ${Date.now() - sent} ms to the prompt gone`,
    );
  };
  return { screen, waitDialog, openDialogs, answer };
}
