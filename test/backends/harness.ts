/**
 * One real-backends world: the fake model server, a temp HOME set up for the four CLIs,
 * a temp workdir, an omar world (temp OMAR_HOME, private tmux socket, real daemon), and
 * a pane watcher that keeps every screen it saw, so a dialog that came and went is caught.
 */
import { mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach } from 'vitest';
import { createOmarWorld, type OmarWorld } from '../helpers/omar-env.js';
import { waitFor } from '../helpers/wait-for.js';
import { KNOWN_OUTBOUND, prepareCliHome } from './cli-env.js';
import { startFakeModelServer, type FakeModelServer } from './fake-model-server.js';
import { ensureClis, type CliName, type InstalledClis } from './install-clis.js';

export interface JournalEntry {
  ts: string;
  kind: string;
  [key: string]: unknown;
}

/** The approval, trust and login prompts of each CLI; none may ever show in a pane. */
export const DIALOGS: Record<CliName, RegExp[]> = {
  claude: [
    /Do you want to (proceed|make this edit|use this API key|allow)/i,
    /Quick safety check/i,
    /trust this folder/i,
    /don't ask again/i,
    /Select login method/i,
    /Unable to connect to Anthropic/i,
  ],
  codex: [
    /Allow .* to run tool/i,
    /Approve|approval required/i,
    /Trust this folder|Do you trust/i,
    /Sign in with ChatGPT/i,
    /Would you like to run/i,
  ],
  gemini: [
    /Allow execution/i,
    /Do you want to proceed/i,
    /Allow (once|always)/i,
    /Do you trust this folder/i,
    /Get started|How would you like to authenticate/i,
  ],
  opencode: [/Permission required/i, /Allow (once|always)/i, /\bReject\b/, /Connect a provider/i],
};

export interface BackendWorld {
  world: OmarWorld;
  fake: FakeModelServer;
  workdir: string;
  /** Every distinct screen seen, per session. */
  screens: Map<string, string[]>;
  /** Dialog prompts seen in any pane: `<session>: <pattern>`. */
  dialogsSeen: string[];
  watch(session: string, cli: CliName): void;
  capture(session: string): string;
  journal(): Promise<JournalEntry[]>;
  /** Requests refused by the fake server (proxy CONNECTs, absolute URIs) other than the known ones. */
  unexpectedOutbound(): string[];
  waitJournal(what: string, match: (e: JournalEntry) => boolean, timeoutMs?: number): Promise<JournalEntry>;
  /** What to print when a test fails: the fake model's requests, the journal kinds, the last screens. */
  describe(): Promise<string>;
  cleanup(): Promise<void>;
}

export async function createBackendWorld(
  clis: InstalledClis,
  options: { config?: string } = {},
): Promise<BackendWorld> {
  const fake = await startFakeModelServer();
  const home = mkdtempSync(join(tmpdir(), 'omar-cli-home-'));
  const workdir = realpathSync(mkdtempSync(join(tmpdir(), 'omar-cli-work-')));
  const config = `[agent]\ndefault_workdir = "${workdir}"\n[events]\nreadiness_timeout_seconds = 90\n${options.config ?? ''}`;
  const world = createOmarWorld({ config });
  prepareCliHome(world.env, { home, workdir, fakeUrl: fake.url, pathDir: clis.pathDir });

  const screens = new Map<string, string[]>();
  const dialogsSeen: string[] = [];
  const watched = new Map<string, CliName>();
  const capture = (session: string): string =>
    world.tmux(['capture-pane', '-p', '-J', '-t', `=${session}:`, '-S', '-300']).stdout;
  const poll = (): void => {
    for (const [session, cli] of watched) {
      const screen = capture(session);
      if (!screen.trim()) continue;
      const seen = screens.get(session) ?? [];
      if (seen.at(-1) !== screen) seen.push(screen);
      screens.set(session, seen.slice(-40));
      for (const pattern of DIALOGS[cli]) {
        const label = `${session}: ${pattern}`;
        if (pattern.test(screen) && !dialogsSeen.includes(label)) dialogsSeen.push(label);
      }
    }
  };
  const timer = setInterval(poll, 400);

  const journal = async (): Promise<JournalEntry[]> =>
    (await world.omarJson<{ entries: JournalEntry[] }>(['log', '--limit', '2000'])).entries;
  const bw: BackendWorld = {
    world,
    fake,
    workdir,
    screens,
    dialogsSeen,
    watch: (session, cli) => void watched.set(session, cli),
    capture,
    journal,
    unexpectedOutbound: () =>
      fake.requests
        .filter((r) => r.kind === 'refused' && !KNOWN_OUTBOUND.some((k) => k.target.test(r.path)))
        .map((r) => `${r.method} ${r.path}`),
    async waitJournal(what, match, timeoutMs = 60_000) {
      const found = await waitFor(async () => (await journal()).find(match), {
        timeoutMs,
        intervalMs: 300,
        describe: async () => `${what}\n${await bw.describe()}`,
      });
      return found!; // waitFor resolves only with a truthy value
    },
    async describe() {
      const kinds = await journal().then(
        (entries) => entries.map((e) => `${e.kind}${e['agent'] ? `(${String(e['agent'])})` : ''}`).join(', '),
        (error: unknown) => `journal unreadable: ${String(error)}`,
      );
      const requests = fake.requests
        .map(
          (r) =>
            `  #${r.seq} ${r.method} ${r.path} [${r.kind}] tools=${r.tools} step=${r.step ?? '-'} saw=${JSON.stringify(r.turnText.slice(-120))} result=${r.toolResult ?? '-'} → ${r.reply}`,
        )
        .join('\n');
      const last = [...screens.entries()]
        .map(([s, list]) => `--- ${s} ---\n${(list.at(-1) ?? '').trimEnd()}`)
        .join('\n');
      return `journal: ${kinds}\nfake model requests:\n${requests}\nscreens:\n${last}\ndialogs: ${dialogsSeen.join('; ') || 'none'}`;
    },
    async cleanup() {
      clearInterval(timer);
      await world.cleanup();
      // The CLIs get SIGHUP from the dying tmux server; they and their children (MCP servers,
      // helpers) may still write into HOME while they exit. Wait for every process of this
      // world (found by its HOME), then end stragglers by pid.
      const mine = (): number[] => processesWithEnv(`HOME=${home}`);
      const gone = await waitFor(() => mine().length === 0, { timeoutMs: 8_000, intervalMs: 100 }).then(
        () => true,
        () => false,
      );
      if (!gone) {
        const left = mine();
        console.error(
          `[backends] still running after the tmux server died, ending them: ${left.map(describePid).join('; ')}`,
        );
        for (const pid of left) signal(pid, 'SIGKILL');
      }
      await fake.close();
      rmSync(home, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
      rmSync(workdir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    },
  };
  return bw;
}

/** Pids whose environment holds `entry` (e.g. `HOME=/tmp/…`): every process a world's panes started. */
function processesWithEnv(entry: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${name}/environ`, 'latin1').split('\0').includes(entry)) pids.push(Number(name));
    } catch {
      // gone, or not ours
    }
  }
  return pids;
}

function describePid(pid: number): string {
  try {
    return `${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').join(' ').slice(0, 120)}`;
  } catch {
    return String(pid);
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/**
 * A fresh backend world for each test of the calling `describe` (the CLIs installed once
 * per file), printed when a test fails; `current()` is the running test's world.
 */
export function backendWorldPerTest(): { current: () => BackendWorld } {
  let clis: InstalledClis | undefined;
  let bw: BackendWorld | undefined;
  beforeAll(async () => {
    clis = await ensureClis();
  }, 600_000);
  beforeEach(async () => {
    bw = await createBackendWorld(clis!);
  });
  afterEach(async (context) => {
    if (!bw) return;
    if (context.task.result?.state === 'fail' || process.env.OMAR_BACKENDS_VERBOSE) console.error(await bw.describe());
    await bw.cleanup();
    bw = undefined;
  });
  return {
    current: () => {
      if (!bw) throw new Error('no backend world outside a test');
      return bw;
    },
  };
}
