import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DetectedDialog } from '#core/backends/screen-dialog.js';
import { assertKeyName } from '#core/backends/key-names.js';
import { dialogCard } from '#core/dialogs/dialog-card.js';
import { remindDueDialogs } from '#core/dialogs/dialog-reminders.js';
import { type DialogRule, ruleFor } from '#core/dialogs/dialog-rules.js';
import { applySightings, askAfterAll, DIGEST_WINDOW_MS } from '#core/dialogs/dialog-sightings.js';
import {
  CLOSED_DIALOGS_KEPT,
  assertDialogOpen,
  chooseDialogChoice,
  closeDialog,
  openDialogOf,
  parseDialogTarget,
  requireDialog,
} from '#core/dialogs/dialogs.js';
import { emptyState, type State } from '#core/model/state.js';
import { detectClaudeDialog } from '#runtime/backends/claude-dialogs.js';
import { detectSimDialog } from '#runtime/backends/sim-dialogs.js';
import { promptScreen } from '#sim/run-sim.js';
import { makeAgent, makeConversation, makeEa } from '../../../fakes/builders.js';
import { FAKE_EPOCH_MS } from '../../../fakes/fake-clock.js';

const ALLOW = ['Allow once', 'Allow for this session', 'Deny'];
const prompt = (question: string, choices = ALLOW): DetectedDialog =>
  detectSimDialog(['· working', ...promptScreen(question, choices)].join('\n'))!;

function world(): State {
  const state = emptyState();
  state.eas = [makeEa(0, { manager: { ...makeEa().manager, backend: 'sim', command: 'sim' } })];
  state.agents = ['w1', 'w2', 'w3', 'w4'].map((name) =>
    makeAgent(name, { backend: 'sim', parent: name === 'w2' ? 'w1' : 'ea', statusLine: `${name} working` }),
  );
  return state;
}

const see = (
  state: State,
  agent: string,
  detected: DetectedDialog | null,
  nowMs = FAKE_EPOCH_MS,
  rules: DialogRule[] = [],
) =>
  applySightings(state, [{ ea: 0, agent, backend: 'sim', detected }], {
    nowMs,
    nowNs: BigInt(nowMs) * 1_000_000n,
    rules,
  });

describe('a prompt seen on a screen', () => {
  it('opens d1: the agent waits with the question as its status line, its parent is told, a card asks the person', () => {
    const state = world();
    const r = see(state, 'w2', prompt('Run: npm test'));
    expect(r.opened.map((d) => d.id)).toEqual([1]);
    expect(state.agents.find((a) => a.name === 'w2')).toMatchObject({
      health: 'waiting',
      statusLine: 'waiting: Run: npm test',
    });
    const notice = state.events.find((e) => e.receiver === 'w1');
    expect(notice?.payload).toBe('[CHILD NEEDS INPUT] w2: Run: npm test');
    expect(notice?.sender).toBe('omar');
    // No conversation at all: the terminal chat's channel.
    expect(r.outbox).toHaveLength(1);
    expect(r.outbox[0]).toMatchObject({ platform: 'console', channel: 'console:0', kind: 'post', key: 'dialogs:d1' });
  });

  it('changes nothing while the same prompt stays; a new prompt closes the old one as gone', () => {
    const state = world();
    see(state, 'w1', prompt('Run: a'));
    expect(see(state, 'w1', prompt('Run: a'))).toMatchObject({ opened: [], gone: [], outbox: [] });
    const next = see(state, 'w1', prompt('Run: b'));
    expect(next.gone.map((d) => d.title)).toEqual(['Run: a']);
    expect(next.opened.map((d) => d.title)).toEqual(['Run: b']);
    expect(openDialogOf(state, 0, 'w1')?.title).toBe('Run: b');
  });

  it('gone from the screen: closed as gone, the agent gets its own status line back, the card is edited', () => {
    const state = world();
    see(state, 'w1', prompt('Run: a'));
    // The card was accepted by the platform (its ref recorded).
    state.chatMessages.push({
      key: 'dialogs:d1',
      platform: 'console',
      channel: 'console:0',
      ref: '1',
      thread: null,
      createdAt: 'x',
    });
    const r = see(state, 'w1', null);
    expect(r.gone.map((d) => d.status)).toEqual(['gone']);
    expect(state.agents.find((a) => a.name === 'w1')).toMatchObject({ health: 'running', statusLine: 'w1 working' });
    expect(r.outbox).toEqual([expect.objectContaining({ kind: 'update', key: 'dialogs:d1' })]);
    expect(r.outbox[0]!.document.text).toContain('answered in the terminal');
  });

  it("the EA's own prompt tells nobody (its parent is the person) but still asks in chat", () => {
    const state = world();
    const r = see(state, 'ea', prompt('Run: deploy'));
    expect(r.events).toBe(0);
    expect(state.events).toEqual([]);
    expect(r.outbox).toHaveLength(1);
  });

  it("goes to the project's thread and mentions who started the project; else the EA's latest conversation", () => {
    const state = world();
    state.conversations = [
      makeConversation(1),
      makeConversation(2, { lastActivityAt: new Date(FAKE_EPOCH_MS + 5).toISOString() }),
    ];
    state.projects = [
      {
        id: 1,
        ea: 0,
        name: 'api',
        status: 'active',
        owner: 'owner',
        createdAt: 'x',
        conversation: 1,
        startedBy: { platform: 'slack', user: 'U9' },
      },
    ];
    state.agents.find((a) => a.name === 'w1')!.projectId = 1;
    const inProject = see(state, 'w1', prompt('Run: a'));
    expect(inProject.outbox[0]).toMatchObject({ conversation: 1, threadKey: 'chart:p1' });
    expect(inProject.outbox[0]!.document.mentions).toEqual([{ platform: 'slack', user: 'U9' }]);
    const elsewhere = see(state, 'w3', prompt('Run: b'));
    expect(elsewhere.outbox[0]).toMatchObject({ conversation: 2, thread: '2.000', threadKey: null });
    expect(elsewhere.outbox[0]!.document.mentions).toEqual([{ platform: 'slack', user: 'U1' }]);
  });

  it('prompts within a minute for the same person and place are one digest (one post, then edits); later ones a new card', () => {
    const state = world();
    const first = see(state, 'w1', prompt('Run: a'));
    const second = see(state, 'w3', prompt('Run: b'), FAKE_EPOCH_MS + 1000);
    const third = see(state, 'w4', prompt('Run: c'), FAKE_EPOCH_MS + 2000);
    expect(first.outbox.map((o) => o.kind)).toEqual(['post']);
    expect(second.outbox.map((o) => o.kind)).toEqual(['update']);
    expect(third.outbox.map((o) => o.kind)).toEqual(['update']);
    const digest = state.outbox.filter((o) => o.kind === 'update').at(-1)!.document;
    expect(digest.text).toBe('⏸ 3 agents wait for you: w1, w3, w4');
    expect(digest.blocks.filter((b) => b.type === 'buttons')).toHaveLength(3);
    const late = see(state, 'w2', prompt('Run: d'), FAKE_EPOCH_MS + DIGEST_WINDOW_MS + 5000);
    expect(late.outbox.map((o) => o.kind)).toEqual(['post']);
    expect(late.outbox[0]!.key).toBe('dialogs:d4');
  });

  it('a rule answers what it matches, with no card, no notice and no waiting', () => {
    const state = world();
    const rules: DialogRule[] = [
      { index: 1, backend: 'sim', kinds: ['command'], match: /^run: git status$/i, answer: 'allow once' },
    ];
    const r = see(state, 'w2', prompt('Run: git status'), FAKE_EPOCH_MS, rules);
    expect(r.ruled).toEqual([expect.objectContaining({ choice: 0, rule: rules[0] })]);
    expect(r.opened).toEqual([]);
    expect(r.outbox).toEqual([]);
    expect(state.events).toEqual([]);
    expect(state.agents.find((a) => a.name === 'w2')?.health).toBe('running');
  });

  it("when the rule's keys do not take, the person is asked after all (once)", () => {
    const state = world();
    const rules: DialogRule[] = [{ index: 1, backend: null, kinds: [], match: /git status/i, answer: '1' }];
    const { ruled } = see(state, 'w2', prompt('Run: git status'), FAKE_EPOCH_MS, rules);
    const when = { nowMs: FAKE_EPOCH_MS + 5000, nowNs: BigInt(FAKE_EPOCH_MS + 5000) * 1_000_000n };
    const asked = askAfterAll(state, ruled[0]!.dialog.id, when);
    expect(asked.events).toBe(1);
    expect(asked.outbox).toEqual([expect.objectContaining({ kind: 'post', key: 'dialogs:d1', platform: 'console' })]);
    expect(state.agents.find((a) => a.name === 'w2')).toMatchObject({
      health: 'waiting',
      statusLine: 'waiting: Run: git status',
    });
    expect(askAfterAll(state, ruled[0]!.dialog.id, when)).toEqual({ events: 0, outbox: [] });
  });
});

describe('rules', () => {
  const d = prompt('Run: rm -rf build');
  const rule = (partial: Partial<DialogRule>): DialogRule => ({
    index: 1,
    backend: null,
    kinds: [],
    match: /rm -rf/i,
    answer: 'Deny',
    ...partial,
  });
  it('match by backend, kind and text (title or detail), first match wins; an answer that is no choice is skipped', () => {
    expect(ruleFor([rule({ backend: 'claude' })], 'sim', d)).toBeNull();
    expect(ruleFor([rule({ kinds: ['edit'] })], 'sim', d)).toBeNull();
    expect(ruleFor([rule({ match: /npm/ })], 'sim', d)).toBeNull();
    expect(ruleFor([rule({ answer: 'Maybe' }), rule({ index: 2, answer: '3' })], 'sim', d)).toMatchObject({
      choice: 2,
      rule: { index: 2 },
    });
    expect(ruleFor([rule({ index: 1 }), rule({ index: 2, answer: '1' })], 'sim', d)?.rule.index).toBe(1);
  });
});

describe('answers', () => {
  it('name a prompt by agent or d<N>; a choice by number, label or short meaning, any case', () => {
    const state = world();
    see(state, 'w1', prompt('Run: a'));
    expect(parseDialogTarget('D1')).toEqual({ id: 1 });
    expect(parseDialogTarget('w1')).toEqual({ agent: 'w1' });
    expect(() => parseDialogTarget('not a name!')).toThrow("'not a name!' is neither an agent nor a prompt.");
    const dialog = requireDialog(state, { agent: 'w1' });
    expect(chooseDialogChoice(dialog, 3)).toBe(2);
    expect(chooseDialogChoice(dialog, 'ALLOW FOR THIS SESSION')).toBe(1);
    expect(() => chooseDialogChoice(dialog, '4')).toThrow("'4' is not a choice of w1's prompt d1.");
    expect(() => requireDialog(state, { agent: 'w3' })).toThrow('w3 is not waiting on a prompt.');
  });

  it('the first answer wins: a closed prompt is refused saying how it ended; at most 100 closed are kept', () => {
    const state = world();
    see(state, 'w1', prompt('Run: a'));
    const dialog = openDialogOf(state, 0, 'w1')!;
    closeDialog(state, dialog, { status: 'answered', answer: 'Deny', by: 'Ada', nowIso: 'x' });
    expect(() => assertDialogOpen(dialog)).toThrow("w1's prompt d1 was already answered: Deny by Ada.");
    for (let i = 0; i < CLOSED_DIALOGS_KEPT + 5; i += 1) {
      see(state, 'w3', prompt(`Run: ${i}`), FAKE_EPOCH_MS + i);
    }
    see(state, 'w3', null);
    expect(state.dialogs.filter((d) => d.status !== 'open').length).toBe(CLOSED_DIALOGS_KEPT);
  });
});

describe('the card', () => {
  it('open: what it wants, the CLI choices as buttons (Deny in red) and Peek, the person mentioned; closed: the outcome, nobody pinged', () => {
    const state = world();
    state.conversations = [makeConversation(1)];
    see(state, 'w1', prompt('Run: npm test'));
    const dialog = openDialogOf(state, 0, 'w1')!;
    const open = dialogCard([dialog], state, { timeZone: 'UTC' });
    expect(open.text).toBe('⏸ w1 waits for you: Run: npm test');
    const buttons = open.blocks.flatMap((b) => (b.type === 'buttons' ? b.buttons : []));
    expect(buttons.map((b) => [b.label, b.action, b.value, b.style])).toEqual([
      ['Allow once', 'dialog', 'd1:1', 'primary'],
      ['Allow for this session', 'dialog', 'd1:2', 'default'],
      ['Deny', 'dialog', 'd1:3', 'danger'],
      ['Peek', 'peek', '0:w1', 'default'],
    ]);
    expect(open.mentions).toEqual([{ platform: 'slack', user: 'U1' }]);
    closeDialog(state, dialog, {
      status: 'answered',
      answer: 'Allow once',
      by: 'Ada',
      nowIso: '2026-12-05T14:02:00.000Z',
    });
    const done = dialogCard([dialog], state, { timeZone: 'UTC' });
    expect(done.mentions).toEqual([]);
    expect(done.blocks.some((b) => b.type === 'buttons')).toBe(false);
    expect(done.text).toContain('✔ Allow once — by Ada · 14:02');
  });

  it("a plan approval: the plan as text (not code), the CLI's ways on, Keep planning not in red", () => {
    const state = world();
    state.conversations = [makeConversation(1)];
    const plan = detectClaudeDialog(
      readFileSync(join(import.meta.dirname, '../../../fixtures/dialogs/claude/plan.txt'), 'utf8'),
    )!;
    see(state, 'w1', plan);
    const card = dialogCard([openDialogOf(state, 0, 'w1')!], state, { timeZone: 'UTC' });
    const texts = card.blocks.flatMap((b) => (b.type === 'markdown' ? [b.text] : []));
    expect(texts).toContain('Plan\n\n1. Create hello.txt with a greeting\n2. Run ls to check it\n3. Report back');
    const buttons = card.blocks.flatMap((b) => (b.type === 'buttons' ? b.buttons : []));
    expect(buttons.map((b) => [b.label, b.style])).toEqual([
      ['Approve, auto mode', 'primary'],
      ['Approve, ask each time', 'default'],
      ['Keep planning', 'default'],
      ['Peek', 'default'],
    ]);
  });
});

describe('reminders', () => {
  it('after the reminder time, one message per person and place lists what still waits; not again before the next period', () => {
    const state = world();
    state.conversations = [makeConversation(1)];
    see(state, 'w1', prompt('Run: a'));
    see(state, 'w3', prompt('Run: b'), FAKE_EPOCH_MS + 1000);
    const remindMs = 30 * 60_000;
    expect(remindDueDialogs(state, FAKE_EPOCH_MS + remindMs - 1, remindMs).outbox).toEqual([]);
    const due = remindDueDialogs(state, FAKE_EPOCH_MS + remindMs + 1000, remindMs);
    expect(due.reminded.map((d) => d.agent)).toEqual(['w1', 'w3']);
    expect(due.outbox).toHaveLength(1);
    expect(due.outbox[0]!.document.text).toMatch(
      /^Still waiting for you \(30m\):\n⏸ w1 \(d1\) — Run: a\n⏸ w3 \(d2\) — Run: b$/,
    );
    expect(due.outbox[0]!.document.mentions).toEqual([{ platform: 'slack', user: 'U1' }]);
    expect(remindDueDialogs(state, FAKE_EPOCH_MS + remindMs + 2000, remindMs).outbox).toEqual([]);
    expect(remindDueDialogs(state, FAKE_EPOCH_MS + remindMs, 0).outbox).toEqual([]);
  });
});

describe('key names pressed for an answer', () => {
  it('are single letters or digits and named keys only, never text', () => {
    for (const key of ['1', 'y', 'Enter', 'Escape', 'Down', 'BTab', 'C-c'])
      expect(() => assertKeyName(key)).not.toThrow();
    for (const key of ['ls', ';', 'Enter;kill-server', '', '\n', 'C-C1'])
      expect(() => assertKeyName(key)).toThrow(/is not a key name omar presses/);
  });
});

describe('the sim prompt detector', () => {
  it('reads the prompt only while it is the bottom of the screen; a command when it starts Run:', () => {
    expect(prompt('Run: x')).toMatchObject({ kind: 'command', title: 'Run: x' });
    expect(prompt('Delete it?', ['Yes', 'No']).choices.map((c) => c.keys)).toEqual([['1'], ['2']]);
    expect(prompt('Delete it?', ['Yes', 'No']).kind).toBe('question');
    expect(detectSimDialog([...promptScreen('Run: x', ALLOW), 'sim› '].join('\n'))).toBeNull();
    const bad = promptScreen('Run: x', ALLOW);
    bad[3] = '  7. Nope';
    expect(detectSimDialog(bad.join('\n'))).toBeNull();
    expect(prompt('Run: x').fingerprint).toBe(prompt('Run: x').fingerprint);
    expect(prompt('Run: x').fingerprint).not.toBe(prompt('Run: y').fingerprint);
  });
});
