import { beforeEach, describe, expect, it } from 'vitest';
import { sessionNameFor } from '#core/model/names.js';
import type { OmarEvent } from '#core/model/state.js';
import { killAgent } from '#core/operations/agent-kill.js';
import { spawnAgent } from '#core/operations/agent-spawn.js';
import { cancelEvent } from '#core/operations/event-cancel.js';
import { listEvents } from '#core/operations/event-list.js';
import { EVENT_PAYLOAD_MAX_BYTES, scheduleOmarEvent } from '#core/operations/event-schedule.js';
import { createEa } from '#core/operations/ea-create.js';
import type { Principal } from '#core/principal.js';
import { makeEvent } from '../../../fakes/builders.js';
import { FAKE_EPOCH_MS } from '../../../fakes/fake-clock.js';
import { chatUser, eaAgent, owner, worker } from '../../../fakes/principals.js';
import { createTestServices, type TestServices } from '../../../fakes/services.js';

const code = (c: string) => expect.objectContaining({ code: c });
const S = 1_000_000_000n;
const NOW_NS = BigInt(FAKE_EPOCH_MS) * 1_000_000n;

let t: TestServices;
beforeEach(() => {
  t = createTestServices();
});

/**
 * A pane agent; unless `raw`, recorded as running an agent CLI (spawned as a command, so no
 * header is queued): events to a raw command follow send_input's rule, tested on their own.
 */
async function spawn(name: string, options: { parent?: string; by?: Principal; ea?: number; raw?: boolean } = {}) {
  const { by = owner, ea, raw = false, ...rest } = options;
  const out = await t.call(spawnAgent, by, { name, command: 'bash', ...rest }, ea);
  if (!raw) t.store.edit((s) => void (s.agents.find((a) => a.name === name && a.ea === (ea ?? 0))!.backend = 'claude'));
  return out;
}

function schedule(by: Principal, input: Record<string, unknown>, ea?: number) {
  return t.call(scheduleOmarEvent, by, input, ea);
}

const events = (): readonly OmarEvent[] => t.store.get().events;
const exit = (name: string) => t.store.edit((s) => void (s.agents.find((a) => a.name === name)!.health = 'exited'));

describe('schedule_omar_event', () => {
  beforeEach(async () => {
    await spawn('w1');
    await spawn('w2');
    t.recorder.clear();
  });

  it('queues a pending event from the caller, now by default, journals it and wakes the queue', async () => {
    const out = await schedule(owner, { receiver: 'w1', payload: 'hello' });
    expect(out).toEqual({
      id: 'ev-1',
      sender: 'owner',
      receiver: 'w1',
      t: NOW_NS.toString(),
      fires_at: new Date(FAKE_EPOCH_MS).toISOString(),
      seq: '1',
      recurrence: null,
      status: 'pending',
      attempts: 0,
      last_error: null,
      payload: 'hello',
    });
    expect(events()).toEqual([
      {
        id: 'ev-1',
        ea: 0,
        sender: 'owner',
        receiver: 'w1',
        t: NOW_NS.toString(),
        seq: '1',
        format: 'event',
        payload: 'hello',
        recurrence: null,
        status: 'pending',
        attempts: 0,
        lastError: null,
        deliveredAt: null,
        createdAt: t.clock.iso(),
      },
    ]);
    expect(t.store.get().next.seq).toBe('1');
    expect(t.recorder.entries.map(({ ts: _ts, ...rest }) => rest)).toEqual([
      {
        kind: 'event.scheduled',
        ea: 0,
        event: 'ev-1',
        sender: 'owner',
        receiver: 'w1',
        t: NOW_NS.toString(),
        recurrence: null,
        bytes: 5,
      },
    ]);
    expect(t.scheduler.wakes).toBe(1);
    // Scheduling does not touch tmux: the daemon's lanes deliver.
    expect(t.mux.callsOf('deliver')).toEqual([]);
  });

  it('gives every event the next seq, never reused (ids follow it)', async () => {
    const a = await schedule(owner, { receiver: 'w1', payload: 'a' });
    const b = await schedule(owner, { receiver: 'w1', payload: 'b' });
    await t.call(cancelEvent, owner, { event_id: a.id });
    const c = await schedule(owner, { receiver: 'w1', payload: 'c' });
    expect([a, b, c].map((e) => [e.id, e.seq])).toEqual([
      ['ev-1', '1'],
      ['ev-2', '2'],
      ['ev-3', '3'],
    ]);
  });

  it.each<[string, Principal, string]>([
    ['a worker', worker('w2'), 'w2'],
    ['the EA', eaAgent(), 'ea'],
    ['the owner', owner, 'owner'],
    ['a chat operator', chatUser('operator'), 'chat:slack:u-operator'],
    ['a chat admin', chatUser('admin'), 'chat:slack:u-admin'],
  ])('the sender is the caller (%s), never an argument', async (_who, by, label) => {
    const out = await schedule(by, { receiver: 'w1', payload: 'hi', sender: 'someone-else' });
    expect(out.sender).toBe(label);
    expect(events()[0]!.sender).toBe(label);
    expect(t.recorder.ofKind('event.scheduled')[0]).toMatchObject({ sender: label });
  });

  it('refuses a chat viewer', async () => {
    await expect(schedule(chatUser('viewer'), { receiver: 'w1', payload: 'hi' })).rejects.toThrow(
      code('PERMISSION_DENIED'),
    );
    expect(events()).toEqual([]);
  });

  it('lets a worker schedule to any agent of its EA (not only its descendants) and to the EA', async () => {
    await spawn('kid', { parent: 'w1' });
    for (const receiver of ['w2', 'kid', 'w1', 'ea']) {
      expect((await schedule(worker('w1'), { receiver, payload: `to ${receiver}` })).receiver).toBe(receiver);
    }
    expect(events().map((e) => [e.sender, e.receiver])).toEqual([
      ['w1', 'w2'],
      ['w1', 'kid'],
      ['w1', 'w1'],
      ['w1', 'ea'],
    ]);
  });

  it.each<[string, Record<string, unknown>, bigint]>([
    ['delay_seconds', { delay_seconds: 30 }, NOW_NS + 30n * S],
    ['delay_seconds as a numeric string', { delay_seconds: '30' }, NOW_NS + 30n * S],
    ['delay_seconds as a padded numeric string', { delay_seconds: ' 45 ' }, NOW_NS + 45n * S],
    ['delay_seconds 0', { delay_seconds: 0 }, NOW_NS],
    ['delay_seconds "0"', { delay_seconds: '0' }, NOW_NS],
    ['delay_seconds as a whole number written with a fraction', { delay_seconds: '5.0' }, NOW_NS + 5n * S],
    ['timestamp_ns as a string', { timestamp_ns: '1772366460123456789' }, 1772366460123456789n],
    ['timestamp_ns as a number', { timestamp_ns: 1772366460000000000 }, 1772366460000000000n],
    // A JSON number past 2^53 (every real ns time) is taken at the precision a double holds.
    ['timestamp_ns as an unsafe number', { timestamp_ns: 1773768458704306000 }, BigInt(1773768458704306000)],
    ['timestamp_ns as a small number', { timestamp_ns: 42 }, 42n],
    ['timestamp_ns in the past (due at once)', { timestamp_ns: '1000' }, 1000n],
  ])('when: %s', async (_what, input, expected) => {
    const out = await schedule(owner, { receiver: 'w1', payload: 'x', ...input });
    expect(out.t).toBe(expected.toString());
    expect(events()[0]!.t).toBe(expected.toString());
  });

  it.each<[string, Record<string, unknown>, OmarEvent['recurrence'], bigint]>([
    ['recurring_seconds, first now', { recurring_seconds: 60 }, { every: 60 }, NOW_NS],
    [
      'recurring_seconds as a string, after a delay',
      { recurring_seconds: '3600', delay_seconds: '10' },
      { every: 3600 },
      NOW_NS + 10n * S,
    ],
    ['cron: first at its next match', { cron: '*/5 * * * *' }, { cron: '*/5 * * * *', tz: null }, NOW_NS + 300n * S],
    [
      'cron with a tz',
      { cron: '0 9 * * *', tz: 'America/New_York' },
      { cron: '0 9 * * *', tz: 'America/New_York' },
      BigInt(Date.parse('2026-03-01T14:00:00Z')) * 1_000_000n,
    ],
    [
      'cron with an explicit first time',
      { cron: '0 9 * * *', timestamp_ns: '5000' },
      { cron: '0 9 * * *', tz: null },
      5000n,
    ],
  ])('recurring: %s', async (_what, input, recurrence, first) => {
    const out = await schedule(owner, { receiver: 'w1', payload: 'tick', ...input });
    expect(out.recurrence).toEqual(recurrence);
    expect(out.t).toBe(first.toString());
    expect(t.recorder.ofKind('event.scheduled')[0]).toMatchObject({ recurrence });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a negative delay', { delay_seconds: -1 }, 'delay_seconds'],
    ['a negative delay as a string', { delay_seconds: '-5' }, 'delay_seconds'],
    ['a fractional delay', { delay_seconds: 1.5 }, 'delay_seconds'],
    ['a fractional delay as a string', { delay_seconds: '0.5' }, 'delay_seconds'],
    ['a non-numeric delay', { delay_seconds: 'soon' }, 'delay_seconds'],
    ['an empty delay', { delay_seconds: '' }, 'delay_seconds'],
    ['a delay in exponent notation', { delay_seconds: '1e3' }, 'delay_seconds'],
    ['an infinite delay', { delay_seconds: Number.POSITIVE_INFINITY }, 'delay_seconds'],
    ['a zero period', { recurring_seconds: 0 }, 'recurring_seconds'],
    ['a zero period as a string', { recurring_seconds: '0' }, 'recurring_seconds'],
    ['a negative period', { recurring_seconds: -60 }, 'recurring_seconds'],
    ['a fractional period', { recurring_seconds: 2.5 }, 'recurring_seconds'],
    ['a negative timestamp', { timestamp_ns: -1 }, 'timestamp_ns'],
    ['a negative timestamp as a string', { timestamp_ns: '-1' }, 'timestamp_ns'],
    ['a fractional timestamp', { timestamp_ns: '1.5' }, 'timestamp_ns'],
    ['a fractional timestamp as a number', { timestamp_ns: 1.5 }, 'timestamp_ns'],
    ['an infinite timestamp', { timestamp_ns: Number.POSITIVE_INFINITY }, 'timestamp_ns'],
    ['an ISO timestamp (the API takes nanoseconds)', { timestamp_ns: '2026-03-01T12:00:00Z' }, 'timestamp_ns'],
    ['both a delay and a timestamp', { delay_seconds: 1, timestamp_ns: '1' }, 'timestamp_ns'],
    ['both a period and a cron', { recurring_seconds: 60, cron: '* * * * *' }, 'cron'],
    ['a tz without a cron', { tz: 'Europe/Paris' }, 'tz'],
    ['an invalid cron', { cron: 'every monday' }, 'cron'],
    ['a cron with a field out of range', { cron: '0 25 * * *' }, 'cron'],
    ['an empty cron', { cron: '' }, 'cron'],
    ['a cron that never fires', { cron: '0 0 30 2 *' }, 'cron'],
    ['an invalid tz', { cron: '0 9 * * *', tz: 'Nowhere/Atlantis' }, 'tz'],
    ['an empty tz', { cron: '0 9 * * *', tz: '' }, 'tz'],
    ['an empty payload', { payload: '' }, 'payload'],
    ['a blank payload', { payload: '  \n\t ' }, 'payload'],
    ['a payload over 64 KB', { payload: 'x'.repeat(EVENT_PAYLOAD_MAX_BYTES + 1) }, 'payload'],
    [
      'a payload over 64 KB in UTF-8 bytes (not characters)',
      { payload: 'é'.repeat(EVENT_PAYLOAD_MAX_BYTES / 2) + 'x' },
      'payload',
    ],
    ['a missing payload', { payload: undefined }, 'payload'],
    ['an empty receiver', { receiver: '' }, 'receiver'],
    ['a missing receiver', { receiver: undefined }, 'receiver'],
  ])('refuses %s with INVALID_INPUT naming the field, and changes nothing', async (_what, input, field) => {
    const before = t.store.snapshot();
    const error = await schedule(worker('w2'), { receiver: 'w1', payload: 'x', ...input }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining(`${field}:`) });
    expect(t.store.snapshot()).toEqual(before);
    expect(t.recorder.entries).toEqual([]);
    expect(t.scheduler.wakes).toBe(0);
  });

  it.each<[string, Principal, string, string]>([
    ['an unknown receiver', owner, 'nobody', 'AGENT_NOT_FOUND'],
    ['a person as receiver', owner, 'owner', 'AGENT_NOT_FOUND'],
    ['an agent of another EA', worker('x', 1), 'w1', 'AGENT_NOT_FOUND'],
    ["'omar' (from an agent)", worker('w2'), 'omar', 'INVALID_INPUT'],
    ["'omar' (from the owner)", owner, 'omar', 'INVALID_INPUT'],
  ])('refuses %s naming the receiver', async (_what, by, receiver, errorCode) => {
    if (by.kind === 'agent' && by.ea === 1) await t.call(createEa, owner, { name: 'second' });
    const error = await schedule(by, { receiver, payload: 'x' }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: errorCode,
      details: expect.objectContaining({ field: 'receiver', name: receiver }),
    });
    expect(events()).toEqual([]);
    expect(t.scheduler.wakes).toBe(0);
  });

  it("lets the owner schedule a job of the daemon's to 'omar' (the payload names it), recurring on a cron", async () => {
    const out = await schedule(owner, { receiver: 'omar', payload: ' report ', cron: '0 */3 * * *' });
    expect(out).toMatchObject({ receiver: 'omar', sender: 'owner', payload: ' report ' });
    expect(out.fires_at).toBe('2026-03-01T15:00:00.000Z');
    expect(t.scheduler.wakes).toBe(1);
  });

  it.each<[string, Principal]>([
    ['a chat admin', chatUser('admin')],
    ['the EA', eaAgent()],
  ])("refuses a job for 'omar' from %s", async (_what, by) => {
    const error = await schedule(by, { receiver: 'omar', payload: 'report' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INVALID_INPUT', details: expect.objectContaining({ field: 'receiver' }) });
    expect(events()).toEqual([]);
  });

  it("refuses a payload to 'omar' that names no job, listing the jobs", async () => {
    const error = await schedule(owner, { receiver: 'omar', payload: 'clean up' }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('report'),
      details: expect.objectContaining({ jobs: ['report'] }),
    });
  });

  it('refuses an exited receiver (CONFLICT naming it)', async () => {
    exit('w1');
    const error = await schedule(owner, { receiver: 'w1', payload: 'x' }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining("'w1' has exited"),
      details: expect.objectContaining({ field: 'receiver' }),
    });
    expect(events()).toEqual([]);
  });

  it('refuses an external agent (no pane to type into)', async () => {
    t.store.edit((s) => void (s.agents.find((a) => a.name === 'w1')!.kind = 'external'));
    const error = await schedule(owner, { receiver: 'w1', payload: 'x' }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('no pane'),
      details: expect.objectContaining({ field: 'receiver' }),
    });
    expect(events()).toEqual([]);
  });

  it("accepts 'ea' as receiver", async () => {
    expect((await schedule(worker('w1'), { receiver: 'ea', payload: 'done?' })).receiver).toBe('ea');
  });

  it('accepts a payload of exactly 64 KB (in bytes), multi-byte included', async () => {
    const ascii = 'x'.repeat(EVENT_PAYLOAD_MAX_BYTES);
    const accented = 'é'.repeat(EVENT_PAYLOAD_MAX_BYTES / 2);
    const emoji = '😀'.repeat(EVENT_PAYLOAD_MAX_BYTES / 4);
    for (const payload of [ascii, accented, emoji])
      expect((await schedule(owner, { receiver: 'w1', payload })).payload).toBe(payload);
    expect(t.recorder.ofKind('event.scheduled').map((e) => e['bytes'])).toEqual([65536, 65536, 65536]);
    expect(EVENT_PAYLOAD_MAX_BYTES).toBe(65536);
  });

  it('keeps the payload exactly as given (newlines, quotes, leading spaces)', async () => {
    const payload = '  line 1\n"quoted" \'single\' $HOME `tick`\n\ttabbed\n';
    expect((await schedule(owner, { receiver: 'w1', payload })).payload).toBe(payload);
  });

  it('schedules in the owner-selected EA, and refuses a receiver that lives only in another EA', async () => {
    await t.call(createEa, owner, { name: 'second' });
    await spawn('only1', { ea: 1 });
    const out = await schedule(owner, { receiver: 'only1', payload: 'x' }, 1);
    expect(events().find((e) => e.id === out.id)?.ea).toBe(1);
    await expect(schedule(owner, { receiver: 'only1', payload: 'x' }, 0)).rejects.toThrow(code('AGENT_NOT_FOUND'));
  });
});

describe('list_events', () => {
  beforeEach(async () => {
    await spawn('w1');
    await spawn('w2');
    await t.call(createEa, owner, { name: 'second' });
    t.store.edit((s) => {
      s.events.push(
        makeEvent('late', 'w1', { t: (NOW_NS + 50n * S).toString(), seq: '1' }),
        makeEvent('tie-b', 'w2', { t: (NOW_NS + 10n * S).toString(), seq: '5' }),
        makeEvent('tie-a', 'w1', { t: (NOW_NS + 10n * S).toString(), seq: '4' }),
        makeEvent('failed', 'w2', {
          t: NOW_NS.toString(),
          seq: '2',
          status: 'failed',
          attempts: 5,
          lastError: 'pane is dead',
        }),
        makeEvent('header', 'w2', { t: (NOW_NS + 99n * S).toString(), seq: '9', format: 'raw', sender: 'omar' }),
        makeEvent('other-ea', 'x', { ea: 1, seq: '3' }),
      );
    });
  });

  it('lists pending, in-flight and failed events of the EA in delivery order (header, then t, then seq)', async () => {
    const out = await t.call(listEvents, owner, {});
    expect(out.events.map((e) => e.id)).toEqual(['header', 'failed', 'tie-a', 'tie-b', 'late']);
    expect(out.recent).toBeUndefined();
    expect(out.events.find((e) => e.id === 'failed')).toMatchObject({
      status: 'failed',
      attempts: 5,
      last_error: 'pane is dead',
    });
    expect(out.events.find((e) => e.id === 'late')).toMatchObject({
      fires_at: new Date(FAKE_EPOCH_MS + 50_000).toISOString(),
    });
  });

  it('filters by receiver', async () => {
    expect((await t.call(listEvents, owner, { receiver: 'w1' })).events.map((e) => e.id)).toEqual(['tie-a', 'late']);
    expect((await t.call(listEvents, owner, { receiver: 'nobody' })).events).toEqual([]);
  });

  it("shows only the caller's EA", async () => {
    expect((await t.call(listEvents, worker('x', 1), {})).events.map((e) => e.id)).toEqual(['other-ea']);
    expect((await t.call(listEvents, owner, {}, 1)).events.map((e) => e.id)).toEqual(['other-ea']);
  });

  it('is readable by a chat viewer and a worker', async () => {
    expect((await t.call(listEvents, chatUser('viewer'), {})).events).toHaveLength(5);
    expect((await t.call(listEvents, worker('w1'), {})).events).toHaveLength(5);
  });

  it('with all, adds recent delivered, cancelled and failed entries from the journal (of this EA, for the receiver)', async () => {
    t.recorder.clear();
    t.services.recorder.record('event.scheduled', { ea: 0, event: 'ev-a', sender: 'owner', receiver: 'w1' });
    t.services.recorder.record('event.delivered', {
      ea: 0,
      event: 'ev-a',
      sender: 'owner',
      receiver: 'w1',
      latency_ms: 3,
    });
    t.services.recorder.record('event.cancelled', { ea: 0, event: 'ev-b', sender: 'w2', receiver: 'w1', by: 'w2' });
    t.services.recorder.record('event.failed', { ea: 0, event: 'ev-c', sender: 'w1', receiver: 'w2', error: 'dead' });
    t.services.recorder.record('event.delivered', { ea: 1, event: 'ev-d', sender: 'owner', receiver: 'w1' });
    t.services.recorder.record('agent.spawned', { ea: 0, agent: 'w1' });
    const all = await t.call(listEvents, owner, { all: true });
    expect(all.events).toHaveLength(5);
    expect(all.recent?.map((e) => [e.kind, e.event])).toEqual([
      ['event.delivered', 'ev-a'],
      ['event.cancelled', 'ev-b'],
      ['event.failed', 'ev-c'],
    ]);
    const forW2 = await t.call(listEvents, owner, { all: true, receiver: 'w2' });
    expect(forW2.events.map((e) => e.id)).toEqual(['header', 'failed', 'tie-b']);
    // The journal filter matches the agent as sender or receiver.
    expect(forW2.recent?.map((e) => e.event)).toEqual(['ev-b', 'ev-c']);
  });

  it('keeps only the 50 most recent journal entries', async () => {
    for (let i = 0; i < 60; i += 1)
      t.services.recorder.record('event.delivered', { ea: 0, event: `ev-${i}`, receiver: 'w1' });
    const recent = (await t.call(listEvents, owner, { all: true })).recent!;
    expect(recent).toHaveLength(50);
    expect(recent[0]!.event).toBe('ev-10');
    expect(recent.at(-1)!.event).toBe('ev-59');
  });
});

describe('cancel_event', () => {
  beforeEach(async () => {
    await spawn('w1');
    await spawn('w2');
    await t.call(createEa, owner, { name: 'second' });
    t.store.edit((s) => {
      s.events.push(
        makeEvent('from-w1', 'w2', { sender: 'w1', seq: '1', recurrence: { every: 60 } }),
        makeEvent('from-w2', 'w1', { sender: 'w2', seq: '2' }),
        makeEvent('from-owner', 'w1', { sender: 'owner', seq: '3', status: 'failed', lastError: 'dead' }),
        makeEvent('in-ea1', 'x', { ea: 1, sender: 'x', seq: '4' }),
      );
    });
    t.recorder.clear();
  });

  const ids = () => t.store.get().events.map((e) => e.id);

  it('removes the event for good, journals event.cancelled with who and what it was, and wakes the queue', async () => {
    expect(await t.call(cancelEvent, worker('w1'), { event_id: 'from-w1' })).toEqual({
      id: 'from-w1',
      status: 'cancelled',
      was: 'pending',
    });
    expect(ids()).toEqual(['from-w2', 'from-owner', 'in-ea1']);
    expect(t.recorder.entries.map(({ ts: _ts, ...rest }) => rest)).toEqual([
      {
        kind: 'event.cancelled',
        ea: 0,
        event: 'from-w1',
        sender: 'w1',
        receiver: 'w2',
        by: 'w1',
        reason: 'cancelled',
        was: 'pending',
      },
    ]);
    expect(t.scheduler.wakes).toBe(1);
  });

  it('cancels a failed event (was: failed)', async () => {
    expect((await t.call(cancelEvent, owner, { event_id: 'from-owner' })).was).toBe('failed');
  });

  it('EVENT_NOT_FOUND for an unknown id, and nothing changes', async () => {
    await expect(t.call(cancelEvent, owner, { event_id: 'ev-404' })).rejects.toThrow(code('EVENT_NOT_FOUND'));
    expect(ids()).toHaveLength(4);
    expect(t.recorder.entries).toEqual([]);
    expect(t.scheduler.wakes).toBe(0);
  });

  it('a worker cancels only the events it scheduled', async () => {
    await expect(t.call(cancelEvent, worker('w1'), { event_id: 'from-w2' })).rejects.toThrow(code('PERMISSION_DENIED'));
    await expect(t.call(cancelEvent, worker('w1'), { event_id: 'from-owner' })).rejects.toThrow(
      code('PERMISSION_DENIED'),
    );
    expect(ids()).toHaveLength(4);
    // Even one addressed to itself, if someone else sent it.
    await expect(t.call(cancelEvent, worker('w1'), { event_id: 'from-w2' })).rejects.toThrow(
      /only events it scheduled/,
    );
  });

  it('the EA (and the owner) cancel any event of their EA', async () => {
    await t.call(cancelEvent, eaAgent(), { event_id: 'from-w2' });
    await t.call(cancelEvent, eaAgent(), { event_id: 'from-owner' });
    await t.call(cancelEvent, owner, { event_id: 'from-w1' });
    expect(ids()).toEqual(['in-ea1']);
    expect(t.recorder.ofKind('event.cancelled').map((e) => e['by'])).toEqual(['ea', 'ea', 'owner']);
  });

  it('refuses an event of another EA, as not found (EA agent, worker and the owner in EA 0)', async () => {
    for (const by of [eaAgent(0), worker('w1'), owner]) {
      await expect(t.call(cancelEvent, by, { event_id: 'in-ea1' })).rejects.toThrow(code('EVENT_NOT_FOUND'));
    }
    for (const by of [eaAgent(1), worker('x', 1)]) {
      await expect(t.call(cancelEvent, by, { event_id: 'from-w1' })).rejects.toThrow(code('EVENT_NOT_FOUND'));
    }
    expect(ids()).toHaveLength(4);
    // The owner reaches it by selecting EA 1.
    expect((await t.call(cancelEvent, owner, { event_id: 'in-ea1' }, 1)).id).toBe('in-ea1');
  });

  it('refuses a chat viewer; allows a chat operator', async () => {
    await expect(t.call(cancelEvent, chatUser('viewer'), { event_id: 'from-w1' })).rejects.toThrow(
      code('PERMISSION_DENIED'),
    );
    expect((await t.call(cancelEvent, chatUser('operator'), { event_id: 'from-w1' })).id).toBe('from-w1');
  });

  it('refuses an empty id', async () => {
    await expect(t.call(cancelEvent, owner, { event_id: '' })).rejects.toThrow(code('INVALID_INPUT'));
  });
});

describe('kill_agent: [EVENT CANCELLED] notices', () => {
  const notices = () => t.store.get().events.filter((e) => e.sender === 'omar');

  beforeEach(async () => {
    await spawn('lead');
    await spawn('kid', { parent: 'lead' });
    await spawn('grandkid', { parent: 'kid' });
    await spawn('peer');
    await spawn('ghost');
    await spawn('bystander');
    exit('ghost');
  });

  it('the killer gets none; a dead sender none; a live sender outside the subtree exactly one per receiver; omar none', async () => {
    await schedule(worker('peer'), { receiver: 'kid', payload: 'p1', delay_seconds: 60 });
    await schedule(worker('peer'), { receiver: 'kid', payload: 'p2', delay_seconds: 120 });
    await schedule(worker('peer'), { receiver: 'kid', payload: 'p3', recurring_seconds: 60 });
    await schedule(worker('peer'), { receiver: 'grandkid', payload: 'p4' });
    await schedule(worker('lead'), { receiver: 'kid', payload: 'from the killer' });
    await schedule(worker('grandkid'), { receiver: 'kid', payload: 'from inside the subtree' });
    await schedule(eaAgent(), { receiver: 'kid', payload: 'from the EA' });
    await schedule(owner, { receiver: 'kid', payload: 'from the owner' });
    await schedule(worker('bystander'), { receiver: 'peer', payload: 'unrelated' });
    t.store.edit((s) => {
      s.events.push(
        makeEvent('from-ghost', 'kid', { sender: 'ghost', seq: '900' }),
        makeEvent('from-omar', 'kid', { sender: 'omar', seq: '901' }),
      );
    });
    const wakes = t.scheduler.wakes;

    const out = await t.call(killAgent, worker('lead'), { name: 'kid', recursive: true });

    expect(out).toEqual({ killed: ['grandkid', 'kid'], tasks_closed: 0, events_cancelled: 10 });
    expect(notices().map((e) => [e.receiver, e.payload])).toEqual([
      ['peer', '[EVENT CANCELLED] to kid: kid was killed by lead; 3 of your event(s) to it will not be delivered.'],
      [
        'peer',
        '[EVENT CANCELLED] to grandkid: grandkid was killed by lead; 1 of your event(s) to it will not be delivered.',
      ],
      ['ea', '[EVENT CANCELLED] to kid: kid was killed by lead; 1 of your event(s) to it will not be delivered.'],
    ]);
    expect(notices().every((e) => e.status === 'pending' && e.t === t.clock.nowNs().toString())).toBe(true);
    // The unrelated event stays.
    expect(
      t.store
        .get()
        .events.filter((e) => e.sender !== 'omar')
        .map((e) => e.payload),
    ).toEqual(['unrelated']);
    expect(t.recorder.ofKind('event.cancelled')).toHaveLength(10);
    expect(
      t.recorder.ofKind('event.cancelled').every((e) => e['reason'] === 'receiver killed' && e['by'] === 'lead'),
    ).toBe(true);
    expect(t.scheduler.wakes).toBe(wakes + 1);
  });

  it('a recursive kill by the owner sends nothing for events between members of the killed subtree', async () => {
    await schedule(worker('kid'), { receiver: 'lead', payload: 'up' });
    await schedule(worker('grandkid'), { receiver: 'kid', payload: 'up' });
    await schedule(worker('lead'), { receiver: 'grandkid', payload: 'down' });
    const out = await t.call(killAgent, owner, { name: 'lead', recursive: true });
    expect(out.events_cancelled).toBe(3);
    expect(t.store.get().events).toEqual([]);
  });

  it('a non-recursive kill: the re-parented children are alive and are told', async () => {
    await schedule(worker('grandkid'), { receiver: 'kid', payload: 'status' });
    await t.call(killAgent, owner, { name: 'kid' });
    expect(t.store.get().agents.find((a) => a.name === 'grandkid')?.parent).toBe('lead');
    expect(notices().map((e) => e.receiver)).toEqual(['grandkid']);
  });

  it('nothing to cancel: no notice, no wake', async () => {
    const wakes = t.scheduler.wakes;
    await t.call(killAgent, owner, { name: 'bystander' });
    expect(notices()).toEqual([]);
    expect(t.scheduler.wakes).toBe(wakes);
    expect(t.mux.sessions.has(sessionNameFor(0, 'bystander'))).toBe(false);
  });
});
