/** `omar discord register` with the real discord.js REST client against the loopback Discord. */
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
