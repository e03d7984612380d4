import { BACKEND_NAMES } from '../core/backends/backend-adapter.js';
import { errorMessage } from '../core/errors.js';
import { shorten } from '../core/text/shorten.js';
import { createEaAgent } from './ea-agent.js';
import { EA_HELP } from './ea-requests.js';
import { createKeyDecoder } from './key-decoder.js';
import { createCallQueue } from './call-queue.js';
import { mcpServerArgv, parseSimArgs, SIM_USAGE, type SimArgs } from './sim-args.js';
import { MARK, type Effect, type SimAgent, type SimInput, type ToolCall } from './sim-types.js';
import { createTerminal } from './terminal.js';
import { PROMPT_BOTTOM, PROMPT_TOP } from './screen-text.js';
import { createReceiptLog } from './receipts.js';
import { connectTools, type ToolClient, type ToolClientOptions, type ToolOutcome } from './tool-client.js';
import { createWorkerAgent } from './worker-agent.js';

/** The process as the sim uses it; main.ts passes the real one. */
export interface SimProcess {
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?(raw: boolean): unknown };
  stdout: { write(text: string): unknown; columns?: number };
  stderr: { write(text: string): unknown };
  exit(code: number): void;
  /** Milliseconds since the process started (for `PROBE OK <ms>`). */
  uptimeMs(): number;
  /** How to reach the MCP server (tests may replace it). */
  connect?: (options: ToolClientOptions) => Promise<ToolClient>;
}

/** Tool calls in flight at once; more wait their turn (a `spam` of 1000 stays gentle). */
const MAX_CALLS_IN_FLIGHT = 8;

/** `node sim.mjs …`: omar's scripted agent in a terminal (docs/sim.md). */
export async function runSim(proc: SimProcess): Promise<void> {
  const parsed = parseSimArgs(proc.argv);
  if (parsed.ok === 'help') {
    proc.stdout.write(`${SIM_USAGE}\n`);
    proc.exit(0);
    return;
  }
  if (!parsed.ok) {
    proc.stderr.write(`omar sim: ${parsed.error}\n${SIM_USAGE}\n`);
    proc.exit(2);
    return;
  }
  const options = { argv: mcpServerArgv(parsed.args), env: serverEnv(proc.env) };
  const connect = proc.connect ?? connectTools;
  if (parsed.args.probe) await runProbe(proc, (hooks) => connect({ ...options, ...hooks }));
  else runAgent(proc, parsed.args, (hooks) => connect({ ...options, ...hooks }));
}

type Connect = (hooks: Pick<ToolClientOptions, 'onStderr' | 'onClose'>) => Promise<ToolClient>;

/** The benchmark floor: start, connect, list the tools, one whoami, `PROBE OK <ms>`, then idle (no TUI, no timers). */
async function runProbe(proc: SimProcess, connect: Connect): Promise<void> {
  proc.stdin.resume(); // a terminal on stdin keeps the process alive once the probe is done
  try {
    const tools = await connect({ onStderr: (line) => void proc.stderr.write(`${line}\n`), onClose: () => undefined });
    await tools.listTools(); // as every agent does first (and what makes its server say hello)
    const who = await tools.call('whoami', {});
    proc.stdout.write(
      who.ok
        ? `PROBE OK ${Math.round(proc.uptimeMs())}\n`
        : `PROBE FAILED ${shorten(who.error, 200, { oneLine: 'flat' })}\n`,
    );
  } catch (error) {
    proc.stdout.write(`PROBE FAILED ${shorten(errorMessage(error), 200, { oneLine: 'flat' })}\n`);
  }
}

function runAgent(proc: SimProcess, args: SimArgs, connect: Connect): void {
  const term = createTerminal({
    write: (text) => void proc.stdout.write(text),
    columns: () => proc.stdout.columns ?? 80,
  });
  const agent: SimAgent = args.role === 'ea' ? createEaAgent({ knownBackends: BACKEND_NAMES }) : createWorkerAgent();
  const decoder = createKeyDecoder();
  const receipts = args.receipts
    ? createReceiptLog(args.receipts, args.name, (message) => term.log([`${MARK.error} ${message}`]))
    : null;
  let hung = false;
  let exiting = false;
  /** The choices of the prompt on screen, if any: only their keys (1-9) are read meanwhile. */
  let promptChoices: string[] | null = null;

  const quit = (code: number): void => {
    if (exiting) return;
    exiting = true;
    term.stop();
    proc.stdin.setRawMode?.(false);
    proc.exit(code);
  };

  const describe = (error: unknown): string => shorten(errorMessage(error), 200, { oneLine: 'flat' });
  // Connect, then list the tools at once: that is what makes the server say agent_hello (readiness).
  const tools = (async (): Promise<ToolClient | null> => {
    let client: ToolClient;
    try {
      client = await connect({
        onStderr: (line) => term.log([`! mcp-server: ${line}`]),
        onClose: () => {
          if (!exiting) term.log([`${MARK.error} omar mcp-server exited: tool calls will fail`]);
        },
      });
    } catch (error) {
      term.log([`${MARK.error} cannot start omar mcp-server: ${describe(error)}`]);
      return null;
    }
    try {
      const names = await client.listTools();
      term.log([
        `${MARK.note} connected: ${names.length} tools`,
        args.role === 'ea' ? `${MARK.note} type a request ('help' lists them)` : `${MARK.note} waiting for my task`,
      ]);
    } catch (error) {
      term.log([`${MARK.error} tools/list: ${describe(error)}`]);
    }
    return client;
  })();

  const calls = createCallQueue(MAX_CALLS_IN_FLIGHT, async (call: ToolCall): Promise<ToolOutcome> => {
    const client = await tools;
    return client ? client.call(call.tool, call.args) : { ok: false, error: 'no MCP connection' };
  });

  const dispatch = (input: SimInput): void => {
    if (hung || exiting) return;
    apply(agent.handle(input));
  };
  const apply = (effects: readonly Effect[]): void => {
    const lines: string[] = [];
    const flush = (): void => {
      term.log(lines.splice(0));
    };
    for (const effect of effects) {
      if (effect.kind === 'print') lines.push(effect.line);
      else if (effect.kind === 'call')
        calls.run(effect, (outcome) => dispatch({ kind: 'result', id: effect.id, ...outcome }));
      else if (effect.kind === 'prompt') {
        flush();
        promptChoices = effect.choices;
        term.showPrompt(promptScreen(effect.question, effect.choices));
      } else if (effect.kind === 'hang') {
        flush();
        hung = true;
        return;
      } else {
        flush();
        quit(effect.code);
        return;
      }
    }
    flush();
  };

  if (proc.stdin.isTTY) proc.stdin.setRawMode?.(true);
  proc.stdin.setEncoding('utf8');
  term.start(`omar sim — ${args.role} ${args.name} (Ctrl-C quits)`);
  // The person who lands in the EA (npm start with no agent CLI) sees what to type.
  if (args.role === 'ea') term.log([...EA_HELP, 'Watch the organisation with omar tree --watch in another terminal.']);
  proc.stdin.on('data', (chunk: string | Buffer) => {
    for (const key of decoder.feed(String(chunk))) {
      if (key.kind === 'quit') return quit(0);
      if (hung) continue;
      if (promptChoices) {
        // A prompt reads its keys only: pasted text and everything else are dropped, as a CLI's dialog does.
        const digit = key.kind === 'text' && !key.pasted && /^[1-9]$/.test(key.text) ? Number(key.text) : 0;
        const choice = promptChoices[digit - 1];
        if (choice === undefined) continue;
        promptChoices = null;
        term.hidePrompt();
        dispatch({ kind: 'answer', choice });
        continue;
      }
      if (key.kind === 'text') term.append(key.text);
      else if (key.kind === 'backspace') term.backspace();
      else if (key.kind === 'clear') term.clear();
      else {
        const text = term.submit();
        if (text.trim() === '') continue;
        // Written down before the agent reads it: a repeat it ignores still shows in the receipts.
        receipts?.record(text);
        dispatch({ kind: 'submit', text });
      }
    }
  });
  proc.stdin.on('end', () => quit(0));
}

/** The sim's prompt as it is drawn (what the sim backend's detector reads back): a frame, the question, numbered choices. */
export function promptScreen(question: string, choices: readonly string[]): string[] {
  return [
    PROMPT_TOP,
    `  ${question}`,
    ...choices.map((c, i) => `  ${i + 1}. ${c}`),
    `${PROMPT_BOTTOM} press 1-${choices.length}`,
  ];
}

/** What the MCP server needs beyond the SDK's minimal environment (HOME, PATH, …). */
function serverEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of ['OMAR_LOG_LEVEL']) {
    const value = env[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}
