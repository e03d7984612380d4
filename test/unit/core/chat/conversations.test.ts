import { describe, expect, it } from 'vitest';
import {
  conversationFor,
  displayNameOf,
  eaForChannel,
  findConversation,
  lastConversationOfEa,
  lastUserMention,
  openConversation,
  parseConversationHandle,
  requireConversation,
  touchConversation,
} from '#core/chat/conversations.js';
import { emptyState, type State } from '#core/model/state.js';
import { makeConversation } from '../../../fakes/builders.js';

function stateWith(...conversations: ReturnType<typeof makeConversation>[]): State {
  const state = emptyState();
  state.conversations = conversations;
  state.next.conversation = conversations.length + 1;
  return state;
}

describe('parseConversationHandle', () => {
  it.each([
    ['c12', 12],
    ['C3', 3],
    ['7', 7],
    [' c1 ', 1],
    [4, 4],
  ] as const)('%s → %s', (text, id) => {
    expect(parseConversationHandle(text)).toBe(id);
  });

  it.each(['', 'c', 'c0', 'x3', 'c-1', '1.5', 'c1 c2'])(
    'refuses %j with INVALID_INPUT and says how to write one',
    (text) => {
      expect(() => parseConversationHandle(text)).toThrow(
        expect.objectContaining({
          code: 'INVALID_INPUT',
          message: `'${text}' is not a conversation.`,
          hint: 'Write its handle c<N>, as in the [CHAT c<N> · …] line you received (e.g. c3).',
        }),
      );
    },
  );
});

describe('requireConversation', () => {
  const state = stateWith(makeConversation(1), makeConversation(2, { ea: 1 }), makeConversation(3));

  it('finds a conversation, in the EA asked for', () => {
    expect(requireConversation(state, 2).id).toBe(2);
    expect(requireConversation(state, 3, 0).id).toBe(3);
    expect(findConversation(state, 9)).toBeUndefined();
  });

  it('names the open ones when the conversation is unknown', () => {
    let error: unknown;
    try {
      requireConversation(state, 9, 0);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'NOT_FOUND', message: 'Unknown conversation c9.', hint: 'Open ones: c1, c3.' });
    expect((error as { fullMessage: string }).fullMessage).toBe('Unknown conversation c9. Open ones: c1, c3.');
  });

  it('treats a conversation of another EA as unknown', () => {
    expect(() => requireConversation(state, 2, 0)).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND', message: 'Unknown conversation c2.' }),
    );
  });

  it('says when there is none at all', () => {
    expect(() => requireConversation(emptyState(), 1)).toThrow(
      expect.objectContaining({ hint: 'There are no open conversations.' }),
    );
  });
});

describe('conversationFor', () => {
  const threaded = makeConversation(1, { channel: 'C1', thread: '100.1' });
  const discordDm = makeConversation(2, { platform: 'discord', channel: 'D9', thread: null });
  const slackDm = makeConversation(3, { channel: 'D1', thread: '200.1' });
  const state = stateWith(threaded, discordDm, slackDm);
  const place = (p: Partial<Parameters<typeof conversationFor>[1]>) => ({
    platform: 'slack',
    channel: 'C1',
    thread: null,
    messageId: '999.9',
    direct: false,
    ...p,
  });

  it('a reply in a thread belongs to that thread’s conversation', () => {
    expect(conversationFor(state, place({ thread: '100.1' }))?.id).toBe(1);
    expect(conversationFor(state, place({ channel: 'D1', thread: '200.1', direct: true }))?.id).toBe(3);
  });

  it('a reply in a thread nobody started is no conversation yet', () => {
    expect(conversationFor(state, place({ thread: '555.5' }))).toBeUndefined();
    expect(conversationFor(state, place({ channel: 'C2', thread: '100.1' }))).toBeUndefined();
    expect(conversationFor(state, place({ platform: 'discord', thread: '100.1' }))).toBeUndefined();
  });

  it('a top-level message in a channel starts a new one', () => {
    expect(conversationFor(state, place({}))).toBeUndefined();
  });

  it('a top-level message seen again (a repeat) is in the conversation it rooted', () => {
    expect(conversationFor(state, place({ messageId: '100.1' }))?.id).toBe(1);
  });

  it('a DM on a platform without threads is the channel’s conversation', () => {
    expect(conversationFor(state, place({ platform: 'discord', channel: 'D9', direct: true }))?.id).toBe(2);
  });

  it('a top-level Slack DM starts a new one (Slack DMs have threads)', () => {
    expect(conversationFor(state, place({ channel: 'D1', direct: true }))).toBeUndefined();
  });
});

describe('openConversation and touchConversation', () => {
  it('assigns the next handle, never reused, with the first user seen', () => {
    const state = emptyState();
    state.next.conversation = 5;
    const c = openConversation(state, {
      platform: 'slack',
      channel: 'C1',
      thread: '1.1',
      ea: 0,
      user: { id: 'U1', name: 'Alice' },
      nowIso: '2026-03-01T12:00:00.000Z',
    });
    expect(c).toEqual({
      id: 5,
      platform: 'slack',
      channel: 'C1',
      thread: '1.1',
      ea: 0,
      users: [{ id: 'U1', name: 'Alice' }],
      createdAt: '2026-03-01T12:00:00.000Z',
      lastActivityAt: '2026-03-01T12:00:00.000Z',
    });
    expect(state.next.conversation).toBe(6);
    expect(state.conversations).toEqual([c]);
  });

  it('moves the person who wrote last to the end (the one to mention) and records the time', () => {
    const c = makeConversation(1, {
      users: [
        { id: 'U1', name: 'Alice' },
        { id: 'U2', name: 'Bob' },
      ],
    });
    touchConversation(c, '2026-03-01T13:00:00.000Z', { id: 'U1', name: 'Alice B.' });
    expect(c.users).toEqual([
      { id: 'U2', name: 'Bob' },
      { id: 'U1', name: 'Alice B.' },
    ]);
    expect(c.lastActivityAt).toBe('2026-03-01T13:00:00.000Z');
    expect(lastUserMention(c)).toEqual({ platform: 'slack', user: 'U1' });
    touchConversation(c, '2026-03-01T14:00:00.000Z');
    expect(c.users.map((u) => u.id)).toEqual(['U2', 'U1']);
    expect(lastUserMention(makeConversation(2, { users: [] }))).toBeNull();
  });
});

describe('eaForChannel, lastConversationOfEa, displayNameOf', () => {
  it('a bound channel talks to its EA; any other to the default EA', () => {
    const state = emptyState();
    state.activeEa = 2;
    state.channelBindings = [{ platform: 'slack', channel: 'C7', ea: 1 }];
    expect(eaForChannel(state, 'slack', 'C7')).toBe(1);
    expect(eaForChannel(state, 'discord', 'C7')).toBe(2);
    expect(eaForChannel(state, 'slack', 'C8')).toBe(2);
  });

  it('a console channel talks to its own EA (console:<id>) unless bound; a look-alike elsewhere does not', () => {
    const state = emptyState();
    state.activeEa = 2;
    state.channelBindings = [{ platform: 'console', channel: 'console:3', ea: 1 }];
    expect(eaForChannel(state, 'console', 'console:0')).toBe(0);
    expect(eaForChannel(state, 'console', 'console:3')).toBe(1);
    expect(eaForChannel(state, 'console', 'elsewhere')).toBe(2);
    expect(eaForChannel(state, 'slack', 'console:0')).toBe(2);
  });

  it('picks the most recently active conversation of the EA', () => {
    const state = stateWith(
      makeConversation(1, { lastActivityAt: '2026-03-01T12:05:00.000Z' }),
      makeConversation(2, { lastActivityAt: '2026-03-01T12:09:00.000Z' }),
      makeConversation(3, { lastActivityAt: '2026-03-01T12:30:00.000Z', ea: 1 }),
      makeConversation(4, { lastActivityAt: '2026-03-01T12:01:00.000Z' }),
    );
    expect(lastConversationOfEa(state, 0)?.id).toBe(2);
    expect(lastConversationOfEa(state, 1)?.id).toBe(3);
    expect(lastConversationOfEa(state, 2)).toBeUndefined();
  });

  it('names a person as seen in a conversation of the platform, else by id', () => {
    const state = stateWith(makeConversation(1, { users: [{ id: 'U2', name: 'Bob' }] }));
    expect(displayNameOf(state, 'slack', 'U2')).toBe('Bob');
    expect(displayNameOf(state, 'discord', 'U2')).toBe('U2');
    expect(displayNameOf(state, 'slack', 'U3')).toBe('U3');
  });
});
