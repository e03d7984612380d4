import { describe, expect, it } from 'vitest';
import { approvalCard } from '#core/chat/approval-card.js';
import type { Approval } from '#core/chat/chat-state.js';
import { ChatDocumentSchema } from '#core/chat/document.js';
import { at, projectState, worker } from './chat-fixtures.js';

const approval = (partial: Partial<Approval> = {}): Approval => ({
  id: 3,
  ea: 0,
  agent: 'w-deploy',
  question: 'Run `kubectl rollout restart deploy/api -n staging`?',
  options: ['Approve', 'Deny'],
  conversation: 1,
  mention: { platform: 'slack', user: 'U1' },
  status: 'open',
  answer: null,
  answeredBy: null,
  createdAt: at(0),
  timeoutAt: at(5),
  ...partial,
});
const state = projectState(worker('w-deploy'));
const opts = { timeZone: 'UTC' };

describe('approvalCard', () => {
  it('asks the question with one button per option, a Peek, and mentions who it waits for', () => {
    const doc = approvalCard(approval(), state, opts);
    expect(doc.text).toBe('⏸ w-deploy asks: Run `kubectl rollout restart deploy/api -n staging`?');
    expect(doc.blocks).toEqual([
      { type: 'header', text: '⏸ w-deploy asks · api-migration' },
      { type: 'markdown', text: 'Run `kubectl rollout restart deploy/api -n staging`?' },
      { type: 'context', text: 'a3 · times out at 12:05' },
      {
        type: 'buttons',
        buttons: [
          { action: 'approve', value: 'a3:1', label: 'Approve', style: 'primary' },
          { action: 'approve', value: 'a3:2', label: 'Deny', style: 'danger' },
          { action: 'peek', value: '0:w-deploy', label: 'Peek', style: 'default' },
        ],
      },
    ]);
    expect(doc.mentions).toEqual([{ platform: 'slack', user: 'U1' }]);
    expect(ChatDocumentSchema.parse(doc)).toEqual(doc);
  });

  it('numbers any options and keeps long labels within a platform’s limit', () => {
    const long = `${'🚀'.repeat(60)} go`;
    const doc = approvalCard(
      approval({
        options: ['Allow once', 'Allow for this session', "Don't allow", long],
        timeoutAt: null,
        mention: null,
      }),
      state,
      opts,
    );
    const buttons = doc.blocks.find((b) => b.type === 'buttons');
    if (buttons?.type !== 'buttons') throw new Error('no buttons');
    expect(buttons.buttons.map((b) => [b.value, b.style])).toEqual([
      ['a3:1', 'primary'],
      ['a3:2', 'default'],
      ['a3:3', 'danger'],
      ['a3:4', 'default'],
      ['0:w-deploy', 'default'],
    ]);
    const label = buttons.buttons[3]!.label;
    expect(label.length).toBeLessThanOrEqual(75);
    expect(label.endsWith('🚀…')).toBe(true);
    expect(doc.blocks).toContainEqual({ type: 'context', text: 'a3' });
    expect(doc.mentions).toEqual([]);
  });

  it('shows the answer in place of the buttons once answered, pinging nobody', () => {
    const doc = approvalCard(approval({ status: 'answered', answer: 'Approve', answeredBy: 'Alice' }), state, {
      ...opts,
      answeredAtMs: Date.parse(at(2)),
    });
    expect(doc.blocks).toEqual([
      { type: 'header', text: '✔ w-deploy asked · api-migration' },
      { type: 'markdown', text: 'Run `kubectl rollout restart deploy/api -n staging`?' },
      { type: 'markdown', text: '✔ Approve — by Alice · 12:02' },
    ]);
    expect(doc.text).toMatch(/^✔ Approve — by Alice · 12:02 \(a3: Run/);
    expect(doc.mentions).toEqual([]);
  });

  it('says when it timed out', () => {
    const doc = approvalCard(approval({ status: 'timed_out' }), state, opts);
    expect(doc.blocks.at(-1)).toEqual({ type: 'markdown', text: '✖ timed out after 300s · 12:05' });
    expect(doc.blocks.some((b) => b.type === 'buttons')).toBe(false);
  });

  it('leaves the project out when the asker has none (the EA)', () => {
    const doc = approvalCard(approval({ agent: 'ea' }), state, opts);
    expect(doc.blocks[0]).toEqual({ type: 'header', text: '⏸ ea asks' });
  });
});
