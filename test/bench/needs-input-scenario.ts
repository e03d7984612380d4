/**
 * Needs input with 100 live agents (docs/contracts.md §7a, §9): the real daemon, the real
 * Bolt app against the loopback Slack, sim agents. 100 agents stay alive (sleeping) in
 * one project; then, one at a time, another agent shows its prompt. Measured:
 * (a) the prompt drawn on its screen (seen by polling the pane every 10 ms) → its card
 *     created at the fake Slack (the fake stamps it);
 * (b) the person's click (block_actions over Socket Mode) → the prompt gone from the pane
 *     and the agent's answer on it;
 * and the supervisor's tick (wall ms and tmux commands) with the 100 agents idle and
 * while prompts come and go — the cost of reading only the screens that changed.
 */
import { sessionNameFor } from '#core/model/names.js';
import { createSilentLogger } from '#log/logger.js';
import { createTmuxControlClient } from '#runtime/tmux/tmux-control-client.js';
import { APP_TOKEN, BOT_TOKEN, startFakeSlack } from '../fakes/fake-slack.js';
import { type BenchResult, emptyCounts, percentile, sleep, startBenchWorld } from './bench-kit.js';
import { summary, until } from './platform-chat-scenarios.js';

const LIVE = 100;
const SAMPLES = 20;
const ADA = 'U0001';
const CONFIG = '[agent]\nbackend = "sim"\n[chat]\nedit_interval_seconds = 0.5\n';

interface Status {
  health_tick_ms: number | null;
  health_tick_tmux_commands: number;
}

export const NEEDS_INPUT_SCENARIOS = [{ name: 'needs-input-100', run: needsInput }] as const;

async function needsInput(): Promise<BenchResult> {
  const started = performance.now();
  const slack = await startFakeSlack();
  const world = await startBenchWorld({
    config: CONFIG,
    env: {
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_APP_TOKEN: APP_TOKEN,
      OMAR_SLACK_API_URL: slack.apiUrl,
      OMAR_CHAT_ADMINS: `slack:${ADA}`,
    },
  });
  const tmux = createTmuxControlClient({ socketName: world.socketName, logger: createSilentLogger(), env: world.env });
  try {
    await slack.waitFor(() => slack.connections() > 0, 20_000);
    await slack.message({ channel: 'D0001', channel_type: 'im', user: ADA, text: 'status' });
    await slack.waitFor(() => slack.posts.some((p) => p.channel === 'D0001'), 20_000);
    await world.owner.call('add_project', { name: 'bench', conversation: 'c1' });
    for (let i = 0; i < LIVE; i += 1)
      await world.owner.call('spawn_agent', { name: `live-${i}`, backend: 'sim', task: 'sleep 3600', project_id: 1 });
    await until(
      async () => {
        const { agents } = await world.owner.call<{ agents: Array<{ health: string }> }>('list_agents');
        return agents.filter((a) => a.health === 'running' || a.health === 'idle').length >= LIVE;
      },
      120_000,
      'the 100 live agents never all started',
    );
    await sleep(3000); // their start-up output settles
    const idleTicks = await tickSamples(world.owner, 10);

    const toCard: number[] = [];
    const toMovedOn: number[] = [];
    const busyTicks: Status[] = [];
    for (let i = 0; i < SAMPLES; i += 1) {
      const name = `ask-${i}`;
      const pane = `=${sessionNameFor(0, name)}:`;
      await world.owner.call('spawn_agent', { name, backend: 'sim', task: 'prompt', project_id: 1 });
      const drawn = await untilPane(tmux, pane, (lines) => lines.some((l) => /^└ press 1-3$/.test(l)), 30_000);
      const card = await slack.waitFor(() => slack.posts.find((p) => p.text.includes(`${name} waits for you`)), 30_000);
      toCard.push(card.createdAt - drawn);
      busyTicks.push(await world.owner.call<Status>('get_status'));
      const clicked = performance.now();
      await slack.click(card, 'Allow once');
      await untilPane(tmux, pane, (lines) => lines.some((l) => l.includes('prompt answered: Allow once')), 30_000);
      toMovedOn.push(performance.now() - clicked);
      await slack.waitFor(() => card.text.includes('Allow once — by'), 30_000);
    }
    const p50 = percentile(toCard, 50);
    const moved = percentile(toMovedOn, 50);
    const idleMs = idleTicks.map((t) => t.health_tick_ms ?? 0);
    const busyMs = busyTicks.map((t) => t.health_tick_ms ?? 0);
    return {
      scenario: 'needs-input-100',
      metric: `prompt on screen → card at Slack p50 ms, with ${LIVE} live agents; click → agent moved on p50 ${moved.toFixed(0)} ms`,
      value: p50,
      target: '≤ 2 000 ms p50 to the card, ≤ 1 000 ms p50 from the click',
      pass: p50 <= 2000 && moved <= 1000,
      ...emptyCounts(),
      agents: LIVE + SAMPLES,
      wallMs: performance.now() - started,
      peakRssMb: world.peakRssMb(),
      notes:
        `prompt→card p99 ${percentile(toCard, 99).toFixed(0)} ms, click→moved on p99 ${percentile(toMovedOn, 99).toFixed(0)} ms (n=${SAMPLES}); ` +
        `supervisor tick with ${LIVE} idle agents p50 ${percentile(idleMs, 50).toFixed(2)} ms, ${percentile(
          idleTicks.map((t) => t.health_tick_tmux_commands),
          50,
        )} tmux command(s); ` +
        `while a prompt is up p50 ${percentile(busyMs, 50).toFixed(2)} ms, ${percentile(
          busyTicks.map((t) => t.health_tick_tmux_commands),
          50,
        )} command(s)`,
      extra: {
        promptToCard: summary(toCard),
        clickToMovedOn: summary(toMovedOn),
        idleTickMs: summary(idleMs),
        busyTickMs: summary(busyMs),
      },
    };
  } finally {
    tmux.close();
    await world.close();
    await slack.close();
  }
}

async function tickSamples(owner: { call<T>(m: string): Promise<T> }, n: number): Promise<Status[]> {
  const out: Status[] = [];
  for (let i = 0; i < n; i += 1) {
    out.push(await owner.call<Status>('get_status'));
    await sleep(1100);
  }
  return out;
}

async function untilPane(
  tmux: { run(args: string[]): Promise<string[]> },
  pane: string,
  seen: (lines: string[]) => boolean,
  timeoutMs: number,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const lines = await tmux.run(['capture-pane', '-p', '-J', '-t', pane]).catch(() => []);
    if (seen(lines)) return performance.now();
    if (Date.now() > deadline) throw new Error(`${pane} never showed what was awaited`);
    await sleep(10);
  }
}
