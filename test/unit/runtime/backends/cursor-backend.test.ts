import { readlinkSync, mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cursorBackend } from '#runtime/backends/cursor-backend.js';
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

describe('cursorBackend (built from documentation, not verified)', () => {
  it('describes itself as unverified', () => {
    expect(cursorBackend).toMatchObject({ name: 'cursor', binary: 'cursor-agent', verified: false });
  });

  it.each(matrix('gpt-6-high', [undefined, 'medium']).map((c) => [label(c), c] as const))('plans %s', (_label, c) => {
    const request = makeRequest(c);
    const dir = `${request.agentDir}/cursor`;
    const plan = cursorBackend.plan(request);
    const argv = [
      'cursor-agent --approve-mcps --trust',
      ...(c.model ? [`--model ${c.model}`] : []),
      ...(c.permissions === 'bypass' ? ['--force'] : []),
    ].join(' ');
    expect(plan).toEqual({
      command: `if [ -e /home/ann/.config/cursor/auth.json ]; then ln -sfn /home/ann/.config/cursor/auth.json ${dir}/auth.json; fi; ${argv}`,
      env: { CURSOR_CONFIG_DIR: dir },
      files: [
        {
          path: `${dir}/mcp.json`,
          content: `${JSON.stringify({ mcpServers: { omar: { command: '/usr/bin/node', args: ['/opt/omar/dist/omar.mjs', 'mcp-server', '--context', request.contextPath] } } }, null, 2)}\n`,
          mode: 0o600,
        },
        {
          path: `${dir}/cli-config.json`,
          content: `${JSON.stringify({ version: 1, editor: { vimMode: false }, permissions: { allow: ['Mcp(omar:*)'], deny: [] } }, null, 2)}\n`,
          mode: 0o600,
        },
      ],
      firstMessage: request.systemPrompt,
      readyMarkers: ['Cursor Agent'],
      awaitsHello: true,
    });
    expectNoUserWideConfig(plan, request);
  });

  it('never touches ~/.cursor/mcp.json or a project .cursor/mcp.json', () => {
    const request = makeRequest();
    const plan = cursorBackend.plan(request);
    const all = [plan.command, ...Object.values(plan.env), ...plan.files.map((f) => f.path)].join('\n');
    expect(all).not.toContain('/.cursor/');
    expect(all).not.toContain(request.workdir);
  });

  it('registers exactly omar mcp-server --context <context>', () => {
    const request = makeRequest({ role: 'ea' });
    const mcp = JSON.parse(cursorBackend.plan(request).files[0]!.content) as {
      mcpServers: Record<string, { command: string; args: string[] }>;
    };
    expect(Object.keys(mcp.mcpServers)).toEqual(['omar']);
    expect([mcp.mcpServers.omar!.command, ...mcp.mcpServers.omar!.args]).toEqual(mcpArgv(request));
  });

  it('sends the prompt, verbatim, as the first message (cursor has no prompt flag)', () => {
    expect(cursorBackend.plan(makeRequest({ role: 'ea', systemPrompt: NASTY_PROMPT })).firstMessage).toBe(NASTY_PROMPT);
  });

  it("links the user's login when it exists and runs through sh", () => {
    const root = scratchDir('cursor');
    const home = `${root}/home`;
    mkdirSync(`${home}/.config/cursor`, { recursive: true });
    writeFileSync(`${home}/.config/cursor/auth.json`, '{}');
    const request = makeRequest({ agentDir: `${root}/agent dir`, home, model: 'sonnet-5', permissions: 'bypass' });
    const run = runPlan(cursorBackend.plan(request), ['cursor-agent']);
    expect(run.args).toEqual(['--approve-mcps', '--trust', '--model', 'sonnet-5', '--force']);
    expect(run.env.CURSOR_CONFIG_DIR).toBe(`${root}/agent dir/cursor`);
    expect(readlinkSync(`${root}/agent dir/cursor/auth.json`)).toBe(`${home}/.config/cursor/auth.json`);

    const other = scratchDir('cursor-nologin');
    const bare = makeRequest({ agentDir: `${other}/agent`, home: `${other}/home` });
    expect(runPlan(cursorBackend.plan(bare), ['cursor-agent']).program).toBe('cursor-agent');
    expect(existsSync(`${other}/agent/cursor/auth.json`)).toBe(false);
  });
});
