import { describe, expect, it } from 'vitest';
import { serverEnv } from '#runtime/tmux/tmux-control-client.js';

describe('the environment every agent pane starts from', () => {
  it("keeps the user's own variables and omar's log level; drops omar's home, socket and identity, the outer tmux and the chat bots' tokens", () => {
    const env = serverEnv({
      PATH: '/usr/bin',
      HOME: '/home/ann',
      ANTHROPIC_API_KEY: 'the user’s own key',
      OMAR_LOG_LEVEL: 'warn',
      OMAR_HOME: '/home/ann/.omar',
      OMAR_TMUX_SOCKET: 'omar',
      OMAR_CONTEXT: '/home/ann/.omar/ea/0/agents/ea/context.json',
      OMAR_CHAT_ADMINS: 'slack:U1',
      TMUX: '/tmp/tmux-0/default,1,0',
      TMUX_PANE: '%1',
      SLACK_BOT_TOKEN: 'xoxb-secret',
      SLACK_APP_TOKEN: 'xapp-secret',
      SLACK_SIGNING_SECRET: 'signing-secret',
      DISCORD_TOKEN: 'discord-secret',
    });
    expect(env).toEqual({
      PATH: '/usr/bin',
      HOME: '/home/ann',
      ANTHROPIC_API_KEY: 'the user’s own key',
      OMAR_LOG_LEVEL: 'warn',
    });
  });
});
