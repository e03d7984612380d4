/**
 * The Discord bridge end to end: the real discord.js client inside a real daemon,
 * against the loopback fake Discord (REST and gateway), with the sim agent as the EA.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { connectToDaemon } from '#runtime/control/daemon-client.js';
import { ADA, BOT_ID, CHANNEL, DISCORD_TOKEN, DM, startFakeDiscord, type FakeDiscord } from '../fakes/fake-discord.js';
import { readJournal } from '../helpers/journal-file.js';
import { createOmarWorld, type OmarWorld } from '../helpers/omar-env.js';
import { describeWithTmux } from '../helpers/tmux-server.js';
import { waitFor } from '../helpers/wait-for.js';

const CONFIG = `[agent]\nbackend = "sim"\n[chat]\nedit_interval_seconds = 0.5\n`;

describeWithTmux('Discord bridge (discord.js) against a loopback Discord', () => {
  let world: OmarWorld;
  let discord: FakeDiscord;

  beforeEach(async () => {
    discord = await startFakeDiscord();
    world = createOmarWorld({ config: CONFIG });
    Object.assign(world.env, {
      DISCORD_TOKEN,
      DISCORD_APPLICATION_ID: '100000000000000001',
      OMAR_DISCORD_API_URL: discord.apiUrl,
      OMAR_CHAT_ADMINS: `discord:${ADA.id}`,
    });
    await world.startDaemon();
    await discord.waitFor(() => discord.ready(), 20_000);
    await new Promise((r) => setTimeout(r, 200));
  });
  afterEach(async () => {
    await world.cleanup();
    await discord.close();
  });

  const eaScreen = (): string =>
    world.tmux(['capture-pane', '-p', '-J', '-S', '-300', '-t', '=omar-agent-ea-0:']).stdout;
  const journal = (kind: string) => readJournal(world.home).filter((e) => e.kind === kind);
  const inChannel = (channel: string) => discord.messages.filter((m) => m.channel_id === channel);
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
  const dmStatus = async () => {
    discord.message({ channel_id: DM, content: 'status' });
    await waitFor(() => eaScreen().includes('[CHAT c1 · Ada] status'), { timeoutMs: 20_000, describe: eaScreen });
  };

  it('a DM reaches the EA and is answered in the DM', async () => {
    await dmStatus();
    const reply = await discord.waitFor(() => inChannel(DM)[0], 20_000);
    expect(reply.content).toMatch(/agents?/);
    expect(reply.allowed_mentions).toEqual({ parse: [], users: [] });
    expect(journal('chat.received')).toHaveLength(1);
  });

  it('a mention in a guild channel starts a thread from that message; the conversation lives there', async () => {
    const id = discord.message({
      channel_id: CHANNEL,
      content: `<@${BOT_ID}> status`,
      mentions: [{ id: BOT_ID, username: 'omar', bot: true, discriminator: '0' }],
    });
    const thread = await discord.waitFor(() => [...discord.threads].find(([, t]) => t.from === id)?.[0], 20_000);
    await discord.waitFor(() => inChannel(thread)[0], 20_000);
    // A reply in that thread continues the conversation without a mention; elsewhere, without one, nothing.
    discord.message({ channel_id: thread, content: 'status' });
    await discord.waitFor(() => inChannel(thread).length >= 2, 20_000);
    discord.message({ channel_id: CHANNEL, content: 'just chatting' });
    await new Promise((r) => setTimeout(r, 500));
    const received = journal('chat.received');
    expect(received.map((e) => e['opened'])).toEqual([true, false]);
    expect(new Set(received.map((e) => e['conversation'])).size).toBe(1);
  });

  it('/omar spawn through an interaction, autocomplete of agent names, and a typo answered privately', async () => {
    const spawnId = discord.interaction({
      type: 2,
      channel_id: CHANNEL,
      data: {
        id: 'c1',
        name: 'omar',
        type: 1,
        options: [
          {
            name: 'spawn',
            type: 1,
            options: [
              { name: 'name', type: 3, value: 'w1' },
              { name: 'command', type: 3, value: 'bash' },
            ],
          },
        ],
      },
    });
    const spawned = await discord.waitFor(() => discord.callbacks.find((c) => c.interaction === spawnId), 20_000);
    expect(spawned.type).toBe(4);
    expect(JSON.stringify(spawned.data)).toContain('w1');
    const list = await world.omarJson<{ agents: Array<{ name: string }> }>(['list']);
    expect(list.agents.map((a) => a.name)).toContain('w1');

    const completeId = discord.interaction({
      type: 4,
      channel_id: CHANNEL,
      data: {
        id: 'c1',
        name: 'omar',
        type: 1,
        options: [{ name: 'peek', type: 1, options: [{ name: 'name', type: 3, value: 'w', focused: true }] }],
      },
    });
    const choices = await discord.waitFor(() => discord.callbacks.find((c) => c.interaction === completeId), 20_000);
    expect(choices.type).toBe(8);
    expect(choices.data['choices']).toEqual([{ name: 'w1', value: 'w1' }]);
  });

  it('a person nobody allowed gets only the refusal, and never reaches the EA', async () => {
    const eve = { id: '400000000000000066', username: 'eve', global_name: 'Eve' };
    discord.message({ channel_id: DM, content: 'kill everything', author: eve });
    const refusal = await discord.waitFor(
      () => inChannel(DM).find((m) => m.content.includes('omar chat allow')),
      20_000,
    );
    expect(refusal.content).toContain(`discord:${eve.id}`);
    expect(journal('chat.received')).toHaveLength(0);
  });

  it('a 429 is retried after its delay, in order; Unknown Channel is kept as failed', async () => {
    await dmStatus();
    await discord.waitFor(() => inChannel(DM)[0], 20_000);
    discord.failNext(/^POST \/channels\/\d+\/messages$/, { status: 429, retryAfter: 1 });
    await asEa('chat_reply', { conversation: 'c1', text: 'first' });
    await asEa('chat_reply', { conversation: 'c1', text: 'second' });
    await discord.waitFor(() => inChannel(DM).some((m) => m.content === 'second'), 20_000);
    expect(
      inChannel(DM)
        .map((m) => m.content)
        .slice(-2),
    ).toEqual(['first', 'second']);
    const posts = discord.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${DM}/messages`);
    const [limited, retried] = posts.slice(-3);
    expect(retried!.at - limited!.at).toBeGreaterThanOrEqual(900);

    discord.channels.delete(DM);
    await asEa('chat_reply', { conversation: 'c1', text: 'lost' });
    const failed = await waitFor(
      async () =>
        (await world.omarJson<{ items: Array<{ status: string }> }>(['outbox'])).items.find(
          (i) => i.status === 'failed',
        ),
      { timeoutMs: 20_000 },
    );
    expect(JSON.stringify(failed)).toContain('Unknown Channel');
  });

  it('an approval button: the click answers, the card is edited, the EA hears who chose', async () => {
    await dmStatus();
    const { approval_id } = (await asEa('request_approval', {
      question: 'Ship it?',
      options: ['Ship', 'Wait'],
      conversation: 'c1',
    })) as { approval_id: string };
    const card = await discord.waitFor(
      () => inChannel(DM).find((m) => JSON.stringify(m.embeds).includes('Ship it?') && m.components.length > 0),
      20_000,
    );
    discord.click(card, 'Ship');
    await discord.waitFor(() => card.edits > 0 && card.components.length === 0, 20_000);
    await waitFor(() => eaScreen().includes(`[APPROVAL ${approval_id}] Ship — by Ada (discord:${ADA.id})`), {
      timeoutMs: 20_000,
      describe: eaScreen,
    });
  });

  it("an agent's prompt: a card with the CLI's choices mentioning the person; a click presses Allow and edits the card", async () => {
    await dmStatus();
    await world.omarJson(['project', 'add', 'infra', '--conversation', 'c1']);
    await world.omarJson(['spawn', 'w1', '--backend', 'sim', '--task', 'prompt', '--project-id', '1']);
    const card = await discord.waitFor(
      () => inChannel(DM).find((m) => JSON.stringify(m.embeds).includes('w1 waits for you') && m.components.length > 0),
      30_000,
    );
    expect(card.content).toContain(`<@${ADA.id}>`);
    const labels = card.components.flatMap((r) => r.components).map((b) => b.label);
    expect(labels).toEqual(['Allow once', 'Allow for this session', 'Deny', 'Peek']);
    discord.click(card, 'Allow once');
    await discord.waitFor(() => card.edits > 0 && card.components.length === 0, 20_000);
    expect(JSON.stringify(card.embeds)).toContain('Allow once — by Ada');
    await waitFor(
      async () => (await readJournal(world.home)).some((e) => e.kind === 'dialog.answer' && e.agent === 'w1'),
      {
        timeoutMs: 20_000,
      },
    );
  });

  it("a project's org chart is posted and edited in place, its updates beside it in a DM; a report arrives", async () => {
    await dmStatus();
    await world.omarJson(['project', 'add', 'api', '--conversation', 'c1']);
    await world.omarJson(['spawn', 'lead', '--backend', 'sim', '--task', 'flat n=3 task=sleep:4', '--project-id', '1']);
    const chart = await discord.waitFor(() => inChannel(DM).find((m) => m.embeds[0]?.title?.startsWith('api')), 30_000);
    await discord.waitFor(() => chart.edits > 0 && /4 agents/.test(chart.embeds[0]?.title ?? ''), 30_000);
    expect(chart.embeds[0]!.description).toContain('lead');
    // Discord DMs have no threads: the project's updates follow in the DM itself.
    await discord.waitFor(() => inChannel(DM).some((m) => m.content.includes('spawned')), 30_000);
    expect(inChannel(DM).filter((m) => m.embeds[0]?.title?.startsWith('api')).length).toBe(1);

    await world.omarJson(['spawn', 'keeper', '--command', 'bash', '--project-id', '1']);
    await world.omarJson(['events', 'schedule', '--to', 'omar', '--payload', 'report']);
    await discord.waitFor(
      () => inChannel(DM).find((m) => (m.embeds[0]?.title ?? m.content).includes('omar report')),
      30_000,
    );
  });

  it('says in omar status and omar doctor when the Message Content intent is off (guild messages arrive blank)', async () => {
    const status = async () =>
      (await world.omarJson<{ chat: Array<{ platform: string; warning?: string }> }>(['status'])).chat.find(
        (b) => b.platform === 'discord',
      );
    expect((await status())?.warning).toBeUndefined();
    discord.message({ channel_id: CHANNEL, content: '' });
    await waitFor(async () => Boolean((await status())?.warning), { timeoutMs: 20_000 });
    expect((await status())?.warning).toContain('Message Content Intent');
    const doctor = await world.omar(['doctor']);
    expect(doctor.stdout).toContain('Message Content Intent');
  });

  it('a dropped gateway connection is resumed; a message sent meanwhile reaches the EA once', async () => {
    await dmStatus();
    discord.dropConnection();
    discord.message({ channel_id: DM, content: 'during the drop' });
    await discord.waitFor(() => discord.resumes() > 0, 30_000);
    await waitFor(() => eaScreen().includes('[CHAT c1 · Ada] during the drop'), {
      timeoutMs: 30_000,
      describe: eaScreen,
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(journal('chat.received')).toHaveLength(2);
    expect(discord.identifies()).toBe(1);
  });
});
