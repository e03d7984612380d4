import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { approvalCard } from '#core/chat/approval-card.js';
import type { Approval } from '#core/chat/chat-state.js';
import type { ChatDocument } from '#core/chat/document.js';
import { textDocument } from '#core/chat/document.js';
import { orgChartDocument } from '#core/chat/org-chart.js';
import { lineWidth } from '#core/text/clip-to-width.js';
import { renderDocument } from '#src/bridges/console/render-document.js';
import { at, ms, projectState, worker } from '../../core/chat/chat-fixtures.js';

function card(partial: Partial<Approval> = {}): ChatDocument {
  const approval: Approval = {
    id: 3,
    ea: 0,
    agent: 'w-deploy',
    question: 'Restart the API in staging?',
    options: ['Allow once', 'Allow for this session', 'Deny'],
    conversation: 1,
    mention: null,
    status: 'open',
    answer: null,
    answeredBy: null,
    createdAt: at(0),
    timeoutAt: null,
    ...partial,
  };
  return approvalCard(approval, projectState(worker('w-deploy')), { timeZone: 'UTC' });
}

describe('renderDocument', () => {
  it('numbers the buttons and returns which number is which button', () => {
    const { text, choices } = renderDocument(card(), { width: 80 });
    expect(text.split('\n')).toEqual([
      '⏸ w-deploy asks · api-migration',
      'Restart the API in staging?',
      'a3',
      '[1] Allow once  [2] Allow for this session  [3] Deny  [4] Peek',
    ]);
    expect([...choices].map(([n, b]) => [n, b.action, b.value])).toEqual([
      [1, 'approve', 'a3:1'],
      [2, 'approve', 'a3:2'],
      [3, 'approve', 'a3:3'],
      [4, 'peek', '0:w-deploy'],
    ]);
  });

  it('continues numbering from firstChoice and wraps choices to the width', () => {
    const { text, choices } = renderDocument(card(), { width: 30, firstChoice: 7 });
    expect(text.split('\n').slice(-3)).toEqual(['[7] Allow once', '[8] Allow for this session', '[9] Deny  [10] Peek']);
    expect([...choices.keys()]).toEqual([7, 8, 9, 10]);
  });

  it('shows an answered card with no choices', () => {
    const { text, choices } = renderDocument(card({ status: 'answered', answer: 'Deny', answeredBy: 'Alice' }));
    expect(text).toContain('✔ Deny — by Alice');
    expect(choices.size).toBe(0);
  });

  it('draws the org chart with numbered Peek/Kill on the rows that need a look, each row within the width', () => {
    const state = projectState(
      worker(
        'pm-api',
        { statusLine: '日本語のステータス行がとても長い場合でも幅に収まる 🚀🚀🚀' },
        { text: 'migrate the public API to v2' },
        1,
      ),
      worker(
        'w-cache',
        { parent: 'pm-api', health: 'stuck', lastActivityAt: at(36) },
        { text: 'cache layer 👩‍👩‍👧🇫🇷' },
        13,
      ),
    );
    const { text, choices } = renderDocument(orgChartDocument(state, 1, ms(42)), { width: 60 });
    const lines = text.split('\n');
    expect(lines[0]).toBe('api-migration · 2 agents: 1 ● 1 ⚠ · started by alice · 42m');
    expect(lines[2]).toBe('└─ ● pm-api  claude · migrate the public API to v2 · 41m · …');
    expect(lines[3]).toBe('   └─ ⚠ w-cache  claude · cache layer 👩‍👩‍👧…  [1] Peek [2] Kill'); // the detail gives way, never a button
    expect(lines.at(-1)).toBe('[3] Report');
    for (const line of lines) expect(lineWidth(line)).toBeLessThanOrEqual(60);
    expect([...choices].map(([n, b]) => `${n}:${b.action}:${b.value}`)).toEqual([
      '1:peek:0:w-cache',
      '2:kill:0:w-cache',
      '3:report:0',
    ]);
  });

  it('renders markdown through the terminal renderer and keeps a long code fence whole', () => {
    const code = Array.from({ length: 40 }, (_, i) => `const value${i} = "値 ${i} ✨";`).join('\n');
    const doc = textDocument(`Here is *the* patch 🎉:\n\n\`\`\`ts\n${code}\n\`\`\`\n\n完了しました。`);
    const { text, choices } = renderDocument(doc, { width: 40 });
    expect(text).toContain('Here is the patch 🎉:');
    for (let i = 0; i < 40; i += 1) expect(text).toContain(`const value${i} = "値 ${i} ✨";`);
    expect(text.endsWith('完了しました。')).toBe(true);
    expect(choices.size).toBe(0);
  });

  it('styles headers and context only when asked for colour', () => {
    const doc: ChatDocument = {
      text: 't',
      blocks: [
        { type: 'header', text: 'Title' },
        { type: 'context', text: 'small print' },
      ],
      mentions: [],
    };
    const plain = renderDocument(doc).text;
    const coloured = renderDocument(doc, { color: true }).text;
    expect(plain).toBe('Title\nsmall print');
    expect(coloured).not.toBe(plain);
    expect(stripVTControlCharacters(coloured)).toBe(plain);
  });

  it('renders the fallback text of a document without blocks', () => {
    expect(renderDocument({ text: 'only text', blocks: [], mentions: [] }).text).toBe('only text');
  });
});
