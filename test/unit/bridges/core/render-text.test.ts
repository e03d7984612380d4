import { describe, expect, it } from 'vitest';
import type { ChatDocument, TreeNode } from '#core/chat/document.js';
import { textDocument } from '#core/chat/document.js';
import { orgChartDocument } from '#core/chat/org-chart.js';
import { renderText } from '#src/bridges/core/render-text.js';
import { at, ms, projectState, worker } from '../../core/chat/chat-fixtures.js';

describe('renderText', () => {
  it('draws an org chart: header, tree with ├─ └─, attention buttons, the chart’s buttons', () => {
    const state = projectState(
      worker('pm-api', { statusLine: 'writing the v2 router' }, { text: 'migrate the public API to v2' }, 1),
      worker('w-auth', { parent: 'pm-api', backend: 'codex' }, { text: 'port the auth routes' }, 12),
      worker('w-cache', { parent: 'pm-api', health: 'stuck', lastActivityAt: at(36) }, { text: 'cache layer' }, 13),
    );
    expect(renderText(orgChartDocument(state, 1, ms(42))).split('\n')).toEqual([
      'api-migration · 3 agents: 2 ● 1 ⚠ · started by alice · 42m',
      '● ea  default',
      '└─ ● pm-api  claude · migrate the public API to v2 · 41m · "writing the v2 router"',
      '   ├─ ● w-auth  codex · port the auth routes · 30m',
      '   └─ ⚠ w-cache  claude · cache layer · stuck 6m  [Peek] [Kill]',
      '[Report]',
    ]);
  });

  it('folds a tree to the rows asked for', () => {
    const leaf = (name: string): TreeNode => ({
      glyph: '●',
      name,
      detail: '',
      attention: false,
      buttons: [],
      children: [],
    });
    const doc: ChatDocument = {
      text: 'big',
      blocks: [
        { type: 'tree', root: { ...leaf('ea'), children: Array.from({ length: 50 }, (_, i) => leaf(`w${i}`)) } },
      ],
      mentions: [],
    };
    const lines = renderText(doc, { maxTreeRows: 5 }).split('\n');
    expect(lines).toEqual(['● ea', '├─ ● w0', '├─ ● w1', '├─ ● w2', '└─ … +47 more  47 ●']);
  });

  it('writes fields, context, dividers and buttons as text', () => {
    const doc: ChatDocument = {
      text: 'fallback',
      blocks: [
        {
          type: 'fields',
          fields: [
            { label: 'agents', value: '12' },
            { label: 'due', value: '3' },
          ],
        },
        { type: 'divider' },
        { type: 'context', text: 'a3 · times out at 14:10' },
        {
          type: 'buttons',
          buttons: [
            { action: 'approve', value: 'a3:1', label: 'Approve', style: 'primary' },
            { action: 'approve', value: 'a3:2', label: 'Deny', style: 'danger' },
          ],
        },
      ],
      mentions: [],
    };
    expect(renderText(doc)).toBe(
      ['agents: 12', 'due: 3', '────────────', 'a3 · times out at 14:10', '[Approve]  [Deny]'].join('\n'),
    );
    expect(renderText(doc, { buttonText: (b) => `<${b.value}>` })).toMatch(/<a3:1> {2}<a3:2>$/);
  });

  it('is the fallback text when there are no blocks, and the text itself for a text document', () => {
    expect(renderText({ text: 'just text', blocks: [], mentions: [] })).toBe('just text');
    expect(renderText(textDocument('hello *there*'))).toBe('hello *there*');
  });
});
