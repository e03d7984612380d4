import { beforeEach, describe, expect, it } from 'vitest';
import { approvalCard } from '#core/chat/approval-card.js';
import { spawnAgent } from '#core/operations/agent-spawn.js';
import { answerApproval } from '#core/operations/approval-answer.js';
import { listApprovals } from '#core/operations/approval-list.js';
import { requestApproval } from '#core/operations/approval-request.js';
import { receiveChatMessage } from '#core/operations/chat-message-receive.js';
import { createEa } from '#core/operations/ea-create.js';
import { addProject } from '#core/operations/project-add.js';
import type { Principal } from '#core/principal.js';
import { chatUser, eaAgent, owner, worker } from '../../../fakes/principals.js';
import { createTestServices, type TestServices } from '../../../fakes/services.js';

const code = (c: string) => expect.objectContaining({ code: c });

let t: TestServices;
beforeEach(() => {
  t = createTestServices();
});

const person = (user: string, role: 'admin' | 'operator' | 'viewer' = 'operator', ea = 0): Principal => ({
  kind: 'chat',
  platform: 'slack',
  user,
  role,
  ea,
});

/** Alice (U1) writes top-level in C1 at `ts`: conversation c<N> rooted there. */
async function chatFrom(user: string, name: string, ts: string, thread: string | null = null) {
  return t.call(receiveChatMessage, person(user), {
    platform: 'slack',
    channel: 'C1',
    thread,
    message_id: ts,
    direct: false,
    user_id: user,
    user_name: name,
    text: 'hello',
  });
}

describe('request_approval', () => {
  it('returns the id at once and posts a card in the EA’s latest conversation, mentioning who wrote last', async () => {
    await chatFrom('U1', 'Alice', '100.1');
    await chatFrom('U2', 'Bob', '200.1');
    t.chat.wakes = 0;
    expect(await t.call(requestApproval, eaAgent(), { question: 'Restart the api?', timeout_seconds: 600 })).toEqual({
      approval_id: 'a1',
      conversation: 'c2',
    });
    const [approval] = t.store.get().approvals;
    expect(approval).toEqual({
      id: 1,
      ea: 0,
      agent: 'ea',
      question: 'Restart the api?',
      options: ['Approve', 'Deny'],
      conversation: 2,
      mention: { platform: 'slack', user: 'U2' },
      status: 'open',
      answer: null,
      answeredBy: null,
      createdAt: t.clock.iso(),
      timeoutAt: new Date(t.clock.now() + 600_000).toISOString(),
    });
    expect(t.store.get().outbox).toEqual([
      expect.objectContaining({
        kind: 'post',
        key: 'approval:a1',
        platform: 'slack',
        channel: 'C1',
        thread: '200.1',
        threadKey: null,
        conversation: 2,
        author: 'ea',
        document: approvalCard(approval!, t.store.get()),
      }),
    ]);
    expect(t.chat.wakes).toBe(1);
    expect(t.recorder.ofKind('approval.requested')).toEqual([
      expect.objectContaining({
        ea: 0,
        approval: 1,
        agent: 'ea',
        question: 'Restart the api?',
        options: ['Approve', 'Deny'],
        conversation: 2,
        timeout_seconds: 600,
        by: 'ea',
      }),
    ]);
  });

  it('a worker’s card goes into its project’s chart thread and mentions who started the project', async () => {
    await chatFrom('U1', 'Alice', '100.1');
    await t.call(addProject, eaAgent(), { name: 'api', conversation: 'c1' });
    await chatFrom('U2', 'Bob', '200.1');
    await t.call(spawnAgent, eaAgent(), { name: 'w-deploy', command: 'sh', project_id: 1 });
    await t.call(requestApproval, worker('w-deploy'), {
      question: 'kubectl rollout restart deploy/api -n staging',
      options: ['Allow once', 'Allow for this session', 'Deny'],
    });
    expect(t.store.get().approvals[0]).toMatchObject({
      agent: 'w-deploy',
      conversation: 1,
      mention: { platform: 'slack', user: 'U1' },
      timeoutAt: null,
    });
    expect(t.store.get().outbox.at(-1)).toMatchObject({
      key: 'approval:a1',
      channel: 'C1',
      thread: null,
      threadKey: 'chart:p1',
      author: 'w-deploy',
    });
  });

  it('a conversation given wins over the project thread', async () => {
    await chatFrom('U1', 'Alice', '100.1');
    await t.call(addProject, eaAgent(), { name: 'api', conversation: 'c1' });
    await chatFrom('U2', 'Bob', '200.1');
    await t.call(spawnAgent, eaAgent(), { name: 'w1', command: 'sh', project_id: 1 });
    expect(await t.call(requestApproval, worker('w1'), { question: 'ok?', conversation: 'c2' })).toMatchObject({
      conversation: 'c2',
    });
    expect(t.store.get().outbox.at(-1)).toMatchObject({ thread: '200.1', threadKey: null });
  });

  it('with no chat at all, the approval waits for the CLI and no card is posted', async () => {
    expect(await t.call(requestApproval, eaAgent(), { question: 'ok?' })).toEqual({
      approval_id: 'a1',
      conversation: null,
    });
    expect(t.store.get().outbox).toEqual([]);
    expect(t.chat.wakes).toBe(0);
  });

  it('refuses bad options, timeouts and questions with a sentence that says what to do', async () => {
    const bad = async (input: Record<string, unknown>, text: string) =>
      expect(t.call(requestApproval, eaAgent(), { question: 'ok?', ...input })).rejects.toThrow(
        expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining(text) }),
      );
    await bad({ options: ['Yes'] }, 'give at least two options');
    await bad({ options: ['Yes', 'yes'] }, 'two options are the same');
    await bad({ options: ['Yes', 'x'.repeat(76)] }, 'longer than 75 characters');
    await bad({ options: ['Yes', ' '] }, 'an option is empty');
    await bad({ timeout_seconds: 5 }, 'at least 10');
    await bad({ timeout_seconds: 700_000 }, 'at most 604800');
    await bad({ question: '  ' }, 'question is empty');
    expect(t.store.get().approvals).toEqual([]);
  });

  it('an unknown conversation names the open ones', async () => {
    await chatFrom('U1', 'Alice', '100.1');
    await expect(t.call(requestApproval, eaAgent(), { question: 'ok?', conversation: 'c9' })).rejects.toThrow(
      expect.objectContaining({ code: 'NOT_FOUND', message: 'Unknown conversation c9.', hint: 'Open ones: c1.' }),
    );
  });

  it('is for agents and the owner, not chat users', async () => {
    await t.call(requestApproval, owner, { question: 'ok?' });
    await expect(t.call(requestApproval, chatUser('admin'), { question: 'ok?' })).rejects.toThrow(
      code('PERMISSION_DENIED'),
    );
  });
});

describe('answer_approval', () => {
  beforeEach(async () => {
    await chatFrom('U1', 'Alice', '100.1');
    await t.call(spawnAgent, eaAgent(), { name: 'w1', command: 'sh' });
    await t.call(requestApproval, worker('w1'), {
      question: 'Restart the api?',
      options: ['Allow once', 'Allow for this session', 'Deny'],
    });
    t.scheduler.wakes = 0;
    t.chat.wakes = 0;
  });

  it('tells the asker from omar, edits the card in place, and journals who answered', async () => {
    expect(await t.call(answerApproval, person('U1'), { approval_id: 'a1', option: 'allow once' })).toEqual({
      approval_id: 'a1',
      option: 'Allow once',
      agent: 'w1',
    });
    expect(t.store.get().events.at(-1)).toMatchObject({
      sender: 'omar',
      receiver: 'w1',
      payload: '[APPROVAL a1] Allow once — by Alice (slack:U1)',
    });
    const approval = t.store.get().approvals[0]!;
    expect(approval).toMatchObject({ status: 'answered', answer: 'Allow once', answeredBy: 'Alice' });
    expect(t.store.get().outbox.at(-1)).toMatchObject({
      kind: 'update',
      key: 'approval:a1',
      channel: 'C1',
      author: 'omar',
      document: approvalCard(approval, t.store.get(), { answeredAtMs: t.clock.now() }),
    });
    expect(t.scheduler.wakes).toBe(1);
    expect(t.chat.wakes).toBe(1);
    expect(t.recorder.ofKind('approval.answered')).toEqual([
      expect.objectContaining({
        ea: 0,
        approval: 1,
        agent: 'w1',
        option: 'Allow once',
        name: 'Alice',
        by: 'chat:slack:U1',
      }),
    ]);
  });

  it('takes the option’s number; the owner signs as owner', async () => {
    await t.call(answerApproval, owner, { approval_id: 1, option: '2' });
    expect(t.store.get().events.at(-1)!.payload).toBe('[APPROVAL a1] Allow for this session — by owner');
  });

  it('first answer wins: the second is refused and says who answered', async () => {
    await t.call(answerApproval, person('U1'), { approval_id: 'a1', option: '3' });
    await expect(t.call(answerApproval, person('U2'), { approval_id: 'a1', option: '1' })).rejects.toThrow(
      expect.objectContaining({ code: 'CONFLICT', message: 'a1 was already answered: Deny by Alice.' }),
    );
    expect(t.recorder.ofKind('approval.answered')).toHaveLength(1);
  });

  it('an option that is not one lists the options', async () => {
    await expect(t.call(answerApproval, owner, { approval_id: 'a1', option: 'Maybe' })).rejects.toThrow(
      expect.objectContaining({
        code: 'INVALID_INPUT',
        message: "'Maybe' is not an option of a1.",
        hint: 'Options: 1 Allow once, 2 Allow for this session, 3 Deny (answer with the text or the number).',
      }),
    );
    expect(t.store.get().approvals[0]!.status).toBe('open');
  });

  it('an unknown approval names the open ones; a chat user sees only their EA’s', async () => {
    await expect(t.call(answerApproval, owner, { approval_id: 'a7', option: '1' })).rejects.toThrow(
      expect.objectContaining({ code: 'NOT_FOUND', message: 'Unknown approval a7.', hint: 'Open ones: a1.' }),
    );
    await t.call(createEa, owner, { name: 'second' });
    await expect(t.call(answerApproval, person('U1', 'admin', 1), { approval_id: 'a1', option: '1' })).rejects.toThrow(
      code('NOT_FOUND'),
    );
  });

  it('is for operators, admins and the owner; not viewers or agents', async () => {
    await expect(t.call(answerApproval, person('U3', 'viewer'), { approval_id: 'a1', option: '1' })).rejects.toThrow(
      code('PERMISSION_DENIED'),
    );
    await expect(t.call(answerApproval, eaAgent(), { approval_id: 'a1', option: '1' })).rejects.toThrow(
      code('PERMISSION_DENIED'),
    );
    await expect(t.call(answerApproval, worker('w1'), { approval_id: 'a1', option: '1' })).rejects.toThrow(
      code('PERMISSION_DENIED'),
    );
    await t.call(answerApproval, person('U4', 'admin'), { approval_id: 'a1', option: '1' });
  });
});

describe('list_approvals', () => {
  it('lists the open ones; with all, the closed ones too', async () => {
    await t.call(requestApproval, eaAgent(), { question: 'first?' });
    await t.call(requestApproval, eaAgent(), { question: 'second?', timeout_seconds: 60 });
    await t.call(answerApproval, owner, { approval_id: 'a1', option: 'Deny' });
    expect(await t.call(listApprovals, chatUser('viewer'), {})).toEqual({
      approvals: [
        {
          id: 'a2',
          agent: 'ea',
          question: 'second?',
          options: ['Approve', 'Deny'],
          status: 'open',
          answer: null,
          answered_by: null,
          conversation: null,
          created_at: t.clock.iso(),
          timeout_at: new Date(t.clock.now() + 60_000).toISOString(),
        },
      ],
    });
    const all = await t.call(listApprovals, worker('w9'), { all: true });
    expect(all.approvals.map((a) => [a.id, a.status, a.answer, a.answered_by])).toEqual([
      ['a1', 'answered', 'Deny', 'owner'],
      ['a2', 'open', null, null],
    ]);
    await t.call(createEa, owner, { name: 'second' });
    expect(await t.call(listApprovals, eaAgent(1), { all: true })).toEqual({ approvals: [] });
  });
});
