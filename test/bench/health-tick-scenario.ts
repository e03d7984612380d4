/**
 * The supervisor's health tick measured where it counts (docs/contracts.md §6, §9): 127
 * live `sim` agents (the size of the original's tree), all started and settled, then the
 * daemon's last tick sampled once a second — wall ms and tmux commands — with the sample
 * count. Beside it the floor: one `list-panes -a` of those 127 panes through a tmux
 * control client, what any tick must at least do.
 */
import { createSilentLogger } from '#log/logger.js';
import { PANE_LIST_FORMAT } from '#runtime/tmux/pane-list.js';
import { createTmuxControlClient } from '#runtime/tmux/tmux-control-client.js';
import { SIM_CONFIG } from './agent-scenarios.js';
import { type BenchResult, emptyCounts, percentile, sleep, startBenchWorld } from './bench-kit.js';
import { summary, until } from './platform-chat-scenarios.js';

const LIVE = 127;
const SAMPLES = 40;

interface Status {
  health_tick_ms: number | null;
  health_tick_tmux_commands: number;
}

export const HEALTH_TICK_SCENARIOS = [{ name: 'health-tick-127', run: healthTick }] as const;

async function healthTick(): Promise<BenchResult> {
  const started = performance.now();
  const world = await startBenchWorld({ config: SIM_CONFIG });
  const tmux = createTmuxControlClient({ socketName: world.socketName, logger: createSilentLogger(), env: world.env });
  try {
    for (let i = 0; i < LIVE; i += 1)
      await world.owner.call('spawn_agent', { name: `live-${i}`, backend: 'sim', task: 'sleep 3600' });
    await until(
      async () => {
        const { agents } = await world.owner.call<{ agents: Array<{ health: string }> }>('list_agents');
        return agents.filter((a) => a.health === 'running' || a.health === 'idle').length >= LIVE;
      },
      180_000,
      `the ${LIVE} agents never all started`,
    );
    await sleep(3000); // their start-up output settles
    const ticks: number[] = [];
    const commands: number[] = [];
    for (let i = 0; i < SAMPLES; i += 1) {
      const s = await world.owner.call<Status>('get_status');
      if (s.health_tick_ms !== null) ticks.push(s.health_tick_ms);
      commands.push(s.health_tick_tmux_commands);
      await sleep(1050);
    }
    const floor: number[] = [];
    for (let i = 0; i < SAMPLES; i += 1) {
      const t0 = performance.now();
      await tmux.run(['list-panes', '-a', '-F', PANE_LIST_FORMAT]);
      floor.push(performance.now() - t0);
    }
    const p50 = percentile(ticks, 50);
    return {
      scenario: 'health-tick-127',
      metric: `health tick with ${LIVE} live idle agents, p50 ms (n=${ticks.length})`,
      value: p50,
      floorMs: percentile(floor, 50),
      target: '≤ 50 ms p50',
      pass: p50 <= 50,
      ...emptyCounts(),
      agents: LIVE,
      wallMs: performance.now() - started,
      peakRssMb: world.peakRssMb(),
      notes: `p95 ${percentile(ticks, 95).toFixed(1)} ms, max ${Math.max(...ticks).toFixed(1)} ms over ${ticks.length} ticks; ${percentile(commands, 50)} tmux command(s) per tick (p50), ${Math.max(...commands)} at most; floor = one list-panes of the ${LIVE} panes`,
      extra: { tickMs: summary(ticks), commands: summary(commands), floor: summary(floor) },
    };
  } finally {
    tmux.close();
    await world.close();
  }
}
