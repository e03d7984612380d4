import { describe, expect, it } from 'vitest';
import { approvalCard } from '#core/chat/approval-card.js';
import {
  CLOSED_APPROVALS_KEPT,
  answerApproval,
  approvalCardKey,
  chooseOption,
  nextApprovalTimeoutMs,
  openApproval,
  parseApprovalHandle,
  requireApproval,
  timeOutApproval,
  timeOutDueApprovals,
} from '#core/chat/approvals.js';
import { emptyState, type State } from '#core/model/state.js';
import { makeAgent, makeApproval, makeConversation } from '../../../fakes/builders.js';
import { FAKE_EPOCH_MS } from '../../../fakes/fake-clock.js';

const ALICE = { name: 'Alice', platform: 'slack', user: 'U1' };

function stateWith(...approvals: ReturnType<typeof makeApproval>[]): State {
  const state = emptyState();
  state.eas = [
    {
      id: 0,
      name: 'main',
      description: null,
      createdAt: new Date(FAKE_EPOCH_MS).toISOString(),
      manager: {
        backend: 'raw',
        command: 'sh',
        workdir: '/w',
        tokenHash: null,
        health: 'running',
        ready: true,
        startedAt: null,
        lastActivityAt: null,
        restarts: 0,
        nextRestartAt: null,
      },
    },
  ];
  state.agents = [makeAgent('w1')];
  state.conversations = [makeConversation(1)];
  state.approvals = approvals;
  state.next.approval = approvals.length + 1;
  return state;
}

describe('openApproval', () => {
  it('assigns the next id and stores when it times out', () => {
    const state = stateWith();
    const a = openApproval(state, {
      ea: 0,
      agent: 'w1',
      question: 'Restart the api?',
      options: ['Yes', 'No'],
      conversation: 1,
      mention: { platform: 'slack', user: 'U1' },
      timeoutSeconds: 600,
      nowMs: FAKE_EPOCH_MS,
    });
    expect(a).toEqual({
      id: 1,
      ea: 0,
      agent: 'w1',
      question: 'Restart the api?',
      options: ['Yes', 'No'],
      conversation: 1,
      mention: { platform: 'slack', user: 'U1' },
      status: 'open',
      answer: null,
      answeredBy: null,
      createdAt: '2026-03-01T12:00:00.000Z',
      timeoutAt: '2026-03-01T12:10:00.000Z',
    });
    expect(state.next.approval).toBe(2);
    const b = openApproval(state, { ...a, timeoutSeconds: null, nowMs: FAKE_EPOCH_MS });
    expect(b.id).toBe(2);
    expect(b.timeoutAt).toBeNull();
  });
});

describe('answerApproval', () => {
  it('takes the option by its text (any case) or its 1-based number', () => {
    const a = makeApproval(1, { options: ['Allow once', 'Allow for this session', 'Deny'] });
    expect(chooseOption(a, 'allow once')).toBe('Allow once');
    expect(chooseOption(a, ' Deny ')).toBe('Deny');
    expect(chooseOption(a, '2')).toBe('Allow for this session');
    expect(chooseOption(a, 3)).toBe('Deny');
  });

  it('refuses an option that is not one, listing the options', () => {
    const a = makeApproval(3);
    for (const bad of ['Maybe', '0', '3', '']) {
      expect(() => chooseOption(a, bad)).toThrow(
        expect.objectContaining({
          code: 'INVALID_INPUT',
          message: `'${bad}' is not an option of a3.`,
          hint: 'Options: 1 Approve, 2 Deny (answer with the text or the number).',
        }),
      );
    }
  });

  it('records the answer and who gave it', () => {
    const state = stateWith(makeApproval(1));
    expect(answerApproval(state, 1, '1', ALICE)).toMatchObject({
      status: 'answered',
      answer: 'Approve',
      answeredBy: 'Alice',
    });
  });

  it('first answer wins: a second one is a CONFLICT that says how it ended', () => {
    const state = stateWith(makeApproval(3, { options: ['Yes', 'No'] }));
    answerApproval(state, 3, 'Yes', ALICE);
    expect(() => answerApproval(state, 3, 'No', { name: 'Bob', platform: 'slack', user: 'U2' })).toThrow(
      expect.objectContaining({
        code: 'CONFLICT',
        message: 'a3 was already answered: Yes by Alice.',
        hint: 'The first answer wins; nothing was changed.',
      }),
    );
    expect(state.approvals[0]).toMatchObject({ answer: 'Yes', answeredBy: 'Alice' });
  });

  it('a timed-out approval cannot be answered', () => {
    const state = stateWith(makeApproval(2, { status: 'timed_out', timeoutAt: '2026-03-01T12:05:00.000Z' }));
    expect(() => answerApproval(state, 2, 'Approve', ALICE)).toThrow(
      expect.objectContaining({
        code: 'CONFLICT',
        message: 'a2 timed out after 300s and can no longer be answered.',
        hint: 'If it is still needed, tell w1 to ask again.',
      }),
    );
  });

  it('an unknown approval names the open ones', () => {
    const state = stateWith(makeApproval(1), makeApproval(2, { status: 'answered' }), makeApproval(3));
    expect(() => requireApproval(state, 9)).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND', message: 'Unknown approval a9.', hint: 'Open ones: a1, a3.' }),
    );
    expect(() => requireApproval(state, 1, 1)).toThrow(expect.objectContaining({ hint: 'No approval is open.' }));
  });

  it('keeps only the newest closed approvals', () => {
    const closed = Array.from({ length: CLOSED_APPROVALS_KEPT }, (_, i) =>
      makeApproval(i + 1, { status: 'answered', answer: 'Approve', answeredBy: 'Alice' }),
    );
    const state = stateWith(...closed, makeApproval(CLOSED_APPROVALS_KEPT + 1));
    answerApproval(state, CLOSED_APPROVALS_KEPT + 1, 'Deny', ALICE);
    expect(state.approvals).toHaveLength(CLOSED_APPROVALS_KEPT);
    expect(state.approvals[0]!.id).toBe(2);
    expect(state.approvals.at(-1)).toMatchObject({ id: CLOSED_APPROVALS_KEPT + 1, answer: 'Deny' });
  });

  it.each([
    ['a3', 3],
    ['A12', 12],
    ['5', 5],
    [6, 6],
  ] as const)('reads %j as an approval id', (text, id) => {
    expect(parseApprovalHandle(text)).toBe(id);
  });

  it('refuses what is not an approval id', () => {
    expect(() => parseApprovalHandle('o3')).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', message: "'o3' is not an approval." }),
    );
  });
});

describe('time-outs', () => {
  const at = (minutes: number) => new Date(FAKE_EPOCH_MS + minutes * 60_000).toISOString();

  it('timeOutApproval closes only an open approval', () => {
    const state = stateWith(makeApproval(1), makeApproval(2, { status: 'answered' }));
    expect(timeOutApproval(state, 1, FAKE_EPOCH_MS)).toMatchObject({ status: 'timed_out' });
    expect(timeOutApproval(state, 1, FAKE_EPOCH_MS)).toBeNull();
    expect(timeOutApproval(state, 2, FAKE_EPOCH_MS)).toBeNull();
    expect(timeOutApproval(state, 9, FAKE_EPOCH_MS)).toBeNull();
  });

  it('nextApprovalTimeoutMs is the earliest time-out of an open approval', () => {
    const state = stateWith(
      makeApproval(1, { timeoutAt: at(10) }),
      makeApproval(2, { timeoutAt: at(5), status: 'answered' }),
      makeApproval(3, { timeoutAt: at(7) }),
      makeApproval(4),
    );
    expect(nextApprovalTimeoutMs(state)).toBe(Date.parse(at(7)));
    expect(nextApprovalTimeoutMs(stateWith(makeApproval(1)))).toBeNull();
  });

  it('timeOutDueApprovals closes the due ones, tells each asker and edits each card', () => {
    const state = stateWith(
      makeApproval(1, { timeoutAt: at(10) }),
      makeApproval(2, { timeoutAt: at(20) }),
      makeApproval(3, { timeoutAt: at(5), agent: 'gone', conversation: null }),
      makeApproval(4),
    );
    const nowMs = FAKE_EPOCH_MS + 10 * 60_000;
    const out = timeOutDueApprovals(state, nowMs);
    expect(out.approvals.map((a) => a.id)).toEqual([1, 3]);
    expect(state.approvals.map((a) => a.status)).toEqual(['timed_out', 'open', 'timed_out', 'open']);
    expect(out.events.map((e) => [e.sender, e.receiver, e.payload])).toEqual([
      ['omar', 'w1', '[APPROVAL a1] timed out after 600s'],
      // The asker is gone: its EA hears it.
      ['omar', 'ea', '[APPROVAL a3] timed out after 300s'],
    ]);
    expect(state.events).toEqual(out.events);
    expect(out.events[0]!.t).toBe((BigInt(nowMs) * 1_000_000n).toString());
    // Only a1 had a card (a3 had no conversation).
    expect(out.outbox).toEqual([
      expect.objectContaining({
        kind: 'update',
        key: approvalCardKey(1),
        platform: 'slack',
        channel: 'C1',
        author: 'omar',
        document: approvalCard(state.approvals[0]!, state),
      }),
    ]);
    expect(state.outbox).toEqual(out.outbox);
    expect(timeOutDueApprovals(state, nowMs)).toEqual({ approvals: [], events: [], outbox: [] });
  });
});
