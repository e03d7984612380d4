/**
 * The chat jobs with a real daemon: a sim organisation working for a project that was
 * asked for in chat. No chat bridge runs here, so what the jobs queue stays in the
 * outbox, which `omar outbox --all --json` shows: the chart's root (filled in, not yet
 * sent, so each redraw replaces it) and the notices for its thread.
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { resolvePaths } from '#config/paths.js';
import { connectToDaemon } from '#runtime/control/daemon-client.js';
import { createOmarWorld, type OmarWorld } from '../helpers/omar-env.js';
import { describeWithTmux } from '../helpers/tmux-server.js';
import { waitFor } from '../helpers/wait-for.js';

const CONFIG = [
  '[agent]',
  'backend = "sim"',
  '[health]',
  'tick_ms = 200',
  'idle_seconds = 1',
  '[chat]',
  'edit_interval_seconds = 0.5',
  '',
].join('\n');

interface OutboxRow {
  id: string;
  kind: string;
  key: string | null;
  conversation: string | null;
  text: string;
}

describeWithTmux('chat jobs', () => {
  let world: OmarWorld;

  beforeEach(async () => {
    world = createOmarWorld({ config: CONFIG });
    await world.startDaemon();
  });
  afterEach(async () => {
    await world.cleanup();
  });

  const outbox = async (): Promise<OutboxRow[]> =>
    (await world.omarJson<{ items: OutboxRow[] }>(['outbox', '--all'])).items;
  const chart = async (): Promise<string> => (await outbox()).find((o) => o.key === 'chart:p1')?.text ?? '';
  const describeOutbox = async (): Promise<string> => JSON.stringify(await outbox(), null, 1);

  /** A person writes in the console (as the chat router would hand it over): conversation c1. */
  const personWrites = async (text: string): Promise<void> => {
    const paths = resolvePaths(world.home);
    const token = readFileSync(paths.ownerToken, 'utf8').trim();
    const client = await connectToDaemon({ socket: paths.socket, token });
    try {
      await client.call('receive_chat_message', {
        platform: 'console',
        channel: 'term-1',
        thread: null,
        message_id: 'm1',
        direct: true,
        threaded: false,
        user_id: 'alice',
        user_name: 'Alice',
        text,
      });
    } finally {
      client.close();
    }
  };

  it('a sim team’s chart is drawn and redrawn as it grows and folds, its notices queued for its thread; it ends completed', async () => {
    await personWrites('status');
    const added = await world.omarJson<{ project_id: number; conversation: string }>([
      'project',
      'add',
      'api',
      '--conversation',
      'c1',
    ]);
    expect(added).toMatchObject({ project_id: 1, conversation: 'c1' });
    // Six children that each live 3 s: the whole organisation stands long enough for a redraw to
    // catch it (a sim binary tree can grow and fold within one edit window).
    await world.omarJson(['spawn', 'root', '--backend', 'sim', '--task', 'flat n=6 task=sleep:3', '--project-id', '1']);

    await waitFor(async () => /^api · 7 agents: .* · started by Alice/.test(await chart()), {
      timeoutMs: 60_000,
      describe: describeOutbox,
    });
    await waitFor(async () => (await world.omarJson<{ agents: unknown[] }>(['list'])).agents.length === 0, {
      timeoutMs: 60_000,
      intervalMs: 250,
      describe: async () => (await world.omar(['list'])).stdout,
    }).catch(async () => {
      // The sim EA folds a finished tree back; if it has not, do it for it.
      await world.omar(['kill', 'root', '--recursive']);
    });
    await world.omarJson(['project', 'complete', '1']);
    await waitFor(async () => (await chart()) === '✔ api · completed', { timeoutMs: 15_000, describe: describeOutbox });

    const items = await outbox();
    // One root, never a second one: each redraw replaced the waiting post.
    expect(items.filter((o) => o.key === 'chart:p1').map((o) => o.kind)).toEqual(['post']);
    const notices = items.filter((o) => o.key === null && o.conversation === 'c1').map((o) => o.text);
    expect(notices.some((t) => t.startsWith('● spawned'))).toBe(true);
    expect(notices.some((t) => t.includes('project api completed'))).toBe(true);
    // A burst is coalesced: far fewer notices than the 7 spawns, 7 completions and 7 kills.
    expect(notices.length).toBeLessThan(21);
  });

  it('keeps the report as a recurring event to omar, and omar report shows it now', async () => {
    const { events } = await world.omarJson<{
      events: Array<{ sender: string; receiver: string; payload: string; recurrence: unknown }>;
    }>(['events', 'list']);
    expect(events.filter((e) => e.receiver === 'omar')).toEqual([
      expect.objectContaining({
        sender: 'omar',
        payload: 'report',
        recurrence: { cron: '0 */3 * * *', tz: null },
      }),
    ]);
    const report = await world.omar(['report']);
    expect(report.exitCode).toBe(0);
    expect(report.stdout).toMatch(/omar report · \d\d:\d\d · 0 projects, 0 agents/);
    const json = await world.omarJson<{ parent: { text: string }; thread: unknown[] }>(['report']);
    expect(json.parent.text).toContain('nothing needs you');

    // Deleting the EA the event lives in cancels it: the daemon schedules it again in another.
    const { id: ea } = await world.omarJson<{ id: number }>(['ea', 'create', 'second']);
    await world.omarJson(['ea', 'delete', '0']);
    await waitFor(
      async () =>
        (
          await world.omarJson<{ events: Array<{ receiver: string }> }>(['--ea', String(ea), 'events', 'list'])
        ).events.some((e) => e.receiver === 'omar'),
      { timeoutMs: 10_000 },
    );
  });
});
