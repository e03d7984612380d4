import { beforeEach, describe, expect, it } from 'vitest';
import { refusalText } from '#core/chat/access.js';
import { sessionNameFor } from '#core/model/names.js';
import { createEa } from '#core/operations/ea-create.js';
import { OPERATIONS } from '#core/registry.js';
import type { ChatAnswer, InboundUser } from '#src/bridges/core/bridge.js';
import { createChatRouter, EMPTY_MESSAGE_TEXT, VIEWER_TEXT } from '#src/bridges/core/chat-router.js';
import { makeAgent, makeApproval } from '../../../fakes/builders.js';
import { FakeChatBridge } from '../../../fakes/fake-chat-bridge.js';
import { owner } from '../../../fakes/principals.js';
import { createTestServices, type TestServices } from '../../../fakes/services.js';
import type { SilentLogger } from '../../../fakes/silent-logger.js';

const admin: InboundUser = { id: 'UA', name: 'Ada' };
const operator: InboundUser = { id: 'UO', name: 'Otto' };
const viewer: InboundUser = { id: 'UV', name: 'Vera' };
const stranger: InboundUser = { id: 'UX', name: 'Xavier' };

let t: TestServices;
let bridge: FakeChatBridge;

function setUp(overrides: Partial<Parameters<typeof createChatRouter>[0]> = {}): void {
  t = createTestServices();
  t.chat.sources = {
    configUsers: [
      { platform: 'slack', id: 'UO', role: 'operator' },
      { platform: 'slack', id: 'UV', role: 'viewer' },
    ],
    envAdmins: [{ platform: 'slack', id: 'UA' }],
  };
  t.store.edit((s) => {
    s.agents.push(makeAgent('w1'), makeAgent('w1-child', { parent: 'w1' }), makeAgent('w2'));
  });
  for (const name of ['w1', 'w1-child', 'w2']) t.mux.addSession(sessionNameFor(0, name));
  bridge = new FakeChatBridge(
    'slack',
    createChatRouter({ services: t.services, operations: OPERATIONS, ...overrides }),
  );
}

beforeEach(() => setUp());

/** The answer's text, asserting it is one line meant only for the asker. */
function privateLine(answer: ChatAnswer | null): string {
  expect(answer).not.toBeNull();
  expect(answer!.ephemeral).toBe(true);
  expect(answer!.document.text).not.toContain('\n');
  return answer!.document.text;
}

const agentNames = () => t.store.get().agents.map((a) => a.name);

describe('chat router: who may talk', () => {
  it('refuses a person nobody granted: tells their id and the allow line, at most once an hour, and journals each try', async () => {
    const first = await bridge.say(stranger, 'hello omar');
    expect(privateLine(first)).toBe(refusalText('slack', 'UX'));
    expect(first!.document.text).toContain('omar chat allow slack:UX --role operator');
    expect(await bridge.say(stranger, 'hello?')).toBeNull();
    t.clock.advance(59 * 60 * 1000);
    expect(await bridge.say(stranger, 'anyone?')).toBeNull();
    t.clock.advance(60 * 1000);
    expect(privateLine(await bridge.say(stranger, 'still there?'))).toBe(refusalText('slack', 'UX'));
    expect(t.recorder.ofKind('chat.refused').map((e) => [e['user'], e['via'], e['answered']])).toEqual([
      ['slack:UX', 'message', true],
      ['slack:UX', 'message', false],
      ['slack:UX', 'message', false],
      ['slack:UX', 'message', true],
    ]);
    // Nothing reached an agent.
    expect(t.store.get().events).toEqual([]);
    expect(t.store.get().conversations).toEqual([]);
  });

  it('refuses commands and buttons of a stranger every time (only they see it), before anything runs', async () => {
    expect(privateLine(await bridge.command(stranger, 'kill w1'))).toBe(refusalText('slack', 'UX'));
    expect(privateLine(await bridge.command(stranger, 'list'))).toBe(refusalText('slack', 'UX'));
    expect(privateLine(await bridge.click(stranger, 'kill-confirm', '0:w1'))).toBe(refusalText('slack', 'UX'));
    expect(agentNames()).toEqual(['w1', 'w1-child', 'w2']);
    expect(t.recorder.ofKind('chat.refused').map((e) => e['via'])).toEqual(['command', 'command', 'action']);
    expect(t.recorder.ofKind('chat.command')).toEqual([]);
  });

  it('a grant in the state (omar chat allow) lets the person in', async () => {
    t.store.edit((s) => {
      s.chatGrants.push({ platform: 'slack', id: 'UX', role: 'viewer', grantedBy: 'owner', grantedAt: t.clock.iso() });
    });
    expect(privateLine(await bridge.say(stranger, 'hi'))).toBe(VIEWER_TEXT);
  });

  it('tells a viewer that viewers only read; nothing reaches the EA', async () => {
    expect(privateLine(await bridge.say(viewer, 'please spawn something'))).toBe(VIEWER_TEXT);
    expect(t.store.get().events).toEqual([]);
  });

  it('drops a repeated delivery of one message (platform retries, message + app_mention)', async () => {
    expect(await bridge.say(stranger, 'hi', { messageId: '171.001' })).not.toBeNull();
    t.clock.advance(2 * 60 * 60 * 1000);
    expect(await bridge.say(stranger, 'hi', { messageId: '171.001' })).toBeNull();
    expect(t.recorder.ofKind('chat.refused')).toHaveLength(1);
    // The same id in another channel is another message.
    expect(await bridge.say(stranger, 'hi', { messageId: '171.001', channel: 'C2' })).not.toBeNull();
  });

  it('forgets the oldest message ids beyond its bound', async () => {
    setUp({ dedupeSize: 2 });
    for (const id of ['a', 'b', 'c']) await bridge.say(viewer, 'x', { messageId: id });
    expect(await bridge.say(viewer, 'x', { messageId: 'c' })).toBeNull();
    expect(await bridge.say(viewer, 'x', { messageId: 'a' })).not.toBeNull();
  });
});

describe('chat router: messages to the EA', () => {
  it('hands an operator’s message to the EA as [CHAT c<N> · name] from chat:<platform>:<id>, and answers nothing', async () => {
    expect(await bridge.say(operator, 'spawn two workers for the api', { messageId: '100.1' })).toBeNull();
    expect(t.store.get().conversations).toEqual([
      expect.objectContaining({ id: 1, platform: 'slack', channel: 'C1', thread: '100.1', ea: 0 }),
    ]);
    expect(t.store.get().events.map((e) => [e.sender, e.receiver, e.payload])).toEqual([
      ['chat:slack:UO', 'ea', '[CHAT c1 · Otto] spawn two workers for the api'],
    ]);
    // A reply in its thread is the same conversation.
    await bridge.say(admin, 'and a third', { thread: '100.1' });
    expect(t.store.get().conversations).toHaveLength(1);
    expect(t.store.get().events.at(-1)).toMatchObject({
      sender: 'chat:slack:UA',
      payload: '[CHAT c1 · Ada] and a third',
    });
  });

  it('drops a repeated message: one event only', async () => {
    await bridge.say(operator, 'hello', { messageId: '171.002' });
    await bridge.say(operator, 'hello', { messageId: '171.002' });
    expect(t.store.get().events).toHaveLength(1);
  });

  it('talks to the EA the channel is bound to; a DM without threads keeps one conversation', async () => {
    await t.call(createEa, owner, { name: 'research' });
    t.store.edit((s) => s.channelBindings.push({ platform: 'slack', channel: 'C9', ea: 1 }));
    await bridge.say(operator, 'hi research', { channel: 'C9' });
    expect(t.store.get().events.at(-1)).toMatchObject({ ea: 1, receiver: 'ea' });
    await bridge.say(operator, 'one', { channel: 'D1', direct: true, threaded: false });
    await bridge.say(operator, 'two', { channel: 'D1', direct: true, threaded: false });
    expect(t.store.get().conversations.filter((c) => c.channel === 'D1')).toEqual([
      expect.objectContaining({ thread: null }),
    ]);
  });

  it('answers a bare mention with what to write, and a too-long one in one line', async () => {
    expect(privateLine(await bridge.say(operator, '  '))).toBe(EMPTY_MESSAGE_TEXT);
    expect(privateLine(await bridge.say(operator, 'x'.repeat(40_001)))).toMatch(/40 000 characters/);
    expect(t.store.get().events).toEqual([]);
  });
});

describe('chat router: /omar commands', () => {
  it('runs a command with the chat principal and renders the result like the CLI; reads only for the asker', async () => {
    const answer = await bridge.command(operator, 'list');
    expect(answer.ephemeral).toBe(true);
    expect(answer.document.text).toContain('| w1 |');
    expect(t.recorder.ofKind('chat.command')).toEqual([
      expect.objectContaining({
        ea: 0,
        by: 'chat:slack:UO',
        name: 'Otto',
        role: 'operator',
        channel: 'C1',
        text: 'list',
        operation: 'list_agents',
        ok: true,
      }),
    ]);
  });

  it('a change is shown to the channel, and it acts as the person who typed it', async () => {
    const answer = await bridge.command(operator, 'kill w2');
    expect(answer.ephemeral).toBe(false);
    expect(answer.document.text).toContain('Killed **w2**');
    expect(agentNames()).toEqual(['w1', 'w1-child']);
    expect(t.recorder.ofKind('agent.killed')[0]).toMatchObject({ by: 'chat:slack:UO' });
  });

  it('help lists what the role may run, generated from the registry', async () => {
    const forOperator = await bridge.command(operator, 'help');
    expect(forOperator.ephemeral).toBe(true);
    expect(forOperator.document.text).toContain('/omar COMMAND');
    expect(forOperator.document.text).toContain('`kill NAME`');
    expect(forOperator.document.text).toContain('You are a chat *operator*');
    const forViewer = (await bridge.command(viewer, '')).document.text;
    expect(forViewer).toContain('`list`');
    expect(forViewer).not.toContain('`kill NAME`');
    expect(forViewer).toMatch(/You are a chat \*viewer\*; \d+ more command\(s\) need a higher role/);
  });

  it('help COMMAND shows its usage and flags; a mistyped one gets the closest', async () => {
    const spawn = (await bridge.command(operator, 'help spawn')).document.text;
    expect(spawn).toContain('Usage: `/omar spawn NAME');
    expect(spawn).toContain('--backend');
    expect(privateLine(await bridge.command(operator, 'help spwan'))).toBe(
      "There is no command 'spwan'. Did you mean `/omar help spawn`? Run `/omar help` for the list.",
    );
  });

  it('a mistyped command gets the closest one, in one line only the asker sees', async () => {
    const line = privateLine(await bridge.command(operator, 'lsit'));
    expect(line).toContain("Unknown command 'lsit'. Did you mean `/omar list`");
    expect(t.recorder.ofKind('chat.command')).toEqual([
      expect.objectContaining({ text: 'lsit', operation: null, ok: false, error: 'USAGE' }),
    ]);
  });

  it('usage and input errors are one line with the hint, never a stack', async () => {
    expect(privateLine(await bridge.command(operator, 'spawn'))).toMatch(
      /^Missing NAME for `\/omar spawn`\. Usage: \/omar spawn NAME \[--command COMMAND\]/,
    );
    expect(privateLine(await bridge.command(operator, 'send w1 "unclosed'))).toMatch(/^Unterminated quote/);
    expect(privateLine(await bridge.command(operator, 'peek nobody'))).toMatch(
      /^No agent 'nobody' in EA 0\. Agents here: w1, w1-child, w2\.$/,
    );
  });

  it('an internal failure is logged, and the person gets plain words', async () => {
    setUp({
      invoke: async () => {
        throw new Error('disk on fire');
      },
    });
    const line = privateLine(await bridge.command(operator, 'list'));
    expect(line).toBe('omar hit an internal error doing that; the daemon log has the details.');
    const logged = (t.logger as SilentLogger).lines.filter((l) => l.level === 'error');
    expect(logged[0]!.obj).toMatchObject({ err: 'Internal error: disk on fire' });
  });

  it('refuses a command above the role, saying the role and who grants more, before it runs', async () => {
    const line = privateLine(await bridge.command(viewer, 'kill w1'));
    expect(line).toBe(
      'You are a chat viewer: `/omar kill` is not for you. Viewers can only read; ask an admin for the operator role.',
    );
    expect(privateLine(await bridge.command(operator, 'ea delete 0'))).toBe(
      'You are a chat operator: `/omar ea delete` is not for you. Only the owner or a chat admin can delete EAs.',
    );
    expect(agentNames()).toEqual(['w1', 'w1-child', 'w2']);
  });

  it('chat-level commands are whatever the registry puts on the chat surface (chat allow, approvals, outbox)', async () => {
    expect(privateLine(await bridge.command(operator, 'chat allow slack:UX --role viewer'))).toMatch(
      /^You are a chat operator: `\/omar chat allow` is not for you\./,
    );
    const allowed = await bridge.command(admin, 'chat allow slack:UX --role viewer');
    expect(allowed.ephemeral).toBe(false);
    expect(t.store.get().chatGrants).toEqual([
      expect.objectContaining({ platform: 'slack', id: 'UX', role: 'viewer' }),
    ]);
    expect(privateLine(await bridge.say(stranger, 'let me in'))).toBe(VIEWER_TEXT);
    expect((await bridge.command(viewer, 'approvals')).ephemeral).toBe(true);
    expect((await bridge.command(viewer, 'outbox')).ephemeral).toBe(true);
  });

  it('`ea use NAME` (admin) binds the channel; later commands there address that EA', async () => {
    await t.call(createEa, owner, { name: 'research' });
    const bound = await bridge.command(admin, 'ea use research', { channel: 'C9' });
    expect(bound.document.text).toBe('This channel now talks to EA **1** (research).');
    expect(t.store.get().channelBindings).toEqual([{ platform: 'slack', channel: 'C9', ea: 1 }]);
    expect(t.store.get().activeEa).toBe(0);
    expect((await bridge.command(operator, 'whoami', { channel: 'C9' })).document.text).toContain('in EA 1');
    expect((await bridge.command(operator, 'whoami', { channel: 'C1' })).document.text).toContain('in EA 0');
    expect(privateLine(await bridge.command(operator, 'ea use default', { channel: 'C9' }))).toMatch(
      /^You are a chat operator: `\/omar ea use` is not for you\./,
    );
  });
});

describe('chat router: buttons', () => {
  it('peek shows the pane tail with secrets redacted, only to the clicker (viewers may peek)', async () => {
    t.mux.setScreen(sessionNameFor(0, 'w1'), ['$ deploy', 'SLACK_BOT_TOKEN=xoxb-1234567890-abcdefghijkl', 'done']);
    const answer = await bridge.click(viewer, 'peek', '0:w1');
    expect(answer.ephemeral).toBe(true);
    const shown = JSON.stringify(answer.document);
    expect(shown).toContain('$ deploy');
    expect(shown).toContain('done');
    expect(shown).not.toContain('xoxb-1234567890-abcdefghijkl');
    expect(answer.document.text).toBe('w1 running');
  });

  it('kill asks to confirm, naming what goes with it; only kill-confirm kills, recursively, as the clicker', async () => {
    const confirm = await bridge.click(operator, 'kill', '0:w1');
    expect(confirm.ephemeral).toBe(true);
    expect(confirm.document.text).toBe(
      'Kill w1 and the 1 agent(s) below it? Their sessions end and their tasks close as killed.',
    );
    expect(confirm.document.blocks).toContainEqual({
      type: 'buttons',
      buttons: [{ action: 'kill-confirm', value: '0:w1', label: 'Kill w1', style: 'danger' }],
    });
    expect(agentNames()).toEqual(['w1', 'w1-child', 'w2']);
    const done = await bridge.click(operator, 'kill-confirm', '0:w1');
    expect(done.document.text).toContain('Killed **w1-child**, **w1**');
    expect(agentNames()).toEqual(['w2']);
    expect(t.recorder.ofKind('agent.killed').map((e) => e.by)).toEqual(['chat:slack:UO', 'chat:slack:UO']);
  });

  it('Report (and /omar report) answers the report of the channel’s EA with its charts, only to the one who asked', async () => {
    const clicked = await bridge.click(viewer, 'report', '0');
    expect(clicked.ephemeral).toBe(true);
    expect(clicked.document.text).toMatch(/^\*\*omar report · \d\d:\d\d · 0 projects, 3 agents: 3 ●\*\*/);
    expect(clicked.document.text).toContain('no project · 3 agents');
    const typed = await bridge.command(viewer, 'report');
    expect(typed.document.text).toBe(clicked.document.text);
  });

  it("checks the clicker's role before anything happens", async () => {
    expect(privateLine(await bridge.click(viewer, 'kill', '0:w1'))).toMatch(
      /^You are a chat viewer: `\/omar kill` is not for you\./,
    );
    expect(privateLine(await bridge.click(viewer, 'kill-confirm', '0:w1'))).toMatch(
      /^You are a chat viewer: `\/omar kill` is not for you\./,
    );
    expect(agentNames()).toEqual(['w1', 'w1-child', 'w2']);
  });

  it('approve answers the approval as the clicker (operator and up); a viewer is refused before anything happens', async () => {
    t.store.edit((s) => {
      s.approvals.push(makeApproval(3, { agent: 'w1', options: ['Allow once', 'Deny'] }));
      s.next.approval = 4;
    });
    expect(privateLine(await bridge.click(viewer, 'approve', 'a3:1'))).toMatch(
      /^You are a chat viewer: `\/omar approve` is not for you\./,
    );
    expect(t.store.get().approvals[0]!.status).toBe('open');
    expect(privateLine(await bridge.click(operator, 'approve', 'a3:2'))).toBe('You answered a3 for w1: Deny.');
    expect(t.store.get().approvals[0]).toMatchObject({ status: 'answered', answer: 'Deny' });
    expect(t.store.get().events.at(-1)).toMatchObject({ sender: 'omar', receiver: 'w1' });
    expect(t.store.get().events.at(-1)!.payload).toMatch(/^\[APPROVAL a3\] Deny — by /);
    // First answer wins.
    expect(privateLine(await bridge.click(admin, 'approve', 'a3:1'))).toMatch(/^a3 was already answered/);
  });

  it('answers an unknown button or an unreadable value in one line', async () => {
    expect(privateLine(await bridge.click(operator, 'launch-rockets', '1'))).toMatch(
      /^This button \(launch-rockets\) is not one this omar knows\./,
    );
    expect(privateLine(await bridge.click(operator, 'peek', 'w1'))).toMatch(
      /^This peek button carries a value omar cannot read \('w1'\)\./,
    );
    expect(privateLine(await bridge.click(operator, 'kill', '0:ghost'))).toMatch(/^No agent 'ghost' in EA 0\./);
  });
});
