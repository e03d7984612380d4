import { describe, expect, it } from 'vitest';
import { loadConfig, settingsFromConfig, type ConfigFlags, type Env } from '#config/load-config.js';
import { agentContextPath, eaDir, resolvePaths } from '#config/paths.js';

const HOME = '/home/ann';
const CWD = '/work/project';
const CONFIG = '/home/ann/.omar/config.toml';

function load(options: { toml?: string | null; env?: Env; flags?: ConfigFlags; files?: Record<string, string> } = {}) {
  const files: Record<string, string> = { ...options.files };
  if (options.toml) files[CONFIG] = options.toml;
  const read: string[] = [];
  const config = loadConfig({
    env: { HOME, ...options.env },
    flags: options.flags ?? {},
    cwd: CWD,
    tmpdir: '/tmp',
    readFile: (path) => {
      read.push(path);
      return files[path] ?? null;
    },
  });
  return { config, read };
}

function problemOf(run: () => unknown): { code: string; message: string; problems: string[] } {
  try {
    run();
  } catch (error) {
    const e = error as { code: string; message: string; details?: { problems?: string[] } };
    return { code: e.code, message: e.message, problems: e.details?.problems ?? [] };
  }
  throw new Error('expected loadConfig to throw');
}

describe('loadConfig', () => {
  it('has defaults when there is no file', () => {
    const { config, read } = load({ env: { SHELL: '/bin/zsh' } });
    expect(read).toEqual([CONFIG]);
    expect(config).toEqual({
      home: '/home/ann/.omar',
      paths: {
        home: '/home/ann/.omar',
        state: '/home/ann/.omar/state.json',
        inFlight: '/home/ann/.omar/deliveries-in-flight.jsonl',
        journalDir: '/home/ann/.omar',
        config: CONFIG,
        ownerToken: '/home/ann/.omar/owner.token',
        pidFile: '/home/ann/.omar/omar.pid',
        logs: '/home/ann/.omar/logs',
        socket: '/home/ann/.omar/omar.sock',
      },
      file: { path: CONFIG, present: false },
      tmux: { socket: 'omar' },
      log: { level: 'info' },
      agent: { backend: 'auto', defaultWorkdir: CWD, permissions: 'ask', permissionsByBackend: {} },
      ea: { command: '/bin/zsh' },
      health: { tickMs: 1000, idleSeconds: 15, stuckSeconds: 300 },
      journal: { maxBytes: 10_485_760, keep: 5 },
      daemon: { managerBackoffMaxSeconds: 60 },
      events: { maxParallel: 16, maxAttempts: 5, retryBaseMs: 1000, retryMaxMs: 30_000, readinessTimeoutSeconds: 60 },
      delivery: { attempts: 3, renderTimeoutMs: 3000, confirmTimeoutMs: 3000 },
      custom: { command: null, promptFlag: null, mcpConfigFlag: null },
      sim: { receiptsDir: null },
      chat: {
        editIntervalSeconds: 2,
        reports: true,
        reportCron: '0 */3 * * *',
        reportTz: null,
        users: [],
        envAdmins: [],
        reportsChannel: {},
        maxFileBytes: 20 * 1024 * 1024,
        slack: { port: 3000, host: '127.0.0.1' },
        discord: { guilds: [], channels: [], adminRoles: [], operatorRoles: [], viewerRoles: [] },
      },
      dialogs: { remindMinutes: 30, rules: [] },
    });
  });

  it('reads [chat], its users and reports channels, and adds OMAR_CHAT_ADMINS as admins', () => {
    const { config } = load({
      toml: [
        '[chat]',
        'edit_interval_seconds = 5',
        'report_cron = "0 9 * * 1-5"',
        'report_tz = "Europe/Paris"',
        '[[chat.users]]',
        'platform = "slack"',
        'id = "U1"',
        'role = "operator"',
        '[chat.slack]',
        'reports_channel = "C99"',
        '[chat.discord]',
        'admin_roles = ["42"]',
      ].join('\n'),
      env: { OMAR_CHAT_ADMINS: 'slack:U0ADMIN, discord:123' },
    });
    expect(config.chat).toMatchObject({
      editIntervalSeconds: 5,
      reportCron: '0 9 * * 1-5',
      reportTz: 'Europe/Paris',
      reportsChannel: { slack: 'C99' },
      users: [{ platform: 'slack', id: 'U1', role: 'operator' }],
      envAdmins: [
        { platform: 'slack', id: 'U0ADMIN' },
        { platform: 'discord', id: '123' },
      ],
      discord: { adminRoles: ['42'] },
    });
  });

  it('refuses an OMAR_CHAT_ADMINS entry that is not PLATFORM:ID, saying how to write it', () => {
    expect(() => load({ env: { OMAR_CHAT_ADMINS: 'U0ADMIN' } })).toThrow(/PLATFORM:ID/);
  });

  it('falls back to /bin/sh for the EA command without $SHELL', () => {
    expect(load().config.ea.command).toBe('/bin/sh');
  });

  it('returns a deeply frozen object', () => {
    const { config } = load();
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.health)).toBe(true);
    expect(Object.isFrozen(config.paths)).toBe(true);
  });

  it('reads every key from the file', () => {
    const { config } = load({
      toml: `
[tmux]
socket = "mine"
[log]
level = "debug"
[agent]
backend = "claude"
default_workdir = "~/code"
permissions = "bypass"
[ea]
command = "claude --continue"
[health]
tick_ms = 500
idle_seconds = 30
stuck_seconds = 600
[journal]
max_bytes = 2048
keep = 3
[daemon]
manager_backoff_max_seconds = 120
`,
    });
    expect(config).toMatchObject({
      file: { present: true },
      tmux: { socket: 'mine' },
      log: { level: 'debug' },
      agent: { backend: 'claude', defaultWorkdir: '/home/ann/code', permissions: 'bypass' },
      ea: { command: 'claude --continue' },
      health: { tickMs: 500, idleSeconds: 30, stuckSeconds: 600 },
      journal: { maxBytes: 2048, keep: 3 },
      daemon: { managerBackoffMaxSeconds: 120 },
      events: { maxParallel: 16, maxAttempts: 5, retryBaseMs: 1000, retryMaxMs: 30_000, readinessTimeoutSeconds: 60 },
      delivery: { attempts: 3, renderTimeoutMs: 3000, confirmTimeoutMs: 3000 },
      custom: { command: null, promptFlag: null, mcpConfigFlag: null },
    });
  });

  it("reads the permission mode, and one backend's own mode over it", () => {
    const { config } = load({
      toml: '[agent]\npermissions = "workspace"\n[backends.claude]\npermissions = "auto"\n[backends.gemini]\n',
    });
    expect(config.agent.permissions).toBe('workspace');
    expect(config.agent.permissionsByBackend).toEqual({ claude: 'auto' });
    const failure = problemOf(() => load({ toml: '[backends.codex]\npermissions = "sometimes"' }));
    expect(failure.code).toBe('CONFIG_INVALID');
    expect(failure.problems.join('\n')).toMatch(/backends\.codex\.permissions/);
  });

  it('reads [sim] receipts_dir, an absolute path only', () => {
    expect(load({ toml: '[sim]\nreceipts_dir = "/tmp/receipts"' }).config.sim).toEqual({
      receiptsDir: '/tmp/receipts',
    });
    const failure = problemOf(() => load({ toml: '[sim]\nreceipts_dir = "receipts"' }));
    expect(failure.code).toBe('CONFIG_INVALID');
    expect(failure.problems).toEqual(['sim.receipts_dir: expected an absolute path']);
  });

  it('resolves a relative default_workdir against the start directory', () => {
    expect(load({ toml: '[agent]\ndefault_workdir = "sub/dir"' }).config.agent.defaultWorkdir).toBe(
      '/work/project/sub/dir',
    );
  });

  const FILE = '[tmux]\nsocket = "file"\n[log]\nlevel = "debug"\n[agent]\nbackend = "codex"\n';
  it.each([
    { name: 'defaults', toml: null, env: {}, flags: {}, want: { socket: 'omar', level: 'info', backend: 'auto' } },
    {
      name: 'file over defaults',
      toml: FILE,
      env: {},
      flags: {},
      want: { socket: 'file', level: 'debug', backend: 'codex' },
    },
    {
      name: 'env over file',
      toml: FILE,
      env: { OMAR_TMUX_SOCKET: 'env', OMAR_LOG_LEVEL: 'error', OMAR_BACKEND: 'opencode' },
      flags: {},
      want: { socket: 'env', level: 'error', backend: 'opencode' },
    },
    {
      name: 'flags over env',
      toml: FILE,
      env: { OMAR_LOG_LEVEL: 'error', OMAR_BACKEND: 'opencode' },
      flags: { logLevel: 'trace', backend: 'claude' },
      want: { socket: 'file', level: 'trace', backend: 'claude' },
    },
    {
      name: 'flags over defaults',
      toml: null,
      env: {},
      flags: { logLevel: 'silent' },
      want: { socket: 'omar', level: 'silent', backend: 'auto' },
    },
    {
      name: 'empty env values are unset',
      toml: FILE,
      env: { OMAR_LOG_LEVEL: '', OMAR_BACKEND: ' ' },
      flags: {},
      want: { socket: 'file', level: 'debug', backend: 'codex' },
    },
  ])('precedence: $name', ({ toml, env, flags, want }) => {
    const { config } = load({ toml, env, flags });
    expect({ socket: config.tmux.socket, level: config.log.level, backend: config.agent.backend }).toEqual(want);
  });

  it.each([
    { name: 'default', env: {}, flags: {}, home: '/home/ann/.omar' },
    { name: 'OMAR_HOME', env: { OMAR_HOME: '/srv/omar' }, flags: {}, home: '/srv/omar' },
    { name: 'relative OMAR_HOME', env: { OMAR_HOME: 'state' }, flags: {}, home: '/work/project/state' },
    {
      name: '--home over OMAR_HOME',
      env: { OMAR_HOME: '/srv/omar' },
      flags: { home: '~/other' },
      home: '/home/ann/other',
    },
  ])('home: $name', ({ env, flags, home }) => {
    const { config, read } = load({ env, flags });
    expect(config.home).toBe(home);
    expect(read).toEqual([`${home}/config.toml`]);
    expect(config.paths.state).toBe(`${home}/state.json`);
  });

  it('reads config.toml from OMAR_HOME', () => {
    const { config } = load({
      env: { OMAR_HOME: '/srv/omar' },
      files: { '/srv/omar/config.toml': '[log]\nlevel = "warn"' },
    });
    expect(config.log.level).toBe('warn');
  });

  it('needs HOME or OMAR_HOME', () => {
    expect(problemOf(() => loadConfig({ env: {}, cwd: CWD, readFile: () => null })).code).toBe('CONFIG_INVALID');
  });

  it('reports each unknown key as section.key', () => {
    const failure = problemOf(() => load({ toml: '[tmux]\nsockett = "x"\nextra = 1\n[colour]\nmode = "dark"\n' }));
    expect(failure.code).toBe('CONFIG_INVALID');
    expect(failure.message).toContain(CONFIG);
    expect(failure.problems).toEqual(
      expect.arrayContaining(['tmux.sockett: unknown key', 'tmux.extra: unknown key', 'colour: unknown section']),
    );
    expect(failure.problems).toHaveLength(3);
  });

  it('reports wrong types and values, every one of them', () => {
    const failure = problemOf(() =>
      load({
        toml: '[health]\ntick_ms = "fast"\nidle_seconds = -1\n[log]\nlevel = "loud"\n[agent]\npermissions = "yes"\n',
      }),
    );
    expect(failure.code).toBe('CONFIG_INVALID');
    expect(failure.problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'agent.permissions',
      'health.idle_seconds',
      'health.tick_ms',
      'log.level',
    ]);
    expect(failure.message).toMatch(/health\.tick_ms: expected number, received string/);
  });

  it('checks that stuck_seconds is not below idle_seconds', () => {
    expect(problemOf(() => load({ toml: '[health]\nidle_seconds = 60\nstuck_seconds = 30' })).problems).toEqual([
      'health.stuck_seconds: must be at least health.idle_seconds',
    ]);
  });

  it('reports bad TOML with line and column', () => {
    const failure = problemOf(() => load({ toml: '[tmux]\nsocket = "omar"\nlevel = = 3\n' }));
    expect(failure.code).toBe('CONFIG_INVALID');
    expect(failure.message).toContain(CONFIG);
    expect(failure.message).toMatch(/line 3, column \d+/);
  });

  it('names bad environment values and flags by their source', () => {
    const failure = problemOf(() =>
      load({ env: { OMAR_LOG_LEVEL: 'loud', OMAR_TMUX_SOCKET: 'a/b' }, flags: { backend: 'Bad Name' } }),
    );
    expect(failure.problems.map((p) => p.split(':')[0])).toEqual(['OMAR_TMUX_SOCKET', 'OMAR_LOG_LEVEL', '--backend']);
  });

  it('reports an unreadable file as CONFIG_INVALID', () => {
    const failure = problemOf(() =>
      loadConfig({
        env: { HOME },
        cwd: CWD,
        readFile: () => {
          throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
        },
      }),
    );
    expect(failure.code).toBe('CONFIG_INVALID');
    expect(failure.message).toContain('permission denied');
  });

  it('maps to the core Settings', () => {
    expect(settingsFromConfig(load({ env: { SHELL: '/bin/bash' } }).config)).toEqual({
      defaultWorkdir: CWD,
      eaCommand: '/bin/bash',
      defaultBackend: 'auto',
      idleSeconds: 15,
      stuckSeconds: 300,
    });
  });
});

describe('paths', () => {
  it('puts the socket in the home while the path is short enough', () => {
    expect(resolvePaths('/home/ann/.omar', '/tmp').socket).toBe('/home/ann/.omar/omar.sock');
  });

  it('falls back to a stable socket in a folder of the user in the temp directory for a long home', () => {
    const home = `/home/ann/${'very-long-directory-name/'.repeat(4)}omar`;
    const socket = resolvePaths(home, '/tmp').socket;
    expect(socket).toMatch(new RegExp(`^/tmp/omar-${process.getuid!()}/omar-[0-9a-f]{16}\\.sock$`));
    expect(resolvePaths(home, '/tmp').socket).toBe(socket);
    expect(resolvePaths(`${home}2`, '/tmp').socket).not.toBe(socket);
  });

  it('switches at 100 bytes', () => {
    const at100 = `/${'h'.repeat(100 - '/omar.sock'.length - 1)}`;
    expect(resolvePaths(at100, '/tmp').socket).toBe(`${at100}/omar.sock`);
    expect(resolvePaths(`${at100}x`, '/tmp').socket).toMatch(/^\/tmp\/omar-/);
  });

  it('uses the fallback through loadConfig too', () => {
    const home = `/srv/${'x'.repeat(100)}`;
    expect(load({ env: { OMAR_HOME: home } }).config.paths.socket).toMatch(
      /^\/tmp\/omar-\d+\/omar-[0-9a-f]{16}\.sock$/,
    );
  });

  it('places EA folders and agent contexts', () => {
    expect(eaDir('/h', 2)).toBe('/h/ea/2');
    expect(agentContextPath('/h', 2, 'w1')).toBe('/h/ea/2/agents/w1/context.json');
  });
});
