import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ChatDocument } from '#core/chat/document.js';
import { OPERATIONS } from '#core/registry.js';
import { discordCommandJson } from '#cli/commands/discord.js';
import { chatCommandSpecs } from '#src/bridges/core/chat-command-specs.js';
import { discordCommand, interactionText, SUBCOMMAND_GROUP } from '#src/bridges/discord/discord-commands.js';
import { DISCORD_LIMITS, parseCustomId, renderDiscordMessages } from '#src/bridges/discord/discord-render.js';

const doc = (
  blocks: ChatDocument['blocks'],
  text = 'fallback',
  mentions: ChatDocument['mentions'] = [],
): ChatDocument => ({
  text,
  blocks,
  mentions,
});

describe('Discord rendering', () => {
  it('never pings anyone the document does not name: allowed_mentions, and @everyone/@here/<@…> defused', () => {
    const [m] = renderDiscordMessages(
      doc([{ type: 'markdown', text: 'hey @everyone @here <@123456789> <@&99999> done' }], 'x', [
        { platform: 'discord', user: '400000000000000001' },
        { platform: 'slack', user: 'U1' },
      ]),
    );
    expect(m!.allowed_mentions).toEqual({ parse: [], users: ['400000000000000001'] });
    expect(m!.content).toBe(
      '<@400000000000000001> hey @\u200beveryone @\u200bhere <\u200b@123456789> <\u200b@&99999> done',
    );
  });

  it('splits a long reply into messages of at most 2 000 characters, never inside an emoji, fences kept', () => {
    const long = `${'😀'.repeat(1500)}\n\`\`\`\n${'line of code\n'.repeat(300)}\`\`\`\n${'漢字'.repeat(1200)}`;
    const parts = renderDiscordMessages(doc([{ type: 'markdown', text: long }]));
    expect(parts.length).toBeGreaterThan(3);
    for (const p of parts) {
      expect(p.content!.length).toBeLessThanOrEqual(DISCORD_LIMITS.content);
      expect(p.content).not.toMatch(/[\ud800-\udbff]$/);
      expect((p.content!.match(/```/g) ?? []).length % 2).toBe(0);
    }
  });

  it('a rich document is one embed within limits, its buttons in at most 5 rows of 5', () => {
    const buttons = Array.from({ length: 30 }, (_, i) => ({
      action: 'peek',
      value: `0:w${i}`,
      label: `Peek w${i}`,
      style: 'default' as const,
    }));
    const [m] = renderDiscordMessages(
      doc([
        { type: 'header', text: 't'.repeat(400) },
        { type: 'markdown', text: 'd'.repeat(9000) },
        { type: 'fields', fields: Array.from({ length: 30 }, (_, i) => ({ label: `f${i}`, value: 'v' })) },
        { type: 'buttons', buttons },
      ]),
    );
    const embed = m!.embeds![0]!;
    expect(embed.title!.length).toBeLessThanOrEqual(256);
    expect(embed.description!.length).toBeLessThanOrEqual(4096);
    expect(embed.fields).toHaveLength(25);
    const total =
      embed.title!.length +
      embed.description!.length +
      embed.fields!.reduce((n, f) => n + f.name.length + f.value.length, 0);
    expect(total).toBeLessThanOrEqual(6000);
    expect(m!.components!.map((r) => r.components.length)).toEqual([5, 5, 5, 5, 5]);
    expect(parseCustomId(m!.components![0]!.components[0]!.custom_id)).toEqual({ action: 'peek', value: '0:w0' });
  });
});

describe('the /omar application command', () => {
  it('manifests/discord-commands.json is what `omar manifest discord` prints from the registry', async () => {
    const file = readFileSync(resolve(import.meta.dirname, '../../../../manifests/discord-commands.json'), 'utf8');
    expect(file).toBe(await discordCommandJson());
  });

  it('holds every chat command of the registry within Discord’s limits, and maps an interaction back to its text', () => {
    const specs = chatCommandSpecs(OPERATIONS);
    const command = discordCommand(specs);
    expect(command.options.length).toBeLessThanOrEqual(25);
    const paths = command.options.flatMap((o) =>
      o.type === SUBCOMMAND_GROUP ? (o.options ?? []).map((s) => `${o.name} ${s.name}`) : [o.name],
    );
    for (const spec of specs) {
      const path = spec.path.join(' ');
      expect(paths.includes(path) || paths.includes(`${path} show`)).toBe(true);
    }
    for (const o of command.options) {
      expect(o.name).toMatch(/^[-_a-z0-9]{1,32}$/);
      expect(o.description.length).toBeLessThanOrEqual(100);
      for (const sub of o.options ?? []) {
        expect((sub.options ?? []).length).toBeLessThanOrEqual(25);
        const required = (sub.options ?? []).map((x) => Boolean(x.required));
        expect(required).toEqual([...required].sort((a, b) => Number(b) - Number(a)));
      }
    }
    expect(
      interactionText(
        {
          name: 'omar',
          options: [
            {
              name: 'events',
              type: 2,
              options: [{ name: 'list', type: 1, options: [{ name: 'all', type: 5, value: true }] }],
            },
          ],
        },
        specs,
      ),
    ).toBe('events list --all "true"');
    expect(
      interactionText(
        { name: 'omar', options: [{ name: 'outbox', type: 2, options: [{ name: 'show', type: 1 }] }] },
        specs,
      ),
    ).toBe('outbox');
    expect(
      interactionText(
        {
          name: 'omar',
          options: [{ name: 'send', type: 1, options: [{ name: 'text', type: 3, value: 'say "hi" \\ bye' }] }],
        },
        specs,
      ),
    ).toBe('send --text "say \\"hi\\" \\\\ bye"');
  });
});
