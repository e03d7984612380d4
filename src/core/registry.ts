import type { AnyOperation } from './operation.js';
import { getAgent } from './operations/agent-get.js';
import { killAgent } from './operations/agent-kill.js';
import { listAgents } from './operations/agent-list.js';
import { sendInput } from './operations/agent-send-input.js';
import { spawnAgent } from './operations/agent-spawn.js';
import { getAgentSummary } from './operations/agent-summary.js';
import { getTree } from './operations/agent-tree.js';
import { updateAgentStatus } from './operations/agent-update-status.js';
import { shutdown } from './operations/daemon-shutdown.js';
import { getStatus } from './operations/daemon-status.js';
import { createEa } from './operations/ea-create.js';
import { deleteEa } from './operations/ea-delete.js';
import { getActiveEa } from './operations/ea-get-active.js';
import { listEas } from './operations/ea-list.js';
import { switchEa } from './operations/ea-switch.js';
import { readLog } from './operations/log-read.js';
import { addProject } from './operations/project-add.js';
import { completeProject } from './operations/project-complete.js';
import { listProjects } from './operations/project-list.js';
import { whoami } from './operations/whoami.js';

/** Every operation, in help order. The one list all surfaces are generated from. */
export const OPERATIONS: readonly AnyOperation[] = [
  spawnAgent,
  listAgents,
  getTree,
  getAgent,
  getAgentSummary,
  sendInput,
  killAgent,
  updateAgentStatus,
  addProject,
  listProjects,
  completeProject,
  listEas,
  getActiveEa,
  createEa,
  switchEa,
  deleteEa,
  readLog,
  whoami,
  getStatus,
  shutdown,
];

export function operationsByName(ops: readonly AnyOperation[] = OPERATIONS): ReadonlyMap<string, AnyOperation> {
  return new Map(ops.map((op) => [op.name, op]));
}
