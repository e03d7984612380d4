/**
 * Chat benchmarks (docs/contracts.md §9, §11), against a real daemon with the sim EA and a
 * terminal chat client attached over the control API (console-chat-client.ts):
 *
 * - chat-latency: (a) a console message → its text in the EA's pane; (b) chat_reply with the
 *   EA's token → the console client received and acknowledged it (the bridge accepted it).
 * - chat-burst: 200 chat_reply calls at once → all delivered to the client, in order, once.
 * - org-chart-127 (org-chart-scenario.ts): tree-127 with its project's org chart live in the
 *   console conversation.
 */
import { EA_AGENT, sessionNameFor } from '#core/model/names.js';
import { createSilentLogger } from '#log/logger.js';
import type { DaemonClient } from '#runtime/control/daemon-client.js';
import { createTmuxControlClient, type TmuxControlClient } from '#runtime/tmux/tmux-control-client.js';
import { SIM_CONFIG } from './agent-scenarios.js';
import { type BenchResult, type BenchWorld, emptyCounts, percentile, sleep, startBenchWorld } from './bench-kit.js';
import {
  attachConsoleChat,
  type ConsoleChatClient,
  connectAsEa,
  messageText,
  type ReceivedChat,
} from './console-chat-client.js';
import { ORG_CHART_SCENARIO } from './org-chart-scenario.js';

const MESSAGES = 60;
const REPLIES = 100;
const BURST = 200;

export const CHAT_SCENARIOS = [
  {
    name: 'chat-latency',
    async run(): Promise<BenchResult> {
      const world = await startBenchWorld({ config: SIM_CONFIG });
      const tmux = createTmuxControlClient({
        socketName: world.socketName,
        logger: createSilentLogger(),
        env: world.env,
      });
      let chat: ConsoleChatClient | null = null;
      let ea: DaemonClient | null = null;
      try {
        const started = performance.now();
        const me = await world.owner.call<{ ea: number }>('whoami');
        chat = await attachConsoleChat(world);
        const pane = `=${sessionNameFor(me.ea, EA_AGENT)}:`;
        const nonce = Math.random().toString(36).slice(2, 8);
        await messagesToPane(chat, tmux, pane, 5, `warm${nonce}`);
        const toPane = await messagesToPane(chat, tmux, pane, MESSAGES, `lat${nonce}`);
        const conversation = chat.conversation();
        if (!conversation) throw new Error('the console messages opened no conversation');
        ea = await connectAsEa(world);
        await repliesToClient(ea, chat, conversation, 5, `warm${nonce}`);
        const replies = await repliesToClient(ea, chat, conversation, REPLIES, `rep${nonce}`);
        const paneFloor = await pasteFloor(world, tmux, MESSAGES, `floor${nonce}`);
        const replyFloor = await roundTripFloor(ea, world.owner, REPLIES);
        const a = { p50: percentile(toPane.pane, 50), p99: percentile(toPane.pane, 99) };
        const b = { p50: percentile(replies.accepted, 50), p99: percentile(replies.accepted, 99) };
        const answered = toPane.answered.length;
        const eaAnswer =
          answered === 0
            ? 'the sim EA answered none of them in chat'
            : `the sim EA's chat answer at the client ${percentile(toPane.answered, 50).toFixed(0)} ms p50 (${answered}/${MESSAGES} answered)`;
        return {
          scenario: 'chat-latency',
          metric: `console message → its text in the EA pane, p50 ms (${MESSAGES} messages)`,
          value: a.p50,
          floorMs: percentile(paneFloor, 50),
          target: '(a) and (b) p50 ≤ 100 ms each',
          pass: a.p50 <= 100 && b.p50 <= 100 && replies.unaccepted === 0,
          ...emptyCounts(),
          agents: 1,
          wallMs: performance.now() - started,
          peakRssMb: world.peakRssMb(),
          notes:
            `(a) p99 ${a.p99.toFixed(0)} ms, floor = a control-API call + a tmux paste into a cat pane until captured; ` +
            `(b) chat_reply → accepted by the bridge (client acked) p50 ${b.p50.toFixed(1)} ms, p99 ${b.p99.toFixed(1)} ms ` +
            `over ${REPLIES} (pushed to the client p50 ${percentile(replies.pushed, 50).toFixed(1)} ms; ` +
            `floor = two control-API round trips ${percentile(replyFloor, 50).toFixed(2)} ms)` +
            `${replies.unaccepted > 0 ? `; ${replies.unaccepted} ack(s) did not settle the send` : ''}; ${eaAnswer}`,
          extra: {
            messageToPaneP50Ms: a.p50,
            messageToPaneP99Ms: a.p99,
            messageToPaneFloorP50Ms: percentile(paneFloor, 50),
            replyAcceptedP50Ms: b.p50,
            replyAcceptedP99Ms: b.p99,
            replyPushedP50Ms: percentile(replies.pushed, 50),
            replyCallP50Ms: percentile(replies.call, 50),
            replyFloorP50Ms: percentile(replyFloor, 50),
            unacceptedAcks: replies.unaccepted,
            eaAnsweredInChat: answered,
            eaAnswerP50Ms: answered === 0 ? null : percentile(toPane.answered, 50),
          },
        };
      } finally {
        ea?.close();
        chat?.close();
        await tmux.close();
        await world.close();
      }
    },
  },
  {
    name: 'chat-burst',
    async run(): Promise<BenchResult> {
      const world = await startBenchWorld({ config: SIM_CONFIG });
      let chat: ConsoleChatClient | null = null;
      let ea: DaemonClient | null = null;
      try {
        chat = await attachConsoleChat(world);
        const conversation = await chat.openConversation();
        ea = await connectAsEa(world);
        const nonce = Math.random().toString(36).slice(2, 8);
        await repliesToClient(ea, chat, conversation, 5, `warm${nonce}`);
        const from = chat.received.length;
        const started = performance.now();
        const queued = await replyAllAtOnce(ea, conversation, BURST, `burst${nonce}`);
        const queuedMs = performance.now() - started;
        const numberOf = taggedNumber(`burst${nonce}`);
        await untilAllAcked(chat, from, numberOf, BURST, 120_000);
        const count = countDelivered(chat.received.slice(from), numberOf, queued);
        const wallMs = (count.lastAckAt || performance.now()) - started;
        const lost = BURST - count.delivered;
        return {
          scenario: 'chat-burst',
          metric: `${BURST} chat_reply calls at once → all delivered to the console client, wall ms`,
          value: wallMs,
          target: `all ${BURST} delivered, in order, none twice`,
          pass: lost === 0 && count.duplicates === 0 && count.outOfOrder === 0 && count.mismatched === 0,
          ...emptyCounts(),
          agents: 1,
          lostEvents: lost,
          duplicates: count.duplicates,
          wallMs,
          peakRssMb: world.peakRssMb(),
          notes:
            `counted at the client: ${count.delivered}/${BURST} delivered, ${count.duplicates} twice, ` +
            `${count.outOfOrder} out of outbox order, ${count.mismatched} not the text their outbox item was queued with; ` +
            `all ${BURST} calls answered (queued) in ${queuedMs.toFixed(0)} ms; ` +
            `${(BURST / (wallMs / 1000)).toFixed(0)} messages/s pushed and acked one at a time (one lane per channel)`,
          extra: { ...count, queuedMs },
        };
      } finally {
        ea?.close();
        chat?.close();
        await world.close();
      }
    },
  },
  ORG_CHART_SCENARIO,
];

/** `n` chat_reply calls `<tag><i>z` sent at once on one connection; the outbox id each was queued as, by i. */
async function replyAllAtOnce(ea: DaemonClient, conversation: string, n: number, tag: string): Promise<number[]> {
  const queued = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      ea.call<{ outbox_id: string }>('chat_reply', { conversation, text: `${tag}${i}z` }),
    ),
  );
  return queued.map((q) => Number(q.outbox_id.replace(/^o/, '')));
}

/** `<tag><i>z` → i; null for any other text. */
function taggedNumber(tag: string): (text: string) => number | null {
  const pattern = new RegExp(`^${tag}(\\d+)z$`);
  return (text) => {
    const match = pattern.exec(text);
    return match ? Number(match[1]) : null;
  };
}

async function untilAllAcked(
  chat: ConsoleChatClient,
  from: number,
  numberOf: (text: string) => number | null,
  n: number,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const acked = (): number =>
    new Set(
      chat.received
        .slice(from)
        .filter((r) => r.ackedAt !== null)
        .map((r) => numberOf(r.message.document.text))
        .filter((i) => i !== null),
    ).size;
  while (acked() < n && Date.now() < deadline) await sleep(20);
}

/** Counted on the receiving side: each numbered message once, in outbox order, carrying the text it was queued with. */
function countDelivered(
  received: readonly ReceivedChat[],
  numberOf: (text: string) => number | null,
  outboxIdOf: readonly number[],
): { delivered: number; duplicates: number; outOfOrder: number; mismatched: number; lastAckAt: number } {
  const got = received.flatMap((r) => {
    const i = numberOf(r.message.document.text);
    return i === null ? [] : [{ i, r }];
  });
  const ids = got.map(({ r }) => r.message.id);
  const delivered = new Set(got.map(({ i }) => i)).size;
  return {
    delivered,
    duplicates: got.length - delivered,
    outOfOrder: ids.filter((id, k) => k > 0 && id < ids[k - 1]!).length,
    mismatched: got.filter(({ i, r }) => r.message.id !== outboxIdOf[i]).length,
    lastAckAt: Math.max(0, ...got.map(({ r }) => r.ackedAt ?? r.at)),
  };
}

/** Messages `<tag><i>z` typed at the console: the time until each shows in the EA's pane, and until the EA's chat answer (if any). */
async function messagesToPane(
  chat: ConsoleChatClient,
  tmux: TmuxControlClient,
  pane: string,
  n: number,
  tag: string,
): Promise<{ pane: number[]; answered: number[] }> {
  const toPane: number[] = [];
  const answered: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const marker = `${tag}${i}z`;
    const from = chat.received.length;
    const started = performance.now();
    await chat.say(marker);
    await untilCaptured(tmux, pane, marker);
    toPane.push(performance.now() - started);
    // The sim EA answers what it did not understand in the conversation: let that finish before the next one.
    const answer = await chat.waitFor((m) => messageText(m).includes(marker), 3000, from).catch(() => null);
    if (answer?.ackedAt) answered.push(answer.ackedAt - started);
    await sleep(50);
  }
  return { pane: toPane, answered };
}

/** chat_reply calls one after another: until the client had each pushed, and until its ack was answered. */
async function repliesToClient(
  ea: DaemonClient,
  chat: ConsoleChatClient,
  conversation: string,
  n: number,
  tag: string,
): Promise<{ accepted: number[]; pushed: number[]; call: number[]; unaccepted: number }> {
  const accepted: number[] = [];
  const pushed: number[] = [];
  const call: number[] = [];
  let unaccepted = 0;
  for (let i = 0; i < n; i += 1) {
    const text = `${tag}${i}z`;
    const from = chat.received.length;
    const started = performance.now();
    const replied = ea.call('chat_reply', { conversation, text }).then(() => call.push(performance.now() - started));
    const got = await chat.waitFor((m) => m.document.text === text, 10_000, from);
    await replied;
    accepted.push(got.ackedAt! - started);
    pushed.push(got.at - started);
    if (got.acked !== 1) unaccepted += 1;
    await sleep(10);
  }
  return { accepted, pushed, call, unaccepted };
}

async function untilCaptured(tmux: TmuxControlClient, pane: string, text: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const lines = await tmux.run(['capture-pane', '-p', '-J', '-t', pane]);
    if (lines.some((l) => l.includes(text))) return;
    if (Date.now() > deadline) throw new Error(`'${text}' never showed in ${pane}`);
    await sleep(2);
  }
}

/** The floor of (a): a control-API call, then the text pasted into a `cat` pane on the same tmux server, until captured. */
async function pasteFloor(world: BenchWorld, tmux: TmuxControlClient, n: number, tag: string): Promise<number[]> {
  await tmux.run(['new-session', '-d', '-s', 'bench-floor-cat', '-x', '120', '-y', '30', 'cat']);
  const pane = '=bench-floor-cat:';
  const samples: number[] = [];
  try {
    for (let i = 0; i < n; i += 1) {
      const marker = `${tag}${i}z`;
      const started = performance.now();
      await world.owner.call('whoami');
      await tmux.run(['set-buffer', '-b', 'bench-floor', marker]);
      await tmux.run(['paste-buffer', '-b', 'bench-floor', '-t', pane]);
      await untilCaptured(tmux, pane, marker);
      samples.push(performance.now() - started);
      await sleep(20);
    }
    return samples;
  } finally {
    await tmux.run(['kill-session', '-t', pane]).catch(() => undefined);
  }
}

/** The floor of (b): the caller's request and the client's ack, as two bare control-API round trips. */
async function roundTripFloor(ea: DaemonClient, owner: DaemonClient, n: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const started = performance.now();
    await ea.call('whoami');
    await owner.call('whoami');
    samples.push(performance.now() - started);
  }
  return samples;
}
