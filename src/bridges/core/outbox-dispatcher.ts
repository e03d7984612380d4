import type { OutboxItem } from '../../core/chat/chat-state.js';
import { createCoalescingRunner } from '../../core/concurrency/coalescing-runner.js';
import type { State } from '../../core/model/state.js';
import type { Clock, Logger, Recorder, StateStore } from '../../core/ports.js';
import type { ChatBridge, SendResult } from './bridge.js';
import { type OutcomeContext, onAccepted, onPermanent, onRetryAfter, onTransient } from './outbox-outcomes.js';
import { type OutboundTarget, resolveOutboundTarget } from './outbox-target.js';

export interface OutboxDispatcherOptions {
  store: StateStore;
  recorder: Recorder;
  clock: Clock;
  logger: Logger;
  /** The running bridge of a platform; none: its items wait (they are not failed). */
  bridges: (platform: string) => ChatBridge | undefined;
  /** An item failed for good (its author, if an agent, has a notice queued: wake the event queue). */
  onFailed?: (item: OutboxItem) => void;
  /** Lanes sending at once. */
  maxParallel?: number;
  /** Least time between two sends to one keyed message (edits of a chart): a late lane never bunches them. */
  editIntervalMs?: number;
  /** Back-off after a transient error: base × 2^(attempts−1), capped. */
  retryBaseMs?: number;
  retryMaxMs?: number;
}

export interface OutboxDispatcher {
  /** The outbox changed, or a bridge came up: look at the lanes now. */
  wake(): void;
  /** Puts items whose send was interrupted back to pending, then starts delivering. */
  start(): Promise<void>;
  /** Stops starting sends; resolves once the sends in flight have settled. */
  stop(): Promise<void>;
}

interface Lane {
  busy: boolean;
  /** After a crash (a bug, or the store refusing a write): not before this time, doubling, so a fault never spins. */
  crashedUntilMs: number;
  crashes: number;
}

/**
 * Delivers the durable outbox (docs/contracts.md §11): one FIFO lane per (platform,
 * channel), lanes in parallel. Woken by whoever enqueues, never polling; the only timer
 * is the earliest `notBefore` (a platform's retry-after or a back-off). An item leaves
 * the state only when the platform accepted it; a permanent error keeps it `failed` and
 * tells its author.
 */
export function createOutboxDispatcher(options: OutboxDispatcherOptions): OutboxDispatcher {
  const { store, recorder, clock, logger } = options;
  const maxParallel = options.maxParallel ?? 8;
  const outcomes: OutcomeContext = {
    store,
    recorder,
    clock,
    logger,
    retryBaseMs: options.retryBaseMs ?? 1000,
    retryMaxMs: options.retryMaxMs ?? 60_000,
    ...(options.onFailed ? { onFailed: options.onFailed } : {}),
  };
  const editIntervalMs = options.editIntervalMs ?? 0;
  /** When each keyed message was last sent (posted or edited). */
  const lastSentMs = new Map<string, number>();
  const lanes = new Map<string, Lane>();
  const inFlight = new Set<Promise<void>>();
  let active = 0;
  let timer: NodeJS.Timeout | null = null;
  let stopped = true;

  const laneOf = (key: string): Lane => {
    let lane = lanes.get(key);
    if (!lane) {
      lane = { busy: false, crashedUntilMs: 0, crashes: 0 };
      lanes.set(key, lane);
    }
    return lane;
  };

  const planner = createCoalescingRunner(() => planOnce(), { stopped: () => stopped });
  const plan = (): void => {
    if (!stopped) void planner.run();
  };

  /** Starts the head of every idle lane that may go now; arms the timer for the earliest one that must wait. */
  const planOnce = (): void => {
    const state = store.get();
    const nowMs = clock.now();
    let nextWakeMs = Number.POSITIVE_INFINITY;
    for (const [key, item] of laneHeads(state)) {
      const lane = laneOf(key);
      if (lane.busy || item.status !== 'pending') continue;
      if (lane.crashedUntilMs > nowMs) {
        nextWakeMs = Math.min(nextWakeMs, lane.crashedUntilMs);
        continue;
      }
      const notBeforeMs = Math.max(item.notBefore === null ? 0 : Date.parse(item.notBefore), editDueMs(item));
      if (notBeforeMs > nowMs) {
        nextWakeMs = Math.min(nextWakeMs, notBeforeMs);
        continue;
      }
      const bridge = options.bridges(item.platform);
      if (!bridge) continue; // woken when the bridge comes up
      if (bridge.reachable?.(item.channel) === false) continue; // woken when someone is there
      if (resolveOutboundTarget(state, item).kind === 'wait') continue; // woken when its post is accepted
      if (active >= maxParallel) continue; // woken when a lane finishes
      startLane(lane, key, item.id, bridge);
    }
    armTimer(nextWakeMs, nowMs);
  };

  /** An edit waits until its message's last send is `editIntervalMs` old (pending edits fold into it meanwhile). */
  const editDueMs = (item: OutboxItem): number => {
    if (item.kind !== 'update' || item.key === null || editIntervalMs <= 0) return 0;
    const last = lastSentMs.get(item.key);
    return last === undefined ? 0 : last + editIntervalMs;
  };

  const armTimer = (atMs: number, nowMs: number): void => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (!Number.isFinite(atMs) || stopped) return;
    timer = setTimeout(plan, Math.max(0, Math.min(atMs - nowMs, 60_000)));
  };

  const startLane = (lane: Lane, key: string, id: number, bridge: ChatBridge): void => {
    lane.busy = true;
    active += 1;
    const work = sendItem(id, bridge)
      .then(
        () => {
          lane.crashes = 0;
        },
        (error: unknown) => {
          lane.crashes += 1;
          const backOffMs = Math.min(outcomes.retryBaseMs * 2 ** (lane.crashes - 1), outcomes.retryMaxMs);
          lane.crashedUntilMs = clock.now() + backOffMs;
          logger.error({ err: String(error), lane: key, outbox: id, retry_in_ms: backOffMs }, 'outbox lane crashed');
        },
      )
      .finally(() => {
        lane.busy = false;
        active -= 1;
        inFlight.delete(work);
        plan();
      });
    inFlight.add(work);
  };

  const sendItem = async (id: number, bridge: ChatBridge): Promise<void> => {
    const claimed = await claim(id);
    if (!claimed) return;
    const { item, target } = claimed;
    const result = await sendSafely(bridge, target);
    switch (result.kind) {
      case 'accepted':
        if (item.key !== null) lastSentMs.set(item.key, clock.now());
        return onAccepted(outcomes, item, target, result.ref);
      case 'retryAfter':
        return onRetryAfter(outcomes, item, result.ms);
      case 'transient':
        return onTransient(outcomes, item, result.error);
      case 'permanent':
        return onPermanent(outcomes, item, result.error);
    }
  };

  /** Marks the item `sending` (so no update coalesces into it) and takes its target as it is now. */
  const claim = (id: number) =>
    store.mutate((s) => {
      const item = s.outbox.find((o) => o.id === id);
      if (!item || item.status !== 'pending') return null;
      const target = resolveOutboundTarget(s, item);
      if (target.kind === 'wait') return null;
      item.status = 'sending';
      // The store hands back drafts as values (structuredClone cannot copy an immer draft).
      return { item, target };
    });

  const sendSafely = async (
    bridge: ChatBridge,
    target: Extract<OutboundTarget, { kind: 'send' }>,
  ): Promise<SendResult> => {
    try {
      return await bridge.send(target.message);
    } catch (error) {
      // The seam says send never throws; if a bridge does, the platform's state is unknown: retry.
      return { kind: 'transient', error: error instanceof Error ? error.message : String(error) };
    }
  };

  return {
    wake: () => {
      if (!stopped) setImmediate(plan);
    },
    async start() {
      const interrupted = await store.mutate((s) => {
        let n = 0;
        for (const item of s.outbox) {
          if (item.status !== 'sending') continue;
          item.status = 'pending';
          n += 1;
        }
        return n;
      });
      if (interrupted > 0) logger.info({ interrupted }, 'chat sends interrupted by a stop are pending again');
      stopped = false;
      plan();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await Promise.allSettled([...inFlight]);
    },
  };
}

/** The first item (lowest id) of each (platform, channel) lane that is not failed. */
export function laneHeads(state: Readonly<State>): Map<string, OutboxItem> {
  const heads = new Map<string, OutboxItem>();
  for (const item of state.outbox) {
    if (item.status === 'failed') continue;
    const key = outboxLaneKey(item);
    const head = heads.get(key);
    if (!head || item.id < head.id) heads.set(key, item);
  }
  return heads;
}

export function outboxLaneKey(item: Pick<OutboxItem, 'platform' | 'channel'>): string {
  return `${item.platform}/${item.channel}`;
}
