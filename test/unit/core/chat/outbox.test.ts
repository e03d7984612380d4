import { describe, expect, it } from 'vitest';
import { textDocument } from '#core/chat/document.js';
import {
  dropOutboxItem,
  enqueueOutbox,
  parseOutboxHandle,
  replyTarget,
  requireOutboxItem,
  retryOutboxItem,
} from '#core/chat/outbox.js';
import { emptyState } from '#core/model/state.js';
import { makeConversation, makeOutboxItem } from '../../../fakes/builders.js';

const NOW = '2026-03-01T12:00:00.000Z';

const fields = (partial: Partial<Parameters<typeof enqueueOutbox>[1]> = {}): Parameters<typeof enqueueOutbox>[1] => ({
  ea: 0,
  platform: 'slack',
  conversation: 1,
  channel: 'C1',
  thread: '1.000',
  threadKey: null,
  kind: 'post',
  key: null,
  user: null,
  document: textDocument('hello'),
  author: 'ea',
  nowIso: NOW,
  ...partial,
});

describe('enqueueOutbox', () => {
  it('adds a pending item with the next id', () => {
    const state = emptyState();
    const item = enqueueOutbox(state, fields());
    expect(item).toEqual({
      id: 1,
      ea: 0,
      platform: 'slack',
      conversation: 1,
      channel: 'C1',
      thread: '1.000',
      threadKey: null,
      kind: 'post',
      key: null,
      user: null,
      document: textDocument('hello'),
      author: 'ea',
      status: 'pending',
      attempts: 0,
      lastError: null,
      notBefore: null,
      createdAt: NOW,
    });
    expect(enqueueOutbox(state, fields()).id).toBe(2);
    expect(state.next.outbox).toBe(3);
    expect(state.outbox.map((o) => o.id)).toEqual([1, 2]);
  });

  it('coalesces an update into a pending update of the same message', () => {
    const state = emptyState();
    const first = enqueueOutbox(state, fields({ kind: 'update', key: 'chart:p1', document: textDocument('v1') }));
    const second = enqueueOutbox(state, fields({ kind: 'update', key: 'chart:p1', document: textDocument('v2') }));
    expect(second.id).toBe(first.id);
    expect(state.outbox).toHaveLength(1);
    expect(state.outbox[0]!.document.text).toBe('v2');
  });

  it('does not coalesce into an update being sent, a post, another key or another platform', () => {
    const state = emptyState();
    state.outbox = [
      makeOutboxItem(1, { kind: 'update', key: 'chart:p1', status: 'sending' }),
      makeOutboxItem(2, { kind: 'post', key: 'chart:p2' }),
      makeOutboxItem(3, { kind: 'update', key: 'chart:p3', platform: 'discord' }),
    ];
    state.next.outbox = 4;
    enqueueOutbox(state, fields({ kind: 'update', key: 'chart:p1' }));
    enqueueOutbox(state, fields({ kind: 'update', key: 'chart:p2' }));
    enqueueOutbox(state, fields({ kind: 'update', key: 'chart:p3' }));
    enqueueOutbox(state, fields({ kind: 'update', key: 'chart:p4' }));
    expect(state.outbox.map((o) => o.id)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });
});

describe('replyTarget', () => {
  it('is the conversation’s thread, or its channel where there are no threads', () => {
    const state = emptyState();
    expect(replyTarget(state, makeConversation(1))).toEqual({ platform: 'slack', channel: 'C1', thread: '1.000' });
    expect(replyTarget(state, makeConversation(2, { platform: 'discord', channel: 'D1', thread: null }))).toEqual({
      platform: 'discord',
      channel: 'D1',
      thread: null,
    });
  });
});

describe('retry and drop', () => {
  const seeded = () => {
    const state = emptyState();
    state.outbox = [
      makeOutboxItem(1, { status: 'failed', attempts: 5, lastError: 'channel_not_found', notBefore: NOW }),
      makeOutboxItem(2, { status: 'sending' }),
      makeOutboxItem(3, { ea: 1 }),
    ];
    return state;
  };

  it.each([
    ['o4', 4],
    ['4', 4],
    [4, 4],
  ] as const)('reads %j as an outbox id', (text, id) => {
    expect(parseOutboxHandle(text)).toBe(id);
  });

  it('refuses what is not an outbox id', () => {
    expect(() => parseOutboxHandle('c4')).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', message: "'c4' is not an outbox item." }),
    );
  });

  it('retry puts a failed item back in the queue at once, with a fresh count', () => {
    const state = seeded();
    expect(retryOutboxItem(state, 1, 0)).toMatchObject({
      id: 1,
      status: 'pending',
      attempts: 0,
      lastError: null,
      notBefore: null,
    });
  });

  it('drop removes the item', () => {
    const state = seeded();
    expect(dropOutboxItem(state, 1, 0).id).toBe(1);
    expect(state.outbox.map((o) => o.id)).toEqual([2, 3]);
  });

  it('refuses an item being sent', () => {
    const state = seeded();
    expect(() => retryOutboxItem(state, 2, 0)).toThrow(
      expect.objectContaining({ code: 'CONFLICT', message: 'o2 is being sent right now and cannot be retried.' }),
    );
    expect(() => dropOutboxItem(state, 2, 0)).toThrow(
      expect.objectContaining({ code: 'CONFLICT', message: 'o2 is being sent right now and cannot be dropped.' }),
    );
  });

  it('an item of another EA is not found, and the error lists what is here', () => {
    const state = seeded();
    expect(() => requireOutboxItem(state, 3, 0)).toThrow(
      expect.objectContaining({
        code: 'NOT_FOUND',
        message: 'No outbox item o3 in EA 0.',
        hint: 'Waiting or failed here: o1, o2.',
      }),
    );
    expect(() => requireOutboxItem(emptyState(), 3, 0)).toThrow(
      expect.objectContaining({ hint: 'The outbox is empty: everything was delivered (or dropped).' }),
    );
  });
});
