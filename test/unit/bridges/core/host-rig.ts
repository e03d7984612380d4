import type { ChatDocument } from '#core/chat/document.js';
import { emptyState, type State } from '#core/model/state.js';
import { OPERATIONS } from '#core/registry.js';
import type { OutboundMessage } from '#src/bridges/core/bridge.js';
import { type ChatHost, createChatHost } from '#src/bridges/core/chat-host.js';
import { makeConversation } from '../../../fakes/builders.js';
import { FakeChatBridge } from '../../../fakes/fake-chat-bridge.js';
import { FakeChatHooks } from '../../../fakes/fake-chat-hooks.js';
import { FakeClock } from '../../../fakes/fake-clock.js';
import { ManualTimers, turns } from '../../../fakes/manual-timers.js';
import { createTestServices, type TestServices } from '../../../fakes/services.js';

/**
 * A chat host on fake time with a fake Slack bridge, fed by the journal of the services
 * it runs on (as the daemon's journal feed does): for the chat jobs' tests.
 */

export const INTERVAL_MS = 2000;

/** The operations' `services.chat` port, wired to the host under test. */
class HostHooks extends FakeChatHooks {
  host: ChatHost | null = null;
  override wake(): void {
    super.wake();
    this.host?.wake();
  }
}

export interface Sent {
  atMs: number;
  message: OutboundMessage;
}

export interface HostRig {
  t: TestServices;
  clock: FakeClock;
  host: ChatHost;
  timers: ManualTimers;
  bridge: FakeChatBridge;
  /** Every send, with the fake time it happened at. */
  sent: Sent[];
  /** Lets the timers due in `ms` fire, and the dispatcher deliver what they queued. */
  advance(ms: number): Promise<void>;
  /** A new host on the same state and journal (a daemon restart); the old one is stopped. */
  restart(): Promise<void>;
  /** A project chart's root: its ref, its documents (the post, then each edit) and its edits. */
  root(projectId?: number): { ref: string; documents: ChatDocument[]; edits: Sent[] };
  /** What was posted in the thread of the message with this ref. */
  repliesTo(ref: string): ChatDocument[];
}

let current: HostRig | null = null;

/** Stops the host of the last rig (call it in afterEach). */
export async function stopHostRig(): Promise<void> {
  await current?.host.stop();
  current = null;
}

/** Services with conversation c1 (Slack channel C1, Alice), a started host, and fake time. */
export async function hostRig(edit?: (state: State) => void): Promise<HostRig> {
  const clock = new FakeClock();
  const state = emptyState();
  state.conversations.push(makeConversation(1));
  state.next.conversation = 2;
  edit?.(state);
  const hooks = new HostHooks();
  const t = createTestServices({ clock, state, chat: hooks });
  const timers = new ManualTimers(clock);
  const sent: Sent[] = [];
  let bridge: FakeChatBridge;
  let host: ChatHost;

  const build = async (): Promise<void> => {
    const factory = FakeChatBridge.factory('slack');
    host = createChatHost({
      services: t.services,
      operations: OPERATIONS,
      bridges: [factory.build],
      roleSources: () => ({ configUsers: [], envAdmins: [] }),
      logger: t.logger,
      editIntervalSeconds: INTERVAL_MS / 1000,
      timers,
    });
    hooks.host = host;
    bridge = factory.bridge();
    const send = bridge.send.bind(bridge);
    bridge.send = (message) => {
      sent.push({ atMs: clock.now(), message: structuredClone(message) });
      return send(message);
    };
    await host.start();
  };
  t.recorder.listeners.add((entry) => hooks.host?.onJournal(entry));
  await build();

  const accepted = () => sent.filter((s) => s.message.kind !== 'ephemeral');
  const rig: HostRig = {
    t,
    clock,
    get host() {
      return host;
    },
    timers,
    get bridge() {
      return bridge;
    },
    sent,
    advance: async (ms) => {
      await timers.advance(ms);
      await drain(t);
    },
    restart: async () => {
      await host.stop();
      await build();
    },
    root: (projectId = 1) => {
      const ref = t.store.get().chatMessages.find((m) => m.key === `chart:p${projectId}`)?.ref;
      if (!ref) throw new Error(`no chart root for project ${projectId}`);
      const post = bridge.accepted.find((m) => m.acceptedRef === ref) ?? null;
      const edits = accepted().filter((s) => s.message.kind === 'update' && s.message.ref === ref);
      return {
        ref,
        documents: [...(post ? [post.document] : []), ...edits.map((e) => e.message.document)],
        edits,
      };
    },
    repliesTo: (ref) =>
      sent.filter((s) => s.message.kind === 'post' && s.message.thread === ref).map((s) => s.message.document),
  };
  current = rig;
  return rig;
}

/** Until the outbox has nothing left that can go. */
export async function drain(t: TestServices): Promise<void> {
  for (let i = 0; i < 200 && t.store.get().outbox.some((o) => o.status !== 'failed'); i += 1) await turns(1);
  await turns(2);
}
