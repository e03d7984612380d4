/**
 * `npm run bench [-- --scenario NAME] [-- --json]` (docs/contracts.md §9).
 * Each scenario measures omar beside its floor: the same work with no orchestration.
 * Human table by default; one JSON object per scenario with --json. Results are also
 * written to test/bench/results/ (git-ignored).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SCENARIOS } from './scenarios.js';
import type { BenchResult } from './bench-kit.js';

const { values } = parseArgs({
  options: { scenario: { type: 'string', multiple: true }, json: { type: 'boolean' } },
  strict: true,
});
const wanted = values.scenario ?? SCENARIOS.map((s) => s.name);
const unknown = wanted.filter((w) => !SCENARIOS.some((s) => s.name === w));
if (unknown.length > 0) {
  process.stderr.write(
    `Unknown scenario(s): ${unknown.join(', ')}. Known: ${SCENARIOS.map((s) => s.name).join(', ')}\n`,
  );
  process.exit(2);
}

const results: BenchResult[] = [];
for (const scenario of SCENARIOS.filter((s) => wanted.includes(s.name))) {
  process.stderr.write(`bench: ${scenario.name} …\n`);
  const result = await scenario.run();
  results.push(result);
  if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (!values.json) {
  const rows = results.map((r) => [
    r.scenario,
    r.metric,
    fmt(r.value),
    fmt(r.floorMs),
    r.floorMs ? `${(r.value / r.floorMs).toFixed(2)}×` : '',
    r.target ?? '',
    r.pass === undefined ? '' : r.pass ? 'ok' : 'MISSED',
    r.peakRssMb ? `${r.peakRssMb.toFixed(0)} MB` : '',
    r.notes ?? '',
  ]);
  const head = ['scenario', 'metric', 'omar', 'floor', 'ratio', 'target', '', 'daemon peak RSS', 'notes'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  process.stdout.write(`${line(head)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${rows.map(line).join('\n')}\n`);
}

const dir = join(import.meta.dirname, 'results');
mkdirSync(dir, { recursive: true });
writeFileSync(
  join(dir, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`),
  `${JSON.stringify({ machine: machine(), results }, null, 2)}\n`,
);

function fmt(n: number | undefined): string {
  if (n === undefined) return '';
  return n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2);
}

function machine(): Record<string, unknown> {
  return {
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    cpus: (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency,
  };
}
