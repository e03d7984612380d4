/**
 * Shared by the backend adapter tests: launch requests, the matrix they are checked on,
 * the "no user-wide file" check, and a runner that executes a plan's command line with
 * `sh -c` against stub CLIs that report the argv and environment they received.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, expect } from 'vitest';
import type { LaunchPlan, LaunchRequest, PermissionMode, ReasoningEffort } from '#core/backends/backend-adapter.js';

export const HOME = '/home/ann';

/** Temp folders made by scratchDir/runPlan, removed after each test file. */
const made: string[] = [];
afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}
export const OMAR = ['/usr/bin/node', '/opt/omar/dist/omar.mjs'] as const;

/** A prompt that breaks naive quoting in sh, TOML (`'''`) and JSON. */
export const NASTY_PROMPT = [
  '# You are "t-1" — it\'s your job',
  'Run `date` and $(whoami) and ${HOME} and $HOME; never \\n escape.',
  'A TOML breaker: \'\'\' and """ and a tab\there.',
  'Unicode: ünï 漢字 😀 → ✓ and a DEL \u007f and a bell \u0007.',
  '',
].join('\n');

export interface RequestOptions {
  role?: 'ea' | 'worker';
  permissions?: PermissionMode;
  model?: string;
  reasoningEffort?: ReasoningEffort;
  systemPrompt?: string;
  agentDir?: string;
  home?: string;
  workdir?: string;
  custom?: LaunchRequest['custom'];
}

export function makeRequest(options: RequestOptions = {}): LaunchRequest {
  const role = options.role ?? 'worker';
  const name = role === 'ea' ? 'ea' : 't-1';
  const agentRoot = `/home/ann/.omar/ea/0/agents/${name}`;
  return {
    role,
    ea: 0,
    name,
    contextPath: `${agentRoot}/context.json`,
    omarArgv: [...OMAR],
    systemPrompt: options.systemPrompt ?? `prompt of ${name}`,
    promptFile: `${agentRoot}/prompt.md`,
    agentDir: options.agentDir ?? `${agentRoot}/backend`,
    workdir: options.workdir ?? '/srv/work/my.project',
    permissions: options.permissions ?? 'ask',
    home: options.home ?? HOME,
    ...(options.model === undefined ? {} : { model: options.model }),
    ...(options.reasoningEffort === undefined ? {} : { reasoningEffort: options.reasoningEffort }),
    ...(options.custom === undefined ? {} : { custom: options.custom }),
  };
}

export interface Case {
  role: 'ea' | 'worker';
  permissions: PermissionMode;
  model?: string;
  reasoningEffort?: ReasoningEffort;
}

/** worker/EA × permission modes × without/with a model (and, when given, with a reasoning effort). */
export function matrix(
  model: string,
  efforts: ReadonlyArray<ReasoningEffort | undefined> = [undefined],
  modes: readonly PermissionMode[] = ['ask', 'bypass'],
): Case[] {
  const cases: Case[] = [];
  for (const role of ['worker', 'ea'] as const) {
    for (const permissions of modes) {
      for (const withModel of [false, true]) {
        for (const reasoningEffort of efforts) {
          cases.push({
            role,
            permissions,
            ...(withModel ? { model } : {}),
            ...(reasoningEffort === undefined ? {} : { reasoningEffort }),
          });
        }
      }
    }
  }
  return cases;
}

export function label(c: Case): string {
  return `${c.role} ${c.permissions}${c.model ? ` model=${c.model}` : ''}${c.reasoningEffort ? ` effort=${c.reasoningEffort}` : ''}`;
}

/** The exact argv of the agent's MCP server. */
export function mcpArgv(request: LaunchRequest): string[] {
  return [...request.omarArgv, 'mcp-server', '--context', request.contextPath];
}

/**
 * No plan may read or write a user-wide MCP/config file, and every file it writes lies in
 * the agent's own folder.
 */
export function expectNoUserWideConfig(plan: LaunchPlan, request: LaunchRequest): void {
  const home = request.home;
  const forbidden = [
    '~/',
    `${home}/.claude.json`,
    `${home}/.claude/`,
    `${home}/.mcp.json`,
    `${home}/.cursor/`,
    `${home}/.codex/`,
    `${home}/.gemini/settings.json`,
    `${home}/.gemini/config`,
    `${home}/.gemini/policies`,
    `${home}/.config/opencode`,
    `${home}/.config/cursor/cli-config.json`,
    `${home}/.config/cursor/mcp.json`,
  ];
  const texts = [plan.command, ...Object.values(plan.env), ...plan.files.flatMap((f) => [f.path, f.content])];
  for (const text of texts) {
    for (const bad of forbidden) expect(text, `mentions ${bad}`).not.toContain(bad);
  }
  for (const file of plan.files) {
    expect(file.path.startsWith(`${request.agentDir}/`), `${file.path} is outside ${request.agentDir}`).toBe(true);
    expect(file.mode ?? 0o600).toBe(0o600);
  }
}

export interface StubRun {
  /** argv[0] as the stub saw it (its basename) and the arguments. */
  program: string;
  args: string[];
  env: Record<string, string>;
}

const STUB = `#!/bin/sh
printf '%s\\0' "$(basename "$0")" "$@"
printf '\\001ENV\\0'
env -0
`;

/**
 * Runs `sh -c <plan.command>` with the plan's env, after writing the plan's files (as the
 * daemon would), with stub executables named `binaries` first on PATH.
 */
export function runPlan(plan: LaunchPlan, binaries: readonly string[], extraEnv: Record<string, string> = {}): StubRun {
  const bin = tempDir('omar-backend-stubs-');
  for (const name of binaries) {
    const path = join(bin, name);
    writeFileSync(path, STUB);
    chmodSync(path, 0o755);
  }
  for (const file of plan.files) {
    mkdirSync(dirname(file.path), { recursive: true, mode: 0o700 });
    writeFileSync(file.path, file.content, { mode: file.mode ?? 0o600 });
  }
  const out = execFileSync('sh', ['-c', plan.command], {
    env: { PATH: `${bin}:/usr/bin:/bin`, ...extraEnv, ...plan.env },
    encoding: 'utf8',
  });
  const [argvPart, envPart = ''] = out.split('\u0001ENV\0');
  const argv = argvPart!.split('\0').slice(0, -1);
  const env = Object.fromEntries(
    envPart
      .split('\0')
      .filter((entry) => entry.includes('='))
      .map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]),
  );
  return { program: argv[0]!, args: argv.slice(1), env };
}

/** A fresh folder for plans that are run (their files are really written). */
export function scratchDir(prefix: string): string {
  return tempDir(`omar-backend-${prefix}-`);
}
