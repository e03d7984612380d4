/**
 * `omar mcp-server` resources (issue: MCP surface): spawn to first tool result beside a
 * bare `node -e 0`, and proportional/resident memory per server with 20 running.
 */
import { MCP_SERVER_NODE_FLAGS } from '#mcp/launch.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { jsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/types.js';
import { execa } from 'execa';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type BenchResult, emptyCounts, percentile, startBenchWorld, timeEach } from './bench-kit.js';

const MCP_BUNDLE = resolve(import.meta.dirname, '../../dist/mcp-server.mjs');
const RUNNING = 20;

interface Connected {
  client: Client;
  transport: StdioClientTransport;
}

/**
 * The client does not check tool results against their output schemas (as the sim agent
 * does): compiling 25 schemas with ajv costs the *client* 20–40 ms, which is no part of
 * the server's start.
 */
const NO_OUTPUT_VALIDATION: jsonSchemaValidator = {
  getValidator: () => (input: unknown) => ({ valid: true, data: input as never, errorMessage: undefined }),
};

async function connect(context: string, env: Record<string, string>): Promise<Connected> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [...MCP_SERVER_NODE_FLAGS, MCP_BUNDLE, 'mcp-server', '--context', context],
    env,
    stderr: 'ignore',
  });
  const client = new Client({ name: 'omar-bench', version: '0' }, { jsonSchemaValidator: NO_OUTPUT_VALIDATION });
  await client.connect(transport);
  await client.listTools();
  await client.callTool({ name: 'whoami', arguments: {} });
  return { client, transport };
}

/** Pss and Rss of a process in MiB, from /proc/<pid>/smaps_rollup. */
function memoryOf(pid: number): { pssMib: number; rssMib: number } {
  const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const kb = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0);
  return { pssMib: kb('Pss') / 1024, rssMib: kb('Rss') / 1024 };
}

export const MCP_SCENARIOS = [
  {
    name: 'mcp-server',
    async run(): Promise<BenchResult> {
      const world = await startBenchWorld();
      const open: Connected[] = [];
      try {
        const started = performance.now();
        const contexts: string[] = [];
        for (let i = 0; i < RUNNING; i += 1)
          contexts.push(
            (await world.owner.call<{ context_path: string }>('mcp_config', { name: `m${i}` })).context_path,
          );
        const cold = await timeEach(10, async (i) => {
          const c = await connect(contexts[i]!, world.env);
          await c.client.close();
        });
        const floor = await timeEach(10, () => execa(process.execPath, ['-e', '0']));
        for (const context of contexts) open.push(await connect(context, world.env));
        const memory = open.map((c) => memoryOf(c.transport.pid!));
        const pss = percentile(
          memory.map((m) => m.pssMib),
          50,
        );
        const rss = percentile(
          memory.map((m) => m.rssMib),
          50,
        );
        const coldP50 = percentile(cold, 50);
        const floorP50 = percentile(floor, 50);
        return {
          scenario: 'mcp-server',
          metric: 'spawn to first tool result (list tools + whoami; lean client), p50 ms',
          value: coldP50,
          floorMs: floorP50,
          target: '≤ floor + 100 ms; ≤ 30 MiB PSS, ≤ 60 MiB RSS with 20 running',
          pass: coldP50 <= floorP50 + 100 && pss <= 30 && rss <= 60,
          ...emptyCounts(),
          wallMs: performance.now() - started,
          peakRssMb: world.peakRssMb(),
          notes: `+${(coldP50 - floorP50).toFixed(0)} ms over node -e 0; with ${RUNNING} running: PSS ${pss.toFixed(1)} MiB, RSS ${rss.toFixed(1)} MiB each (median)`,
          extra: { pssMib: pss, rssMib: rss, overFloorMs: coldP50 - floorP50, bundle: join('dist', 'mcp-server.mjs') },
        };
      } finally {
        await Promise.all(open.map((c) => c.client.close().catch(() => undefined)));
        await world.close();
      }
    },
  },
];
