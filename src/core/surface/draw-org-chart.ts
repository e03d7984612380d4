import type { TreeNodeView } from '../operations/agent-tree.js';
import { treeLines } from '../text/tree-lines.js';

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
  return treeLines(root, { label: orgChartLabel, children: (node) => node.children }).join('\n');
}
