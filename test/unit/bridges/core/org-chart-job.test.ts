import { afterEach, describe, expect, it } from 'vitest';
import type { ChatDocument } from '#core/chat/document.js';
import { chartKey } from '#core/chat/outbox.js';
import { killAgent } from '#core/operations/agent-kill.js';
import { spawnAgent } from '#core/operations/agent-spawn.js';
import { updateAgentStatus } from '#core/operations/agent-update-status.js';
import { addProject } from '#core/operations/project-add.js';
import { completeProject } from '#core/operations/project-complete.js';
import { completeTask } from '#core/operations/task-complete.js';
import { renderText } from '#src/bridges/core/render-text.js';
import { splitText } from '#src/bridges/core/text-split.js';
import { owner, worker } from '../../../fakes/principals.js';
import { type HostRig, hostRig, INTERVAL_MS, stopHostRig } from './host-rig.js';

let r: HostRig;

afterEach(stopHostRig);

async function addApiProject(): Promise<void> {
  await r.t.call(addProject, owner, { name: 'api-migration', conversation: 'c1' });
}

const spawn = (name: string, parent: string, project?: number) =>
  r.t.call(spawnAgent, owner, {
    name,
    parent,
    task: `work of ${name}`,
    ...(project === undefined ? {} : { project_id: project }),
  });

/** What Slack takes: ≤ 50 blocks, a section's text ≤ 3000 characters, the tree folded to `rows`. */
function slackBlocks(doc: ChatDocument, rows = 25): string[] {
  return doc.blocks.flatMap((block) => {
    if (block.type === 'tree') return splitText(renderText({ ...doc, blocks: [block] }, { maxTreeRows: rows }), 3000);
    if (block.type === 'buttons') return [block.buttons.map((b) => b.label).join(' ')];
    if (block.type === 'divider') return ['---'];
    return splitText(renderText({ ...doc, blocks: [block] }), 3000);
  });
}

/** What Discord takes: an embed description ≤ 4096 characters (the tree folded to `rows`), a message ≤ 2000. */
function discordParts(doc: ChatDocument, rows = 40): { description: string[]; content: string[] } {
  return {
    description: splitText(renderText(doc, { maxTreeRows: rows }), 4096),
    content: splitText(doc.text, 2000),
  };
}

describe('org-chart job', () => {
  it('posts the root once (add_project’s post, filled in before it goes) and edits it when the chart changes', async () => {
    r = await hostRig();
    await addApiProject();
    await r.advance(0);
    await spawn('pm', 'ea', 1);
    await r.advance(INTERVAL_MS);
    const roots = r.bridge.accepted.filter((m) => m.kind === 'post' && m.thread === null);
    expect(roots).toHaveLength(1);
    expect(r.t.store.get().chatMessages.map((m) => m.key)).toEqual([chartKey(1)]);
    const { documents } = r.root();
    expect(documents.at(-1)!.text).toMatch(/^api-migration · 1 agent: 1 ● · started by Alice · \d+s$/);
    // Nothing changed: no edit.
    const before = r.sent.length;
    await r.advance(10 * INTERVAL_MS);
    expect(r.sent).toHaveLength(before);
  });

  it('edits a chart at most once per interval, and a burst becomes one or two replies in its thread', async () => {
    r = await hostRig();
    await addApiProject();
    await spawn('pm', 'ea', 1);
    await r.advance(INTERVAL_MS);
    const editsBefore = r.root().edits.length;
    for (let i = 1; i <= 100; i += 1) {
      await spawn(`w${i}`, 'pm');
      await r.advance(10);
    }
    await r.advance(2 * INTERVAL_MS);
    const { edits, documents } = r.root();
    const burstEdits = edits.slice(editsBefore);
    expect(burstEdits.length).toBeLessThanOrEqual(2);
    expect(documents.at(-1)!.text).toContain('101 agents: 101 ●');
    const spawnedLines = r
      .repliesTo(r.root().ref)
      .flatMap((d) => d.text.split('\n'))
      .filter((l) => l.includes('spawned'));
    expect(spawnedLines.length).toBeLessThanOrEqual(3);
    expect(spawnedLines.some((l) => /spawned \d+: w\d+, w\d+, w\d+, … \+\d+ more \(under pm\)/.test(l))).toBe(true);
  });

  it('a tree of 127 agents growing and folding: ≤ 30 posts, ≤ 1 edit per interval, every rendering within Slack’s and Discord’s limits, the final chart right', async () => {
    r = await hostRig();
    await addApiProject();
    await spawn('pm', 'ea', 1);
    const leads = Array.from({ length: 6 }, (_, i) => `lead-${i + 1}`);
    const workers = leads.flatMap((lead) => Array.from({ length: 20 }, (_, j) => `${lead}-w${j + 1}`));
    for (const lead of leads) {
      await spawn(lead, 'pm');
      await r.advance(37);
    }
    for (const name of workers) {
      await spawn(name, name.replace(/-w\d+$/, ''));
      await r.advance(37);
    }
    await r.advance(INTERVAL_MS);
    expect(r.root().documents.at(-1)!.text).toContain('127 agents');

    // Some say what they are doing, a few fail, most complete; then the whole tree is killed.
    for (const [i, name] of workers.entries()) {
      if (i % 10 === 0) await r.t.call(updateAgentStatus, worker(name), { status: `step ${i} of a long migration` });
      const failed = i % 40 === 7;
      await r.t.call(completeTask, worker(name), {
        status: failed ? 'failed' : 'completed',
        summary: failed ? `migration ${i} conflicts with ${i - 1}` : `ported ${name}`,
      });
      await r.advance(53);
    }
    await r.advance(INTERVAL_MS);
    await r.t.call(killAgent, owner, { name: 'pm', recursive: true });
    await r.t.call(completeProject, owner, { project_id: 1 });
    await r.advance(3 * INTERVAL_MS);

    const posts = r.sent.filter((s) => s.message.kind === 'post');
    expect(posts.length).toBeLessThanOrEqual(30);
    const { edits, documents } = r.root();
    for (let i = 1; i < edits.length; i += 1)
      expect(edits[i]!.atMs - edits[i - 1]!.atMs).toBeGreaterThanOrEqual(INTERVAL_MS);

    for (const { message } of r.sent) {
      const blocks = slackBlocks(message.document);
      expect(blocks.length).toBeLessThanOrEqual(50);
      for (const text of blocks) expect(text.length).toBeLessThanOrEqual(3000);
      const discord = discordParts(message.document);
      expect(discord.description).toHaveLength(1);
      expect(discord.content.every((part) => part.length <= 2000)).toBe(true);
    }
    // The biggest chart holds the whole tree (too long for one section); folded for Slack it keeps the failed rows.
    const biggest = documents.find((d) => d.text.includes('127 agents') && d.text.includes('✖'))!;
    expect(renderText(biggest).length).toBeGreaterThan(3000);
    expect(renderText(biggest, { maxTreeRows: 25 })).toMatch(/✖ lead-1-w8 .*"migration 7 conflicts with 6"/);

    expect(documents.at(-1)!.text).toBe('✔ api-migration · completed');
    const last = r.repliesTo(r.root().ref).at(-1)!;
    expect(last.text).toContain('✔ project api-migration completed');
    expect(last.mentions).toEqual([{ platform: 'slack', user: 'U1' }]);
    const allReplies = r
      .repliesTo(r.root().ref)
      .map((d) => d.text)
      .join('\n');
    expect(allReplies.match(/✖ lead-\d-w8 failed: "migration \d+ conflicts with \d+"/g)).toHaveLength(3);
    expect(allReplies).toMatch(/✔ \d+ completed: lead-1-w1, lead-1-w2, lead-1-w3, … \+\d+ more/);
    expect(allReplies).toMatch(/killed 127: /);
    expect(r.t.store.get().outbox).toEqual([]);
  });

  it('draws every chart once when it starts (charts may have changed while the daemon was down)', async () => {
    r = await hostRig();
    await addApiProject();
    await spawn('pm', 'ea', 1);
    await r.advance(INTERVAL_MS);
    const sentBefore = r.sent.length;
    await r.host.stop();
    await r.t.store.mutate((s) => void (s.agents[0]!.statusLine = 'reading the code'));
    await r.restart();
    await r.advance(0);
    expect(r.sent.length).toBe(sentBefore + 1);
    expect(r.root().documents.at(-1)!.text).toContain('1 agent');
    expect(JSON.stringify(r.root().documents.at(-1))).toContain('reading the code');
  });

  it('queues what waits for the window when it stops: the outbox keeps it for the next start', async () => {
    r = await hostRig();
    await addApiProject();
    await r.advance(INTERVAL_MS);
    await spawn('pm', 'ea', 1);
    await r.advance(0);
    await spawn('w1', 'pm');
    await r.host.stop();
    const queued = r.t.store.get().outbox;
    expect(queued.map((o) => o.kind)).toContain('post');
    expect(queued.some((o) => o.document.text.includes('spawned w1'))).toBe(true);
  });

  it('leaves projects without a conversation alone', async () => {
    r = await hostRig();
    await r.t.store.mutate((s) => void (s.conversations = []));
    await r.t.call(addProject, owner, { name: 'quiet' });
    await spawn('pm', 'ea', 1);
    await r.advance(5 * INTERVAL_MS);
    expect(r.sent).toEqual([]);
    expect(r.t.store.get().outbox).toEqual([]);
  });
});
