/**
 * Installs the four real agent CLIs, pinned to the versions listed in
 * docs/contracts.md §10, into the real-backends cache:
 * `$OMAR_TEST_CACHE/<package>@<version>/`, one `npm install --prefix` each.
 *
 * - Install scripts are allowed: claude and opencode link their platform binary in a
 *   postinstall, gemini compiles node-pty. npm 11 still runs every script and only
 *   warns about packages missing from `allowScripts`; npm 12 will block them, so the
 *   prefix's package.json lists the packages that need theirs.
 * - A cached install is reused when its binary answers `--version` with the pinned
 *   version; otherwise it is installed again (into a fresh folder, renamed into place,
 *   so an interrupted install never looks complete).
 * - `$OMAR_TEST_CACHE/bin` holds one link per CLI, to prepend to PATH (`bin-latest` for
 *   OMAR_BACKENDS_LATEST=1).
 *
 * Run directly (`npx tsx test/backends/install-clis.ts`) to fill the cache.
 *
 * OMAR_BACKENDS_LATEST=1 installs each CLI's newest release instead of the pin (asked of
 * the registry once per run, cached like a pin under its own version), so the backend
 * tests show drift in the CLIs' screens, modes and flags before users meet it.
 */
import { execFile, execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export type CliName = 'claude' | 'codex' | 'gemini' | 'opencode';

export interface CliSpec {
  name: CliName;
  pkg: string;
  version: string;
  /** Packages of this install whose install scripts must run. */
  allowScripts: string[];
}

export const PINNED_CLI_SPECS: readonly CliSpec[] = [
  { name: 'claude', pkg: '@anthropic-ai/claude-code', version: '2.1.330', allowScripts: ['@anthropic-ai/claude-code'] },
  { name: 'codex', pkg: '@openai/codex', version: '0.169.0', allowScripts: [] },
  {
    name: 'gemini',
    pkg: '@google/gemini-cli',
    version: '0.61.0',
    allowScripts: ['node-pty', '@lydell/node-pty', '@github/keytar', 'keytar'],
  },
  { name: 'opencode', pkg: 'opencode-ai', version: '1.18.33', allowScripts: ['opencode-ai'] },
];

/** The newest published version of a package (`npm view <pkg>@latest version`). */
function latestVersion(pkg: string): string {
  const out = execFileSync('npm', ['view', `${pkg}@latest`, 'version', '--no-update-notifier'], {
    encoding: 'utf8',
    timeout: 60_000,
  }).trim();
  if (!/^\d+\.\d+\.\d+/.test(out)) throw new Error(`npm view ${pkg}@latest answered "${out}", not a version.`);
  return out;
}

/** The CLIs the backend tests run: the pins, or with OMAR_BACKENDS_LATEST=1 the newest releases. */
export const CLI_SPECS: readonly CliSpec[] = process.env.OMAR_BACKENDS_LATEST
  ? PINNED_CLI_SPECS.map((spec) => ({ ...spec, version: latestVersion(spec.pkg) }))
  : PINNED_CLI_SPECS;

export interface InstalledCli {
  /** Absolute path of the CLI's executable. */
  bin: string;
  version: string;
}

export type InstalledClis = Record<CliName, InstalledCli> & { pathDir: string; cacheDir: string };

/** The cache folder: OMAR_TEST_CACHE (set by the isolation guard from the real HOME) or ~/.cache/omar/test-backends. */
export function cacheDir(): string {
  const real = process.env.OMAR_TEST_REAL_HOME ?? homedir();
  return process.env.OMAR_TEST_CACHE ?? join(real, '.cache', 'omar', 'test-backends');
}

function prefixOf(spec: CliSpec): string {
  return join(cacheDir(), `${spec.pkg.replace('/', '+')}@${spec.version}`);
}

function binOf(prefix: string, spec: CliSpec): string {
  return join(prefix, 'node_modules', '.bin', spec.name);
}

/** A temp HOME for the probes, so `--version` writes nothing into a real home. */
function probeEnv(): NodeJS.ProcessEnv {
  const home = mkdtempSync(join(tmpdir(), 'omar-cli-probe-'));
  return {
    ...process.env,
    HOME: home,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
    OPENCODE_DISABLE_AUTOUPDATE: '1',
    OPENCODE_DISABLE_MODELS_FETCH: '1',
    NO_COLOR: '1',
  };
}

/** `<bin> --version` contains the pinned version (claude "2.1.330 (Claude Code)", codex "codex-cli 0.169.0", …). */
async function answersVersion(bin: string, spec: CliSpec): Promise<boolean> {
  if (!existsSync(bin)) return false;
  const env = probeEnv();
  try {
    const { stdout } = await run(bin, ['--version'], { env, timeout: 60_000, maxBuffer: 1 << 20 });
    return stdout.includes(spec.version);
  } catch {
    return false;
  } finally {
    rmSync(env.HOME!, { recursive: true, force: true });
  }
}

/**
 * npm's environment: scripts on; node-gyp (gemini's node-pty) uses the headers that ship
 * with this node when present, so it never downloads them (tests run with a temp HOME,
 * where no user npmrc says so).
 */
function npmEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, npm_config_ignore_scripts: 'false' };
  const nodeDir = dirname(dirname(process.execPath));
  if (!env.npm_config_nodedir && existsSync(join(nodeDir, 'include', 'node', 'node.h')))
    env.npm_config_nodedir = nodeDir;
  return env;
}

async function install(spec: CliSpec, log: (line: string) => void): Promise<void> {
  const root = cacheDir();
  mkdirSync(root, { recursive: true });
  const final = prefixOf(spec);
  const staging = mkdtempSync(`${final}.installing-`);
  const npmCache = mkdtempSync(join(tmpdir(), 'omar-npm-cache-'));
  const allow = Object.fromEntries(spec.allowScripts.map((name) => [name, true]));
  writeFileSync(
    join(staging, 'package.json'),
    `${JSON.stringify({ name: 'omar-test-cli', private: true, allowScripts: allow }, null, 2)}\n`,
  );
  const started = Date.now();
  try {
    const { stderr } = await run(
      'npm',
      // engine-strict off: claude declares node >=22 but is a native binary.
      [
        'install',
        '--prefix',
        staging,
        '--no-audit',
        '--no-fund',
        '--no-update-notifier',
        '--engine-strict=false',
        '--cache',
        npmCache,
        `${spec.pkg}@${spec.version}`,
      ],
      { cwd: staging, env: npmEnv(), timeout: 600_000, maxBuffer: 64 << 20 },
    );
    const warnings = stderr.split('\n').filter((l) => /script/i.test(l));
    if (warnings.length > 0) log(`${spec.name}: npm said: ${warnings.join(' | ')}`);
  } finally {
    rmSync(npmCache, { recursive: true, force: true });
  }
  if (!(await answersVersion(binOf(staging, spec), spec))) {
    rmSync(staging, { recursive: true, force: true });
    throw new Error(
      `${spec.pkg}@${spec.version} installed, but its binary does not answer --version with ${spec.version}.`,
    );
  }
  rmSync(final, { recursive: true, force: true });
  renameSync(staging, final);
  log(`${spec.name}: installed ${spec.pkg}@${spec.version} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

async function ensureOne(spec: CliSpec, log: (line: string) => void): Promise<InstalledCli> {
  const prefix = prefixOf(spec);
  if (!(await answersVersion(binOf(prefix, spec), spec))) {
    if (existsSync(prefix))
      log(`${spec.name}: cached install at ${prefix} does not answer --version; installing again`);
    await install(spec, log);
  }
  return { bin: binOf(prefix, spec), version: spec.version };
}

/** Staging folders of installs that were interrupted (older than an hour: not a concurrent run's). */
function removeStaleStaging(): void {
  const root = cacheDir();
  if (!existsSync(root)) return;
  for (const name of readdirSync(root)) {
    const path = join(root, name);
    if (name.includes('.installing-') && Date.now() - statSync(path).mtimeMs > 3_600_000)
      rmSync(path, { recursive: true, force: true });
  }
}

function linkInto(dir: string, name: string, target: string): void {
  const link = join(dir, name);
  try {
    if (readlinkSync(link) === target) return;
  } catch {
    // missing or not a link
  }
  rmSync(link, { force: true });
  symlinkSync(target, link);
}

/**
 * Makes sure all four CLIs are installed and answer `--version`; installs run one at a
 * time (2 cores, ~460 MB of tarballs), probes of cached installs run together.
 */
export async function ensureClis(options: { log?: (line: string) => void } = {}): Promise<InstalledClis> {
  const log = options.log ?? ((line: string) => console.error(`[install-clis] ${line}`));
  removeStaleStaging();
  const results = await Promise.all(
    CLI_SPECS.map(async (spec) => ((await answersVersion(binOf(prefixOf(spec), spec), spec)) ? spec : null)),
  );
  const found: Partial<Record<CliName, InstalledCli>> = {};
  for (const [i, spec] of CLI_SPECS.entries()) {
    found[spec.name] = results[i]
      ? { bin: binOf(prefixOf(spec), spec), version: spec.version }
      : await ensureOne(spec, log);
  }
  // The newest releases get their own PATH folder, so a pinned run beside this one keeps its pins.
  const pathDir = join(cacheDir(), process.env.OMAR_BACKENDS_LATEST ? 'bin-latest' : 'bin');
  mkdirSync(pathDir, { recursive: true });
  for (const spec of CLI_SPECS) linkInto(pathDir, spec.name, found[spec.name]!.bin);
  return { ...(found as Record<CliName, InstalledCli>), pathDir, cacheDir: cacheDir() };
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const started = Date.now();
  ensureClis()
    .then((clis) => {
      console.log(JSON.stringify(clis, null, 2));
      console.error(`[install-clis] ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
