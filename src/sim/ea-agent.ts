import { backendFor } from './child-names.js';
import { EA_HELP, parseEaRequest, type EaRequest } from './ea-requests.js';
import { DAEMON_SENDER, noticeTag, parseMessage, type EventItem, type Notice } from './message-parse.js';
import { shorten } from '../core/text/shorten.js';
import { createCalls, MARK, type Effect, type SimAgent, type SimInput } from './sim-types.js';
import { AgentList, statusTable } from './status-table.js';
import { formatTask, treeDescendants } from './task-protocol.js';

/** Names of the tree roots the EA spawns: `tree-<backend>`, then `tree2-<backend>`, `tree3-…`. */
export const TREE_ROOT_PATTERN = /^tree\d*-[a-z][a-z0-9_]*$/;
/** Summaries of a sim that led children (`tree depth=3: 2 children done`, `flat n=10: …`, `tree leaf …`). */
export const FOLDED_SUMMARY = /^(tree depth=\d|tree leaf |flat n=\d)/;

type ListThen = Exclude<EaRequest, { kind: 'help' | 'invalid' | 'unknown' }>;
type Purpose =
  | { what: 'list'; then: ListThen }
  | { what: 'spawn-root'; name: string }
  | { what: 'spawn-one'; name: string; batch: Batch }
  | { what: 'kill'; name: string; why: 'fold' | 'all' };

interface Batch {
  total: number;
  open: number;
  failed: number;
}

export interface EaAgentOptions {
  /** Backend names a request may mention (the adapters omar knows). */
  knownBackends: readonly string[];
}

/**
 * The sim EA: turns plain requests (typed, sent with `omar send ea …`, or arriving as
 * an event from a person or a chat user) into tool calls, answers in its pane, and folds
 * a finished tree back by killing its root recursively.
 */
export function createEaAgent(options: EaAgentOptions): SimAgent {
  const calls = createCalls<Purpose>();
  const roots = new Set<string>();
  const print = (line: string): Effect => ({ kind: 'print', line });
  /** A child whose whole organisation is done: one the EA grew, or any whose summary says it led a tree or a flat team. */
  const isRoot = (name: string, summary: string): boolean =>
    roots.has(name) || TREE_ROOT_PATTERN.test(name) || FOLDED_SUMMARY.test(summary);

  const onRequest = (text: string): Effect[] => {
    const request = parseEaRequest(text, options.knownBackends);
    switch (request.kind) {
      case 'help':
        return EA_HELP.map(print);
      case 'unknown':
        return [
          print(`${MARK.note} I did not understand '${shorten(request.text, 60, { oneLine: 'flat' })}'.`),
          ...EA_HELP.map(print),
        ];
      case 'invalid':
        return [print(`${MARK.error} ${request.reason}`)];
      default:
        return [print(`${MARK.call} list_agents`), calls.call('list_agents', {}, { what: 'list', then: request })];
    }
  };

  const afterList = (then: ListThen, data: unknown): Effect[] => {
    const parsed = AgentList.safeParse(data);
    if (!parsed.success) return [print(`${MARK.error} list_agents gave an answer I cannot read`)];
    const rows = parsed.data.agents;
    const taken = new Set(rows.map((r) => r.name));
    switch (then.kind) {
      case 'status':
        return statusTable(rows).map(print);
      case 'kill-all': {
        const top = rows.filter((r) => r.parent === 'ea');
        if (top.length === 0) return [print(`${MARK.note} nothing to kill`)];
        return top.flatMap((r) => [
          print(`${MARK.call} kill_agent ${r.name} (recursive)`),
          calls.call('kill_agent', { name: r.name, recursive: true }, { what: 'kill', name: r.name, why: 'all' }),
        ]);
      }
      case 'tree': {
        const backend = then.backends[0]!;
        const name = freeName(taken, (k) => `tree${k === 1 ? '' : k}-${backend}`);
        const task = formatTask({ kind: 'tree', depth: then.depth, fanout: then.fanout, backends: then.backends });
        const agents = 1 + treeDescendants(then.depth, then.fanout);
        return [
          print(`${MARK.call} spawn_agent ${name} [${backend}] (${task}): ${agents} agents`),
          calls.call('spawn_agent', { name, backend, task }, { what: 'spawn-root', name }),
        ];
      }
      case 'spawn': {
        const batch: Batch = { total: then.n, open: then.n, failed: 0 };
        const names: string[] = [];
        const effects: Effect[] = [];
        for (let i = 0; i < then.n; i += 1) {
          const backend = backendFor(i, then.backends)!;
          const name = freeName(taken, (k) => `agent-${k}-${backend}`);
          taken.add(name);
          names.push(name);
          effects.push(calls.call('spawn_agent', { name, backend, task: 'echo' }, { what: 'spawn-one', name, batch }));
        }
        const shown = names.length <= 3 ? names.join(', ') : `${names[0]} … ${names[names.length - 1]}`;
        return [print(`${MARK.call} spawn_agent ×${then.n}: ${shown} (task echo)`), ...effects];
      }
    }
  };

  const onNotice = (notice: Notice): Effect[] => {
    const effects: Effect[] = [print(`${MARK.received} ${shorten(noticeTag(notice), 200, { oneLine: 'flat' })}`)];
    if (notice.kind !== 'child-complete' && notice.kind !== 'child-failed') return effects;
    const { name } = notice;
    if (!isRoot(name, notice.kind === 'child-complete' ? notice.summary : notice.reason)) return effects;
    roots.delete(name);
    return [
      ...effects,
      print(`${MARK.call} kill_agent ${name} (recursive): its organisation is done`),
      calls.call('kill_agent', { name, recursive: true }, { what: 'kill', name, why: 'fold' }),
    ];
  };

  const onEvent = (event: EventItem): Effect[] => {
    if (event.notice) return onNotice(event.notice);
    if (event.sender === 'owner' || event.sender.startsWith('chat:')) {
      return [
        print(`${MARK.received} ${event.sender}: ${shorten(event.payload, 160, { oneLine: 'flat' })}`),
        ...onRequest(event.payload),
      ];
    }
    const from = event.sender === DAEMON_SENDER ? 'omar' : event.sender;
    return [
      print(
        `${MARK.received} event from ${from}${event.recurring ? ' (cron)' : ''}: ${shorten(event.payload, 160, { oneLine: 'flat' })}`,
      ),
    ];
  };

  const onResult = (input: Extract<SimInput, { kind: 'result' }>): Effect[] => {
    const purpose = calls.take(input.id);
    if (!purpose) return [];
    if (purpose.what === 'list') {
      return input.ok
        ? afterList(purpose.then, input.data)
        : [print(`${MARK.error} list_agents: ${shorten(input.error, 200, { oneLine: 'flat' })}`)];
    }
    if (purpose.what === 'spawn-root') {
      if (!input.ok)
        return [print(`${MARK.error} spawn_agent ${purpose.name}: ${shorten(input.error, 200, { oneLine: 'flat' })}`)];
      roots.add(purpose.name);
      return [print(`${MARK.ok} spawned ${purpose.name}; it completes when its whole tree has`)];
    }
    if (purpose.what === 'spawn-one') {
      const { batch } = purpose;
      batch.open -= 1;
      const effects: Effect[] = [];
      if (!input.ok) {
        batch.failed += 1;
        effects.push(
          print(`${MARK.error} spawn_agent ${purpose.name}: ${shorten(input.error, 200, { oneLine: 'flat' })}`),
        );
      }
      if (batch.open === 0)
        effects.push(
          print(
            `${batch.failed === 0 ? MARK.ok : MARK.error} spawned ${batch.total - batch.failed} of ${batch.total} agents`,
          ),
        );
      return effects;
    }
    if (!input.ok)
      return [print(`${MARK.error} kill_agent ${purpose.name}: ${shorten(input.error, 200, { oneLine: 'flat' })}`)];
    const killed = Array.isArray((input.data as { killed?: unknown } | null)?.killed)
      ? (input.data as { killed: unknown[] }).killed.length
      : 1;
    return [
      print(
        `${MARK.ok} killed ${purpose.name}${killed > 1 ? ` and ${killed - 1} below it` : ''}${purpose.why === 'fold' ? ': folded back' : ''}`,
      ),
    ];
  };

  return {
    handle(input) {
      if (input.kind === 'result') return onResult(input);
      const message = parseMessage(input.text);
      if (message.kind === 'events') return message.items.flatMap(onEvent);
      if (message.kind === 'header') return [print(`${MARK.note} the EA takes no task header: ignored`)];
      return onRequest(message.text);
    },
  };
}

/** The first name `make(1)`, `make(2)`, … not taken. */
function freeName(taken: ReadonlySet<string>, make: (k: number) => string): string {
  for (let k = 1; ; k += 1) {
    const name = make(k);
    if (!taken.has(name)) return name;
  }
}
