import { describe, expect, it } from 'vitest';
import { claudeBackend } from '#runtime/backends/claude-backend.js';
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

const DENY = 'ScheduleWakeup,CronCreate,CronDelete,CronList,Monitor,Agent,Task,Workflow,SendMessage,ListAgents';

describe('claudeBackend', () => {
  it('describes itself', () => {
    expect(claudeBackend).toMatchObject({ name: 'claude', binary: 'claude', verified: true });
  });

  it.each(matrix('opus', [undefined, 'xhigh'], claudeBackend.permissionModes).map((c) => [label(c), c] as const))(
    'plans %s',
    (_label, c) => {
      const request = makeRequest(c);
      const dir = request.agentDir;
      const plan = claudeBackend.plan(request);
      const expected = [
        'claude',
        ...(c.model ? [`--model ${c.model}`] : []),
        ...(c.reasoningEffort ? [`--effort ${c.reasoningEffort}`] : []),
        `--append-system-prompt-file ${request.promptFile}`,
        `--mcp-config ${dir}/claude-mcp.json --strict-mcp-config`,
        '--allowedTools mcp__omar',
        `--disallowedTools ${DENY}`,
        c.permissions === 'bypass'
          ? `--settings ${dir}/claude-settings.json --dangerously-skip-permissions`
          : `--permission-mode ${{ ask: 'manual', workspace: 'acceptEdits', auto: 'auto', plan: 'plan' }[c.permissions]}`,
      ].join(' ');
      expect(plan).toEqual({
        command: expected,
        env: c.permissions === 'bypass' ? { IS_SANDBOX: '1' } : {},
        files: [
          {
            path: `${dir}/claude-mcp.json`,
            content: `${JSON.stringify({ mcpServers: { omar: { type: 'stdio', command: '/usr/bin/node', args: ['/opt/omar/dist/omar.mjs', 'mcp-server', '--context', request.contextPath] } } }, null, 2)}\n`,
            mode: 0o600,
          },
          ...(c.permissions === 'bypass'
            ? [
                {
                  path: `${dir}/claude-settings.json`,
                  content: '{\n  "skipDangerousModePermissionPrompt": true\n}\n',
                  mode: 0o600,
                },
              ]
            : []),
        ],
        readyMarkers: ['Claude Code v', '❯'],
        awaitsHello: true,
      });
      expect(plan.firstMessage).toBeUndefined();
      expectNoUserWideConfig(plan, request);
    },
  );

  it('points the MCP config at exactly omar mcp-server --context <context>', () => {
    const request = makeRequest({ role: 'ea' });
    const config = JSON.parse(claudeBackend.plan(request).files[0]!.content) as {
      mcpServers: Record<string, { command: string; args: string[] }>;
    };
    expect(Object.keys(config.mcpServers)).toEqual(['omar']);
    const server = config.mcpServers.omar!;
    expect([server.command, ...server.args]).toEqual(mcpArgv(request));
  });

  it('keeps the prompt out of the command line (it is read from the prompt file)', () => {
    const plan = claudeBackend.plan(makeRequest({ systemPrompt: NASTY_PROMPT }));
    expect(plan.command).not.toContain('whoami');
  });

  it('quotes paths with spaces and quotes so the CLI receives them unchanged', () => {
    const root = scratchDir("claude it's");
    const request = makeRequest({ agentDir: `${root}/agent dir`, permissions: 'bypass', model: "o'pus $x" });
    const run = runPlan(claudeBackend.plan(request), ['claude']);
    expect(run.program).toBe('claude');
    expect(run.args).toEqual([
      '--model',
      "o'pus $x",
      '--append-system-prompt-file',
      request.promptFile,
      '--mcp-config',
      `${root}/agent dir/claude-mcp.json`,
      '--strict-mcp-config',
      '--allowedTools',
      'mcp__omar',
      '--disallowedTools',
      DENY,
      '--settings',
      `${root}/agent dir/claude-settings.json`,
      '--dangerously-skip-permissions',
    ]);
    expect(run.env.IS_SANDBOX).toBe('1');
  });
});
