import { describe, expect, it } from 'vitest';
import { customBackend } from '#runtime/backends/custom-backend.js';
import { expectNoUserWideConfig, makeRequest, mcpArgv, NASTY_PROMPT, runPlan, scratchDir } from './backend-test-kit.js';

describe('customBackend', () => {
  it('describes itself', () => {
    expect(customBackend).toMatchObject({ name: 'custom', binary: '', verified: false });
  });

  it('runs the command as written and sends the prompt first when it has no hooks', () => {
    for (const role of ['worker', 'ea'] as const) {
      for (const permissions of ['ask', 'bypass'] as const) {
        const request = makeRequest({
          role,
          permissions,
          model: 'ignored',
          systemPrompt: NASTY_PROMPT,
          custom: { command: 'my-agent --tui' },
        });
        const plan = customBackend.plan(request);
        expect(plan).toEqual({
          command: 'my-agent --tui',
          env: {},
          files: [],
          firstMessage: NASTY_PROMPT,
          readyMarkers: [],
          awaitsHello: false,
        });
        expectNoUserWideConfig(plan, request);
      }
    }
  });

  it('appends <promptFlag> <promptFile> and drops the first message', () => {
    const request = makeRequest({ custom: { command: 'env X=1 my-agent', promptFlag: '--system-prompt-file' } });
    expect(customBackend.plan(request)).toEqual({
      command: `env X=1 my-agent --system-prompt-file ${request.promptFile}`,
      env: {},
      files: [],
      readyMarkers: [],
      awaitsHello: false,
    });
  });

  it('writes the standard MCP JSON and appends <mcpConfigFlag> <file>', () => {
    const request = makeRequest({ role: 'ea', custom: { command: 'my-agent', mcpConfigFlag: '--mcp-config' } });
    const plan = customBackend.plan(request);
    const file = `${request.agentDir}/mcp.json`;
    expect(plan).toEqual({
      command: `my-agent --mcp-config ${file}`,
      env: {},
      files: [
        {
          path: file,
          content: `${JSON.stringify({ mcpServers: { omar: { command: '/usr/bin/node', args: ['/opt/omar/dist/omar.mjs', 'mcp-server', '--context', request.contextPath] } } }, null, 2)}\n`,
          mode: 0o600,
        },
      ],
      firstMessage: request.systemPrompt,
      readyMarkers: [],
      awaitsHello: true,
    });
    const mcp = JSON.parse(plan.files[0]!.content) as { mcpServers: { omar: { command: string; args: string[] } } };
    expect([mcp.mcpServers.omar.command, ...mcp.mcpServers.omar.args]).toEqual(mcpArgv(request));
    expectNoUserWideConfig(plan, request);
  });

  it('quotes the hook arguments so odd paths reach the command unchanged', () => {
    const root = scratchDir("custom it's");
    const request = makeRequest({
      agentDir: `${root}/agent $dir`,
      custom: { command: 'my-agent --tui', promptFlag: '--prompt-file', mcpConfigFlag: '--mcp' },
    });
    const plan = customBackend.plan({ ...request, promptFile: `${root}/p "1".md` });
    const run = runPlan(plan, ['my-agent']);
    expect(run.args).toEqual(['--tui', '--prompt-file', `${root}/p "1".md`, '--mcp', `${root}/agent $dir/mcp.json`]);
  });

  it('refuses to plan without a command', () => {
    expect(() => customBackend.plan(makeRequest())).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(() => customBackend.plan(makeRequest({ custom: { command: '  ' } }))).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
  });
});
