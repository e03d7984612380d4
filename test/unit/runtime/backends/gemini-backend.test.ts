import { existsSync, mkdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { geminiBackend } from '#runtime/backends/gemini-backend.js';
import {
  expectNoUserWideConfig,
  label,
  makeRequest,
  matrix,
  mcpArgv,
  runPlan,
  scratchDir,
} from './backend-test-kit.js';

const CHOOSE_AUTH =
  'if [ -z "${GEMINI_DEFAULT_AUTH_TYPE:-}" ]; then ' +
  'if [ -n "${GEMINI_API_KEY:-}" ]; then GEMINI_DEFAULT_AUTH_TYPE=gemini-api-key; ' +
  'elif [ "${GOOGLE_GENAI_USE_VERTEXAI:-}" = true ]; then GEMINI_DEFAULT_AUTH_TYPE=vertex-ai; ' +
  'else GEMINI_DEFAULT_AUTH_TYPE=oauth-personal; fi; fi; export GEMINI_DEFAULT_AUTH_TYPE';

const POLICY = `# omar: this agent may use its omar tools without asking, and may not dispatch sub-agents.
[[rule]]
mcpName = "omar"
toolName = "*"
decision = "allow"
priority = 900

[[rule]]
toolName = ["invoke_agent"]
decision = "deny"
priority = 900
`;

describe('geminiBackend', () => {
  it('describes itself', () => {
    expect(geminiBackend).toMatchObject({ name: 'gemini', binary: 'gemini', verified: true });
  });

  it.each(
    matrix('gemini-3-pro', [undefined, 'high'], geminiBackend.permissionModes).map((c) => [label(c), c] as const),
  )('plans %s', (_label, c) => {
    const request = makeRequest(c);
    const gh = `${request.agentDir}/gemini-home`;
    const plan = geminiBackend.plan(request);
    const link = (name: string) =>
      `if [ -e /home/ann/.gemini/${name} ]; then ln -sfn /home/ann/.gemini/${name} ${gh}/.gemini/${name}; fi`;
    const gemini = [
      'gemini',
      ...(c.model ? [`-m ${c.model}`] : []),
      `--approval-mode ${{ ask: 'default', workspace: 'auto_edit', auto: '?', bypass: 'yolo', plan: 'plan' }[c.permissions]}`,
    ].join(' ');
    const settings = {
      security: { auth: { selectedType: '${GEMINI_DEFAULT_AUTH_TYPE}' } },
      privacy: { usageStatisticsEnabled: false },
      general: { enableAutoUpdate: false, enableAutoUpdateNotification: false },
      mcpServers: {
        omar: {
          command: '/usr/bin/node',
          args: ['/opt/omar/dist/omar.mjs', 'mcp-server', '--context', request.contextPath],
          trust: true,
        },
      },
    };
    expect(plan).toEqual({
      command: [
        'unset CI GITHUB_ACTIONS',
        CHOOSE_AUTH,
        link('oauth_creds.json'),
        link('google_accounts.json'),
        gemini,
      ].join('; '),
      env: { GEMINI_CLI_HOME: gh, GEMINI_SYSTEM_MD: request.promptFile, GEMINI_CLI_TRUST_WORKSPACE: 'true' },
      files: [
        { path: `${gh}/.gemini/settings.json`, content: `${JSON.stringify(settings, null, 2)}\n`, mode: 0o600 },
        { path: `${gh}/.gemini/policies/omar.toml`, content: POLICY, mode: 0o600 },
      ],
      readyMarkers: ['Type your message'],
      awaitsHello: true,
    });
    expect(plan.firstMessage).toBeUndefined();
    expectNoUserWideConfig(plan, request);
  });

  it('registers exactly omar mcp-server --context <context>, trusted, and a valid policy', () => {
    const request = makeRequest({ role: 'ea' });
    const [settings, policy] = geminiBackend.plan(request).files;
    const server = (
      JSON.parse(settings!.content) as {
        mcpServers: Record<string, { command: string; args: string[]; trust: boolean }>;
      }
    ).mcpServers;
    expect(Object.keys(server)).toEqual(['omar']);
    expect([server.omar!.command, ...server.omar!.args]).toEqual(mcpArgv(request));
    expect(server.omar!.trust).toBe(true);
    expect(parse(policy!.content)).toEqual({
      rule: [
        { mcpName: 'omar', toolName: '*', decision: 'allow', priority: 900 },
        { toolName: ['invoke_agent'], decision: 'deny', priority: 900 },
      ],
    });
  });

  it.each([
    ['an API key', { GEMINI_API_KEY: 'k' }, 'gemini-api-key'],
    ['Vertex', { GOOGLE_GENAI_USE_VERTEXAI: 'true' }, 'vertex-ai'],
    ['nothing (Google login)', {}, 'oauth-personal'],
    [
      'the user’s own choice',
      { GEMINI_DEFAULT_AUTH_TYPE: 'compute-default-credentials', GEMINI_API_KEY: 'k' },
      'compute-default-credentials',
    ],
  ])('selects the auth type from %s', (_what, env: Record<string, string>, expected) => {
    const root = scratchDir('gemini');
    const request = makeRequest({ agentDir: `${root}/agent`, home: `${root}/home` });
    const run = runPlan(geminiBackend.plan(request), ['gemini'], env);
    expect(run.env.GEMINI_DEFAULT_AUTH_TYPE).toBe(expected);
  });

  it('starts gemini interactive even where CI=true (it would go headless and exit)', () => {
    const root = scratchDir('gemini');
    const request = makeRequest({ agentDir: `${root}/agent`, home: `${root}/home` });
    const run = runPlan(geminiBackend.plan(request), ['gemini'], { CI: 'true', GITHUB_ACTIONS: 'true', OTHER: 'kept' });
    expect(run.env.CI).toBeUndefined();
    expect(run.env.GITHUB_ACTIONS).toBeUndefined();
    expect(run.env.OTHER).toBe('kept');
  });

  it("links the user's Google login into the agent's folder, and starts without one", () => {
    const root = scratchDir("gemini it's");
    const home = `${root}/home`;
    mkdirSync(`${home}/.gemini`, { recursive: true });
    writeFileSync(`${home}/.gemini/oauth_creds.json`, '{}');
    const request = makeRequest({ agentDir: `${root}/agent dir`, home, model: 'gemini-3-pro', permissions: 'bypass' });
    const run = runPlan(geminiBackend.plan(request), ['gemini']);
    expect(run.program).toBe('gemini');
    expect(run.args).toEqual(['-m', 'gemini-3-pro', '--approval-mode', 'yolo']);
    expect(run.env.GEMINI_CLI_HOME).toBe(`${root}/agent dir/gemini-home`);
    const dotGemini = `${root}/agent dir/gemini-home/.gemini`;
    expect(readlinkSync(`${dotGemini}/oauth_creds.json`)).toBe(`${home}/.gemini/oauth_creds.json`);
    expect(existsSync(`${dotGemini}/google_accounts.json`)).toBe(false);
  });
});
