import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { OPERATIONS } from '#core/registry.js';
import { chatCommandNames } from '#cli/commands/manifest.js';
import { SLACK_BOT_EVENTS, slackManifestYaml } from '#src/bridges/slack/slack-manifest.js';

const FILE = resolve(import.meta.dirname, '../../../../manifests/slack-app.yaml');

describe('manifests/slack-app.yaml', () => {
  it('is exactly what `omar manifest slack` prints from the registry (regenerate: omar manifest slack > manifests/slack-app.yaml)', () => {
    expect(readFileSync(FILE, 'utf8')).toBe(slackManifestYaml(chatCommandNames()));
  });

  it('offers every chat command of the registry in the /omar hint, and nothing else', () => {
    const manifest = parse(readFileSync(FILE, 'utf8')) as {
      features: { slash_commands: Array<{ command: string; usage_hint: string }> };
      settings: {
        socket_mode_enabled: boolean;
        interactivity: { is_enabled: boolean };
        event_subscriptions: { bot_events: string[] };
      };
      oauth_config: { scopes: { bot: string[] } };
    };
    const [omar] = manifest.features.slash_commands;
    expect(omar!.command).toBe('/omar');
    const hinted = omar!.usage_hint.split(' | ');
    const fromRegistry = OPERATIONS.flatMap((op) => (op.chat ? [op.chat.path.join(' ')] : []));
    expect(new Set(hinted)).toEqual(new Set(['help', ...fromRegistry]));
    expect(manifest.settings.socket_mode_enabled).toBe(true);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.event_subscriptions.bot_events).toEqual([...SLACK_BOT_EVENTS]);
    // What the bridge calls and listens to needs these scopes.
    for (const scope of [
      'chat:write',
      'commands',
      'app_mentions:read',
      'im:history',
      'users:read',
      'files:read',
      'channels:history',
    ])
      expect(manifest.oauth_config.scopes.bot).toContain(scope);
  });
});
