import { redactSecrets } from '../../core/chat/redact.js';
import type { ChatDocument } from '../../core/chat/document.js';
import { AppError } from '../../core/errors.js';
import type { AnyOperation } from '../../core/operation.js';
import { requireAgent, subtreePostOrder } from '../../core/model/agent-lookup.js';
import type { State } from '../../core/model/state.js';
import { toCodeBlock } from '../../core/surface/code-block.js';
import { resultToMarkdown } from '../../core/surface/result-markdown.js';
import type { ChatAnswer, InboundAction } from './bridge.js';
import { markdownAnswer, privateAnswer } from './chat-answers.js';
import { type ChatCommandDeps, type ChatPrincipal, assertRoleMayRun, runChatCommand } from './chat-command.js';

export interface ChatActionDeps extends ChatCommandDeps {
  state(): Readonly<State>;
}

/** The person who pressed the button. */
export interface Clicker {
  /** The EA of the channel the click came from. */
  channelEa: number;
  /** The clicker as a principal acting in EA `ea` (their role is the same everywhere). */
  in(ea: number): ChatPrincipal;
}

/** Lines of a pane a Peek shows. */
export const PEEK_LINES = 30;

/**
 * Buttons (docs/contracts.md §11): each action maps to the operation behind it, and the
 * clicker's role is checked against that operation before anything happens. Values:
 * `approve` → `a<N>:<option number>`; `dialog` → `d<N>:<choice number>`; `peek` / `kill` / `kill-confirm` → `<ea>:<agent>`.
 * Throws AppError for a click that cannot be served (the router answers it as one line).
 */
export async function runChatAction(
  deps: ChatActionDeps,
  clicker: Clicker,
  action: InboundAction,
): Promise<ChatAnswer> {
  switch (action.action) {
    case 'approve':
      return answerApproval(deps, clicker, action.value);
    case 'dialog':
      return answerDialog(deps, clicker, action.value);
    case 'peek':
      return peek(deps, clicker.in, action.value);
    case 'kill':
      return confirmKill(deps, clicker.in, action.value);
    case 'kill-confirm':
      return kill(deps, clicker.in, action.value);
    case 'report':
      return (await runChatCommand(deps, clicker.in(clicker.channelEa), 'report')).answer;
    default:
      throw new AppError('USAGE', `This button (${action.action}) is not one this omar knows.`, {
        hint: 'It may come from an older version; `/omar help` lists what you can do.',
      });
  }
}

async function answerApproval(deps: ChatActionDeps, clicker: Clicker, value: string): Promise<ChatAnswer> {
  const match = /^a?(\d+):(\d+)$/i.exec(value.trim());
  if (!match) throw badValue('approve', value);
  const id = Number(match[1]);
  const option = Number(match[2]);
  const op = requireOperation(deps, 'answer_approval');
  const ea = deps.state().approvals.find((a) => a.id === id)?.ea ?? clicker.channelEa;
  const principal = clicker.in(ea);
  assertRoleMayRun(op, principal);
  const result = (await deps.invoke(op, { caller: principal, input: { approval_id: `a${id}`, option } })) as {
    approval_id: string;
    option: string;
    agent: string;
  };
  // The card itself is edited in place (through the outbox); this is just for the clicker.
  return privateAnswer(`You answered ${result.approval_id} for ${result.agent}: ${result.option}.`);
}

async function answerDialog(deps: ChatActionDeps, clicker: Clicker, value: string): Promise<ChatAnswer> {
  const match = /^d(\d+):(\d+)$/i.exec(value.trim());
  if (!match) throw badValue('dialog', value);
  const id = Number(match[1]);
  const op = requireOperation(deps, 'answer_dialog');
  const ea = deps.state().dialogs.find((d) => d.id === id)?.ea ?? clicker.channelEa;
  const principal = clicker.in(ea);
  assertRoleMayRun(op, principal);
  const result = (await deps.invoke(op, {
    caller: principal,
    input: { name: `d${id}`, choice: Number(match[2]) },
  })) as {
    dialog: string;
    agent: string;
    choice: string;
  };
  // The card itself is edited in place (through the outbox); this is just for the clicker.
  return privateAnswer(`You answered ${result.agent}'s prompt (${result.dialog}): ${result.choice}. It moved on.`);
}

async function peek(
  deps: ChatActionDeps,
  principalIn: (ea: number) => ChatPrincipal,
  value: string,
): Promise<ChatAnswer> {
  const { ea, name } = parseAgentValue('peek', value);
  const op = requireOperation(deps, 'get_agent');
  const principal = principalIn(ea);
  assertRoleMayRun(op, principal);
  const agent = (await deps.invoke(op, { caller: principal, input: { name, lines: PEEK_LINES } })) as {
    name: string;
    health: string;
    status_line: string | null;
    output_tail: string;
  };
  return { document: peekDocument(agent), ephemeral: true };
}

/** The tail of an agent's pane, secrets redacted, only for the person who asked. */
export function peekDocument(agent: {
  name: string;
  health: string;
  status_line: string | null;
  output_tail: string;
}): ChatDocument {
  const status = agent.status_line ? ` · "${agent.status_line}"` : '';
  const title = `*${agent.name}* ${agent.health}${status} — last ${PEEK_LINES} lines`;
  const screen = redactSecrets(agent.output_tail.trimEnd()) || '(empty screen)';
  return {
    text: `${agent.name} ${agent.health}${status}`,
    blocks: [
      { type: 'markdown', text: title },
      { type: 'markdown', text: toCodeBlock(screen) },
    ],
    mentions: [],
  };
}

async function confirmKill(
  deps: ChatActionDeps,
  principalIn: (ea: number) => ChatPrincipal,
  value: string,
): Promise<ChatAnswer> {
  const { ea, name } = parseAgentValue('kill', value);
  const op = requireOperation(deps, 'kill_agent');
  assertRoleMayRun(op, principalIn(ea));
  const state = deps.state();
  requireAgent(state, ea, name);
  const below = subtreePostOrder(state, ea, name).length - 1;
  const what = below > 0 ? `${name} and the ${below} agent(s) below it` : name;
  const text = `Kill ${what}? Their sessions end and their tasks close as killed.`;
  return {
    document: {
      text,
      blocks: [
        { type: 'markdown', text },
        {
          type: 'buttons',
          buttons: [{ action: 'kill-confirm', value: `${ea}:${name}`, label: `Kill ${name}`, style: 'danger' }],
        },
      ],
      mentions: [],
    },
    ephemeral: true,
  };
}

async function kill(
  deps: ChatActionDeps,
  principalIn: (ea: number) => ChatPrincipal,
  value: string,
): Promise<ChatAnswer> {
  const { ea, name } = parseAgentValue('kill-confirm', value);
  const op = requireOperation(deps, 'kill_agent');
  const principal = principalIn(ea);
  assertRoleMayRun(op, principal);
  const result = await deps.invoke(op, { caller: principal, input: { name, recursive: true } });
  return markdownAnswer(resultToMarkdown(op, result), true);
}

/** `<ea id>:<agent name>`. */
function parseAgentValue(action: string, value: string): { ea: number; name: string } {
  const match = /^(\d+):(.+)$/.exec(value.trim());
  if (!match) throw badValue(action, value);
  return { ea: Number(match[1]), name: match[2]! };
}

function badValue(action: string, value: string): AppError {
  return new AppError('INVALID_INPUT', `This ${action} button carries a value omar cannot read ('${value}').`, {
    hint: 'Press a button on a newer message, or use the `/omar` command instead.',
  });
}

function requireOperation(deps: ChatActionDeps, name: string): AnyOperation {
  const op = deps.operations.find((o) => o.name === name);
  if (!op) throw new AppError('NOT_FOUND', `This omar has no ${name} operation.`);
  return op;
}
