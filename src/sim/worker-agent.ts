import { backendFor, childName } from './child-names.js';
import { DAEMON_SENDER, noticeTag, parseMessage, type EventItem, type Message, type Notice } from './message-parse.js';
import { shorten } from '../core/text/shorten.js';
import { createCalls, MARK, type Effect, type SimAgent, type SimInput } from './sim-types.js';
import { formatTask, parseTask, type TaskProtocol } from './task-protocol.js';

/** Payload of the self-addressed wake-up of `sleep S`. */
export const WAKE_PREFIX = 'sim wake';

type ChildState = 'spawning' | 'running' | 'completed' | 'failed';
interface Child {
  state: ChildState;
  task: string;
  reason?: string;
  /** kill_agent sent and not answered yet. */
  killing: boolean;
}

type Purpose =
  | { what: 'spawn'; child: string }
  | { what: 'kill'; child: string }
  | { what: 'complete'; status: 'completed' | 'failed' }
  | { what: 'wake' }
  | { what: 'spam'; seq: number };

type Job =
  | { kind: 'none' }
  | { kind: 'fanout'; label: string; children: Map<string, Child> }
  | { kind: 'sleep'; seconds: number; token: string; scheduled: boolean }
  | { kind: 'spam'; n: number; to: string; open: number; failures: string[] }
  | { kind: 'closed' };

/**
 * The worker: waits for its header, runs the task protocol, closes its task with
 * complete_task, and wakes only on what arrives (events, tool results) — never a timer.
 */
export function createWorkerAgent(): SimAgent {
  const calls = createCalls<Purpose>();
  let me: { name: string; parent: string } | null = null;
  let job: Job = { kind: 'none' };
  let closing = false;

  const print = (line: string): Effect => ({ kind: 'print', line });

  const complete = (status: 'completed' | 'failed', summary: string): Effect[] => {
    if (closing) return [];
    closing = true;
    return [
      print(`${MARK.call} complete_task ${status}: ${shorten(summary, 120, { oneLine: 'flat' })}`),
      calls.call(
        'complete_task',
        { status, summary: shorten(summary, 500, { oneLine: 'flat' }) },
        { what: 'complete', status },
      ),
    ];
  };

  const start = (task: TaskProtocol, text: string): Effect[] => {
    const self = me!;
    switch (task.kind) {
      case 'echo':
        return complete('completed', shorten(text, 400, { oneLine: 'flat' }));
      case 'fail':
        return complete('failed', task.reason);
      case 'crash':
        return [print(`${MARK.note} crash: exiting with code 3, task left open`), { kind: 'exit', code: 3 }];
      case 'hang':
        return [print(`${MARK.note} hang: ignoring everything from now on`), { kind: 'hang' }];
      case 'sleep': {
        const token = `${WAKE_PREFIX} ${self.name} after ${task.seconds}s`;
        job = { kind: 'sleep', seconds: task.seconds, token, scheduled: false };
        return [
          print(`${MARK.call} schedule_omar_event to ${self.name} in ${task.seconds}s (wake)`),
          calls.call(
            'schedule_omar_event',
            { receiver: self.name, payload: token, delay_seconds: task.seconds },
            { what: 'wake' },
          ),
        ];
      }
      case 'spam': {
        job = { kind: 'spam', n: task.n, to: task.to, open: task.n, failures: [] };
        const effects: Effect[] = [print(`${MARK.call} schedule_omar_event ×${task.n} to ${task.to}`)];
        for (let seq = 1; seq <= task.n; seq += 1) {
          effects.push(
            calls.call(
              'schedule_omar_event',
              { receiver: task.to, payload: `spam ${seq}/${task.n} from ${self.name}` },
              { what: 'spam', seq },
            ),
          );
        }
        return effects;
      }
      case 'tree':
        if (task.depth <= 1) return complete('completed', `tree leaf ${self.name}: done`);
        return fanOut(
          `tree depth=${task.depth}`,
          Array.from({ length: task.fanout }, (_, i) => ({
            index: i,
            task: formatTask({ ...task, depth: task.depth - 1 }),
            backend: backendFor(i, task.backends),
            backends: task.backends,
          })),
        );
      case 'flat':
        return fanOut(
          `flat n=${task.n}`,
          Array.from({ length: task.n }, (_, i) => ({
            index: i,
            task: task.task,
            backend: backendFor(i, task.backends),
            backends: task.backends,
          })),
        );
    }
  };

  const fanOut = (
    label: string,
    specs: Array<{ index: number; task: string; backend: string | undefined; backends: string[] }>,
  ): Effect[] => {
    const children = new Map<string, Child>();
    const effects: Effect[] = [];
    for (const spec of specs) {
      const name = childName(me!.name, spec.index, spec.backend, spec.backends);
      children.set(name, { state: 'spawning', task: spec.task, killing: false });
      effects.push(print(`${MARK.call} spawn_agent ${name}${spec.backend ? ` [${spec.backend}]` : ''} (${spec.task})`));
      effects.push(
        calls.call(
          'spawn_agent',
          { name, task: spec.task, ...(spec.backend ? { backend: spec.backend } : {}) },
          { what: 'spawn', child: name },
        ),
      );
    }
    job = { kind: 'fanout', label, children };
    return effects;
  };

  /** After a child changed: close the task once every child is done and every kill answered. */
  const settleFanout = (): Effect[] => {
    if (job.kind !== 'fanout') return [];
    const children = [...job.children.entries()];
    if (children.some(([, c]) => c.state === 'spawning' || c.state === 'running' || c.killing)) return [];
    const failed = children.filter(([, c]) => c.state === 'failed');
    const label = job.label;
    job = { kind: 'closed' };
    if (failed.length === 0)
      return complete('completed', `${label}: ${children.length} ${children.length === 1 ? 'child' : 'children'} done`);
    const list = failed
      .map(([name, c]) => `${name} (${shorten(c.reason ?? 'failed', 80, { oneLine: 'flat' })})`)
      .join(', ');
    return complete('failed', `${label}: ${failed.length} of ${children.length} children failed: ${list}`);
  };

  const childEnded = (name: string, state: 'completed' | 'failed', reason: string): Effect[] => {
    if (job.kind !== 'fanout') return [];
    const child = job.children.get(name);
    if (!child || child.state === 'completed' || child.state === 'failed') return [];
    child.state = state;
    if (state === 'failed') child.reason = reason;
    child.killing = true;
    return [
      print(`${MARK.call} kill_agent ${name} (recursive)`),
      calls.call('kill_agent', { name, recursive: true }, { what: 'kill', child: name }),
    ];
  };

  const onNotice = (notice: Notice): Effect[] => {
    const effects: Effect[] = [print(`${MARK.received} ${shorten(noticeTag(notice), 200, { oneLine: 'flat' })}`)];
    if (notice.kind === 'child-complete') effects.push(...childEnded(notice.name, 'completed', notice.summary));
    else if (notice.kind === 'child-failed') effects.push(...childEnded(notice.name, 'failed', notice.reason));
    return effects;
  };

  const onEvent = (event: EventItem): Effect[] => {
    if (event.notice) return onNotice(event.notice);
    if (job.kind === 'sleep' && me && event.sender === me.name && event.payload.trim() === job.token) {
      const { seconds } = job;
      job = { kind: 'closed' };
      return [
        print(`${MARK.received} wake-up after ${seconds}s`),
        ...complete('completed', `slept ${seconds}s and woke up`),
      ];
    }
    const from = event.sender === DAEMON_SENDER ? 'omar' : event.sender;
    return [
      print(
        `${MARK.received} event from ${from}${event.recurring ? ' (cron)' : ''}: ${shorten(event.payload, 160, { oneLine: 'flat' })}`,
      ),
    ];
  };

  const onMessage = (message: Message): Effect[] => {
    switch (message.kind) {
      case 'header': {
        if (me) return [print(`${MARK.note} a second header for ${message.name}: ignored (I am ${me.name})`)];
        me = { name: message.name, parent: message.parent };
        const parsed = parseTask(message.task);
        const effects: Effect[] = [
          print(
            `${MARK.received} I am ${message.name}, parent ${message.parent}, task: ${shorten(message.task, 120, { oneLine: 'flat' })}`,
          ),
        ];
        if (!parsed.ok)
          return [...effects, print(`${MARK.error} ${parsed.error}`), ...complete('failed', `sim: ${parsed.error}`)];
        return [...effects, ...start(parsed.task, message.task)];
      }
      case 'events':
        return message.items.flatMap(onEvent);
      case 'text':
        return [print(`${MARK.note} not a header or an event: ignored`)];
    }
  };

  const onResult = (input: Extract<SimInput, { kind: 'result' }>): Effect[] => {
    const purpose = calls.take(input.id);
    if (!purpose) return [];
    const failure = input.ok ? null : input.error;
    switch (purpose.what) {
      case 'spawn': {
        if (job.kind !== 'fanout') return [];
        const child = job.children.get(purpose.child);
        if (!child || child.state !== 'spawning') return [];
        if (failure === null) {
          child.state = 'running';
          return [];
        }
        child.state = 'failed';
        child.reason = `spawn failed: ${failure}`;
        return [
          print(`${MARK.error} spawn_agent ${purpose.child}: ${shorten(failure, 200, { oneLine: 'flat' })}`),
          ...settleFanout(),
        ];
      }
      case 'kill': {
        if (job.kind !== 'fanout') return [];
        const child = job.children.get(purpose.child);
        if (child) child.killing = false;
        const effects: Effect[] =
          failure === null
            ? []
            : [print(`${MARK.error} kill_agent ${purpose.child}: ${shorten(failure, 200, { oneLine: 'flat' })}`)];
        return [...effects, ...settleFanout()];
      }
      case 'complete':
        job = { kind: 'closed' };
        return failure === null
          ? [print(`${MARK.ok} task closed (${purpose.status})`)]
          : [print(`${MARK.error} complete_task: ${shorten(failure, 200, { oneLine: 'flat' })}`)];
      case 'wake':
        if (failure === null) {
          if (job.kind === 'sleep') job.scheduled = true;
          return [print(`${MARK.note} waiting for the wake-up event`)];
        }
        return [
          print(`${MARK.error} schedule_omar_event: ${shorten(failure, 200, { oneLine: 'flat' })}`),
          ...complete('failed', `sleep: could not schedule the wake-up: ${failure}`),
        ];
      case 'spam': {
        if (job.kind !== 'spam') return [];
        job.open -= 1;
        if (failure !== null) job.failures.push(`#${purpose.seq}: ${shorten(failure, 120, { oneLine: 'flat' })}`);
        if (job.open > 0) return [];
        const { n, to, failures } = job;
        job = { kind: 'closed' };
        if (failures.length === 0)
          return [
            print(`${MARK.ok} ${n} events scheduled to ${to}`),
            ...complete('completed', `spam: ${n} events scheduled to ${to}`),
          ];
        return [
          print(`${MARK.error} ${failures.length} of ${n} events to ${to} failed`),
          ...complete('failed', `spam: ${failures.length} of ${n} events to ${to} failed; first ${failures[0]}`),
        ];
      }
    }
  };

  return {
    handle(input) {
      return input.kind === 'submit' ? onMessage(parseMessage(input.text)) : onResult(input);
    },
  };
}
