import { describe, expect, it } from 'vitest';
import { opencodeBackend } from '#runtime/backends/opencode-backend.js';
import {
  expectNoUserWideConfig,
  label,
  makeRequest,
  matrix,
  mcpArgv,
  NASTY_PROMPT,
  runPlan,
  scratchDir,
} from './backend-test-kit.js';

interface OpencodeConfig {
  instructions: string[];
  mcp: Record<string, { type: string; command: string[]; enabled: boolean }>;
  permission: Record<string, string>;
}

function config(env: Record<string, string>): OpencodeConfig {
  return JSON.parse(env.OPENCODE_CONFIG_CONTENT!) as OpencodeConfig;
}

describe('opencodeBackend', () => {
  it('describes itself', () => {
    expect(opencodeBackend).toMatchObject({ name: 'opencode', binary: 'opencode', verified: true });
  });

  it.each(
    matrix('anthropic/claude-x', [undefined, 'low'], opencodeBackend.permissionModes).map(
      (c) => [label(c), c] as const,
    ),
  )('plans %s', (_label, c) => {
    const request = makeRequest(c);
    const plan = opencodeBackend.plan(request);
    expect(plan).toEqual({
      command: [
        'opencode',
        ...(c.model ? [`-m ${c.model}`] : []),
        ...(c.permissions === 'bypass' ? ['--auto'] : []),
      ].join(' '),
      env: {
        OPENCODE_CONFIG_CONTENT: JSON.stringify({
          $schema: 'https://opencode.ai/config.json',
          instructions: [request.promptFile],
          mcp: {
            omar: {
              type: 'local',
              command: ['/usr/bin/node', '/opt/omar/dist/omar.mjs', 'mcp-server', '--context', request.contextPath],
              enabled: true,
            },
          },
          permission: {
            edit: c.permissions === 'workspace' ? 'allow' : 'ask',
            bash: 'ask',
            webfetch: 'ask',
            external_directory: 'ask',
            'omar_*': 'allow',
            doom_loop: 'deny',
            task: 'deny',
          },
        }),
      },
      files: [],
      readyMarkers: ['tab agents', 'ctrl+p commands'],
      awaitsHello: true,
    });
    expectNoUserWideConfig(plan, request);
  });

  it('gives the EA its prompt through instructions, not a first message (the original OMAR launched it bare)', () => {
    const request = makeRequest({ role: 'ea', systemPrompt: NASTY_PROMPT });
    const plan = opencodeBackend.plan(request);
    expect(plan.firstMessage).toBeUndefined();
    expect(config(plan.env).instructions).toEqual([request.promptFile]);
  });

  it('registers exactly omar mcp-server --context <context>, pre-approved, with task denied', () => {
    const request = makeRequest();
    const c = config(opencodeBackend.plan(request).env);
    expect(Object.keys(c.mcp)).toEqual(['omar']);
    expect(c.mcp.omar!.command).toEqual(mcpArgv(request));
    expect(c.permission['omar_*']).toBe('allow');
    expect(c.permission.task).toBe('deny');
  });

  it('passes the config and odd paths through sh unchanged', () => {
    const root = scratchDir('opencode');
    const request = makeRequest({ agentDir: `${root}/a`, model: "prov/m'odel $x", permissions: 'bypass' });
    const plan = opencodeBackend.plan({ ...request, promptFile: `${root}/it's "the" prompt.md` });
    const run = runPlan(plan, ['opencode']);
    expect(run.args).toEqual(['-m', "prov/m'odel $x", '--auto']);
    expect(config(run.env).instructions).toEqual([`${root}/it's "the" prompt.md`]);
  });
});
