/**
 * What a person who already uses each CLI has in their HOME, rebuilt in a temp HOME and
 * pointed at the fake model server: the login/onboarding state, the provider settings,
 * and every switch known to keep the CLIs off the network (telemetry,
 * update checks, feature flags, model catalogs, plugin installs).
 *
 * omar's adapters add only omar's own part (MCP server, approvals, prompt); the env
 * returned here goes into the daemon's environment, which the tmux server it starts
 * passes on to every pane.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const FAKE_ANTHROPIC_KEY = 'sk-ant-fake-omar-backends-test-0123456789';
export const FAKE_OPENAI_KEY = 'sk-fake-omar-backends-test';
export const FAKE_GEMINI_KEY = 'fake-gemini-key-omar-backends-test';

/** Variables that could send a CLI through a proxy or to a configured cloud; removed from the env. */
const STRIP = [
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'ALL_PROXY',
  'http_proxy',
  'https_proxy',
  'all_proxy',
  'XDG_CONFIG_HOME',
  'XDG_DATA_HOME',
  'XDG_CACHE_HOME',
  'XDG_STATE_HOME',
  'ANTHROPIC_AUTH_TOKEN',
  'ANTHROPIC_MODEL',
  'CLAUDE_CONFIG_DIR',
  'CODEX_HOME',
  'OPENAI_API_KEY',
  'OPENAI_BASE_URL',
  'GOOGLE_API_KEY',
  'GOOGLE_GENAI_USE_VERTEXAI',
  'GOOGLE_CLOUD_PROJECT',
  'GEMINI_DEFAULT_AUTH_TYPE',
  'GEMINI_MODEL',
  'OPENCODE_CONFIG',
  'OPENCODE_CONFIG_CONTENT',
  'OPENCODE_CONFIG_DIR',
];

/**
 * Requests a CLI makes past loopback that no setting turns off. The proxy trap below sends
 * them to the fake server, which refuses them, so they never leave the machine either.
 * - codex 0.169.0: the TUI fetches raw.githubusercontent.com/openai/codex/main/announcement_tip.toml
 *   at every start (tui/src/tooltips.rs, prewarmed unconditionally; `[tui] show_tooltips = false`
 *   does not stop it).
 */
export const KNOWN_OUTBOUND: ReadonlyArray<{ cli: string; target: RegExp }> = [
  { cli: 'codex', target: /^raw\.githubusercontent\.com:443$/ },
];

export interface CliEnvOptions {
  home: string;
  /** The agents' working directory (claude must trust it). */
  workdir: string;
  /** http://127.0.0.1:PORT of the fake model server. */
  fakeUrl: string;
  /** Prepended to PATH (the cache's bin folder). */
  pathDir: string;
}

/** Writes the four CLIs' user config into `home` and edits `env` in place. */
export function prepareCliHome(env: Record<string, string>, options: CliEnvOptions): void {
  const { home, workdir, fakeUrl } = options;
  for (const key of STRIP) delete env[key];
  const write = (path: string, content: string): void => {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, content, { mode: 0o600 });
  };

  // Claude Code: onboarding done (else the TUI checks api.anthropic.com and exits), the
  // workdir trusted, the API key approved (its last 20 characters).
  write(
    join(home, '.claude.json'),
    JSON.stringify({
      hasCompletedOnboarding: true,
      theme: 'dark',
      customApiKeyResponses: { approved: [FAKE_ANTHROPIC_KEY.slice(-20)], rejected: [] },
      projects: { [workdir]: { hasTrustDialogAccepted: true } },
    }),
  );

  // Codex: a custom Responses provider, no retries, no analytics/update check/plugins.
  write(
    join(home, '.codex', 'config.toml'),
    [
      'model = "fake-model"',
      'model_provider = "fake"',
      'check_for_update_on_startup = false',
      '',
      '[analytics]',
      'enabled = false',
      '',
      '[feedback]',
      'enabled = false',
      '',
      '[features]',
      'plugins = false',
      '',
      '[model_providers.fake]',
      'name = "Fake local"',
      `base_url = "${fakeUrl}/v1"`,
      'wire_api = "responses"',
      'env_key = "FAKE_OPENAI_KEY_OF_THE_TESTS"',
      'request_max_retries = 0',
      'stream_max_retries = 0',
      '',
    ].join('\n'),
  );

  // opencode: an OpenAI-compatible provider (the SDK is bundled in the binary).
  write(
    join(home, '.config', 'opencode', 'opencode.json'),
    JSON.stringify({
      $schema: 'https://opencode.ai/config.json',
      provider: {
        fake: {
          npm: '@ai-sdk/openai-compatible',
          name: 'Fake local',
          options: { baseURL: `${fakeUrl}/v1`, apiKey: FAKE_OPENAI_KEY },
          models: { 'fake-model': { name: 'Fake model', tool_call: true } },
        },
      },
      model: 'fake/fake-model',
      small_model: 'fake/fake-model',
      autoupdate: false,
      share: 'disabled',
    }),
  );

  Object.assign(env, {
    HOME: home,
    PATH: `${options.pathDir}:${env['PATH'] ?? '/usr/bin:/bin'}`,
    // A trap: a client that honours proxies sends anything bound past loopback to the fake
    // server, which refuses and records it (the test fails on any such request).
    HTTP_PROXY: fakeUrl,
    HTTPS_PROXY: fakeUrl,
    http_proxy: fakeUrl,
    https_proxy: fakeUrl,
    NO_PROXY: '127.0.0.1,localhost',
    no_proxy: '127.0.0.1,localhost',
    // claude
    ANTHROPIC_BASE_URL: fakeUrl,
    ANTHROPIC_API_KEY: FAKE_ANTHROPIC_KEY,
    CLAUDE_CODE_MAX_RETRIES: '0',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
    DISABLE_TELEMETRY: '1',
    DISABLE_ERROR_REPORTING: '1',
    DISABLE_GROWTHBOOK: '1',
    CLAUDE_CODE_DISABLE_FEATURE_FLAGS: '1',
    // else it clones anthropics/claude-plugins-official from github.com (ssh, then https)
    CLAUDE_CODE_DISABLE_OFFICIAL_MARKETPLACE_AUTOINSTALL: '1',
    // codex
    FAKE_OPENAI_KEY_OF_THE_TESTS: FAKE_OPENAI_KEY,
    // gemini (its settings live in the agent's own GEMINI_CLI_HOME, written by the adapter)
    GEMINI_API_KEY: FAKE_GEMINI_KEY,
    GOOGLE_GEMINI_BASE_URL: fakeUrl,
    // opencode
    OPENCODE_DISABLE_MODELS_FETCH: '1',
    OPENCODE_DISABLE_AUTOUPDATE: '1',
    OPENCODE_DISABLE_DEFAULT_PLUGINS: '1',
    OPENCODE_DISABLE_SHARE: '1',
    OPENCODE_DISABLE_LSP_DOWNLOAD: '1',
    OPENCODE_DISABLE_CLAUDE_CODE: '1',
    // `--pure` as env: no external plugins (`--pure` was measured offline)
    OPENCODE_PURE: '1',
    // opencode npm-installs @opencode-ai/plugin into each config folder (~/.config/opencode)
    // at every start, with no switch; its bundled npm honours npm_config_*: offline, it
    // never asks registry.npmjs.org (the install fails, harmlessly, in the background).
    npm_config_offline: 'true',
  });
}
