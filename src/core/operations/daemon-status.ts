import { z } from 'zod';
import { defineOperation } from '../operation.js';
import { toFieldTable } from '../surface/markdown-table.js';

export const getStatus = defineOperation({
  name: 'get_status',
  summary: 'Show the daemon: pid, paths, sockets and counts.',
  description:
    'Facts about the running omar daemon: pid, start time, OMAR_HOME, control socket, tmux socket, default backend, and counts of EAs, agents by health, projects and open tasks.',
  input: z.object({}),
  output: z.object({
    pid: z.number(),
    started_at: z.string(),
    version: z.string(),
    home: z.string(),
    socket: z.string(),
    tmux_socket: z.string(),
    backend: z.string(),
    eas: z.number(),
    agents: z.record(z.string(), z.number()),
    projects: z.number(),
    open_tasks: z.number(),
    pending_events: z.number(),
    health_tick_ms: z.number().nullable(),
    health_tick_tmux_commands: z.number(),
    chat: z.array(
      z.object({
        platform: z.string(),
        connected: z.boolean(),
        error: z.string().optional(),
        clients: z.number().optional(),
        warning: z.string().optional(),
      }),
    ),
  }),
  render: (r) =>
    toFieldTable(
      {
        ...r,
        agents:
          Object.entries(r.agents)
            .map(([k, v]) => `${v} ${k}`)
            .join(', ') || 'none',
        chat: r.chat.map(describeChatBridge).join('; ') || 'none',
      },
      [
        ['pid', 'pid'],
        ['version', 'version'],
        ['started_at', 'started'],
        ['home', 'OMAR_HOME'],
        ['socket', 'control socket'],
        ['tmux_socket', 'tmux socket (-L)'],
        ['backend', 'default backend'],
        ['eas', 'EAs'],
        ['agents', 'agents'],
        ['projects', 'projects'],
        ['open_tasks', 'open tasks'],
        ['pending_events', 'pending events'],
        ['health_tick_ms', 'last health tick (ms)'],
        ['chat', 'chat bridges'],
      ],
    ),
  access: 'read',
  mcp: false,
  cli: { path: ['status'] },
  async handler(ctx) {
    const s = ctx.services.supervisor.status();
    const state = ctx.services.store.get();
    const agents: Record<string, number> = {};
    for (const a of state.agents) agents[a.health] = (agents[a.health] ?? 0) + 1;
    return {
      pid: s.pid,
      started_at: s.startedAt,
      version: s.version,
      home: s.home,
      socket: s.socket,
      tmux_socket: s.tmuxSocket,
      backend: s.backend,
      eas: state.eas.length,
      agents,
      projects: state.projects.length,
      open_tasks: state.tasks.filter((t) => t.status === 'running').length,
      pending_events: state.events.filter((e) => e.status === 'pending' || e.status === 'delivering').length,
      health_tick_ms: s.healthTickMs,
      health_tick_tmux_commands: s.healthTickCommands,
      chat: s.chat.map((b) => ({ ...b })),
    };
  },
});

/** `console: connected, 1 omar chat open` / `slack: not connected (invalid_auth)`. */
export function describeChatBridge(b: {
  platform: string;
  connected: boolean;
  error?: string;
  clients?: number;
  warning?: string;
}): string {
  if (!b.connected) return `${b.platform}: not connected${b.error ? ` (${b.error})` : ''}`;
  const warning = b.warning ? ` — ${b.warning}` : '';
  if (b.clients === undefined) return `${b.platform}: connected${warning}`;
  return `${b.platform}: connected, ${b.clients} omar chat open${warning}`;
}
