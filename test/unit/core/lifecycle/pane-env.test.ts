import { describe, expect, it } from 'vitest';
import { agentPaneEnv } from '#core/lifecycle/pane-env.js';

describe('agentPaneEnv', () => {
  const agent = { ea: 2, name: 'w1', contextPath: '/home/2/w1/context.json' };

  it('says where the daemon lives and who the agent is', () => {
    expect(agentPaneEnv({ OMAR_HOME: '/home', OMAR_TMUX_SOCKET: 's' }, undefined, agent)).toEqual({
      OMAR_HOME: '/home',
      OMAR_TMUX_SOCKET: 's',
      OMAR_AGENT: 'w1',
      OMAR_EA: '2',
      OMAR_CONTEXT: '/home/2/w1/context.json',
    });
  });

  it('lets the backend override the daemon part, never the identity', () => {
    const env = agentPaneEnv({ OMAR_HOME: '/home', X: 'daemon' }, { X: 'backend', OMAR_AGENT: 'other' }, agent);
    expect(env).toMatchObject({ OMAR_HOME: '/home', X: 'backend', OMAR_AGENT: 'w1' });
  });
});
