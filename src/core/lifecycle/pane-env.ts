/** Who the agent in a pane is, for `omar mcp-server` and `omar` run inside it. */
export interface PaneIdentity {
  ea: number;
  name: string;
  contextPath: string;
}

/**
 * The environment of an agent's pane: where its daemon lives (`daemonEnv`: OMAR_HOME,
 * OMAR_TMUX_SOCKET), then the backend's own variables, then who the agent is. Later
 * ones win.
 */
export function agentPaneEnv(
  daemonEnv: Readonly<Record<string, string>>,
  backendEnv: Readonly<Record<string, string>> | undefined,
  agent: PaneIdentity,
): Record<string, string> {
  return {
    ...daemonEnv,
    ...backendEnv,
    OMAR_AGENT: agent.name,
    OMAR_EA: String(agent.ea),
    OMAR_CONTEXT: agent.contextPath,
  };
}
