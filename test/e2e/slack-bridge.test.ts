/**
 * The Slack bridge end to end: the real Bolt app inside a real daemon (Socket Mode),
 * against the loopback fake Slack, with the sim agent as the EA.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { connectToDaemon } from '#runtime/control/daemon-client.js';
import { APP_TOKEN, BOT_TOKEN, BOT_USER, startFakeSlack, type FakeSlack, type SlackPost } from '../fakes/fake-slack.js';
import { readJournal } from '../helpers/journal-file.js';
import { createOmarWorld, type OmarWorld } from '../helpers/omar-env.js';
import { describeWithTmux } from '../helpers/tmux-server.js';
import { waitFor } from '../helpers/wait-for.js';

const CONFIG = `[agent]\nbackend = "sim"\n[chat]\nedit_interval_seconds = 0.5\n`;
const ADA = 'U0001';

describeWithTmux('Slack bridge (Bolt, Socket Mode) against a loopback Slack', () => {
  let world: OmarWorld;
  let slack: FakeSlack;

  beforeEach(async () => {
    slack = await startFakeSlack();
    world = createOmarWorld({ config: CONFIG });
    Object.assign(world.env, {
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_APP_TOKEN: APP_TOKEN,
      OMAR_SLACK_API_URL: slack.apiUrl,
      OMAR_CHAT_ADMINS: `slack:${ADA}`,
    });
    await world.startDaemon();
    await slack.waitFor(() => slack.connections() > 0, 20_000);
  });
  afterEach(async () => {
    await world.cleanup();
    await slack.close();
  });

  const eaScreen = (): string =>
    world.tmux(['capture-pane', '-p', '-J', '-S', '-300', '-t', '=omar-agent-ea-0:']).stdout;
  const journal = async (kind: string) => (await readJournal(world.home)).filter((e) => e.kind === kind);
  const postsIn = (channel: string, thread?: string): SlackPost[] =>
    slack.posts.filter((p) => p.channel === channel && (thread === undefined || p.thread_ts === thread));
  const dm = (text: string, ts: string, user = ADA) =>
    slack.message({ channel: 'D0001', channel_type: 'im', user, text, ts });

  /** Calls a tool as the EA, with its own token (as its omar mcp-server would). */
  const asEa = async (method: string, input: Record<string, unknown>): Promise<unknown> => {
    const context = JSON.parse(readFileSync(join(world.home, 'ea', '0', 'agents', 'ea', 'context.json'), 'utf8')) as {
      socket: string;
      token: string;
    };
    const ea = await connectToDaemon({ socket: context.socket, token: context.token });
    try {
      return await ea.call(method, input);
    } finally {
      ea.close();
    }
  };

  it('a DM reaches the EA once (a Slack retry is dropped) and its reply lands in the DM thread', async () => {
    await dm('status', '1800000000.000100');
    await dm('status', '1800000000.000100'); // Slack's retry of the same event
    await waitFor(() => eaScreen().includes('[CHAT c1 · Ada] status'), { timeoutMs: 20_000, describe: eaScreen });
    // The sim EA answers `status` with chat_reply: one line, in the DM's thread.
    const reply = await slack.waitFor(() => postsIn('D0001', '1800000000.000100')[0], 20_000);
    expect(reply.text).toMatch(/agents?/);
    expect((await journal('chat.received')).length).toBe(1);
    expect(eaScreen().split('[CHAT c1 · Ada] status').length - 1).toBe(1);
  });

  it('a mention in a channel (message + app_mention) is one conversation, answered in its thread; replies there continue it', async () => {
    const ts = '1800000001.000100';
    const text = `<@${BOT_USER}> status`;
    await slack.message({ channel: 'C0001', channel_type: 'channel', user: ADA, text, ts });
    await slack.message({ channel: 'C0001', channel_type: 'channel', user: ADA, text, ts }, { type: 'app_mention' });
    await slack.waitFor(() => postsIn('C0001', ts)[0], 20_000);
    await slack.message({
      channel: 'C0001',
      channel_type: 'channel',
      user: ADA,
      text: 'status',
      ts: '1800000001.000200',
      thread_ts: ts,
    });
    await slack.waitFor(() => postsIn('C0001', ts).length >= 2, 20_000);
    const received = await journal('chat.received');
    expect(received).toHaveLength(2);
    expect(received.map((e) => [e['conversation'], e['opened']])).toEqual([
      [received[0]!['conversation'], true],
      [received[0]!['conversation'], false],
    ]);
    // A reply in someone else's thread (not the bot's) is not for omar.
    await slack.message({
      channel: 'C0001',
      channel_type: 'channel',
      user: ADA,
      text: 'not for you',
      ts: '1800000001.000300',
      thread_ts: '1799999999.000001',
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(await journal('chat.received')).toHaveLength(2);
  });

  it('a person nobody allowed gets only the refusal with their id, and never reaches the EA', async () => {
    slack.users.set('U0002', 'Eve');
    await dm('kill everything', '1800000002.000100', 'U0002');
    const refusal = await slack.waitFor(() => slack.posts.find((p) => p.ephemeralFor === 'U0002'), 20_000);
    expect(refusal.text).toContain('omar chat allow slack:U0002');
    expect(await journal('chat.received')).toHaveLength(0);
    expect(eaScreen()).not.toContain('Eve');
  });

  it('/omar is acknowledged with its answer: spawn creates an agent, tree answers, a typo gets help', async () => {
    const slash = (text: string) =>
      slack.dispatch('slash_commands', {
        token: 'legacy',
        team_id: 'T0001',
        channel_id: 'C0001',
        channel_name: 'general',
        user_id: ADA,
        user_name: 'ada',
        command: '/omar',
        text,
        api_app_id: 'A0001',
        response_url: `${slack.baseUrl}/response/1`,
        trigger_id: 't1',
      }) as Promise<{ text?: string; response_type?: string } | null>;
    const spawned = await slash('spawn w1 --command bash');
    expect(JSON.stringify(spawned)).toContain('w1');
    const list = await world.omarJson<{ agents: Array<{ name: string }> }>(['list']);
    expect(list.agents.map((a) => a.name)).toContain('w1');
    const tree = await slash('tree');
    expect(tree?.text ?? '').toContain('w1');
    const typo = await slash('treee');
    expect(typo?.response_type).toBe('ephemeral');
    expect(typo?.text ?? '').toMatch(/tree/);
  });

  it('honours a 429 Retry-After and keeps order; channel_not_found is kept as failed and shown by omar outbox', async () => {
    await dm('status', '1800000003.000100');
    await waitFor(() => eaScreen().includes('[CHAT c1 · Ada] status'), { timeoutMs: 20_000, describe: eaScreen });
    await slack.waitFor(() => postsIn('D0001')[0], 20_000);
    slack.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    const before = slack.calls.length;
    await asEa('chat_reply', { conversation: 'c1', text: 'first' });
    await asEa('chat_reply', { conversation: 'c1', text: 'second' });
    await slack.waitFor(() => postsIn('D0001').some((p) => p.text === 'second'), 20_000);
    const tries = slack.calls.slice(before).filter((c) => c.method === 'chat.postMessage');
    expect(tries.map((c) => c.args['text'])).toEqual(['first', 'first', 'second']);
    expect(tries[1]!.at - tries[0]!.at).toBeGreaterThanOrEqual(900);
    expect(
      postsIn('D0001')
        .map((p) => p.text)
        .slice(-2),
    ).toEqual(['first', 'second']);

    slack.channels.delete('D0001');
    await asEa('chat_reply', { conversation: 'c1', text: 'lost channel' });
    const failed = await waitFor(
      async () => {
        const items = (
          await world.omarJson<{ items: Array<{ status: string; last_error?: string; lastError?: string }> }>([
            'outbox',
          ])
        ).items;
        return items.find((i) => i.status === 'failed');
      },
      { timeoutMs: 20_000 },
    );
    expect(JSON.stringify(failed)).toContain('channel_not_found');
  });

  it('an approval card with buttons: a click answers it, the card is edited, the EA hears who chose what', async () => {
    await dm('status', '1800000004.000100');
    await waitFor(() => eaScreen().includes('[CHAT c1 · Ada] status'), { timeoutMs: 20_000, describe: eaScreen });
    const { approval_id } = (await asEa('request_approval', {
      question: 'Deploy to prod?',
      options: ['Deploy', 'Hold'],
      conversation: 'c1',
    })) as { approval_id: string };
    const card = await slack.waitFor(() => slack.posts.find((p) => p.text.includes('Deploy to prod?')), 20_000);
    await slack.click(card, 'Deploy');
    await slack.waitFor(() => card.edits > 0 && card.text.includes('Deploy'), 20_000);
    await waitFor(() => eaScreen().includes(`[APPROVAL ${approval_id}] Deploy — by Ada (slack:${ADA})`), {
      timeoutMs: 20_000,
      describe: eaScreen,
    });
  });

  it("an agent's prompt is a card in its project's thread, mentioning the person; a click presses the choice and edits the card", async () => {
    await dm('status', '1800000005.000100');
    await waitFor(() => eaScreen().includes('[CHAT c1 · Ada] status'), { timeoutMs: 20_000, describe: eaScreen });
    await world.omarJson(['project', 'add', 'infra', '--conversation', 'c1']);
    await world.omarJson(['spawn', 'w1', '--backend', 'sim', '--task', 'prompt', '--project-id', '1']);
    const card = await slack.waitFor(() => slack.posts.find((p) => p.text.includes('w1 waits for you')), 30_000);
    // In the project's thread (under its chart), pinging the person who talks to the EA there, never the channel.
    const chart = slack.posts.find((p) => p.text.startsWith('infra ·'));
    expect(card.thread_ts).toBe(chart?.ts);
    expect(card.text).toContain(`<@${ADA}>`);
    expect(card.text).not.toMatch(/<!(channel|here|everyone)>/);
    const buttons = (
      card.blocks as Array<{
        type: string;
        elements?: Array<{ action_id: string; value: string; text: { text: string } }>;
      }>
    )
      .filter((b) => b.type === 'actions')
      .flatMap((b) => b.elements ?? []);
    expect(buttons.map((b) => b.text.text)).toEqual(['Allow once', 'Allow for this session', 'Deny', 'Peek']);
    await slack.click(card, 'Deny');
    // The card shows who answered what (no ping); the agent moved on with the choice.
    await slack.waitFor(() => card.edits > 0 && card.text.includes('Deny — by Ada'), 20_000);
    expect(card.text).not.toContain(`<@${ADA}>`);
    await waitFor(
      async () =>
        (await journal('task.closed')).some(
          (e) => e.agent === 'w1' && String(e['summary']).startsWith('prompt answered: Deny'),
        ),
      {
        timeoutMs: 20_000,
      },
    );
    expect((await journal('dialog.answer'))[0]).toMatchObject({
      agent: 'w1',
      choice: 'Deny',
      name: 'Ada',
      by: `chat:slack:${ADA}`,
    });
  });

  it("a project's org chart is posted in its thread and edited in place as the team changes; a report arrives with its thread", async () => {
    await dm('status', '1800000006.000100');
    await waitFor(() => eaScreen().includes('[CHAT c1 · Ada] status'), { timeoutMs: 20_000, describe: eaScreen });
    await world.omarJson(['project', 'add', 'api', '--conversation', 'c1']);
    await world.omarJson(['spawn', 'lead', '--backend', 'sim', '--task', 'flat n=3 task=sleep:4', '--project-id', '1']);
    // The chart is the root of the project's own thread, in the conversation's channel.
    const chart = await slack.waitFor(
      () => postsIn('D0001').find((p) => !p.thread_ts && p.text.startsWith('api ·')),
      30_000,
    );
    await slack.waitFor(() => chart.edits > 0 && /4 agents/.test(chart.text), 30_000);
    const code = JSON.stringify(chart.blocks);
    for (const name of ['lead', 'ea']) expect(code).toContain(name);
    expect(postsIn('D0001').filter((p) => p.text.includes('api ·')).length).toBe(1); // one chart, edited, never reposted

    // A report due now (as its cron would make it), while an agent works: a short parent, the charts in its thread.
    await world.omarJson(['spawn', 'keeper', '--command', 'bash', '--project-id', '1']);
    await world.omarJson(['events', 'schedule', '--to', 'omar', '--payload', 'report']);
    const report = await slack.waitFor(() => slack.posts.find((p) => p.text.includes('omar report')), 30_000);
    // Its charts follow in its thread (Slack threads do not nest: in a conversation's thread, that thread).
    const thread = report.thread_ts ?? report.ts;
    const charts = await slack.waitFor(() => {
      const after = postsIn(report.channel, thread).filter((p) => p.ts > report.ts && p.text.startsWith('api ·'));
      return after.length > 0 && after;
    }, 30_000);
    expect(JSON.stringify(charts[0]!.blocks)).toContain('keeper');
  });

  it('the AI-app container: a new thread offers prompts; a message there shows "is working…" and reaches the EA', async () => {
    await slack.dispatch('events_api', {
      token: 'legacy',
      team_id: 'T0001',
      api_app_id: 'A0001',
      type: 'event_callback',
      event_id: 'EvAssist1',
      event_time: 1,
      event: {
        type: 'assistant_thread_started',
        assistant_thread: { user_id: ADA, context: {}, channel_id: 'D0001', thread_ts: '1800000007.000100' },
        event_ts: '1800000007.000101',
      },
    });
    const prompts = await slack.waitFor(
      () => slack.calls.find((c) => c.method === 'assistant.threads.setSuggestedPrompts'),
      20_000,
    );
    expect(prompts.args['thread_ts']).toBe('1800000007.000100');
    expect(JSON.stringify(prompts.args['prompts'])).toContain('status');
    await slack.message({
      channel: 'D0001',
      channel_type: 'im',
      user: ADA,
      text: 'status',
      ts: '1800000007.000200',
      thread_ts: '1800000007.000100',
    });
    const status = await slack.waitFor(
      () => slack.calls.find((c) => c.method === 'assistant.threads.setStatus'),
      20_000,
    );
    expect(status.args).toMatchObject({ channel_id: 'D0001', thread_ts: '1800000007.000100', status: 'is working…' });
    await waitFor(() => eaScreen().includes('[CHAT c1 · Ada] status'), { timeoutMs: 20_000, describe: eaScreen });
    // The EA's reply lands in that thread (and Slack clears the status with it).
    await slack.waitFor(() => postsIn('D0001', '1800000007.000100')[0], 20_000);
  });

  it("a first mention inside someone else's thread brings that thread's messages along as context", async () => {
    const root = '1800000008.000100';
    await slack.message({
      channel: 'C0001',
      channel_type: 'channel',
      user: ADA,
      text: 'the build is red again',
      ts: root,
    });
    await slack.message({
      channel: 'C0001',
      channel_type: 'channel',
      user: ADA,
      text: 'since the cache change',
      ts: '1800000008.000200',
      thread_ts: root,
    });
    const text = `<@${BOT_USER}> can you look?`;
    const mention = {
      channel: 'C0001',
      channel_type: 'channel',
      user: ADA,
      text,
      ts: '1800000008.000300',
      thread_ts: root,
    };
    await slack.message(mention, { type: 'app_mention' });
    await waitFor(() => eaScreen().includes('can you look?'), { timeoutMs: 20_000, describe: eaScreen });
    const screen = eaScreen();
    expect(screen).toContain('Ada: the build is red again');
    expect(screen).toContain('Ada: since the cache change');
    expect(await journal('chat.received')).toHaveLength(1);
  });

  it('reconnects when Slack asks it to, and loses no message', async () => {
    const opens = () => slack.calls.filter((c) => c.method === 'apps.connections.open').length;
    const before = opens();
    slack.disconnect();
    await slack.waitFor(() => opens() > before && slack.connections() > 0, 20_000);
    await new Promise((r) => setTimeout(r, 200));
    await dm('status', '1800000005.000100');
    await waitFor(() => eaScreen().includes('[CHAT c1 · Ada] status'), { timeoutMs: 20_000, describe: eaScreen });
  });
});
