import { z } from 'zod';
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
  | { what: 'spam'; seq: number }
  | { what: 'ask' }
  | { what: 'status' };

type Job =
  | { kind: 'none' }
  | { kind: 'fanout'; label: string; children: Map<string, Child> }
  | { kind: 'sleep'; seconds: number; token: string; scheduled: boolean }
  | { kind: 'spam'; n: number; to: string; open: number; failures: string[] }
  /** `id` is null until request_approval has answered. */
  | { kind: 'approval'; question: string; id: string | null }
  /** A prompt on screen, until a choice is pressed. */
  | { kind: 'prompt'; question: string }
  | { kind: 'closed' };

const ApprovalRequested = z.object({ approval_id: z.string(), conversation: z.string().nullable().optional() });

/**
 * The worker: waits for its header, runs the task protocol, closes its task with
 * complete_task, and wakes only on what arrives (events, tool results) — never a timer.
 */
export function createWorkerAgent(): SimAgent {
  return new WorkerAgent();
}

type Result = Extract<SimInput, { kind: 'result' }>;
type FanoutSpec = { index: number; task: string; backend: string | undefined; backends: string[] };

class WorkerAgent implements SimAgent {
  readonly #calls = createCalls<Purpose>();
  #me: { name: string; parent: string } | null = null;
  #job: Job = { kind: 'none' };
  #closing = false;

  handle(input: SimInput): Effect[] {
    if (input.kind === 'answer') return this.#onAnswer(input.choice);
    return input.kind === 'submit' ? this.#onMessage(parseMessage(input.text)) : this.#onResult(input);
  }

  // What arrives in the pane: the header, events, anything else.

  #onMessage(message: Message): Effect[] {
    switch (message.kind) {
      case 'header':
        return this.#onHeader(message);
      case 'events':
        return message.items.flatMap((event) => this.#onEvent(event));
      case 'text':
        return [print(`${MARK.note} not a header or an event: ignored`)];
    }
  }

  #onHeader(header: Extract<Message, { kind: 'header' }>): Effect[] {
    if (this.#me) return [print(`${MARK.note} a second header for ${header.name}: ignored (I am ${this.#me.name})`)];
    this.#me = { name: header.name, parent: header.parent };
    const parsed = parseTask(header.task);
    const effects: Effect[] = [
      print(
        `${MARK.received} I am ${header.name}, parent ${header.parent}, task: ${shorten(header.task, 120, { oneLine: 'flat' })}`,
      ),
    ];
    if (!parsed.ok)
      return [...effects, print(`${MARK.error} ${parsed.error}`), ...this.#complete('failed', `sim: ${parsed.error}`)];
    return [...effects, ...this.#start(parsed.task, header.task)];
  }

  #onEvent(event: EventItem): Effect[] {
    if (event.notice) return this.#onNotice(event.notice);
    const job = this.#job;
    if (job.kind === 'sleep' && this.#me && event.sender === this.#me.name && event.payload.trim() === job.token) {
      this.#job = { kind: 'closed' };
      return [
        print(`${MARK.received} wake-up after ${job.seconds}s`),
        ...this.#complete('completed', `slept ${job.seconds}s and woke up`),
      ];
    }
    const from = event.sender === DAEMON_SENDER ? 'omar' : event.sender;
    return [
      print(
        `${MARK.received} event from ${from}${event.recurring ? ' (cron)' : ''}: ${shorten(event.payload, 160, { oneLine: 'flat' })}`,
      ),
    ];
  }

  #onNotice(notice: Notice): Effect[] {
    const effects: Effect[] = [print(`${MARK.received} ${shorten(noticeTag(notice), 200, { oneLine: 'flat' })}`)];
    if (notice.kind === 'child-complete') effects.push(...this.#childEnded(notice.name, 'completed', notice.summary));
    else if (notice.kind === 'child-failed') effects.push(...this.#childEnded(notice.name, 'failed', notice.reason));
    else if (notice.kind === 'approval-answered')
      effects.push(...this.#approvalDecided(notice.approval, `approved: ${notice.option} by ${notice.by}`));
    else if (notice.kind === 'approval-timed-out')
      effects.push(...this.#approvalDecided(notice.approval, 'approval timed out'));
    return effects;
  }

  // The task protocol.

  #start(task: TaskProtocol, text: string): Effect[] {
    switch (task.kind) {
      case 'echo':
        return this.#complete('completed', shorten(text, 400, { oneLine: 'flat' }));
      case 'fail':
        return this.#complete('failed', task.reason);
      case 'crash':
        return [print(`${MARK.note} crash: exiting with code 3, task left open`), { kind: 'exit', code: 3 }];
      case 'hang':
        return [print(`${MARK.note} hang: ignoring everything from now on`), { kind: 'hang' }];
      case 'sleep':
        return this.#startSleep(task.seconds);
      case 'spam':
        return this.#startSpam(task.n, task.to);
      case 'approve':
        return this.#startApproval(task);
      case 'prompt':
        this.#job = { kind: 'prompt', question: task.question };
        return [
          print(`${MARK.note} prompt: ${shorten(task.question, 120, { oneLine: 'flat' })}`),
          { kind: 'prompt', question: task.question, choices: task.choices },
        ];
      case 'tree':
        if (task.depth <= 1) return this.#complete('completed', `tree leaf ${this.#me!.name}: done`);
        return this.#fanOut(
          `tree depth=${task.depth}`,
          Array.from({ length: task.fanout }, (_, i) => ({
            index: i,
            task: formatTask({ ...task, depth: task.depth - 1 }),
            backend: backendFor(i, task.backends),
            backends: task.backends,
          })),
        );
      case 'flat':
        return this.#fanOut(
          `flat n=${task.n}`,
          Array.from({ length: task.n }, (_, i) => ({
            index: i,
            task: task.task,
            backend: backendFor(i, task.backends),
            backends: task.backends,
          })),
        );
    }
  }

  /** Schedules its own wake-up event; the task closes when it arrives. */
  #startSleep(seconds: number): Effect[] {
    const self = this.#me!.name;
    const token = `${WAKE_PREFIX} ${self} after ${seconds}s`;
    this.#job = { kind: 'sleep', seconds, token, scheduled: false };
    return [
      print(`${MARK.call} schedule_omar_event to ${self} in ${seconds}s (wake)`),
      this.#calls.call(
        'schedule_omar_event',
        { receiver: self, payload: token, delay_seconds: seconds },
        { what: 'wake' },
      ),
    ];
  }

  /** Schedules n events to one receiver at once; the task closes when every call is answered. */
  #startSpam(n: number, to: string): Effect[] {
    this.#job = { kind: 'spam', n, to, open: n, failures: [] };
    const effects: Effect[] = [print(`${MARK.call} schedule_omar_event ×${n} to ${to}`)];
    for (let seq = 1; seq <= n; seq += 1) {
      effects.push(
        this.#calls.call(
          'schedule_omar_event',
          { receiver: to, payload: `spam ${seq}/${n} from ${this.#me!.name}` },
          { what: 'spam', seq },
        ),
      );
    }
    return effects;
  }

  /** Asks a person; the task closes when the answer (or the time-out) arrives as an event from omar. */
  #startApproval(task: Extract<TaskProtocol, { kind: 'approve' }>): Effect[] {
    this.#job = { kind: 'approval', question: task.question, id: null };
    const options = task.options ? ` [${task.options.join(' / ')}]` : '';
    const timeout = task.timeoutSeconds === null ? '' : `, timeout ${task.timeoutSeconds}s`;
    return [
      print(`${MARK.call} request_approval: ${shorten(task.question, 120, { oneLine: 'flat' })}${options}${timeout}`),
      this.#calls.call(
        'request_approval',
        {
          question: task.question,
          ...(task.options ? { options: task.options } : {}),
          ...(task.timeoutSeconds === null ? {} : { timeout_seconds: task.timeoutSeconds }),
        },
        { what: 'ask' },
      ),
    ];
  }

  /**
   * The answer to the open approval (any answer while request_approval has not returned
   * yet: a worker asks one at a time): the status line stops saying it waits, and the task
   * closes with the answer as its summary.
   */
  /** The person pressed a choice of the prompt on screen: the task closes with it. */
  #onAnswer(choice: string): Effect[] {
    if (this.#job.kind !== 'prompt') return [];
    const question = this.#job.question;
    this.#job = { kind: 'closed' };
    const summary = `prompt answered: ${choice} (${shorten(question, 80, { oneLine: 'flat' })})`;
    return [print(`${MARK.received} ${summary}`), ...this.#complete('completed', summary)];
  }

  #approvalDecided(id: string, summary: string): Effect[] {
    const job = this.#job;
    if (job.kind !== 'approval' || (job.id !== null && job.id !== id)) return [];
    this.#job = { kind: 'closed' };
    return [...this.#setStatus(summary), ...this.#complete('completed', summary)];
  }

  #setStatus(status: string): Effect[] {
    return [
      print(`${MARK.call} update_agent_status ${status}`),
      this.#calls.call('update_agent_status', { status }, { what: 'status' }),
    ];
  }

  /** Spawns the children; the task closes when each has ended and been killed. */
  #fanOut(label: string, specs: FanoutSpec[]): Effect[] {
    const children = new Map<string, Child>();
    const effects: Effect[] = [];
    for (const spec of specs) {
      const name = childName(this.#me!.name, spec.index, spec.backend, spec.backends);
      children.set(name, { state: 'spawning', task: spec.task, killing: false });
      effects.push(print(`${MARK.call} spawn_agent ${name}${spec.backend ? ` [${spec.backend}]` : ''} (${spec.task})`));
      effects.push(
        this.#calls.call(
          'spawn_agent',
          { name, task: spec.task, ...(spec.backend ? { backend: spec.backend } : {}) },
          { what: 'spawn', child: name },
        ),
      );
    }
    this.#job = { kind: 'fanout', label, children };
    return effects;
  }

  /** A child reported its end: remember how, and kill its subtree. */
  #childEnded(name: string, state: 'completed' | 'failed', reason: string): Effect[] {
    if (this.#job.kind !== 'fanout') return [];
    const child = this.#job.children.get(name);
    if (!child || child.state === 'completed' || child.state === 'failed') return [];
    child.state = state;
    if (state === 'failed') child.reason = reason;
    child.killing = true;
    return [
      print(`${MARK.call} kill_agent ${name} (recursive)`),
      this.#calls.call('kill_agent', { name, recursive: true }, { what: 'kill', child: name }),
    ];
  }

  /** After a child changed: close the task once every child is done and every kill answered. */
  #settleFanout(): Effect[] {
    const job = this.#job;
    if (job.kind !== 'fanout') return [];
    const children = [...job.children.entries()];
    if (children.some(([, c]) => c.state === 'spawning' || c.state === 'running' || c.killing)) return [];
    const failed = children.filter(([, c]) => c.state === 'failed');
    this.#job = { kind: 'closed' };
    if (failed.length === 0)
      return this.#complete(
        'completed',
        `${job.label}: ${children.length} ${children.length === 1 ? 'child' : 'children'} done`,
      );
    const list = failed
      .map(([name, c]) => `${name} (${shorten(c.reason ?? 'failed', 80, { oneLine: 'flat' })})`)
      .join(', ');
    return this.#complete('failed', `${job.label}: ${failed.length} of ${children.length} children failed: ${list}`);
  }

  /** Closes the task with complete_task (once). */
  #complete(status: 'completed' | 'failed', summary: string): Effect[] {
    if (this.#closing) return [];
    this.#closing = true;
    return [
      print(`${MARK.call} complete_task ${status}: ${shorten(summary, 120, { oneLine: 'flat' })}`),
      this.#calls.call(
        'complete_task',
        { status, summary: shorten(summary, 500, { oneLine: 'flat' }) },
        { what: 'complete', status },
      ),
    ];
  }

  // Answers to its tool calls.

  #onResult(input: Result): Effect[] {
    const purpose = this.#calls.take(input.id);
    if (!purpose) return [];
    const failure = input.ok ? null : input.error;
    switch (purpose.what) {
      case 'spawn':
        return this.#onSpawned(purpose.child, failure);
      case 'kill':
        return this.#onKilled(purpose.child, failure);
      case 'complete':
        return this.#onClosed(purpose.status, failure);
      case 'wake':
        return this.#onWakeScheduled(failure);
      case 'spam':
        return this.#onSpamScheduled(purpose.seq, failure);
      case 'ask':
        return this.#onApprovalRequested(input);
      case 'status':
        return failure === null
          ? []
          : [print(`${MARK.error} update_agent_status: ${shorten(failure, 200, { oneLine: 'flat' })}`)];
    }
  }

  #onSpawned(name: string, failure: string | null): Effect[] {
    if (this.#job.kind !== 'fanout') return [];
    const child = this.#job.children.get(name);
    if (!child || child.state !== 'spawning') return [];
    if (failure === null) {
      child.state = 'running';
      return [];
    }
    child.state = 'failed';
    child.reason = `spawn failed: ${failure}`;
    return [
      print(`${MARK.error} spawn_agent ${name}: ${shorten(failure, 200, { oneLine: 'flat' })}`),
      ...this.#settleFanout(),
    ];
  }

  #onKilled(name: string, failure: string | null): Effect[] {
    if (this.#job.kind !== 'fanout') return [];
    const child = this.#job.children.get(name);
    if (child) child.killing = false;
    const effects: Effect[] =
      failure === null
        ? []
        : [print(`${MARK.error} kill_agent ${name}: ${shorten(failure, 200, { oneLine: 'flat' })}`)];
    return [...effects, ...this.#settleFanout()];
  }

  #onClosed(status: 'completed' | 'failed', failure: string | null): Effect[] {
    this.#job = { kind: 'closed' };
    return failure === null
      ? [print(`${MARK.ok} task closed (${status})`)]
      : [print(`${MARK.error} complete_task: ${shorten(failure, 200, { oneLine: 'flat' })}`)];
  }

  #onWakeScheduled(failure: string | null): Effect[] {
    if (failure === null) {
      if (this.#job.kind === 'sleep') this.#job.scheduled = true;
      return [print(`${MARK.note} waiting for the wake-up event`)];
    }
    return [
      print(`${MARK.error} schedule_omar_event: ${shorten(failure, 200, { oneLine: 'flat' })}`),
      ...this.#complete('failed', `sleep: could not schedule the wake-up: ${failure}`),
    ];
  }

  /** The approval is open: say where, and show in the status line (⏸ in chat) that it waits on a person. */
  #onApprovalRequested(input: Result): Effect[] {
    if (!input.ok)
      return [
        print(`${MARK.error} request_approval: ${shorten(input.error, 200, { oneLine: 'flat' })}`),
        ...this.#complete('failed', `approve: could not ask: ${input.error}`),
      ];
    const job = this.#job;
    const asked = ApprovalRequested.safeParse(input.data);
    if (!asked.success) {
      if (job.kind !== 'approval') return [];
      return [
        print(`${MARK.error} request_approval gave an answer I cannot read`),
        ...this.#complete('failed', 'approve: request_approval gave an answer I cannot read'),
      ];
    }
    const { approval_id: id, conversation } = asked.data;
    if (job.kind !== 'approval') return [print(`${MARK.note} approval ${id} is already answered`)];
    job.id = id;
    const where = conversation ? `its card is in ${conversation}` : `no chat: omar approve ${id} OPTION answers it`;
    return [
      print(`${MARK.note} waiting for approval ${id} (${where})`),
      ...this.#setStatus(`waiting: approval ${id} — ${shorten(job.question, 100, { oneLine: 'flat' })}`),
    ];
  }

  #onSpamScheduled(seq: number, failure: string | null): Effect[] {
    const job = this.#job;
    if (job.kind !== 'spam') return [];
    job.open -= 1;
    if (failure !== null) job.failures.push(`#${seq}: ${shorten(failure, 120, { oneLine: 'flat' })}`);
    if (job.open > 0) return [];
    const { n, to, failures } = job;
    this.#job = { kind: 'closed' };
    if (failures.length === 0)
      return [
        print(`${MARK.ok} ${n} events scheduled to ${to}`),
        ...this.#complete('completed', `spam: ${n} events scheduled to ${to}`),
      ];
    return [
      print(`${MARK.error} ${failures.length} of ${n} events to ${to} failed`),
      ...this.#complete('failed', `spam: ${failures.length} of ${n} events to ${to} failed; first ${failures[0]}`),
    ];
  }
}

function print(line: string): Effect {
  return { kind: 'print', line };
}
