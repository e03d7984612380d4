import type { TreeNodeView } from '../operations/agent-tree.js';

const HEALTH_MARK: Record<string, string> = { running: '●', idle: '○', stuck: '⚠', exited: '✖', starting: '…' };

/** One agent of the chart: health mark, name, health, task status unless running, status line. */
export function orgChartLabel(node: TreeNodeView): string {
  const mark = HEALTH_MARK[node.health] ?? '?';
  const task = node.task_status && node.task_status !== 'running' ? ` (${node.task_status})` : '';
  const status = node.status_line ? ` — ${node.status_line}` : '';
  return `${mark} ${node.name} [${node.health}]${task}${status}`;
}

/** Draws an org chart with box characters; to be shown verbatim (a fenced block). */
export function drawOrgChart(root: TreeNodeView): string {
  const lines = [orgChartLabel(root)];
  const walk = (node: TreeNodeView, prefix: string): void => {
    node.children.forEach((child, i) => {
      const last = i === node.children.length - 1;
      lines.push(`${prefix}${last ? '└── ' : '├── '}${orgChartLabel(child)}`);
      walk(child, `${prefix}${last ? '    ' : '│   '}`);
    });
  };
  walk(root, '');
  return lines.join('\n');
}
