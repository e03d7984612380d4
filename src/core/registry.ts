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
import { cancelEvent } from './operations/event-cancel.js';
import { listEvents } from './operations/event-list.js';
import { scheduleOmarEvent } from './operations/event-schedule.js';
import { readLog } from './operations/log-read.js';
import { listBackends } from './operations/backends-list.js';
import { logJustification } from './operations/justification-log.js';
import { mcpConfig } from './operations/mcp-config.js';
import { saveNotes } from './operations/notes-save.js';
import { completeTask } from './operations/task-complete.js';
import { addProject } from './operations/project-add.js';
import { completeProject } from './operations/project-complete.js';
import { listProjects } from './operations/project-list.js';
import { whoami } from './operations/whoami.js';
import { answerApproval } from './operations/approval-answer.js';
import { answerDialog } from './operations/dialog-answer.js';
import { listDialogs } from './operations/dialog-list.js';
import { listApprovals } from './operations/approval-list.js';
import { requestApproval } from './operations/approval-request.js';
import { receiveChatMessage } from './operations/chat-message-receive.js';
import { chatReply } from './operations/chat-reply.js';
import { allowChatUser } from './operations/chat-user-allow.js';
import { denyChatUser } from './operations/chat-user-deny.js';
import { listChatUsers } from './operations/chat-user-list.js';
import { dropOutbox } from './operations/outbox-drop.js';
import { listOutbox } from './operations/outbox-list.js';
import { retryOutbox } from './operations/outbox-retry.js';
import { slackReply } from './operations/slack-reply.js';
import { getReport } from './operations/report-get.js';

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
  completeTask,
  logJustification,
  saveNotes,
  listBackends,
  scheduleOmarEvent,
  listEvents,
  cancelEvent,
  addProject,
  listProjects,
  completeProject,
  getReport,
  listEas,
  getActiveEa,
  createEa,
  switchEa,
  deleteEa,
  chatReply,
  slackReply,
  requestApproval,
  listApprovals,
  answerApproval,
  listDialogs,
  answerDialog,
  allowChatUser,
  denyChatUser,
  listChatUsers,
  listOutbox,
  retryOutbox,
  dropOutbox,
  receiveChatMessage,
  readLog,
  whoami,
  getStatus,
  shutdown,
  mcpConfig,
];

export function operationsByName(ops: readonly AnyOperation[] = OPERATIONS): ReadonlyMap<string, AnyOperation> {
  return new Map(ops.map((op) => [op.name, op]));
}
