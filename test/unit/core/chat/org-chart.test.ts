import { describe, expect, it } from 'vitest';
import type { TreeNode } from '#core/chat/document.js';
import { ChatDocumentSchema } from '#core/chat/document.js';
import { closedProjectDocument, orgChartDocument } from '#core/chat/org-chart.js';
import { makeAgent } from '#test/fakes/builders.js';
import { at, chatState, makeProject, ms, projectState, worker } from './chat-fixtures.js';

const tree = (doc: ReturnType<typeof orgChartDocument>): TreeNode => {
  const block = doc.blocks.find((b) => b.type === 'tree');
  if (block?.type !== 'tree') throw new Error('no tree block');
  return block.root;
};
const rows = (node: TreeNode, depth = 0): string[] => [
  `${'  '.repeat(depth)}${node.glyph} ${node.name} | ${node.detail}`,
  ...node.children.flatMap((c) => rows(c, depth + 1)),
];

function sketchState() {
  return projectState(
    worker('pm-api', { statusLine: 'writing the v2 router' }, { text: 'migrate the public API to v2\nsteps: …' }, 1),
    worker('w-auth', { parent: 'pm-api', backend: 'codex' }, { text: 'port the auth routes' }, 12),
    worker('w-db', { parent: 'pm-api', backend: 'gemini', health: 'idle', lastActivityAt: at(38) }, {}, 12),
    worker('w-cache', { parent: 'pm-api', health: 'stuck', lastActivityAt: at(36) }, { text: 'cache layer' }, 13),
  );
}

describe('orgChartDocument', () => {
  it('heads the chart with the project, counts by glyph, who started it and its age', () => {
    const doc = orgChartDocument(sketchState(), 1, ms(42));
    expect(doc.text).toBe('api-migration · 4 agents: 2 ● 1 ○ 1 ⚠ · started by alice · 42m');
    expect(doc.blocks[0]).toEqual({ type: 'header', text: doc.text });
    expect(doc.mentions).toEqual([]); // an edited chart never pings
    expect(ChatDocumentSchema.parse(doc)).toEqual(doc);
  });

  it('draws the EA at the top and each agent under its parent, one short line each', () => {
    expect(rows(tree(orgChartDocument(sketchState(), 1, ms(42))))).toEqual([
      '● ea | default',
      '  ● pm-api | claude · migrate the public API to v2 · 41m · "writing the v2 router"',
      '    ● w-auth | codex · port the auth routes · 30m',
      '    ○ w-db | gemini · work of w-db · idle 4m',
      '    ⚠ w-cache | claude · cache layer · stuck 6m',
    ]);
  });

  it('gives attention rows Peek and Kill (value `<ea>:<name>`) and the chart a Report button', () => {
    const doc = orgChartDocument(sketchState(), 1, ms(42));
    const cache = tree(doc).children[0]!.children[2]!;
    expect(cache).toMatchObject({ name: 'w-cache', attention: true });
    expect(cache.buttons).toEqual([
      { action: 'peek', value: '0:w-cache', label: 'Peek', style: 'default' },
      { action: 'kill', value: '0:w-cache', label: 'Kill', style: 'danger' },
    ]);
    expect(tree(doc).children[0]!.buttons).toEqual([]);
    expect(doc.blocks.at(-1)).toEqual({
      type: 'buttons',
      buttons: [{ action: 'report', value: '0', label: 'Report', style: 'default' }],
    });
  });

  it('has no buttons at all in a read-only copy', () => {
    const doc = orgChartDocument(sketchState(), 1, ms(42), { buttons: false });
    expect(doc.blocks.some((b) => b.type === 'buttons')).toBe(false);
    expect(tree(doc).children[0]!.children[2]!).toMatchObject({ attention: true, buttons: [] });
  });

  it('says why a row needs a look: failed with its reason, exited with its code, waiting on a dialog', () => {
    const state = projectState(
      worker('w-db', {}, { status: 'failed', summary: 'migration 0042 conflicts\nwith 0041', closedAt: at(40) }),
      worker('w-x', { health: 'exited', exitCode: 2, exitedAt: at(39) }),
      worker('w-deploy', { health: 'idle', statusLine: 'waiting: allow kubectl?', updatedAt: at(41) }),
      worker('w-done', { health: 'idle' }, { status: 'completed', summary: 'all green', closedAt: at(37) }),
      worker('w-new', { health: 'starting', ready: false, createdAt: at(41.5) }),
    );
    const got = tree(orgChartDocument(state, 1, ms(42)));
    expect(rows(got).slice(1)).toEqual([
      '  ✖ w-db | claude · work of w-db · failed 2m · "migration 0042 conflicts"',
      '  ⏸ w-deploy | claude · work of w-deploy · waiting 1m · "allow kubectl?"',
      '  ✔ w-done | claude · work of w-done · done 5m ago · "all green"',
      '  ✖ w-x | claude · work of w-x · exited 3m (code 2)',
      '  ◐ w-new | claude · work of w-new · starting 30s',
    ]);
    expect(got.children.map((c) => c.attention)).toEqual([true, true, false, true, false]);
    expect(orgChartDocument(state, 1, ms(42)).text).toBe(
      'api-migration · 5 agents: 1 ◐ 1 ⏸ 2 ✖ 1 ✔ · started by alice · 42m',
    );
  });

  it('leaves out agents of other projects and hangs orphans on the nearest ancestor in the project', () => {
    const state = projectState(
      worker('pm', { projectId: 2 }),
      worker('w1', { parent: 'pm' }),
      worker('w2', { parent: 'w1' }),
      worker('other', { projectId: 2, parent: 'pm' }),
    );
    expect(rows(tree(orgChartDocument(state, 1, ms(42)))).map((r) => r.split(' |')[0])).toEqual([
      '● ea',
      '  ● w1',
      '    ● w2',
    ]);
  });

  it('shortens tasks and status lines on grapheme boundaries', () => {
    const long = '🚀'.repeat(100);
    const state = projectState(worker('w', { statusLine: `状態 ${'字'.repeat(200)}` }, { text: long }));
    const detail = tree(orgChartDocument(state, 1, ms(1))).children[0]!.detail;
    expect(detail).toContain(`${'🚀'.repeat(47)}…`);
    expect(detail).toMatch(/"状態 字+…"$/);
    expect(detail).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it('names the starter by their platform id when no conversation saw them, and says when there are no agents', () => {
    const state = chatState({
      projects: [makeProject(1, 'empty', { startedBy: { platform: 'discord', user: '42' } })],
    });
    expect(orgChartDocument(state, 1, ms(3)).text).toBe('empty · no agents yet · started by discord:42 · 3m');
    const nobody = chatState({ projects: [makeProject(1, 'quiet', { startedBy: null })] });
    expect(orgChartDocument(nobody, 1, ms(3)).text).toBe('quiet · no agents yet · 3m');
  });

  it('draws a 127-agent project as one tree (fitting it is the bridge’s job)', () => {
    const agents = [makeAgent('pm', { projectId: 1 })];
    for (let i = 0; i < 126; i += 1) agents.push(makeAgent(`w${i}`, { projectId: 1, parent: 'pm' }));
    const state = chatState({ projects: [makeProject(1, 'big')], agents });
    const doc = orgChartDocument(state, 1, ms(5));
    expect(doc.text).toMatch(/^big · 127 agents: 127 ● · /);
    expect(tree(doc).children[0]!.children).toHaveLength(126);
  });

  it('says a project that left the state is done', () => {
    expect(orgChartDocument(chatState(), 9, ms(1)).text).toBe('✔ project 9 · completed');
    expect(closedProjectDocument('api-migration').text).toBe('✔ api-migration · completed');
  });
});
