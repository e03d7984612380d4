import { toMarkdownList, toMarkdownTable } from './markdown-table.js';

/**
 * Markdown for a person, per operation result (CLI now, chat later). Pure: the CLI
 * renders the markdown for the terminal; `--json` bypasses all of this.
 */
type Row = Record<string, unknown>;
type Renderer = (result: Row) => string;

export interface TreeView {
  name: string;
  health: string;
  task_status: string | null;
  status_line: string | null;
  children: TreeView[];
}

const HEALTH_MARK: Record<string, string> = { running: '●', idle: '○', stuck: '⚠', exited: '✖', starting: '…' };

export function treeLabel(node: TreeView): string {
  const mark = HEALTH_MARK[node.health] ?? '?';
  const task = node.task_status && node.task_status !== 'running' ? ` (${node.task_status})` : '';
  const status = node.status_line ? ` — ${node.status_line}` : '';
  return `${mark} ${node.name} [${node.health}]${task}${status}`;
}

/** Draws an org chart with box characters; to be shown verbatim (a fenced block). */
export function drawTree(root: TreeView): string {
  const lines = [treeLabel(root)];
  const walk = (node: TreeView, prefix: string): void => {
    node.children.forEach((child, i) => {
      const last = i === node.children.length - 1;
      lines.push(`${prefix}${last ? '└── ' : '├── '}${treeLabel(child)}`);
      walk(child, `${prefix}${last ? '    ' : '│   '}`);
    });
  };
  walk(root, '');
  return lines.join('\n');
}

function fence(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  return `${ticks}text\n${text}\n${ticks}`;
}

function keyValues(result: Row, keys: ReadonlyArray<[key: string, label: string]>): string {
  return toMarkdownTable(
    keys.filter(([k]) => result[k] !== undefined).map(([k, label]) => ({ field: label, value: result[k] ?? '' })),
    [
      { key: 'field', header: 'field' },
      { key: 'value', header: 'value' },
    ],
  );
}

const RENDERERS: Record<string, Renderer> = {
  spawn_agent: (r) =>
    `Spawned **${r['agent_name']}** under ${r['parent']} (session \`${r['session']}\`${r['task_id'] ? `, ${r['task_id']}` : ''}).`,
  list_agents: (r) =>
    toMarkdownTable(
      (r['agents'] as Row[]).map((a) => ({
        ...a,
        task: a['task'] ? `${a['task_status']}: ${a['task']}` : '',
        shows: a['status_line'] ?? a['last_output'],
      })),
      [
        { key: 'name', header: 'agent' },
        { key: 'parent', header: 'parent' },
        { key: 'health', header: 'health' },
        { key: 'task', header: 'task' },
        { key: 'shows', header: 'status / last output' },
      ],
      { empty: `_No agents in EA ${r['ea']}. Spawn one with \`omar spawn NAME --command CMD\`._` },
    ),
  get_tree: (r) =>
    `**EA ${r['ea']} (${r['ea_name']})** — ${r['agents']} agent(s)\n\n${fence(drawTree(r['root'] as TreeView))}`,
  get_agent: (r) =>
    `**${r['name']}** [${r['health']}] — session \`${r['session']}\`${r['parent'] ? `, parent ${r['parent']}` : ''}\n\n` +
    (r['task'] ? `Task (${r['task_status']}): ${r['task']}\n\n` : '') +
    (r['status_line'] ? `Status: ${r['status_line']}\n\n` : '') +
    fence(String(r['output_tail'] || '(empty screen)')),
  get_agent_summary: (r) =>
    `${keyValues(r, [
      ['name', 'agent'],
      ['parent', 'parent'],
      ['health', 'health'],
      ['project_id', 'project'],
      ['task', 'task'],
      ['task_status', 'task status'],
      ['task_summary', 'result'],
      ['status_line', 'status'],
    ])}\n\n**Children**\n\n${toMarkdownTable(
      r['children'] as Row[],
      [
        { key: 'name', header: 'agent' },
        { key: 'health', header: 'health' },
        { key: 'task_status', header: 'task' },
        { key: 'status_line', header: 'status' },
      ],
      { empty: '_none_' },
    )}`,
  send_input: (r) =>
    `Sent${r['submitted'] ? ' and submitted' : ''} (${r['attempts']} attempt${r['attempts'] === 1 ? '' : 's'}${r['unconfirmed_submit'] ? '; the pane did not visibly react to the submit' : ', verified'}).`,
  kill_agent: (r) => {
    const killed = r['killed'] as string[];
    return `Killed ${killed.map((k) => `**${k}**`).join(', ')} — ${r['tasks_closed']} task(s) closed, ${r['events_cancelled']} event(s) cancelled.`;
  },
  update_agent_status: (r) => `Status of **${r['name']}**: ${r['status']}`,
  add_project: (r) => `Project **${r['project_id']}** added: ${r['name']}`,
  list_projects: (r) =>
    toMarkdownTable(
      r['projects'] as Row[],
      [
        { key: 'id', header: 'id' },
        { key: 'name', header: 'project' },
        { key: 'agents', header: 'live agents' },
        { key: 'owner', header: 'owner' },
        { key: 'created_at', header: 'created' },
      ],
      { empty: '_No active projects. Add one with `omar project add NAME`._' },
    ),
  complete_project: (r) => `Project **${r['project_id']}** (${r['name']}) completed.`,
  list_eas: (r) =>
    toMarkdownTable(
      (r['eas'] as Row[]).map((e) => ({ ...e, active: e['is_active'] ? '*' : '' })),
      [
        { key: 'active', header: 'default' },
        { key: 'id', header: 'id' },
        { key: 'name', header: 'name' },
        { key: 'manager_health', header: 'manager' },
        { key: 'agents', header: 'agents' },
        { key: 'description', header: 'description' },
      ],
    ),
  get_active_ea: (r) => `Default EA: **${r['ea_id']}** (${r['name']})`,
  create_ea: (r) => `EA **${r['id']}** created: ${r['name']} (its manager starts within a second).`,
  switch_ea: (r) => `Default EA is now **${r['ea_id']}** (${r['name']}).`,
  delete_ea: (r) =>
    `EA **${r['deleted_ea']}** deleted — ${r['agents_killed']} agent(s) killed, ${r['events_cancelled']} event(s) cancelled.`,
  read_log: (r) =>
    toMarkdownList(
      (r['entries'] as Row[]).map((e) => {
        const { ts, kind, ea: _ea, ...rest } = e;
        const details = Object.entries(rest)
          .filter(([, v]) => v !== null && v !== undefined && v !== '')
          .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
          .join(' ');
        return `\`${String(ts)}\` **${String(kind)}** ${details}`;
      }),
      { empty: '_Nothing in the journal for that._' },
    ),
  whoami: (r) =>
    `You are **${r['principal']}** (${r['role']}) in EA ${r['ea']} (${r['ea_name']})${r['parent'] ? `, reporting to ${r['parent']}` : ''}.`,
  get_status: (r) =>
    keyValues(
      {
        ...r,
        agents:
          Object.entries(r['agents'] as Record<string, number>)
            .map(([k, v]) => `${v} ${k}`)
            .join(', ') || 'none',
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
      ],
    ),
  shutdown: (r) =>
    `omar is stopping${r['kill_agents'] ? ' and ending every agent session' : '; agents keep running and are adopted by the next `omar up`'}.`,
};

export function resultToMarkdown(operation: string, result: unknown): string {
  const render = RENDERERS[operation];
  if (render && result && typeof result === 'object') return render(result as Row);
  return fence(JSON.stringify(result, null, 2));
}
