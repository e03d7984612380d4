import { z } from 'zod';
import { AppError } from '../errors.js';
import { addEvent } from '../events/new-event.js';
import { EA_AGENT, assertAgentName, sessionNameFor } from '../model/names.js';
import type { Agent, State, Task } from '../model/state.js';
import { defineOperation, type CallContext } from '../operation.js';
import type { BackendCatalog, PreparedLaunch, Recorder, Services } from '../ports.js';
import { assertCanSpawnUnder } from '../permissions.js';
import { isEaAgent, principalLabel } from '../principal.js';
import { IntLike, pasteTextInput } from '../operation-inputs.js';
import { markContinuation } from '../text/frame-lines.js';
import { findAgent } from '../model/agent-lookup.js';
import { isoNow } from '../model/iso-now.js';
import { agentPaneEnv } from '../lifecycle/pane-env.js';
import { requireProject } from '../model/project-lookup.js';
import { PERMISSION_MODES } from '../backends/backend-adapter.js';

const SpawnInput = z.object({
  name: z.string().describe('Unique name within the EA: 1–48 letters, digits, "-" or "_".'),
  command: z
    .string()
    .min(1)
    .optional()
    .describe(
      'Run this shell command in the pane instead of an agent CLI (e.g. "bash"). Such an agent gets no header.',
    ),
  backend: z
    .string()
    .min(1)
    .optional()
    .describe('Agent CLI to run (claude, codex, gemini, opencode, cursor, custom). Default: the configured backend.'),
  parent: z
    .string()
    .min(1)
    .optional()
    .describe(
      "Who the agent reports to: 'ea', yourself, or one of your descendants. Default: you (for the EA and the owner: 'ea').",
    ),
  project_id: IntLike.optional().describe("Project the agent works for. Default: the parent's project."),
  task: pasteTextInput(z.string().max(256 * 1024))
    .optional()
    .describe('What the agent must do; delivered as its first message.'),
  workdir: z
    .string()
    .min(1)
    .optional()
    .describe('Working directory of the pane: an absolute path to an existing folder. Default: agent.default_workdir.'),
  model: z
    .string()
    .regex(/^[A-Za-z0-9._:/-]{1,100}$/, 'letters, digits and . _ : / - only')
    .optional()
    .describe('Model for the backend (e.g. a claude or codex model name).'),
  reasoning_effort: z
    .enum(['low', 'medium', 'high', 'xhigh'])
    .optional()
    .describe('Codex only: low, medium, high or xhigh.'),
  permissions: z
    .enum(PERMISSION_MODES)
    .optional()
    .describe(
      "What the CLI may do without asking: plan (read and plan, then ask to approve the plan), ask, workspace, auto or bypass. Default: agent.permissions (or the backend's own); never looser than that.",
    ),
});

const SpawnOutput = z.object({
  agent_name: z.string(),
  ea: z.number(),
  parent: z.string(),
  backend: z.string(),
  session: z.string(),
  project_id: z.number().nullable(),
  task_id: z.string().nullable(),
  status: z.literal('running'),
});

export const spawnAgent = defineOperation({
  name: 'spawn_agent',
  summary: 'Start a new agent in its own tmux session.',
  description:
    "Starts an agent in a new tmux session and records it (and its task, if any) under a parent. With a backend (default: list_backends shows it) the agent is a coding-agent CLI with omar's tools; its first message (YOUR NAME / YOUR PARENT / YOUR TASK) arrives once it is ready. With `command` it is a raw shell command and gets no message. A worker may spawn only below itself, and its children work for its project. Returns as soon as the session exists. Fails if the name is taken, invalid or reserved, the project does not exist, or the backend is not installed.",
  input: SpawnInput,
  output: SpawnOutput,
  render: (r) =>
    `Spawned **${r.agent_name}** under ${r.parent} (session \`${r.session}\`${r.task_id ? `, ${r.task_id}` : ''}).`,
  access: 'spawn',
  cli: { path: ['spawn'], positional: ['name'] },
  chat: { path: ['spawn'], positional: ['name'] },
  async handler(ctx, input) {
    assertAgentName(input.name);
    assertAbsoluteWorkdir(input.workdir);
    const backend = await backendForSpawn(input, ctx.services.backends);
    const spawn = describeSpawn(ctx, input, backend);
    const reserved = await reserveAgent(ctx, spawn);
    const firstMessageQueued = await startPaneOrUndo(ctx.services, spawn, reserved);
    recordSpawn(ctx.services.recorder, spawn, reserved);
    if (firstMessageQueued) ctx.services.scheduler.wake();
    return {
      agent_name: spawn.name,
      ea: spawn.ea,
      parent: spawn.parent,
      backend,
      session: sessionNameFor(spawn.ea, spawn.name),
      project_id: reserved.agent.projectId,
      task_id: reserved.task?.id ?? null,
      status: 'running' as const,
    };
  },
});

type SpawnInput = z.infer<typeof SpawnInput>;

/** The daemon runs elsewhere than its caller: a relative folder would mean the daemon's (the CLI resolves its own). */
function assertAbsoluteWorkdir(workdir: string | undefined): void {
  if (workdir === undefined || workdir.startsWith('/')) return;
  throw new AppError('INVALID_INPUT', `workdir '${workdir}' is not an absolute path.`, {
    hint: 'Give the full path of an existing folder (starting with /).',
    details: { field: 'workdir', workdir },
  });
}

/** What one spawn_agent call settled before touching the state: who, where, under whom, by whom. */
interface Spawn {
  input: SpawnInput;
  ea: number;
  name: string;
  parent: string;
  backend: string;
  workdir: string;
  /** The spawn's time, as records carry it. */
  now: string;
  by: string;
}

interface Reserved {
  agent: Agent;
  task: Task | null;
}

/** `raw` for a command, else the backend to run; refuses options that do not fit it. */
async function backendForSpawn(input: SpawnInput, backends: BackendCatalog): Promise<string> {
  if (input.command && input.backend) {
    throw new AppError('INVALID_INPUT', "Give either 'command' or 'backend', not both.", {
      hint: "'command' runs a raw shell command; 'backend' runs an agent CLI.",
    });
  }
  const backend = input.command ? 'raw' : await chooseBackend(input.backend, backends);
  if (input.reasoning_effort && backend !== 'codex') {
    throw new AppError(
      'INVALID_INPUT',
      `reasoning_effort applies to the codex backend only (this spawn uses ${backend}).`,
      { hint: "Drop reasoning_effort, or spawn with backend 'codex'." },
    );
  }
  if (input.command && input.model) {
    throw new AppError('INVALID_INPUT', 'model applies to an agent backend, not to a raw command.', {
      hint: 'Put the model flag into the command itself, or use backend.',
    });
  }
  return backend;
}

function describeSpawn(ctx: CallContext, input: SpawnInput, backend: string): Spawn {
  const caller = ctx.caller;
  const defaultParent = caller.kind === 'agent' && !isEaAgent(caller) ? caller.name : EA_AGENT;
  return {
    input,
    ea: ctx.ea,
    name: input.name,
    parent: input.parent ?? defaultParent,
    backend,
    workdir: input.workdir ?? ctx.services.settings.defaultWorkdir,
    now: isoNow(ctx.services.clock),
    by: principalLabel(caller),
  };
}

/** Records the agent (and its task) as starting: validation and insert are one synchronous step, so the name is taken. */
async function reserveAgent(ctx: CallContext, spawn: Spawn): Promise<Reserved> {
  const { caller } = ctx;
  const { input, ea, name, parent, now } = spawn;
  return ctx.services.store.mutate((state) => {
    assertCanSpawnUnder(caller, state.agents, ea, parent);
    const projectId = resolveProject(
      state,
      ea,
      parent,
      input.project_id ?? null,
      caller.kind === 'agent' && !isEaAgent(caller),
    );
    if (findAgent(state, ea, name)) {
      throw new AppError('ALREADY_EXISTS', `An agent named '${name}' already exists in EA ${ea}.`, {
        hint: 'Pick another name, or kill the old one first.',
      });
    }
    const task =
      input.task !== undefined && input.task.trim() !== ''
        ? newTask(state, ea, name, projectId, input.task, now)
        : null;
    if (task) state.tasks.push(task);
    const agent = newAgent(spawn, projectId, task);
    state.agents.push(agent);
    return { agent, task };
  });
}

function newAgent(spawn: Spawn, projectId: number | null, task: Task | null): Agent {
  return {
    name: spawn.name,
    ea: spawn.ea,
    parent: spawn.parent,
    kind: 'pane',
    backend: spawn.backend,
    command: spawn.input.command ?? '',
    workdir: spawn.workdir,
    projectId,
    taskId: task?.id ?? null,
    statusLine: null,
    health: 'starting',
    ready: false,
    tokenHash: '',
    createdAt: spawn.now,
    updatedAt: spawn.now,
    lastActivityAt: null,
    exitedAt: null,
    exitCode: null,
    spawnedBy: spawn.by,
  };
}

/**
 * Starts the agent's session and queues its first message; on any failure takes the
 * spawn back (session, context, records). True when a first message was queued.
 */
async function startPaneOrUndo(services: Services, spawn: Spawn, reserved: Reserved): Promise<boolean> {
  const { mux, contexts, launcher } = services;
  const { input, ea, name, parent, backend, workdir } = spawn;
  const session = sessionNameFor(ea, name);
  let sessionCreated = false;
  try {
    const { tokenHash, contextPath } = await contexts.issue(ea, name);
    const plan =
      backend === 'raw'
        ? null
        : await launcher.prepare({
            role: 'worker',
            ea,
            name,
            backend,
            model: input.model,
            reasoningEffort: input.reasoning_effort,
            ...(input.permissions ? { permissions: input.permissions } : {}),
            workdir,
            contextPath,
            parent,
          });
    await mux.createSession({
      name: session,
      command: plan ? plan.command : input.command!,
      workdir,
      env: agentPaneEnv(services.paneEnv, plan?.env, { ea, name, contextPath }),
    });
    sessionCreated = true;
    const queued = await markStarted(services, spawn, reserved, tokenHash, plan);
    if (plan) launcher.watch(ea, name, plan.readyMarkers, plan.awaitsHello);
    return queued;
  } catch (error) {
    if (sessionCreated) await mux.killSession(session).catch(() => false);
    await contexts.remove(ea, name).catch(() => undefined);
    await services.store.mutate((state) => {
      state.agents = state.agents.filter((a) => !(a.ea === ea && a.name === name));
      state.tasks = state.tasks.filter((t) => t.id !== reserved.task?.id);
      state.events = state.events.filter((e) => !(e.ea === ea && e.receiver === name));
    });
    throw error;
  }
}

/** The session exists: the agent runs, holds its token, and its first message waits in its lane. True when queued. */
async function markStarted(
  services: Services,
  spawn: Spawn,
  reserved: Reserved,
  tokenHash: string,
  plan: PreparedLaunch | null,
): Promise<boolean> {
  const { ea, name, now } = spawn;
  let queued = false;
  await services.store.mutate((state) => {
    const agent = findAgent(state, ea, name);
    if (!agent) return;
    agent.tokenHash = tokenHash;
    agent.health = 'running';
    agent.lastActivityAt = now;
    if (plan) agent.command = plan.command;
    // A raw command is ready once its session exists; a backend agent when it said hello and shows its input (docs/contracts.md §7).
    agent.ready = plan === null;
    const first = firstMessage(spawn, reserved.task, plan);
    if (first !== '') {
      addEvent(state, {
        ea,
        sender: 'omar',
        receiver: name,
        tNs: services.clock.nowNs(),
        payload: first,
        format: 'raw',
        createdAt: now,
      });
      queued = true;
    }
  });
  return queued;
}

/**
 * The first message goes first and alone through the agent's lane: the prompt (for CLIs with no
 * prompt option) and the header. A raw command never gets a header (docs/contracts.md §4).
 */
function firstMessage(spawn: Spawn, task: Task | null, plan: PreparedLaunch | null): string {
  const header = task
    ? `YOUR NAME: ${spawn.name}\nYOUR PARENT: ${spawn.parent}\nYOUR TASK: ${markContinuation(task.text)}`
    : null;
  return plan ? [plan.firstMessage, header].filter((x): x is string => x !== null && x !== '').join('\n\n---\n\n') : '';
}

function recordSpawn(recorder: Recorder, spawn: Spawn, reserved: Reserved): void {
  const { input, ea, name } = spawn;
  recorder.record('agent.spawned', {
    ea,
    agent: name,
    parent: spawn.parent,
    by: spawn.by,
    backend: spawn.backend,
    ...(input.model ? { model: input.model } : {}),
    ...(input.permissions ? { permissions: input.permissions } : {}),
    ...(input.command ? { command: input.command } : {}),
    workdir: spawn.workdir,
    project: reserved.agent.projectId,
  });
  if (reserved.task)
    recorder.record('task.opened', {
      ea,
      agent: name,
      task: reserved.task.id,
      project: reserved.task.projectId,
      text: reserved.task.text,
    });
}

/** The backend for a spawn without a command: the one asked for, else the default; installed, or a clear error. */
async function chooseBackend(asked: string | undefined, backends: BackendCatalog): Promise<string> {
  const list = await backends.list();
  const name = asked ?? (await backends.defaultBackend());
  if (name === null) {
    const how = list.map((b) => `${b.name}: ${b.install}`).join('; ');
    throw new AppError('BACKEND_UNAVAILABLE', 'No agent CLI is installed, so there is no backend to spawn with.', {
      hint: `Install one (${how || 'see omar doctor'}), or pass a command to run in the pane (--command bash).`,
    });
  }
  const info = list.find((b) => b.name === name);
  if (!info) {
    throw new AppError('INVALID_INPUT', `Unknown backend '${name}'.`, {
      hint: `Known backends: ${list.map((b) => b.name).join(', ')}.`,
      details: { field: 'backend' },
    });
  }
  if (!info.installed) {
    throw new AppError(
      'BACKEND_UNAVAILABLE',
      `The ${name} backend is not installed here (no '${info.binary}' on PATH).`,
      { hint: `Install it: ${info.install}. list_backends shows what is installed.` },
    );
  }
  return name;
}

function resolveProject(
  state: Readonly<State>,
  ea: number,
  parent: string,
  given: number | null,
  callerIsWorker: boolean,
): number | null {
  const parentProject = parent === EA_AGENT ? null : (findAgent(state, ea, parent)?.projectId ?? null);
  if (parent !== EA_AGENT && !findAgent(state, ea, parent)) {
    throw new AppError('AGENT_NOT_FOUND', `Parent '${parent}' is not an agent of EA ${ea}.`, {
      hint: "Use 'ea' or the name of a live agent.",
    });
  }
  if (given === null) return parentProject;
  const project = requireProject(state, ea, given);
  if (project.status !== 'active') {
    throw new AppError('CONFLICT', `Project ${given} is already completed.`, {
      hint: 'Add a new project for new work.',
    });
  }
  if (callerIsWorker && given !== parentProject) {
    throw new AppError(
      'PERMISSION_DENIED',
      `A worker's child works for its parent's project (${parentProject ?? 'none'}), not project ${given}.`,
      { hint: 'Leave project_id out.' },
    );
  }
  return given;
}

function newTask(state: State, ea: number, agent: string, projectId: number | null, text: string, now: string): Task {
  const id = `task-${state.next.task}`;
  state.next.task += 1;
  return { id, ea, agent, projectId, text, status: 'running', summary: null, createdAt: now, closedAt: null };
}
