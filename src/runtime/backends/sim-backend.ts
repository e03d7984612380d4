import { basename, dirname, join } from 'node:path';
import { AppError } from '../../core/errors.js';
import type { BackendAdapter, LaunchPlan, LaunchRequest } from '../../core/backends/backend-adapter.js';
import { shCommand } from '../../core/backends/backend-adapter.js';
import { findBundle } from '../find-bundle.js';
import { detectSimDialog } from './sim-dialogs.js';

/** The sim bundle's file name, built next to dist/mcp-server.mjs and dist/omar.mjs. */
export const SIM_BUNDLE = 'sim.mjs';

/** Readiness markers: the banner (`omar sim — <role> <name>`) and the input marker. */
export const SIM_READY_MARKERS = ['omar sim', 'sim›'] as const;

export interface SimBackendOptions {
  /** Finds sim.mjs from a folder upwards (it, or its dist/); null when there is none. Default: on disk. */
  locate?: (startDir: string) => string | null;
  /** node, when omar's own argv does not start with it. Default: this process's node. */
  execPath?: string;
}

/**
 * `sim`: omar's own scripted agent (src/sim, docs/sim.md), bundled as dist/sim.mjs. A real
 * MCP client of its own `omar mcp-server`, used by tests, demos and benchmarks when no
 * model is at hand; it ships with omar, so there is nothing to install.
 *
 * - Command: `exec <node> <dist>/sim.mjs --context <context> --omar-argv <omar argv as JSON>
 *   --role <ea|worker> --name <name>`, and `--receipts <dir>` when config.toml's `[sim]
 *   receipts_dir` is set. The bundle sits next to omar's own script when that
 *   is a bundle in dist/ (mcp-server.mjs or omar.mjs); otherwise (omar run from sources)
 *   it is looked for from that script's folder upwards, in a dist/ folder.
 * - No system prompt (the sim follows docs/sim.md, not a prompt), no model, no files.
 * - Readiness: its banner `omar sim` and its input marker `sim›` (without the trailing
 *   space: a plain capture drops trailing blanks), plus the MCP hello like every CLI.
 * - Input: bracketed paste echoed as it arrives (no placeholder); a CR submits at once.
 */
export function createSimBackend(options: SimBackendOptions = {}): BackendAdapter {
  const locate = options.locate ?? findSimBundle;
  return {
    name: 'sim',
    binary: '',
    install: 'nothing to install: the sim agent ships with omar (dist/sim.mjs, built by npm run build)',
    verified: true,
    builtIn: true,
    input: { placeholders: [], submitDelayMs: 0 },
    detectDialog: detectSimDialog,
    plan(request: LaunchRequest): LaunchPlan {
      const { node, bundle } = simLaunch(request.omarArgv, locate, options.execPath ?? process.execPath);
      const argv = [
        node,
        bundle,
        '--context',
        request.contextPath,
        '--omar-argv',
        JSON.stringify(request.omarArgv),
        '--role',
        request.role,
        '--name',
        request.name,
        ...(request.sim ? ['--receipts', request.sim.receiptsDir] : []),
      ];
      // `exec`: node replaces the pane's shell, one process less per agent.
      return {
        command: `exec ${shCommand(argv)}`,
        env: {},
        files: [],
        readyMarkers: [...SIM_READY_MARKERS],
        awaitsHello: true,
      };
    },
  };
}

export const simBackend: BackendAdapter = createSimBackend();

/** Which node runs which sim.mjs, for omar's own argv (e.g. [node, --flag, /x/dist/mcp-server.mjs]). */
export function simLaunch(
  omarArgv: readonly string[],
  locate: (startDir: string) => string | null,
  execPath: string,
): { node: string; bundle: string } {
  // Node's own flags (e.g. the MCP server's --max-semi-space-size) come before the script.
  const [first, ...rest] = omarArgv;
  const script = rest.find((arg) => !arg.startsWith('-'));
  if (!first)
    throw new AppError(
      'INTERNAL',
      'The launch request has no argv for omar itself, so the sim agent cannot start its MCP server.',
    );
  const node = script !== undefined ? first : execPath;
  if (script !== undefined && /^(mcp-server|omar)\.mjs$/.test(basename(script)))
    return { node, bundle: join(dirname(script), SIM_BUNDLE) };
  const bundle = locate(dirname(script ?? first));
  if (!bundle) {
    throw new AppError(
      'BACKEND_UNAVAILABLE',
      `The sim agent's bundle (${SIM_BUNDLE}) was not found near ${script ?? first}.`,
      {
        hint: 'Build omar (npm run build): the sim ships as dist/sim.mjs.',
      },
    );
  }
  return { node, bundle };
}

/** sim.mjs in `startDir` or its dist/, or in a parent folder's (at most 5 levels up). */
export function findSimBundle(startDir: string): string | null {
  return findBundle(startDir, SIM_BUNDLE);
}
