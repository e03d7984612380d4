/**
 * The durable event queue end to end: the built CLI, a real daemon, real tmux panes
 * running a raw-mode fixture agent that records every submitted message.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createOmarWorld, type OmarWorld } from '../helpers/omar-env.js';
import { describeWithTmux } from '../helpers/tmux-server.js';
import { waitFor } from '../helpers/wait-for.js';

const RAW_AGENT = resolve(import.meta.dirname, '../fixtures/raw-agent.mjs');
// Fast failure for the never-rendering receiver; everything else at defaults. No chat
// report: its recurring event would be the one pending event these tests do not schedule.
const CONFIG = `[events]\nmax_attempts = 2\nretry_base_ms = 200\n[delivery]\nattempts = 1\nrender_timeout_ms = 400\nconfirm_timeout_ms = 400\n[chat]\nreports = false\n`;

interface EventView {
  id: string;
  receiver: string;
  status: string;
  attempts: number;
  last_error: string | null;
  t: string;
}

describeWithTmux('event queue through the CLI', () => {
  let world: OmarWorld;
  const received = (name: string): string[] => {
    const file = join(world.home, `${name}.jsonl`);
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as { text: string }).text);
  };
  const spawnRaw = async (name: string, extra = '', parent?: string): Promise<void> => {
    await world.omarJson([
      'spawn',
      name,
      '--command',
      `${process.execPath} ${RAW_AGENT} ${join(world.home, `${name}.jsonl`)} ${extra}`.trim(),
      ...(parent ? ['--parent', parent] : []),
    ]);
    await waitFor(
      async () =>
        (await world.omarJson<{ output_tail: string }>(['peek', name])).output_tail.includes('raw-agent ready'),
      { describe: () => `${name} never started` },
    );
  };

  beforeEach(() => {
    world = createOmarWorld({ config: CONFIG });
  });
  afterEach(async () => {
    await world.cleanup();
  });

  it('delivers in order with the exact text, batches what is due together, and keeps bytes exact', async () => {
    await world.startDaemon();
    await spawnRaw('r1');
    const tricky = `quotes "double" 'single' $(rm -rf /) \`tick\` | > < * ? ~ !! ; \\; #{pane_id} %s %%\ttab ünïcödé 漢字 😀 → ✓\nsecond line\n-leading dash`;
    const one = await world.omarJson<EventView>(['events', 'schedule', '--to', 'r1', '--payload', tricky]);
    await waitFor(() => received('r1').length === 1, { describe: () => JSON.stringify(received('r1')) });
    // Bytes exact; further lines of a payload arrive marked `│ ` (only omar starts a line there).
    expect(received('r1')[0]).toBe(`[EVENT at t=${one.t}]\nFrom owner: ${tricky.replace(/\n/g, '\n│ ')}`);

    // Three events due at the same instant go out as one batch, in seq order.
    const at = `${BigInt(Date.now() + 1500) * 1_000_000n}`;
    for (const p of ['first', 'second', 'third'])
      await world.omarJson(['events', 'schedule', '--to', 'r1', '--payload', p, '--at', at]);
    await waitFor(() => received('r1').length === 2, {
      timeoutMs: 10_000,
      describe: () => JSON.stringify(received('r1')),
    });
    expect(received('r1')[1]).toBe(
      `[EVENT BATCH at t=${at}]\n[EVENT] From owner: first\n[EVENT] From owner: second\n[EVENT] From owner: third`,
    );
    expect((await world.omarJson<{ events: EventView[] }>(['events', 'list'])).events).toEqual([]);
    const recent = await world.omarJson<{ recent: Array<{ kind: string }> }>(['events', 'list', '--all']);
    expect(recent.recent.filter((e) => e.kind === 'event.delivered')).toHaveLength(4);
  });

  it('retries a receiver that never renders, marks the event failed, tells the sender — and never delays another receiver', async () => {
    await world.startDaemon();
    await spawnRaw('sender');
    // Raw panes take events as typed input, so the sender schedules only to its own children.
    await spawnRaw('deaf', '--never-render', 'sender');
    await spawnRaw('fast', '', 'sender');
    // The sender schedules with its own token, as an agent does through its MCP server.
    const context = JSON.parse(
      readFileSync(join(world.home, 'ea', '0', 'agents', 'sender', 'context.json'), 'utf8'),
    ) as { token: string; socket: string };
    const { connectToDaemon } = await import('#runtime/control/daemon-client.js');
    const asSender = await connectToDaemon({ socket: context.socket, token: context.token });
    try {
      const doomed = await asSender.call<EventView>('schedule_omar_event', {
        receiver: 'deaf',
        payload: 'are you there?',
      });
      const quick = await asSender.call<EventView>('schedule_omar_event', { receiver: 'fast', payload: 'hello fast' });
      await waitFor(() => received('fast').length === 1, { timeoutMs: 3000 });
      expect(received('fast')[0]).toBe(`[EVENT at t=${quick.t}]\nFrom sender: hello fast`);
      const failed = await waitFor(
        async () =>
          (await world.omarJson<{ events: EventView[] }>(['events', 'list'])).events.find(
            (e) => e.id === doomed.id && e.status === 'failed',
          ),
        { timeoutMs: 15_000, describe: async () => (await world.omar(['events', 'list'])).stdout },
      );
      expect(failed?.attempts).toBe(2);
      expect(failed?.last_error).toMatch(/render|verified|deaf/i);
      await waitFor(() => received('sender').some((m) => m.includes('[DELIVERY FAILED] to deaf:')), {
        timeoutMs: 10_000,
        describe: () => JSON.stringify(received('sender')),
      });
      const notice = received('sender').find((m) => m.includes('[DELIVERY FAILED]'))!;
      expect(notice).toMatch(/^\[EVENT at t=\d+\]\nFrom omar: \[DELIVERY FAILED\] to deaf: .*"are you there\?"/s);
      const log = await world.omarJson<{ entries: Array<{ kind: string }> }>(['log', 'deaf']);
      expect(log.entries.map((e) => e.kind)).toEqual(
        expect.arrayContaining(['event.scheduled', 'event.retried', 'event.failed']),
      );
    } finally {
      asSender.close();
    }
  });

  it('keeps an acknowledged event across kill -9 and delivers overdue events in order on start', async () => {
    const daemon = await world.startDaemon();
    await spawnRaw('later');
    for (const p of ['one', 'two', 'three'])
      await world.omarJson(['events', 'schedule', '--to', 'later', '--payload', p, '--in', '2']);
    await daemon.kill9();
    await new Promise((r) => setTimeout(r, 2500));
    await world.startDaemon();
    await waitFor(() => received('later').length >= 1, { timeoutMs: 10_000 });
    const all = received('later').join('\n');
    expect(all.indexOf('one')).toBeLessThan(all.indexOf('two'));
    expect(all.indexOf('two')).toBeLessThan(all.indexOf('three'));
    expect(all.match(/one|two|three/g)).toEqual(['one', 'two', 'three']);
  });

  it('repeats a recurring event and stops it on cancel; refuses bad schedules clearly', async () => {
    await world.startDaemon();
    await spawnRaw('tick');
    const every = await world.omarJson<EventView>([
      'events',
      'schedule',
      '--to',
      'tick',
      '--payload',
      'beat',
      '--every',
      '1',
    ]);
    await waitFor(() => received('tick').length >= 2, { timeoutMs: 10_000 });
    expect(received('tick')[0]).toMatch(/^\[CRON at t=\d+\]\nFrom owner: beat$/);
    await world.omarJson(['events', 'cancel', every.id]);
    const count = received('tick').length;
    await new Promise((r) => setTimeout(r, 2000));
    expect(received('tick').length).toBeLessThanOrEqual(count + 1);

    const bad = async (args: string[], pattern: RegExp): Promise<void> => {
      const r = await world.omar(['events', 'schedule', ...args]);
      expect(r.exitCode, r.stderr).toBe(2);
      expect(r.stderr).toMatch(pattern);
    };
    await bad(['--to', 'tick', '--payload', 'x', '--in', '-5'], /delay_seconds|--in/);
    await bad(['--to', 'tick', '--payload', 'x', '--in', '1.5'], /whole number/);
    await bad(['--to', 'tick', '--payload', 'x', '--every', '0'], /at least 1/);
    await bad(['--to', 'tick', '--payload', 'x', '--cron', 'not a cron'], /cron/);
    await bad(['--to', 'tick', '--payload', 'x', '--cron', '* * * * *', '--tz', 'Mars/Olympus'], /time zone/);
    await bad(['--to', 'tick', '--payload', '   '], /empty/);
    const unknown = await world.omar(['events', 'schedule', '--to', 'nobody', '--payload', 'x']);
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toContain("No agent 'nobody'");
  });

  it('routes send through the lane (verified, byte-exact) and cancels events with the agent', async () => {
    await world.startDaemon();
    await spawnRaw('typist');
    const sent = await world.omar(['send', 'typist', '--', 'a "quoted" line', 'with --dashes']);
    expect(sent.exitCode, sent.stderr).toBe(0);
    await waitFor(() => received('typist').length === 1);
    expect(received('typist')[0]).toBe('a "quoted" line with --dashes');
    await world.omarJson(['events', 'schedule', '--to', 'typist', '--payload', 'never', '--in', '3600']);
    const killed = await world.omarJson<{ events_cancelled: number }>(['kill', 'typist']);
    expect(killed.events_cancelled).toBe(1);
    expect((await world.omarJson<{ events: EventView[] }>(['events', 'list'])).events).toEqual([]);
  });
});
