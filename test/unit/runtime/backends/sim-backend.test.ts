import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSimBackend, findSimBundle, simBackend, simLaunch } from '#runtime/backends/sim-backend.js';
import { expectNoUserWideConfig, makeRequest, runPlan, scratchDir } from './backend-test-kit.js';

const noBundle = (): null => null;

describe('simBackend', () => {
  it('describes itself: built in, nothing to install, verified', () => {
    expect(simBackend).toMatchObject({
      name: 'sim',
      binary: '',
      verified: true,
      builtIn: true,
      input: { placeholders: [], submitDelayMs: 0 },
    });
    expect(simBackend.install).toMatch(/ships with omar/);
  });

  it.each(['worker', 'ea'] as const)(
    'plans the bundle next to omar for a %s, with its markers and the hello',
    (role) => {
      const request = makeRequest({ role, model: 'ignored', systemPrompt: 'ignored' });
      const plan = createSimBackend({ locate: noBundle }).plan(request);
      const omarArgv = JSON.stringify(request.omarArgv);
      expect(plan).toEqual({
        command: `exec /usr/bin/node /opt/omar/dist/sim.mjs --context ${request.contextPath} --omar-argv '${omarArgv}' --role ${role} --name ${request.name}`,
        env: {},
        files: [],
        readyMarkers: ['omar sim', 'sim›'],
        awaitsHello: true,
      });
      expectNoUserWideConfig(plan, request);
    },
  );

  it('adds --receipts when config.toml sets [sim] receipts_dir', () => {
    const request = { ...makeRequest(), sim: { receiptsDir: '/tmp/bench receipts' } };
    expect(createSimBackend({ locate: noBundle }).plan(request).command).toMatch(
      / --name t-1 --receipts '\/tmp\/bench receipts'$/,
    );
  });

  it('passes every argument through the shell intact', () => {
    // A stub `node` on PATH reports what it got.
    const request = {
      ...makeRequest(),
      contextPath: "/tmp/it's here/context.json",
      omarArgv: ['node', '/opt/o mar/dist/mcp-server.mjs'],
    };
    const run = runPlan(createSimBackend().plan(request), ['node']);
    expect(run.program).toBe('node');
    expect(run.args).toEqual([
      '/opt/o mar/dist/sim.mjs',
      '--context',
      "/tmp/it's here/context.json",
      '--omar-argv',
      '["node","/opt/o mar/dist/mcp-server.mjs"]',
      '--role',
      'worker',
      '--name',
      't-1',
    ]);
  });
});

describe('simLaunch', () => {
  it('uses the sibling of a dist bundle without looking at the disk', () => {
    expect(simLaunch(['/n/node', '/a/dist/mcp-server.mjs'], noBundle, '/x/node')).toEqual({
      node: '/n/node',
      bundle: '/a/dist/sim.mjs',
    });
    expect(simLaunch(['/n/node', '/a/dist/omar.mjs'], noBundle, '/x/node')).toEqual({
      node: '/n/node',
      bundle: '/a/dist/sim.mjs',
    });
    // The MCP server's node flags come before its bundle.
    expect(simLaunch(['/n/node', '--max-semi-space-size=1', '/a/dist/mcp-server.mjs'], noBundle, '/x/node')).toEqual({
      node: '/n/node',
      bundle: '/a/dist/sim.mjs',
    });
  });

  it('looks for dist/sim.mjs from the sources upwards', () => {
    const seen: string[] = [];
    const locate = (dir: string): string => {
      seen.push(dir);
      return '/repo/dist/sim.mjs';
    };
    expect(simLaunch(['/n/node', '/repo/src/cli/bin.ts'], locate, '/x/node')).toEqual({
      node: '/n/node',
      bundle: '/repo/dist/sim.mjs',
    });
    expect(seen).toEqual(['/repo/src/cli']);
    expect(simLaunch(['omar'], () => '/g/dist/sim.mjs', '/x/node')).toEqual({
      node: '/x/node',
      bundle: '/g/dist/sim.mjs',
    });
  });

  it('says how to get the bundle when there is none', () => {
    expect(() => simLaunch(['/n/node', '/repo/src/cli/bin.ts'], noBundle, '/x/node')).toThrow(
      /sim\.mjs\) was not found near \/repo\/src\/cli\/bin\.ts/,
    );
    expect(() => simLaunch([], noBundle, '/x/node')).toThrow(/no argv for omar/);
  });

  it('finds the bundle in a dist/ folder above', () => {
    const root = scratchDir('sim');
    mkdirSync(join(root, 'dist'));
    mkdirSync(join(root, 'src', 'cli'), { recursive: true });
    writeFileSync(join(root, 'dist', 'sim.mjs'), '');
    expect(findSimBundle(join(root, 'src', 'cli'))).toBe(join(root, 'dist', 'sim.mjs'));
    expect(findSimBundle('/nonexistent/deeply/nested/x/y/z')).toBeNull();
  });
});
