import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runSim, type SimProcess } from '#sim/run-sim.js';
import type { ToolClient, ToolClientOptions } from '#sim/tool-client.js';
import { waitFor } from '../../helpers/wait-for.js';

const ARGV = ['--context', '/ctx/context.json', '--omar-argv', '["/usr/bin/node","/x/dist/mcp-server.mjs"]'];
const paste = (text: string): string => `\x1b[200~${text}\x1b[201~`;

function fakeProcess(argv: string[], options: { connect?: (o: ToolClientOptions) => Promise<ToolClient> } = {}) {
  const stdin = new PassThrough();
  let out = '';
  let err = '';
  const exits: number[] = [];
  const calls: Array<{ tool: string; args: Record<string, unknown> }> = [];
  const started: ToolClientOptions[] = [];
  const client: ToolClient = {
    listTools: async () => {
      calls.push({ tool: 'tools/list', args: {} });
      return ['whoami', 'complete_task'];
    },
    call: async (tool, args) => {
      calls.push({ tool, args });
      return { ok: true, data: { principal: 'w' } };
    },
    close: async () => undefined,
  };
  const proc: SimProcess = {
    argv,
    env: {},
    stdin,
    stdout: { write: (t: string) => (out += t), columns: 100 },
    stderr: { write: (t: string) => (err += t) },
    exit: (code) => void exits.push(code),
    uptimeMs: () => 123.4,
    connect:
      options.connect ??
      (async (o) => {
        started.push(o);
        return client;
      }),
  };
  return { proc, stdin, out: () => out, err: () => err, exits, calls, started };
}

describe('runSim', () => {
  it('a worker: banner and marker, its MCP server, the pasted header, complete_task', async () => {
    const sim = fakeProcess([...ARGV, '--name', 'w']);
    await runSim(sim.proc);
    expect(sim.out()).toContain('omar sim — worker w (Ctrl-C quits)\r\nsim› ');
    expect(sim.started[0]!.argv).toEqual([
      '/usr/bin/node',
      '/x/dist/mcp-server.mjs',
      'mcp-server',
      '--context',
      '/ctx/context.json',
    ]);
    await waitFor(() => sim.out().includes('waiting for my task'));
    expect(sim.calls[0]).toEqual({ tool: 'tools/list', args: {} });

    sim.stdin.write(paste('YOUR NAME: w\nYOUR PARENT: ea\nYOUR TASK: echo'));
    await waitFor(() => sim.out().includes('YOUR TASK: echo'));
    expect(sim.calls).toHaveLength(1); // nothing happens before the Enter
    sim.stdin.write('\r');
    await waitFor(() => sim.out().includes('✓ task closed (completed)'));
    expect(sim.calls[1]).toEqual({ tool: 'complete_task', args: { status: 'completed', summary: 'echo' } });
    expect(sim.out()).toContain('> YOUR NAME: w (+2 lines)');
    expect(sim.exits).toEqual([]);
  });

  it('crash exits 3; C-c exits 0 and turns bracketed paste off', async () => {
    const crashing = fakeProcess(ARGV);
    await runSim(crashing.proc);
    crashing.stdin.write(`${paste('YOUR NAME: w\nYOUR PARENT: ea\nYOUR TASK: crash')}\r`);
    await waitFor(() => crashing.exits.length > 0);
    expect(crashing.exits).toEqual([3]);

    const quitting = fakeProcess(ARGV);
    await runSim(quitting.proc);
    quitting.stdin.write('\x03');
    await waitFor(() => quitting.exits.length > 0);
    expect(quitting.exits).toEqual([0]);
    expect(quitting.out().endsWith('\x1b[?2004l')).toBe(true);
  });

  it('--receipts: every submit is written down, a repeat the worker ignores too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-run-receipts-'));
    try {
      const sim = fakeProcess([...ARGV, '--name', 'w', '--receipts', dir]);
      await runSim(sim.proc);
      const header = paste('YOUR NAME: w\nYOUR PARENT: ea\nYOUR TASK: echo');
      sim.stdin.write(`${header}\r${header}\r`);
      await waitFor(() => sim.out().includes('a second header for w: ignored'));
      const lines = readFileSync(join(dir, 'w.jsonl'), 'utf8').trim().split('\n');
      expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual([
        expect.objectContaining({ agent: 'w', kind: 'header', text: 'echo' }),
        expect.objectContaining({ agent: 'w', kind: 'header', text: 'echo' }),
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('hang: echoes nothing more and acts on nothing', async () => {
    const sim = fakeProcess(ARGV);
    await runSim(sim.proc);
    sim.stdin.write(`${paste('YOUR NAME: w\nYOUR PARENT: ea\nYOUR TASK: hang')}\r`);
    await waitFor(() => sim.out().includes('hang: ignoring everything'));
    sim.stdin.write(`${paste('[EVENT at t=1]\nFrom ea: are you there?')}\r`);
    await new Promise((r) => setTimeout(r, 50));
    expect(sim.out()).not.toContain('are you there?');
    expect(sim.calls.map((c) => c.tool)).toEqual(['tools/list']);
  });

  it('an EA says on start what it understands, and answers a typed request', async () => {
    const sim = fakeProcess([...ARGV, '--role', 'ea']);
    await runSim(sim.proc);
    await waitFor(() => sim.out().includes('I understand:'));
    expect(sim.out()).toContain('omar sim — ea ea');
    expect(sim.out()).toContain('omar tree --watch');
    sim.stdin.write('status\r');
    await waitFor(() => sim.calls.some((c) => c.tool === 'list_agents'));
  });

  it('without an MCP server: says so, and tool calls fail without crashing', async () => {
    const sim = fakeProcess(ARGV, { connect: async () => Promise.reject(new Error('spawn ENOENT')) });
    await runSim(sim.proc);
    await waitFor(() => sim.out().includes('cannot start omar mcp-server: spawn ENOENT'));
    sim.stdin.write(`${paste('YOUR NAME: w\nYOUR PARENT: ea\nYOUR TASK: echo')}\r`);
    await waitFor(() => sim.out().includes('✗ complete_task: no MCP connection'));
    expect(sim.exits).toEqual([]);
  });

  it('--probe: tools listed, one whoami, PROBE OK <ms>', async () => {
    const sim = fakeProcess([...ARGV, '--probe']);
    await runSim(sim.proc);
    expect(sim.out()).toBe('PROBE OK 123\n');
    expect(sim.calls.map((c) => c.tool)).toEqual(['tools/list', 'whoami']);
    sim.stdin.destroy();
  });

  it('--probe reports a failure on its one line', async () => {
    const sim = fakeProcess([...ARGV, '--probe'], { connect: async () => Promise.reject(new Error('no such file')) });
    await runSim(sim.proc);
    expect(sim.out()).toBe('PROBE FAILED no such file\n');
    sim.stdin.destroy();
  });

  it('bad flags: usage on stderr, exit 2', async () => {
    const sim = fakeProcess(['--context', '/c']);
    await runSim(sim.proc);
    expect(sim.exits).toEqual([2]);
    expect(sim.err()).toMatch(/^omar sim: --omar-argv JSON is required\nusage: node sim\.mjs/);
  });
});
