/** The Discord REST side with the real discord.js REST client against the loopback Discord: `omar discord register`, and where replies under a message go. */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { discordCommandJson, runDiscord } from '#cli/commands/discord.js';
import type { CliIo } from '#cli/cli-context.js';
import { APP_ID, DISCORD_TOKEN, GUILD, startFakeDiscord, type FakeDiscord } from '../fakes/fake-discord.js';

let discord: FakeDiscord;
beforeAll(async () => {
  discord = await startFakeDiscord();
});
afterAll(() => discord.close());

const io = (env: Record<string, string>): CliIo & { out: () => string } => {
  let out = '';
  const stdout = new Writable({ write: (chunk, _enc, done) => ((out += String(chunk)), done()) });
  return { stdout, stderr: stdout, env, cwd: '/', isTty: false, out: () => out };
};
const env = () => ({ DISCORD_TOKEN, DISCORD_APPLICATION_ID: APP_ID, OMAR_DISCORD_API_URL: discord.apiUrl });

it('puts /omar into one guild, then globally, with the generated JSON', async () => {
  const guild = io(env());
  await runDiscord(['register', '--guild', GUILD], guild);
  expect(guild.out()).toContain(`Registered /omar in guild ${GUILD}`);
  const global = io(env());
  await runDiscord(['register'], global);
  expect(discord.registered.map((r) => r.path)).toEqual([
    `/applications/${APP_ID}/guilds/${GUILD}/commands`,
    `/applications/${APP_ID}/commands`,
  ]);
  expect(discord.registered[0]!.body).toEqual(JSON.parse(await discordCommandJson()));
});

it('says what is missing or wrong', async () => {
  await expect(runDiscord(['register'], io({}))).rejects.toMatchObject({
    code: 'USAGE',
    message: expect.stringContaining('DISCORD_TOKEN'),
  });
  await expect(runDiscord(['register', '--guild', 'abc'], io(env()))).rejects.toMatchObject({ code: 'USAGE' });
  await expect(runDiscord(['unregister'], io(env()))).rejects.toMatchObject({ code: 'USAGE' });
});

it('threads replies under a posted message: a thread started from it once, or beside it where Discord has none', async () => {
  const { REST } = await import('discord.js');
  const { DiscordPlaces, sendToDiscord } = await import('#src/bridges/discord/discord-send.js');
  const { textDocument } = await import('#core/chat/document.js');
  const { CHANNEL, DM } = await import('../fakes/fake-discord.js');
  const rest = new REST({ version: '10', api: discord.apiUrl, retries: 0, rejectOnRateLimit: () => true }).setToken(
    DISCORD_TOKEN,
  );
  const places = new DiscordPlaces();
  const send = (channel: string, thread: string | null, text: string) =>
    sendToDiscord(
      rest,
      { id: 1, kind: 'post', channel, thread, ref: null, user: null, document: textDocument(text) },
      places,
    );
  const root = await send(CHANNEL, null, 'chart');
  const ref = root.kind === 'accepted' ? root.ref : '';
  await send(CHANNEL, ref, 'update 1');
  await send(CHANNEL, ref, 'update 2');
  const [thread] = [...discord.threads].filter(([, t]) => t.from === ref).map(([id]) => id);
  expect(thread).toBeDefined();
  expect(discord.messages.filter((m) => m.channel_id === thread).map((m) => m.content)).toEqual([
    'update 1',
    'update 2',
  ]);

  const dmRoot = await send(DM, null, 'dm chart');
  await send(DM, dmRoot.kind === 'accepted' ? dmRoot.ref : '', 'dm update');
  expect(
    discord.messages
      .filter((m) => m.channel_id === DM)
      .map((m) => m.content)
      .slice(-2),
  ).toEqual(['dm chart', 'dm update']);
});
