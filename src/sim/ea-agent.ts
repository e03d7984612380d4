import { z } from 'zod';
import { shorten } from '../core/text/shorten.js';
import {
  chatHelp,
  chatStatusLine,
  killedText,
  nameRange,
  spawnedAgentsText,
  spawnedTreeText,
  spawnFailedText,
} from './chat-answers.js';
import { parseChatPayload, type ChatMessage } from './chat-payload.js';
import { backendFor } from './child-names.js';
import { EA_HELP, parseEaRequest, type EaRequest } from './ea-requests.js';
import { DAEMON_SENDER, noticeTag, parseMessage, type EventItem, type Notice } from './message-parse.js';
import { createCalls, MARK, type Effect, type SimAgent, type SimInput } from './sim-types.js';
import { AgentList, statusTable, type AgentListRow } from './status-table.js';
import { formatTask, treeDescendants } from './task-protocol.js';

/** Names of the tree roots the EA spawns: `tree-<backend>`, then `tree2-<backend>`, `tree3-…`. */
export const TREE_ROOT_PATTERN = /^tree\d*-[a-z][a-z0-9_]*$/;
/** Summaries of a sim that led children (`tree depth=3: 2 children done`, `flat n=10: …`, `tree leaf …`). */
export const FOLDED_SUMMARY = /^(tree depth=\d|tree leaf |flat n=\d)/;

type ListThen = Exclude<EaRequest, { kind: 'help' | 'invalid' | 'unknown' }>;
/** The chat message a request came in, to answer in its conversation; null for one typed or sent by the owner. */
type Chat = ChatMessage | null;

/** What to spawn once the names are chosen (and, for a chat request, its project added). */
type SpawnPlan =
  | { kind: 'tree'; name: string; backend: string; task: string; agents: number }
  | { kind: 'agents'; agents: Array<{ name: string; backend: string }> };

interface SpawnBatch {
  names: string[];
  open: number;
  failures: Array<[name: string, error: string]>;
  chat: Chat;
}

interface KillBatch {
  open: number;
  killed: number;
  failures: Array<[name: string, error: string]>;
  chat: Chat;
}

type Purpose =
  | { what: 'list'; then: ListThen; chat: Chat }
  | { what: 'add-project'; plan: SpawnPlan; chat: ChatMessage }
  | { what: 'spawn-root'; name: string; agents: number; chat: Chat }
  | { what: 'spawn-one'; name: string; batch: SpawnBatch }
  | { what: 'kill'; name: string; why: 'fold' | 'all'; batch: KillBatch | null }
  | { what: 'reply'; conversation: string }
  | { what: 'complete-project'; id: number };

type Result = Extract<SimInput, { kind: 'result' }>;

const ProjectAdded = z.object({ project_id: z.number() });
const Killed = z.object({ killed: z.array(z.unknown()) });

export interface EaAgentOptions {
  /** Backend names a request may mention (the adapters omar knows). */
  knownBackends: readonly string[];
}

/**
 * The sim EA: turns plain requests (typed, sent with `omar send ea …`, or arriving as
 * an event from a person or a chat user) into tool calls, answers in its pane — and, for
 * a chat message, in its conversation with chat_reply — and folds a finished tree back by
 * killing its root recursively.
 */
export function createEaAgent(options: EaAgentOptions): SimAgent {
  return new EaAgent(options);
}

class EaAgent implements SimAgent {
  readonly #calls = createCalls<Purpose>();
  /** Tree roots it spawned. */
  readonly #roots = new Set<string>();
  /** The project each agent it spawned for a chat request works for; a project completes when its last one is gone. */
  readonly #projectOf = new Map<string, number>();

  readonly #knownBackends: readonly string[];

  constructor(options: EaAgentOptions) {
    this.#knownBackends = options.knownBackends;
  }

  handle(input: SimInput): Effect[] {
    if (input.kind === 'result') return this.#onResult(input);
    if (input.kind === 'answer') return []; // the EA shows no prompts of its own
    const message = parseMessage(input.text);
    if (message.kind === 'events') return message.items.flatMap((event) => this.#onEvent(event));
    if (message.kind === 'header') return [print(`${MARK.note} the EA takes no task header: ignored`)];
    return this.#onRequest(message.text, null);
  }

  // What arrives: requests (typed, from the owner or from chat), events, notices.

  #onRequest(text: string, chat: Chat): Effect[] {
    const request = parseEaRequest(text, this.#knownBackends);
    switch (request.kind) {
      case 'help':
        return [...EA_HELP.map(print), ...this.#reply(chat, chatHelp())];
      case 'unknown':
        return [
          print(`${MARK.note} I did not understand '${shorten(request.text, 60, { oneLine: 'flat' })}'.`),
          ...EA_HELP.map(print),
          ...this.#reply(chat, chatHelp(request.text)),
        ];
      case 'invalid':
        return [print(`${MARK.error} ${request.reason}`), ...this.#reply(chat, request.reason)];
      default:
        return [
          print(`${MARK.call} list_agents`),
          this.#calls.call('list_agents', {}, { what: 'list', then: request, chat }),
        ];
    }
  }

  #onEvent(event: EventItem): Effect[] {
    if (event.notice) return this.#onNotice(event.notice);
    if (event.sender === 'owner' || event.sender.startsWith('chat:')) {
      const chat = event.sender.startsWith('chat:') ? parseChatPayload(event.payload) : null;
      return [
        print(`${MARK.received} ${event.sender}: ${shorten(event.payload, 160, { oneLine: 'flat' })}`),
        ...this.#onRequest(chat ? chat.text : event.payload, chat),
      ];
    }
    const from = event.sender === DAEMON_SENDER ? 'omar' : event.sender;
    return [
      print(
        `${MARK.received} event from ${from}${event.recurring ? ' (cron)' : ''}: ${shorten(event.payload, 160, { oneLine: 'flat' })}`,
      ),
    ];
  }

  /** Prints every notice; a child that led an organisation is killed recursively, so it folds back. */
  #onNotice(notice: Notice): Effect[] {
    const effects: Effect[] = [print(`${MARK.received} ${shorten(noticeTag(notice), 200, { oneLine: 'flat' })}`)];
    if (notice.kind !== 'child-complete' && notice.kind !== 'child-failed') return effects;
    const { name } = notice;
    if (!this.#ledOrganisation(name, notice.kind === 'child-complete' ? notice.summary : notice.reason)) return effects;
    this.#roots.delete(name);
    return [
      ...effects,
      print(`${MARK.call} kill_agent ${name} (recursive): its organisation is done`),
      this.#calls.call('kill_agent', { name, recursive: true }, { what: 'kill', name, why: 'fold', batch: null }),
    ];
  }

  /** A child whose whole organisation is done: one the EA grew, or any whose summary says it led a tree or a flat team. */
  #ledOrganisation(name: string, summary: string): boolean {
    return this.#roots.has(name) || TREE_ROOT_PATTERN.test(name) || FOLDED_SUMMARY.test(summary);
  }

  // After list_agents: the request itself.

  #afterList(then: ListThen, rows: AgentListRow[], chat: Chat): Effect[] {
    const taken = new Set(rows.map((r) => r.name));
    switch (then.kind) {
      case 'status':
        return [...statusTable(rows).map(print), ...this.#reply(chat, chatStatusLine(rows))];
      case 'kill-all':
        return this.#killAll(rows, chat);
      case 'tree':
        return this.#grow(treePlan(then, taken), chat);
      case 'spawn':
        return this.#grow(agentsPlan(then, taken), chat);
    }
  }

  /** Kills every direct child of the EA, recursively. */
  #killAll(rows: readonly AgentListRow[], chat: Chat): Effect[] {
    const top = rows.filter((r) => r.parent === 'ea');
    if (top.length === 0) return [print(`${MARK.note} nothing to kill`), ...this.#reply(chat, 'nothing to kill')];
    const batch: KillBatch = { open: top.length, killed: 0, failures: [], chat };
    return top.flatMap((r) => [
      print(`${MARK.call} kill_agent ${r.name} (recursive)`),
      this.#calls.call(
        'kill_agent',
        { name: r.name, recursive: true },
        { what: 'kill', name: r.name, why: 'all', batch },
      ),
    ]);
  }

  /** A chat request first gets its project (so its chart goes to that conversation); then the plan is spawned. */
  #grow(plan: SpawnPlan, chat: Chat): Effect[] {
    if (!chat) return this.#spawn(plan, null, null);
    const name = plan.kind === 'tree' ? plan.name : nameRange(plan.agents.map((a) => a.name));
    return [
      print(`${MARK.call} add_project ${name} (its chart goes to ${chat.conversation})`),
      this.#calls.call('add_project', { name, conversation: chat.conversation }, { what: 'add-project', plan, chat }),
    ];
  }

  #spawn(plan: SpawnPlan, chat: Chat, projectId: number | null): Effect[] {
    const project = projectId === null ? {} : { project_id: projectId };
    const inProject = projectId === null ? '' : `, project ${projectId}`;
    if (plan.kind === 'tree') {
      if (projectId !== null) this.#projectOf.set(plan.name, projectId);
      return [
        print(
          `${MARK.call} spawn_agent ${plan.name} [${plan.backend}] (${plan.task}): ${plan.agents} agents${inProject}`,
        ),
        this.#calls.call(
          'spawn_agent',
          { name: plan.name, backend: plan.backend, task: plan.task, ...project },
          { what: 'spawn-root', name: plan.name, agents: plan.agents, chat },
        ),
      ];
    }
    const names = plan.agents.map((a) => a.name);
    const batch: SpawnBatch = { names, open: names.length, failures: [], chat };
    const calls = plan.agents.map(({ name, backend }) => {
      if (projectId !== null) this.#projectOf.set(name, projectId);
      return this.#calls.call(
        'spawn_agent',
        { name, backend, task: 'echo', ...project },
        { what: 'spawn-one', name, batch },
      );
    });
    return [print(`${MARK.call} spawn_agent ×${names.length}: ${nameRange(names)} (task echo)${inProject}`), ...calls];
  }

  /** Answers in the chat conversation the request came from; nothing for a request from the pane or the owner. */
  #reply(chat: Chat, text: string): Effect[] {
    if (!chat) return [];
    return [
      print(`${MARK.call} chat_reply ${chat.conversation}: ${shorten(text, 120, { oneLine: 'flat' })}`),
      this.#calls.call(
        'chat_reply',
        { conversation: chat.conversation, text },
        { what: 'reply', conversation: chat.conversation },
      ),
    ];
  }

  /** An agent it spawned for a project is gone: once none is left, the project is completed. */
  #leaveProject(name: string): Effect[] {
    const id = this.#projectOf.get(name);
    if (id === undefined) return [];
    this.#projectOf.delete(name);
    if ([...this.#projectOf.values()].includes(id)) return [];
    return [
      print(`${MARK.call} complete_project ${id}: its agents are gone`),
      this.#calls.call('complete_project', { project_id: id }, { what: 'complete-project', id }),
    ];
  }

  // Answers to its tool calls.

  #onResult(input: Result): Effect[] {
    const purpose = this.#calls.take(input.id);
    if (!purpose) return [];
    const failure = input.ok ? null : input.error;
    switch (purpose.what) {
      case 'list':
        return this.#onListed(purpose.then, purpose.chat, input);
      case 'add-project':
        return this.#onProjectAdded(purpose.plan, purpose.chat, input);
      case 'spawn-root':
        return this.#onRootSpawned(purpose.name, purpose.agents, purpose.chat, failure);
      case 'spawn-one':
        return this.#onOneSpawned(purpose.name, purpose.batch, failure);
      case 'kill':
        return this.#onKilled(purpose.name, purpose.why, purpose.batch, input);
      case 'reply':
        return failure === null ? [] : [print(`${MARK.error} chat_reply ${purpose.conversation}: ${flat(failure)}`)];
      case 'complete-project':
        return [
          failure === null
            ? print(`${MARK.ok} project ${purpose.id} completed`)
            : print(`${MARK.error} complete_project ${purpose.id}: ${flat(failure)}`),
        ];
    }
  }

  #onListed(then: ListThen, chat: Chat, input: Result): Effect[] {
    if (!input.ok)
      return [
        print(`${MARK.error} list_agents: ${flat(input.error)}`),
        ...this.#reply(chat, `could not list the agents: ${flat(input.error)}`),
      ];
    const parsed = AgentList.safeParse(input.data);
    if (!parsed.success)
      return [
        print(`${MARK.error} list_agents gave an answer I cannot read`),
        ...this.#reply(chat, 'could not read the list of agents'),
      ];
    return this.#afterList(then, parsed.data.agents, chat);
  }

  #onProjectAdded(plan: SpawnPlan, chat: ChatMessage, input: Result): Effect[] {
    const added = input.ok ? ProjectAdded.safeParse(input.data) : null;
    if (!added?.success) {
      const error = input.ok ? 'add_project gave an answer I cannot read' : flat(input.error);
      return [print(`${MARK.error} add_project: ${error}`), ...this.#reply(chat, `could not add a project: ${error}`)];
    }
    const id = added.data.project_id;
    return [print(`${MARK.ok} project ${id} added`), ...this.#spawn(plan, chat, id)];
  }

  #onRootSpawned(name: string, agents: number, chat: Chat, failure: string | null): Effect[] {
    if (failure !== null)
      return [
        print(`${MARK.error} spawn_agent ${name}: ${flat(failure)}`),
        ...this.#reply(chat, spawnFailedText(name, failure)),
        ...this.#leaveProject(name),
      ];
    this.#roots.add(name);
    return [
      print(`${MARK.ok} spawned ${name}; it completes when its whole tree has`),
      ...this.#reply(chat, spawnedTreeText(name, agents)),
    ];
  }

  #onOneSpawned(name: string, batch: SpawnBatch, failure: string | null): Effect[] {
    batch.open -= 1;
    const effects: Effect[] = [];
    if (failure !== null) {
      batch.failures.push([name, failure]);
      effects.push(print(`${MARK.error} spawn_agent ${name}: ${flat(failure)}`), ...this.#leaveProject(name));
    }
    if (batch.open > 0) return effects;
    const { names, failures } = batch;
    return [
      ...effects,
      print(
        `${failures.length === 0 ? MARK.ok : MARK.error} spawned ${names.length - failures.length} of ${names.length} agents`,
      ),
      ...this.#reply(batch.chat, spawnedAgentsText(names, failures)),
    ];
  }

  #onKilled(name: string, why: 'fold' | 'all', batch: KillBatch | null, input: Result): Effect[] {
    const killed = input.ok ? killedCount(input.data) : 0;
    const effects: Effect[] = input.ok
      ? [
          print(
            `${MARK.ok} killed ${name}${killed > 1 ? ` and ${killed - 1} below it` : ''}${why === 'fold' ? ': folded back' : ''}`,
          ),
          ...this.#leaveProject(name),
        ]
      : [print(`${MARK.error} kill_agent ${name}: ${flat(input.error)}`)];
    if (!batch) return effects;
    batch.open -= 1;
    batch.killed += killed;
    if (!input.ok) batch.failures.push([name, input.error]);
    if (batch.open > 0) return effects;
    return [...effects, ...this.#reply(batch.chat, killedText(batch.killed, batch.failures))];
  }
}

/** A tree with one root named after its first backend, the first of `tree-…`, `tree2-…` not taken. */
function treePlan(request: Extract<EaRequest, { kind: 'tree' }>, taken: ReadonlySet<string>): SpawnPlan {
  const backend = request.backends[0]!;
  return {
    kind: 'tree',
    name: freeName(taken, (k) => `tree${k === 1 ? '' : k}-${backend}`),
    backend,
    task: formatTask({ kind: 'tree', depth: request.depth, fanout: request.fanout, backends: request.backends }),
    agents: 1 + treeDescendants(request.depth, request.fanout),
  };
}

/** N echo agents `agent-<k>-<backend>` (the first free k), round-robin over the backends. */
function agentsPlan(request: Extract<EaRequest, { kind: 'spawn' }>, taken: ReadonlySet<string>): SpawnPlan {
  const names = new Set(taken);
  const agents = Array.from({ length: request.n }, (_, i) => {
    const backend = backendFor(i, request.backends)!;
    const name = freeName(names, (k) => `agent-${k}-${backend}`);
    names.add(name);
    return { name, backend };
  });
  return { kind: 'agents', agents };
}

/** The first name `make(1)`, `make(2)`, … not taken. */
function freeName(taken: ReadonlySet<string>, make: (k: number) => string): string {
  for (let k = 1; ; k += 1) {
    const name = make(k);
    if (!taken.has(name)) return name;
  }
}

/** How many agents a kill_agent answer says went (1 when it does not say). */
function killedCount(data: unknown): number {
  const parsed = Killed.safeParse(data);
  return parsed.success ? parsed.data.killed.length : 1;
}

function flat(text: string): string {
  return shorten(text, 200, { oneLine: 'flat' });
}

function print(line: string): Effect {
  return { kind: 'print', line };
}
