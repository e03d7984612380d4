/**
 * Slack and Discord benchmarks (docs/contracts.md §9, §11): the real Bolt app and the real
 * discord.js client inside a daemon with the sim EA, against the loopback fakes.
 *
 * - <platform>-latency: (a) a DM sent by the fake → its text in the EA's pane; (b) chat_reply
 *   with the EA's token → the message created at the fake (seen by polling it every 5 ms).
 *   Beside them, a control-API round trip (whoami) on the same socket.
 * - <platform>-burst: 200 chat_reply calls at once, the first post answered 429 (retry
 *   after 1 s): all delivered, in order, once, and the advised delay honoured.
 */
import { EA_AGENT, sessionNameFor } from '#core/model/names.js';
import { createSilentLogger } from '#log/logger.js';
import type { DaemonClient } from '#runtime/control/daemon-client.js';
import { createTmuxControlClient, type TmuxControlClient } from '#runtime/tmux/tmux-control-client.js';
import { ADA, DISCORD_TOKEN, DM, startFakeDiscord } from '../fakes/fake-discord.js';
import { APP_TOKEN, BOT_TOKEN, startFakeSlack } from '../fakes/fake-slack.js';
import { SIM_CONFIG } from './agent-scenarios.js';
import { type BenchResult, emptyCounts, percentile, sleep, startBenchWorld } from './bench-kit.js';
import { connectAsEa } from './console-chat-client.js';

const MESSAGES = 40;
const REPLIES = 60;
const BURST = 200;

/** What a scenario needs of a fake platform. */
interface Platform {
  name: 'slack' | 'discord';
  env: Record<string, string>;
  /** Sends a DM as the person; resolves once the platform has handed it over. */
  dm(text: string): Promise<void>;
  /** Texts of the bot's messages in the DM, oldest first, with when each was created. */
  posted(): Array<{ text: string; at: number }>;
  /** Calls of the post endpoint, with their times (429s included). */
  postAttempts(): number[];
  fail429Once(retryAfterSeconds: number): void;
  close(): Promise<void>;
}

async function slackPlatform(): Promise<Platform> {
  const fake = await startFakeSlack();
  const created = new Map<string, number>();
  return {
    name: 'slack',
    env: {
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_APP_TOKEN: APP_TOKEN,
      OMAR_SLACK_API_URL: fake.apiUrl,
      OMAR_CHAT_ADMINS: 'slack:U0001',
    },
    async dm(text) {
      await fake.message({ channel: 'D0001', channel_type: 'im', user: 'U0001', text });
    },
    posted: () =>
      fake.posts
        .filter((p) => p.channel === 'D0001' && !p.ephemeralFor)
        .map((p) => {
          if (!created.has(p.ts)) created.set(p.ts, performance.now());
          return { text: p.text, at: created.get(p.ts)! };
        }),
    postAttempts: () => fake.calls.filter((c) => c.method === 'chat.postMessage').map((c) => c.at),
    fail429Once: (s) => fake.failNext('chat.postMessage', { status: 429, retryAfter: s }),
    close: () => fake.close(),
  };
}

async function discordPlatform(): Promise<Platform> {
  const fake = await startFakeDiscord();
  const created = new Map<string, number>();
  return {
    name: 'discord',
    env: { DISCORD_TOKEN, OMAR_DISCORD_API_URL: fake.apiUrl, OMAR_CHAT_ADMINS: `discord:${ADA.id}` },
    async dm(text) {
      while (!fake.ready()) await sleep(20);
      fake.message({ channel_id: DM, content: text });
    },
    posted: () =>
      fake.messages
        .filter((m) => m.channel_id === DM)
        .map((m) => {
          if (!created.has(m.id)) created.set(m.id, performance.now());
          return { text: m.content, at: created.get(m.id)! };
        }),
    postAttempts: () =>
      fake.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${DM}/messages`).map((r) => r.at),
    fail429Once: (s) => fake.failNext(/^POST \/channels\/\d+\/messages$/, { status: 429, retryAfter: s }),
    close: () => fake.close(),
  };
}

const PLATFORMS = [
  { name: 'slack', start: slackPlatform },
  { name: 'discord', start: discordPlatform },
] as const;

export const PLATFORM_CHAT_SCENARIOS = PLATFORMS.flatMap((p) => [
  { name: `${p.name}-latency`, run: () => latency(p.name, p.start) },
  { name: `${p.name}-burst`, run: () => burst(p.name, p.start) },
]);

async function withWorld<T>(
  start: () => Promise<Platform>,
  body: (ctx: {
    platform: Platform;
    ea: DaemonClient;
    owner: DaemonClient;
    tmux: TmuxControlClient;
    pane: string;
  }) => Promise<T>,
): Promise<T & { peakRssMb: number }> {
  const platform = await start();
  const world = await startBenchWorld({ config: SIM_CONFIG, env: platform.env });
  const tmux = createTmuxControlClient({ socketName: world.socketName, logger: createSilentLogger(), env: world.env });
  let ea: DaemonClient | null = null;
  try {
    const me = await world.owner.call<{ ea: number }>('whoami');
    ea = await connectAsEa(world);
    const result = await body({ platform, ea, owner: world.owner, tmux, pane: `=${sessionNameFor(me.ea, EA_AGENT)}:` });
    return { ...result, peakRssMb: world.peakRssMb() };
  } finally {
    ea?.close();
    tmux.close();
    await world.close();
    await platform.close();
  }
}

/** Opens the conversation (c1) with a first DM and waits for the sim EA's answer. */
async function open(ctx: { platform: Platform; tmux: TmuxControlClient; pane: string }): Promise<void> {
  await ctx.platform.dm('status');
  await until(async () => ctx.platform.posted().length > 0, 20_000, 'the sim EA never answered the first DM');
}

async function latency(name: string, start: () => Promise<Platform>): Promise<BenchResult> {
  const started = performance.now();
  const r = await withWorld(start, async (ctx) => {
    await open(ctx);
    const tag = Math.random().toString(36).slice(2, 7);
    const toPane: number[] = [];
    for (let i = 0; i < MESSAGES; i += 1) {
      const marker = `dm${tag}${i}z`;
      const t0 = performance.now();
      await ctx.platform.dm(marker);
      await untilCaptured(ctx.tmux, ctx.pane, marker);
      toPane.push(performance.now() - t0);
      await sleep(150); // the sim EA answers what it does not understand: let it finish
    }
    const replies: number[] = [];
    for (let i = 0; i < REPLIES; i += 1) {
      const text = `re${tag}${i}z`;
      const t0 = performance.now();
      await ctx.ea.call('chat_reply', { conversation: 'c1', text });
      await until(
        async () => ctx.platform.posted().some((p) => p.text === text),
        10_000,
        `reply ${text} never arrived`,
      );
      replies.push(performance.now() - t0);
    }
    const floor: number[] = [];
    for (let i = 0; i < REPLIES; i += 1) {
      const t0 = performance.now();
      await ctx.owner.call('whoami');
      floor.push(performance.now() - t0);
    }
    return { toPane, replies, floor };
  });
  const a = percentile(r.toPane, 50);
  const b = percentile(r.replies, 50);
  return {
    scenario: `${name}-latency`,
    metric: `(a) DM → EA pane p50 ms; (b) chat_reply → message created p50 ${b.toFixed(1)} ms`,
    value: a,
    target: '≤ 100 ms p50 each',
    pass: a <= 100 && b <= 100,
    ...emptyCounts(),
    wallMs: performance.now() - started,
    peakRssMb: r.peakRssMb,
    notes: `(a) p99 ${percentile(r.toPane, 99).toFixed(1)} ms over ${r.toPane.length}; (b) p99 ${percentile(r.replies, 99).toFixed(1)} ms over ${r.replies.length}; control-API round trip p50 ${percentile(r.floor, 50).toFixed(2)} ms (what a reply costs before the platform)`,
    extra: { dmToPane: summary(r.toPane), replyToCreated: summary(r.replies), floor: summary(r.floor) },
  };
}

async function burst(name: string, start: () => Promise<Platform>): Promise<BenchResult> {
  const started = performance.now();
  const r = await withWorld(start, async (ctx) => {
    await open(ctx);
    const before = ctx.platform.posted().length;
    const attemptsBefore = ctx.platform.postAttempts().length;
    const tag = Math.random().toString(36).slice(2, 7);
    const texts = Array.from({ length: BURST }, (_, i) => `b${tag}-${String(i).padStart(3, '0')}`);
    ctx.platform.fail429Once(1);
    const t0 = performance.now();
    await Promise.all(texts.map((text) => ctx.ea.call('chat_reply', { conversation: 'c1', text })));
    await until(async () => ctx.platform.posted().length - before >= BURST, 120_000, 'the burst was not all delivered');
    const wall = performance.now() - t0;
    const got = ctx.platform
      .posted()
      .slice(before)
      .map((p) => p.text);
    const attempts = ctx.platform.postAttempts().slice(attemptsBefore);
    const waited = attempts.length >= 2 ? attempts[1]! - attempts[0]! : 0;
    return { got, texts, wall, waited, attempts: attempts.length };
  });
  const inOrder = r.got.length === r.texts.length && r.got.every((t, i) => t === r.texts[i]);
  const duplicates = r.got.length - new Set(r.got).size;
  const lost = r.texts.filter((t) => !r.got.includes(t)).length;
  return {
    scenario: `${name}-burst`,
    metric: `${BURST} chat_reply at once, first post answered 429 (retry after 1 s): ms until all created`,
    value: r.wall,
    target: 'all delivered, in order, once; the 1 s delay honoured',
    pass: inOrder && duplicates === 0 && lost === 0 && r.waited >= 950,
    ...emptyCounts(),
    lostEvents: lost,
    duplicates,
    wallMs: performance.now() - started,
    peakRssMb: r.peakRssMb,
    notes: `in order: ${inOrder}; post attempts ${r.attempts} for ${BURST} messages; waited ${r.waited.toFixed(0)} ms after the 429`,
  };
}

export function summary(samples: readonly number[]) {
  return { n: samples.length, p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

export async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(what);
    await sleep(5);
  }
}

async function untilCaptured(tmux: TmuxControlClient, pane: string, text: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const lines = await tmux.run(['capture-pane', '-p', '-J', '-t', pane]);
    if (lines.some((l) => l.includes(text))) return;
    if (Date.now() > deadline) throw new Error(`'${text}' never showed in ${pane}`);
    await sleep(2);
  }
}
