import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { codexBackend } from '#runtime/backends/codex-backend.js';
import { tomlString } from '#runtime/backends/backend-common.js';
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

/** Decodes one `-c key=value` override the way codex does (the value is TOML). */
function override(arg: string): [string, unknown] {
  const eq = arg.indexOf('=');
  const key = arg.slice(0, eq);
  return [key, parse(`v = ${arg.slice(eq + 1)}`).v];
}

describe('codexBackend', () => {
  it('describes itself', () => {
    expect(codexBackend).toMatchObject({ name: 'codex', binary: 'codex', verified: true });
  });

  it.each(matrix('gpt-6', [undefined, 'high'], codexBackend.permissionModes).map((c) => [label(c), c] as const))(
    'plans %s',
    (_label, c) => {
      const request = makeRequest(c);
      const dir = request.agentDir;
      const plan = codexBackend.plan(request);
      const expected = [
        'codex --no-alt-screen',
        ...(c.model ? [`-m ${c.model}`] : []),
        ...(c.reasoningEffort ? [`-c 'model_reasoning_effort="${c.reasoningEffort}"'`] : []),
        `-c 'mcp_servers.omar.command="/usr/bin/node"'`,
        `-c 'mcp_servers.omar.args=["/opt/omar/dist/omar.mjs", "mcp-server", "--context", "${request.contextPath}"]'`,
        `-c 'mcp_servers.omar.default_tools_approval_mode="approve"'`,
        '-c features.multi_agent=false -c features.multi_agent_v2=false -c features.sleep_tool=false',
        `-c 'projects={"/srv/work/my.project"={trust_level="trusted"}}'`,
        {
          ask: '-a on-request -s read-only',
          workspace: '-a on-request -s workspace-write',
          auto: '--approve-for-me',
          bypass: '--dangerously-bypass-approvals-and-sandbox',
          plan: '?',
        }[c.permissions],
        `-c "developer_instructions=$(cat ${dir}/codex-developer-instructions.toml)"`,
      ].join(' ');
      expect(plan).toEqual({
        command: expected,
        env: {},
        files: [
          { path: `${dir}/codex-developer-instructions.toml`, content: tomlString(request.systemPrompt), mode: 0o600 },
        ],
        readyMarkers: ['OpenAI Codex', '›'],
        awaitsHello: true,
      });
      expect(plan.firstMessage).toBeUndefined();
      expectNoUserWideConfig(plan, request);
    },
  );

  it('hands codex exactly the MCP server argv, approval mode, prompt and effort (run through sh)', () => {
    const root = scratchDir('codex');
    const request = makeRequest({
      role: 'ea',
      agentDir: `${root}/it's here`,
      workdir: `${root}/work "dir"`,
      systemPrompt: NASTY_PROMPT,
      reasoningEffort: 'xhigh',
      model: 'gpt-6',
    });
    const run = runPlan(codexBackend.plan(request), ['codex']);
    expect(run.program).toBe('codex');
    const overrides = new Map<string, unknown>();
    run.args.forEach((arg, i) => {
      if (run.args[i - 1] === '-c') overrides.set(...override(arg));
    });
    expect([
      overrides.get('mcp_servers.omar.command'),
      ...(overrides.get('mcp_servers.omar.args') as string[]),
    ]).toEqual(mcpArgv(request));
    expect(overrides.get('mcp_servers.omar.default_tools_approval_mode')).toBe('approve');
    expect(overrides.get('developer_instructions')).toBe(NASTY_PROMPT);
    expect(overrides.get('model_reasoning_effort')).toBe('xhigh');
    expect(overrides.get('projects')).toEqual({ [request.workdir]: { trust_level: 'trusted' } });
    expect(overrides.get('features.multi_agent')).toBe(false);
    expect(run.args.slice(0, 3)).toEqual(['--no-alt-screen', '-m', 'gpt-6']);
    expect(run.args).not.toContain('--dangerously-bypass-approvals-and-sandbox');
  });

  it('sends a prompt too large for one argument (128 KiB) as the first message instead', () => {
    const overhead = 'developer_instructions=""'.length + 1; // the quotes and the terminating NUL
    const fits = 'x'.repeat(128 * 1024 - overhead);
    expect(codexBackend.plan(makeRequest({ systemPrompt: fits })).firstMessage).toBeUndefined();
    const big = `${fits}x`;
    const plan = codexBackend.plan(makeRequest({ systemPrompt: big }));
    expect(plan.firstMessage === big).toBe(true);
    expect(plan.files).toEqual([]);
    expect(plan.command).not.toContain('developer_instructions');
    expect(plan.command.length).toBeLessThan(1000);
  });
});
