import { describe, expect, it } from 'vitest';
import type { ChatDocument, TreeNode } from '#core/chat/document.js';
import { escapeMrkdwn, renderSlackMessage, SLACK_LIMITS, type SlackBlock } from '#src/bridges/slack/slack-blocks.js';
import { slackToPlainText } from '#src/bridges/slack/slack-text.js';

const doc = (
  blocks: ChatDocument['blocks'],
  text = 'fallback',
  mentions: ChatDocument['mentions'] = [],
): ChatDocument => ({
  text,
  blocks,
  mentions,
});
const sectionTexts = (blocks: SlackBlock[]) =>
  blocks.flatMap((b) => (b.type === 'section' && b.text ? [b.text.text] : []));

describe('Slack rendering (Block Kit within Slack limits)', () => {
  it('escapes agent text so it can never ping a channel, mention someone or form a link', () => {
    const m = renderSlackMessage(
      doc([{ type: 'markdown', text: 'hey <!channel> <!here> <@U123> <http://x|y> & co' }], '<!everyone>'),
    );
    const all = JSON.stringify(m);
    for (const forbidden of ['<!channel>', '<!here>', '<!everyone>', '<@U123>', '<http'])
      expect(all).not.toContain(forbidden);
    expect(sectionTexts(m.blocks)[0]).toBe(
      'hey &lt;!channel&gt; &lt;!here&gt; &lt;@U123&gt; &lt;http://x|y&gt; &amp; co',
    );
    expect(escapeMrkdwn('a&b<c>')).toBe('a&amp;b&lt;c&gt;');
  });

  it('mentions only the people the document names, as Slack syntax built here', () => {
    const m = renderSlackMessage(
      doc([{ type: 'markdown', text: 'done' }], 'done', [
        { platform: 'slack', user: 'U0001' },
        { platform: 'discord', user: '42' },
        { platform: 'slack', user: '!channel' },
      ]),
    );
    expect(m.text).toBe('<@U0001> done');
    expect(sectionTexts(m.blocks)[0]).toBe('<@U0001>');
  });

  it('splits a long reply into sections of at most 3 000 characters, never inside an emoji, fences kept', () => {
    const long = `${'😀'.repeat(2000)}\n\`\`\`\n${'code line\n'.repeat(400)}\`\`\`\n${'名前'.repeat(1500)}`;
    const m = renderSlackMessage(doc([{ type: 'markdown', text: long }]));
    const texts = sectionTexts(m.blocks);
    expect(texts.length).toBeGreaterThan(3);
    for (const t of texts) {
      expect(t.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
      expect(t).not.toMatch(/[\ud800-\udbff]$/);
      expect(t).not.toMatch(/^[\udc00-\udfff]/);
      expect((t.match(/```/g) ?? []).length % 2).toBe(0);
    }
    // Nothing is lost between the parts: every emoji, code line and word arrives once.
    const all = texts.join('');
    expect(all.match(/😀/gu)?.length).toBe(2000);
    expect(all.match(/code line/g)?.length).toBe(400);
    expect(all.match(/名前/g)?.length).toBe(1500);
  });

  it('keeps to 50 blocks and says what it left out; headers to 150; buttons to 25 per actions block with unique ids', () => {
    const many = Array.from({ length: 80 }, (_, i) => ({ type: 'context' as const, text: `row ${i}` }));
    const m = renderSlackMessage(
      doc([
        { type: 'header', text: 'h'.repeat(400) },
        ...many,
        {
          type: 'buttons',
          buttons: Array.from({ length: 30 }, (_, i) => ({
            action: 'peek',
            value: `0:w${i}`,
            label: `Peek w${i}`,
            style: 'default' as const,
          })),
        },
      ]),
    );
    expect(m.blocks).toHaveLength(50);
    expect(JSON.stringify(m.blocks.at(-1))).toContain('more blocks not shown');
    const header = m.blocks[0] as { type: 'header'; text: { text: string } };
    expect(header.text.text.length).toBeLessThanOrEqual(150);
    const buttons = renderSlackMessage(
      doc([
        {
          type: 'buttons',
          buttons: Array.from({ length: 30 }, (_, i) => ({
            action: 'peek',
            value: `0:w${i}`,
            label: `Peek w${i}`,
            style: 'default' as const,
          })),
        },
      ]),
    ).blocks.filter((b) => b.type === 'actions');
    expect(buttons.map((b) => (b.type === 'actions' ? b.elements.length : 0))).toEqual([25, 5]);
    const ids = buttons.flatMap((b) => (b.type === 'actions' ? b.elements.map((e) => e.action_id) : []));
    expect(new Set(ids).size).toBe(30);
    expect(ids[0]).toMatch(/^omar:peek:/);
  });

  it('draws an org chart as aligned code rows with a button row for each agent that needs attention', () => {
    const leaf = (name: string, attention = false): TreeNode => ({
      glyph: attention ? '⚠' : '●',
      name,
      detail: `claude · ${name} task`,
      attention,
      buttons: attention
        ? [
            { action: 'peek', value: `0:${name}`, label: 'Peek', style: 'default' },
            { action: 'kill', value: `0:${name}`, label: 'Kill', style: 'danger' },
          ]
        : [],
      children: [],
    });
    const root: TreeNode = {
      glyph: '◆',
      name: 'ea',
      detail: '',
      attention: false,
      buttons: [],
      children: [leaf('w-ok'), leaf('w-stuck', true)],
    };
    const m = renderSlackMessage(doc([{ type: 'tree', root }]));
    expect(sectionTexts(m.blocks)[0]).toMatch(/^```[\s\S]*w-stuck[\s\S]*```$/);
    const actions = m.blocks.filter((b) => b.type === 'actions');
    expect(actions).toHaveLength(1);
    const labels =
      actions[0]!.type === 'actions' ? actions[0]!.elements.map((e) => [e.text.text, e.style ?? null]) : [];
    expect(labels).toEqual([
      ['Peek w-stuck', null],
      ['Kill w-stuck', 'danger'],
    ]);
  });
});

describe('Slack markup as plain text for the EA', () => {
  it('removes the bot mention, names people, unwraps links and decodes entities', () => {
    const names = new Map([['U0001', 'Ada']]);
    expect(
      slackToPlainText(
        '<@UBOT> ask <@U0001> about <#C1|general> at <https://x.dev|the site> &lt;now&gt; &amp; <!here>',
        'UBOT',
        names,
      ),
    ).toBe('ask @Ada about #general at the site (https://x.dev) <now> & @here');
    expect(slackToPlainText('<mailto:a@b.c|a@b.c> <https://plain.dev>', null, names)).toBe('a@b.c https://plain.dev');
  });
});
