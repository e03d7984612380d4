import { AppError } from '../../core/errors.js';
import type { OperationCall } from '../../core/invoke-operation.js';
import type { AnyOperation } from '../../core/operation.js';
import { assertAllowed, isAllowed } from '../../core/permissions.js';
import type { Principal } from '../../core/principal.js';
import { closest } from '../../core/surface/closest.js';
import { renderCommandHelp, renderHelp } from '../../core/surface/help.js';
import { matchCommand, parseCommand } from '../../core/surface/parse-command.js';
import { resultToMarkdown } from '../../core/surface/result-markdown.js';
import { tokenizeCommand } from '../../core/surface/tokenize-command.js';
import type { ChatAnswer } from './bridge.js';
import { markdownAnswer } from './chat-answers.js';

/** A chat user acting from a channel (the router builds it from their role). */
export type ChatPrincipal = Extract<Principal, { kind: 'chat' }>;

export interface ChatCommandDeps {
  /** Every operation; those with a chat surface are the commands. */
  operations: readonly AnyOperation[];
  /** Runs an operation the way every surface does (invokeOperation). */
  invoke(op: AnyOperation, call: OperationCall): Promise<unknown>;
}

export interface ChatCommandOutcome {
  answer: ChatAnswer;
  /** The operation it ran (or was refused), for the journal. */
  operation: string | null;
}

/**
 * `/omar <text>`: the CLI's grammar (CONTRACTS.md §1) on the chat surface. `help` is
 * generated from the registry (only what the person's role may run); anything else is
 * parsed against the operations' chat surfaces, checked against the role before it
 * runs, and answered with the same renderers the CLI uses. Throws AppError for a
 * command that cannot run (the router answers it as one line).
 */
export async function runChatCommand(
  deps: ChatCommandDeps,
  principal: ChatPrincipal,
  text: string,
): Promise<ChatCommandOutcome> {
  const words = stripPrefix(tokenizeCommand(text));
  const commands = deps.operations.filter((op) => op.chat !== undefined);
  if (words.length === 0 || words[0] === 'help') {
    return { answer: helpAnswer(commands, principal, words.slice(1)), operation: null };
  }
  const { op, input } = parseCommand(words, commands, 'chat');
  assertRoleMayRun(op, principal);
  const result = await deps.invoke(op, { caller: principal, input });
  return { answer: markdownAnswer(resultToMarkdown(op, result), isReadOnly(op)), operation: op.name };
}

/** Reads answer only the person who asked; changes are shown to the channel. */
function isReadOnly(op: AnyOperation): boolean {
  return op.access === 'read' || op.access === 'ea-read';
}

/** People sometimes type the prefix again (`/omar omar list`); the console passes `/omar list` whole. */
function stripPrefix(words: string[]): string[] {
  return words[0] === '/omar' || words[0] === 'omar' ? words.slice(1) : words;
}

/** A refused command says the person's role and who can grant more (docs/chat-ux.md). */
export function assertRoleMayRun(op: AnyOperation, principal: ChatPrincipal): void {
  try {
    assertAllowed(op.access, principal, op.name);
  } catch (error) {
    const hint = error instanceof AppError ? error.hint : undefined;
    throw new AppError('PERMISSION_DENIED', `You are a chat ${principal.role}: ${commandName(op)} is not for you.`, {
      ...(hint ? { hint } : {}),
      details: { operation: op.name, role: principal.role },
    });
  }
}

function commandName(op: AnyOperation): string {
  return `\`/omar ${(op.chat?.path ?? [op.name]).join(' ')}\``;
}

function helpAnswer(commands: readonly AnyOperation[], principal: ChatPrincipal, topic: string[]): ChatAnswer {
  if (topic.length === 0) {
    const allowed = commands.filter((op) => isAllowed(op.access, principal));
    const hidden = commands.length - allowed.length;
    const role = `You are a chat *${principal.role}*${hidden > 0 ? `; ${hidden} more command(s) need a higher role (an admin grants it)` : ''}.`;
    return markdownAnswer(`${renderHelp(allowed, 'chat')}\n\n${role}`, true);
  }
  const match = matchCommand(topic, commands, 'chat');
  if (!match) throw unknownHelpTopic(topic, commands);
  return markdownAnswer(renderCommandHelp(match.op, 'chat'), true);
}

function unknownHelpTopic(topic: readonly string[], commands: readonly AnyOperation[]): AppError {
  const paths = commands.map((op) => op.chat!.path.join(' '));
  const near = [...closest(topic.slice(0, 2).join(' '), paths), ...closest(topic[0]!, paths)]
    .filter((c, i, all) => all.indexOf(c) === i)
    .slice(0, 3);
  const guess = near.length > 0 ? ` Did you mean ${near.map((c) => `\`/omar help ${c}\``).join(' or ')}?` : '';
  return new AppError('USAGE', `There is no command '${topic.join(' ')}'.${guess}`, {
    hint: 'Run `/omar help` for the list.',
  });
}
