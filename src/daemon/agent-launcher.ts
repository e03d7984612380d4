import { mkdir, rename, writeFile } from 'node:fs/promises';
import { AppError } from '../core/errors.js';
import { dirname, join } from 'node:path';
import type {
  BackendAdapter,
  LaunchRequest,
  PermissionMode,
  ReasoningEffort,
} from '../core/backends/backend-adapter.js';
import { buildEaPrompt, renderMemory } from '../core/memory/render-memory.js';
import type { AgentLauncher, Clock, LaunchSpec, NotesStore, PreparedLaunch, StateStore } from '../core/ports.js';
import { loadPromptTemplate, renderPrompt, type PromptTemplate } from '../runtime/prompts/load-prompt.js';

export interface AgentLauncherOptions {
  home: string;
  store: StateStore;
  notes: NotesStore;
  clock: Clock;
  promptsDir: string;
  /** argv that runs `omar mcp-server` (the adapters append `mcp-server --context FILE`). */
  omarArgv: readonly string[];
  /** The permission mode an agent of this backend is launched in (agent.permissions, or the backend's own). */
  permissionsFor: (backend: string) => PermissionMode;
  adapterFor: (backend: string) => BackendAdapter;
  custom?: LaunchRequest['custom'];
  sim?: LaunchRequest['sim'];
  /** Readiness tracking (docs/contracts.md §7). */
  watch: (ea: number, name: string, markers: readonly string[], awaitsHello: boolean) => void;
}

/**
 * Turns a backend agent into a pane command: renders its prompt (for an EA: template +
 * memory snapshot + notes, bounded), writes it and the agent's own config files into
 * its folder (0600), and asks the backend adapter for the command line.
 */
export function createAgentLauncher(options: AgentLauncherOptions): AgentLauncher {
  const templates = new Map<string, Promise<PromptTemplate>>();
  const template = (name: 'executive-assistant' | 'agent'): Promise<PromptTemplate> => {
    let t = templates.get(name);
    if (!t) {
      t = loadPromptTemplate(options.promptsDir, name);
      templates.set(name, t);
      t.catch(() => templates.delete(name));
    }
    return t;
  };

  const systemPrompt = async (spec: LaunchSpec): Promise<string> => {
    const state = options.store.get();
    const ea = state.eas.find((e) => e.id === spec.ea);
    const eaName = ea?.name ?? String(spec.ea);
    if (spec.role === 'ea') {
      const rendered = renderPrompt(await template('executive-assistant'), { EA_NAME: eaName, EA_ID: spec.ea });
      const memory = renderMemory(state, spec.ea, { now: options.clock.now() });
      return buildEaPrompt({ template: rendered, memory, notes: await options.notes.read(spec.ea) });
    }
    return renderPrompt(await template('agent'), {
      AGENT_NAME: spec.name,
      PARENT_NAME: spec.parent ?? 'ea',
      EA_NAME: eaName,
      EA_ID: spec.ea,
    });
  };

  return {
    async prepare(spec): Promise<PreparedLaunch> {
      const adapter = options.adapterFor(spec.backend);
      const agentDir = dirname(spec.contextPath);
      await mkdir(agentDir, { recursive: true, mode: 0o700 });
      const prompt = await systemPrompt(spec);
      const promptFile = join(agentDir, 'prompt.md');
      await writePrivate(promptFile, prompt);
      const plan = adapter.plan({
        role: spec.role,
        ea: spec.ea,
        name: spec.name,
        contextPath: spec.contextPath,
        omarArgv: options.omarArgv,
        systemPrompt: prompt,
        promptFile,
        agentDir,
        workdir: spec.workdir,
        ...(spec.model ? { model: spec.model } : {}),
        ...(spec.reasoningEffort ? { reasoningEffort: spec.reasoningEffort as ReasoningEffort } : {}),
        permissions: permissionsOf(spec, options.permissionsFor(spec.backend)),
        ...(options.custom ? { custom: options.custom } : {}),
        ...(options.sim ? { sim: options.sim } : {}),
        home: options.home,
      });
      for (const file of plan.files) {
        await mkdir(dirname(file.path), { recursive: true, mode: 0o700 });
        await writePrivate(file.path, file.content, file.mode ?? 0o600);
      }
      return {
        command: plan.command,
        env: plan.env,
        firstMessage: plan.firstMessage ?? null,
        readyMarkers: plan.readyMarkers,
        awaitsHello: plan.awaitsHello,
      };
    },
    watch: options.watch,
  };
}

/** How loose each mode is: a spawn may ask for its configured mode or a stricter one (else PERMISSION_DENIED). */
const LOOSENESS: Record<PermissionMode, number> = { plan: 0, ask: 1, workspace: 2, auto: 3, bypass: 4 };

export function permissionsOf(
  spec: Pick<LaunchSpec, 'permissions' | 'backend'>,
  configured: PermissionMode,
): PermissionMode {
  const asked = spec.permissions;
  if (!asked) return configured;
  if (LOOSENESS[asked] > LOOSENESS[configured])
    throw new AppError(
      'PERMISSION_DENIED',
      `permissions "${asked}" is looser than "${configured}", which config.toml allows for ${spec.backend} agents.`,
      { hint: `Spawn with permissions "${configured}" or stricter, or change agent.permissions in config.toml.` },
    );
  return asked;
}

async function writePrivate(path: string, content: string, mode = 0o600): Promise<void> {
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(tmp, content, { mode });
  await rename(tmp, path);
}
