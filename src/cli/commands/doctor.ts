import { spawnSync } from 'node:child_process';
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../../config/config-schema.js';
import { describeIssues, toAppError } from '../../core/errors.js';
import { StateSchema } from '../../core/model/state.js';
import { describeChatBridge } from '../../core/operations/daemon-status.js';
import type { ChatBridgeStatus } from '../../core/ports.js';
import { toMarkdownTable } from '../../core/surface/markdown-table.js';
import { homeModeProblem } from '../../daemon/home-permissions.js';
import { readLivePid } from '../../daemon/pid-file.js';
import { BACKENDS, parseVersion } from '../../runtime/backends/backend-registry.js';
import { findSimBundle } from '../../runtime/backends/sim-backend.js';
import { connectAsOwner, loadCliConfig, type CliIo, type GlobalOptions } from '../cli-context.js';
import { EXIT_FAILURE, EXIT_OK } from '../exit-codes.js';
import { printMarkdown } from '../output.js';

export interface Check {
  check: string;
  ok: boolean;
  /** What was found. */
  found: string;
  /** What to do when it is wrong. */
  fix: string;
}

/** The agent CLIs omar can drive (every backend with a binary), with how to install each. */
export const AGENT_CLIS = BACKENDS.filter((b) => b.binary !== '').map((b) => ({
  name: b.name,
  binary: b.binary,
  install: b.install,
}));

/** `omar doctor`: each problem with its fix. Exit 1 when a required check fails. */
export async function runDoctor(_args: string[], globals: GlobalOptions, io: CliIo): Promise<number> {
  const checks: Check[] = [];
  const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
  checks.push(
    checked(
      'node',
      major > 20 || (major === 20 && minor >= 19),
      process.versions.node,
      'Install Node.js 20.19 or newer.',
    ),
  );

  const tmux = spawnSync('tmux', ['-V'], { encoding: 'utf8', timeout: 5000 });
  const tmuxVersion = tmux.status === 0 ? tmux.stdout.trim() : null;
  checks.push(
    checked(
      'tmux',
      tmuxVersion !== null && tmuxAtLeast(tmuxVersion, 3, 2),
      tmuxVersion ?? 'not installed',
      'Install tmux 3.2 or newer: apt-get install tmux (Debian/Ubuntu) or brew install tmux (macOS).',
    ),
  );

  let config: Config | null = null;
  try {
    config = loadCliConfig(io, {}, globals);
    checks.push({
      check: 'config',
      ok: true,
      found: config.file.present ? config.file.path : `defaults (no ${config.file.path})`,
      fix: '',
    });
  } catch (error) {
    checks.push({
      check: 'config',
      ok: false,
      found: toAppError(error).message,
      fix: 'Fix config.toml as the message says.',
    });
  }
  if (config) {
    checks.push(homeCheck(config));
    checks.push(stateCheck(config));
    const pid = await readLivePid(config.paths.pidFile);
    let reachable = false;
    let chat: ChatBridgeStatus[] | null = null;
    if (pid !== null) {
      const client = await connectAsOwner(config).catch(() => null);
      if (client) {
        reachable = await client.call('whoami').then(
          () => true,
          () => false,
        );
        if (reachable)
          chat = await client.call<{ chat: ChatBridgeStatus[] }>('get_status').then(
            (s) => s.chat,
            () => null,
          );
        client.close();
      }
    }
    checks.push({
      check: 'daemon',
      ok: pid !== null && reachable,
      found:
        pid === null
          ? 'not running'
          : reachable
            ? `pid ${pid}, socket ${config.paths.socket}`
            : `pid ${pid}, but ${config.paths.socket} does not answer`,
      fix:
        pid === null
          ? 'Start it: omar up (or omar up --detach).'
          : reachable
            ? ''
            : 'Restart it: omar down, then omar up.',
    });
    if (chat) checks.push(chatCheck(chat, config));
    const server = tmuxVersion
      ? spawnSync('tmux', ['-L', config.tmux.socket, 'list-sessions', '-F', '#{session_name}'], {
          encoding: 'utf8',
          timeout: 5000,
        })
      : null;
    const sessions =
      server && server.status === 0 ? server.stdout.split('\n').filter((s) => s.startsWith('omar-agent-')).length : 0;
    checks.push({
      check: 'tmux socket',
      ok: true,
      found: `-L ${config.tmux.socket}: ${server && server.status === 0 ? `${sessions} omar session(s)` : 'no server running'}`,
      fix: '',
    });
  }
  const installed = AGENT_CLIS.map((cli) => ({ ...cli, version: versionOf(cli.binary) }));
  for (const cli of installed) {
    checks.push({
      check: `agent CLI: ${cli.name}`,
      ok: true,
      found: cli.version ?? 'not installed',
      fix: cli.version ? '' : `Optional: ${cli.install}`,
    });
  }
  const sim = findSimBundle(dirname(fileURLToPath(import.meta.url)));
  checks.push({
    check: 'agent: sim (built in)',
    ok: true,
    found: sim ? `${sim} (used when no CLI is installed)` : 'not built',
    fix: sim ? '' : 'Run npm run build (it builds dist/sim.mjs).',
  });
  checks.push(isolationCheck());
  const required = checks.filter((c) => !c.check.startsWith('agent') && c.check !== 'daemon');
  const healthy = required.every((c) => c.ok);
  if (globals.json) {
    io.stdout.write(`${JSON.stringify({ ok: healthy, checks }, null, 2)}\n`);
  } else {
    const rows = checks.map((c) => ({ ...c, status: c.ok ? (c.fix ? 'note' : 'ok') : 'PROBLEM' }));
    await printMarkdown(
      `${toMarkdownTable(rows, [
        { key: 'status', header: '' },
        { key: 'check', header: 'check' },
        { key: 'found', header: 'found' },
        { key: 'fix', header: 'fix' },
      ])}\n\n${healthy ? 'Everything omar needs is in place.' : 'Fix the problems above, then run omar doctor again.'}${installed.some((c) => c.version) ? '' : '\n\nNo agent CLI is installed: omar runs its scripted agent `sim` (no model needed); install a CLI above to run real agents.'}\n`,
      io,
    );
  }
  return healthy ? EXIT_OK : EXIT_FAILURE;
}

/** Which chat bridges the daemon runs and whether they are connected (docs/contracts.md §11). */
function chatCheck(bridges: ChatBridgeStatus[], config: Config): Check {
  const down = bridges.filter((b) => !b.connected);
  const warned = bridges.filter((b) => b.connected && b.warning);
  const fixes = [
    ...promptsUnseen(bridges, config),
    ...(down.length > 0
      ? [
          `Check the credentials of ${down.map((b) => b.platform).join(', ')} (environment or config.toml), then restart omar.`,
        ]
      : []),
    ...warned.map((b) => `${b.platform}: ${b.warning}`),
  ];
  return {
    check: 'chat bridges',
    ok: true,
    found: bridges.map(describeChatBridge).join('; ') || 'none',
    fix: fixes.join(' '),
  };
}

/**
 * Agents whose CLI asks before acting (any permission mode but bypass) stop on prompts:
 * with no chat platform connected, nobody is pinged — only `omar chat`, `omar dialogs`
 * and `omar list` show them.
 */
function promptsUnseen(bridges: ChatBridgeStatus[], config: Config): string[] {
  const modes = new Set([config.agent.permissions, ...Object.values(config.agent.permissionsByBackend)]);
  const asks = [...modes].some((m) => m !== 'bypass');
  const platform = bridges.some((b) => b.connected && b.platform !== 'console');
  if (!asks || platform) return [];
  return [
    `Agents can stop on a permission prompt (agent.permissions = "${config.agent.permissions}"), and no Slack or Discord is connected to ping you: only omar chat, omar dialogs and omar list show them. Connect a bridge, or answer with omar answer NAME CHOICE.`,
  ];
}

/** Said plainly on every run: what the permission table binds, and what it cannot while agents share your uid. */
function isolationCheck(): Check {
  const uid = typeof process.getuid === 'function' ? ` (uid ${process.getuid()})` : '';
  return {
    check: 'agent isolation',
    ok: true,
    found: `agents run as your user${uid}: the permission table binds what they ask omar to do, not a shell command that reads your files, OMAR_HOME/owner.token included`,
    fix: 'Run only agents you would trust with your account; see "What the permission table protects" in the README.',
  };
}

function tmuxAtLeast(version: string, major: number, minor: number): boolean {
  const m = /(\d+)\.(\d+)/.exec(version);
  if (!m) return true;
  const [a, b] = [Number(m[1]), Number(m[2])];
  return a > major || (a === major && b >= minor);
}

function versionOf(binary: string): string | null {
  const result = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 5000 });
  if (result.error || result.status !== 0) return null;
  return parseVersion(result.stdout || result.stderr) ?? 'installed';
}

/** A check that passes or fails; the fix is shown only when it fails. */
function checked(check: string, ok: boolean, found: string, fix: string): Check {
  return { check, ok, found, fix: ok ? '' : fix };
}

function homeCheck(config: Config): Check {
  let stat;
  try {
    stat = statSync(config.home);
  } catch {
    return { check: 'OMAR_HOME', ok: true, found: `${config.home} (created by omar up)`, fix: '' };
  }
  if (!stat.isDirectory()) return checked('OMAR_HOME', false, `${config.home} is not a folder`, 'Move it away.');
  try {
    accessSync(config.home, constants.W_OK);
  } catch {
    return checked('OMAR_HOME', false, `${config.home} is not writable`, `chmod u+w ${config.home}`);
  }
  const problem = homeModeProblem(stat.mode);
  if (problem === null) return checked('OMAR_HOME', true, `${config.home} (700)`, '');
  const writable = (stat.mode & 0o022) !== 0;
  return {
    check: 'OMAR_HOME',
    ok: !writable,
    found: `${config.home}: ${problem}`,
    fix: `chmod 700 ${config.home} (omar up does it): it holds the owner's token.`,
  };
}

function stateCheck(config: Config): Check {
  let text: string;
  try {
    text = readFileSync(config.paths.state, 'utf8');
  } catch {
    return { check: 'state file', ok: true, found: `${config.paths.state} (created by omar up)`, fix: '' };
  }
  try {
    const parsed = StateSchema.safeParse(JSON.parse(text));
    if (parsed.success)
      return {
        check: 'state file',
        ok: true,
        found: `${config.paths.state} (version ${parsed.data.version}, ${parsed.data.agents.length} agents)`,
        fix: '',
      };
    return {
      check: 'state file',
      ok: false,
      found: `${config.paths.state}: ${describeIssues(parsed.error.issues)}`,
      fix: 'Fix or move the file; omar will not start over it.',
    };
  } catch (error) {
    return {
      check: 'state file',
      ok: false,
      found: `${config.paths.state}: ${(error as Error).message}`,
      fix: 'Fix or move the file; omar will not start over it.',
    };
  }
}
