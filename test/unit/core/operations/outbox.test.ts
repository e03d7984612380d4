import { beforeEach, describe, expect, it } from 'vitest';
import { createEa } from '#core/operations/ea-create.js';
import { dropOutbox } from '#core/operations/outbox-drop.js';
import { listOutbox } from '#core/operations/outbox-list.js';
import { retryOutbox } from '#core/operations/outbox-retry.js';
import { makeOutboxItem } from '../../../fakes/builders.js';
import { chatUser, eaAgent, owner, worker } from '../../../fakes/principals.js';
import { createTestServices, type TestServices } from '../../../fakes/services.js';

const code = (c: string) => expect.objectContaining({ code: c });

let t: TestServices;
beforeEach(async () => {
  t = createTestServices();
  await t.call(createEa, owner, { name: 'second' });
  t.store.edit((s) => {
    s.outbox = [
      makeOutboxItem(1, {
        status: 'failed',
        attempts: 3,
        lastError: 'channel_not_found',
        author: 'w1',
        document: { text: 'the report\nline two', blocks: [], mentions: [] },
      }),
      makeOutboxItem(2, { status: 'pending', author: 'ea' }),
      makeOutboxItem(3, { status: 'sending' }),
      makeOutboxItem(4, { status: 'failed', ea: 1 }),
    ];
    s.next.outbox = 5;
  });
});

describe('list_outbox', () => {
  it('lists the failed messages of the EA, and says how many are still on the way', async () => {
    expect(await t.call(listOutbox, chatUser('viewer'), {})).toEqual({
      items: [
        {
          id: 'o1',
          status: 'failed',
          kind: 'post',
          platform: 'slack',
          channel: 'C1',
          thread: '1.000',
          conversation: 'c1',
          key: null,
          author: 'w1',
          attempts: 3,
          last_error: 'channel_not_found',
          not_before: null,
          created_at: expect.any(String),
          text: 'the report',
        },
      ],
      hidden: 2,
    });
  });

  it('with all, lists every undelivered message', async () => {
    const out = await t.call(listOutbox, owner, { all: true });
    expect(out.items.map((i) => [i.id, i.status])).toEqual([
      ['o1', 'failed'],
      ['o2', 'pending'],
      ['o3', 'sending'],
    ]);
    expect(out.hidden).toBe(0);
    expect((await t.call(listOutbox, owner, { all: true }, 1)).items.map((i) => i.id)).toEqual(['o4']);
  });
});

describe('retry_outbox', () => {
  it('queues a failed message again at once, journals it and wakes the outbox', async () => {
    expect(await t.call(retryOutbox, chatUser('operator'), { outbox_id: 'o1' })).toEqual({
      outbox_id: 'o1',
      status: 'pending',
    });
    expect(t.store.get().outbox[0]).toMatchObject({ status: 'pending', attempts: 0, lastError: null });
    expect(t.chat.wakes).toBe(1);
    expect(t.recorder.ofKind('chat.retried')).toEqual([
      expect.objectContaining({ ea: 0, outbox: 1, conversation: 1, by: 'chat:slack:u-operator' }),
    ]);
  });

  it('refuses a message being sent, and one that is not there', async () => {
    await expect(t.call(retryOutbox, owner, { outbox_id: 'o3' })).rejects.toThrow(
      expect.objectContaining({ code: 'CONFLICT', message: 'o3 is being sent right now and cannot be retried.' }),
    );
    await expect(t.call(retryOutbox, owner, { outbox_id: 'o9' })).rejects.toThrow(
      expect.objectContaining({
        code: 'NOT_FOUND',
        message: 'No outbox item o9.',
        hint: 'Waiting or failed here: o1, o2, o3, o4.',
      }),
    );
    await expect(t.call(retryOutbox, owner, { outbox_id: 'c1' })).rejects.toThrow(code('INVALID_INPUT'));
  });

  it('the owner reaches any EA by id; agents and chat users only their own', async () => {
    await t.call(retryOutbox, owner, { outbox_id: 4 });
    await expect(t.call(retryOutbox, chatUser('admin'), { outbox_id: 'o4' })).rejects.toThrow(
      expect.objectContaining({ code: 'NOT_FOUND', message: 'No outbox item o4 in EA 0.' }),
    );
    await expect(t.call(retryOutbox, eaAgent(), { outbox_id: 'o4' })).rejects.toThrow(code('NOT_FOUND'));
  });

  it('a worker retries only its own messages; viewers not at all', async () => {
    await t.call(retryOutbox, worker('w1'), { outbox_id: 'o1' });
    await expect(t.call(retryOutbox, worker('w1'), { outbox_id: 'o2' })).rejects.toThrow(
      expect.objectContaining({
        code: 'PERMISSION_DENIED',
        message: 'w1 may retry only its own messages, and o2 is from ea.',
      }),
    );
    await expect(t.call(retryOutbox, chatUser('viewer'), { outbox_id: 'o1' })).rejects.toThrow(
      code('PERMISSION_DENIED'),
    );
  });
});

describe('drop_outbox', () => {
  it('removes the message for good and journals it', async () => {
    expect(await t.call(dropOutbox, eaAgent(), { outbox_id: 'o1' })).toEqual({ outbox_id: 'o1', was: 'failed' });
    expect(t.store.get().outbox.map((o) => o.id)).toEqual([2, 3, 4]);
    expect(t.recorder.ofKind('chat.dropped')).toEqual([
      expect.objectContaining({ ea: 0, outbox: 1, was: 'failed', last_error: 'channel_not_found', by: 'ea' }),
    ]);
  });

  it('refuses a message being sent, and a worker dropping someone else’s', async () => {
    await expect(t.call(dropOutbox, owner, { outbox_id: 'o3' })).rejects.toThrow(
      expect.objectContaining({ code: 'CONFLICT', message: 'o3 is being sent right now and cannot be dropped.' }),
    );
    await expect(t.call(dropOutbox, worker('w2'), { outbox_id: 'o1' })).rejects.toThrow(code('PERMISSION_DENIED'));
    expect(t.store.get().outbox).toHaveLength(4);
  });
});
