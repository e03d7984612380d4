/**
 * Needs input, the detectors' share of a supervisor tick: 100 agents whose panes all
 * changed, each screen read by its CLI's detectDialog (the captured screens of
 * test/fixtures/dialogs, each also with its menu cut off as after an answer),
 * beside the floor of only splitting those screens into lines.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BackendAdapter } from '#core/backends/backend-adapter.js';
import { backendByName } from '#runtime/backends/backend-registry.js';
import { type BenchResult, emptyCounts, percentile } from './bench-kit.js';

const AGENTS = 100;
const TICKS = 200;
const FIXTURES = join(import.meta.dirname, '../fixtures/dialogs');

interface Pane {
  adapter: BackendAdapter;
  screen: string;
}

function panes(): Pane[] {
  const screens: Pane[] = [];
  for (const cli of readdirSync(FIXTURES)) {
    const adapter = backendByName(cli);
    for (const file of readdirSync(join(FIXTURES, cli))) {
      const screen = readFileSync(join(FIXTURES, cli, file), 'utf8');
      screens.push({ adapter, screen });
      // The same pane once answered: the menu gone, the rest of the screen as it was.
      screens.push({ adapter, screen: screen.replace(/\n[^\n]*\b1\.[^\n]*[\s\S]*$/, '\n') });
    }
  }
  return Array.from({ length: AGENTS }, (_, i) => screens[i % screens.length]!);
}

function tick(all: readonly Pane[], work: (pane: Pane) => unknown): number {
  const started = performance.now();
  for (const pane of all) work(pane);
  return performance.now() - started;
}

export const DIALOG_SCENARIOS = [
  {
    name: 'dialog-detect',
    async run(): Promise<BenchResult> {
      const all = panes();
      const wallStarted = performance.now();
      let found = 0;
      for (let i = 0; i < 20; i++) tick(all, (p) => p.adapter.detectDialog?.(p.screen)); // warm-up
      const detect: number[] = [];
      const floor: number[] = [];
      for (let i = 0; i < TICKS; i++) {
        detect.push(tick(all, (p) => (p.adapter.detectDialog?.(p.screen) ? found++ : 0)));
        floor.push(tick(all, (p) => p.screen.split('\n').length));
      }
      const p50 = percentile(detect, 50);
      return {
        scenario: 'dialog-detect',
        metric: `detectDialog on ${AGENTS} changed panes, p50 ms per tick`,
        value: p50,
        floorMs: percentile(floor, 50),
        target: '≤ 10 ms per tick (a tick is 1 000 ms)',
        pass: p50 <= 10,
        ...emptyCounts(),
        agents: AGENTS,
        wallMs: performance.now() - wallStarted,
        notes: `p95 ${percentile(detect, 95).toFixed(2)} ms; ${found / TICKS} of ${AGENTS} panes showed a prompt`,
      };
    },
  },
] as const;
