/**
 * The seam between the sim's pure agents (worker, EA) and its runner: an agent takes
 * one input at a time and answers with effects; the runner prints, calls the MCP tools
 * and feeds each tool result back as another input.
 */
export type ToolName =
  | 'spawn_agent'
  | 'kill_agent'
  | 'list_agents'
  | 'complete_task'
  | 'schedule_omar_event'
  | 'whoami'
  | 'update_agent_status'
  | 'add_project'
  | 'complete_project'
  | 'chat_reply'
  | 'request_approval';

export interface ToolCall {
  kind: 'call';
  /** Unique per agent; the result comes back with the same id. */
  id: number;
  tool: ToolName;
  args: Record<string, unknown>;
}

export type Effect =
  | { kind: 'print'; line: string }
  | ToolCall
  /** Leave the process with this code (the task stays open: `crash`). */
  | { kind: 'exit'; code: number }
  /** Stop reacting: no echo, no processing, ever again (`hang`). */
  | { kind: 'hang' }
  /** Show a prompt in place of the input line until a choice's key (1-9) is pressed (`prompt`). */
  | { kind: 'prompt'; question: string; choices: string[] };

export type SimInput =
  /** Text submitted in the pane (a CR outside a paste). */
  | { kind: 'submit'; text: string }
  | { kind: 'result'; id: number; ok: true; data: unknown }
  /** `error` is the tool's error text (`[CODE] message hint`) or the client's failure. */
  | { kind: 'result'; id: number; ok: false; error: string }
  /** A choice of the prompt on screen was pressed. */
  | { kind: 'answer'; choice: string };

export interface SimAgent {
  handle(input: SimInput): Effect[];
}

/** Prefixes of the printed lines, so a pane reads as a log of what the agent did. */
export const MARK = { call: '→', received: '←', ok: '✓', error: '✗', note: '·' } as const;

/** Allocates call ids and remembers what each call was for. */
export function createCalls<P>(): {
  call(tool: ToolName, args: Record<string, unknown>, purpose: P): ToolCall;
  take(id: number): P | undefined;
} {
  let next = 1;
  const open = new Map<number, P>();
  return {
    call(tool, args, purpose) {
      const id = next;
      next += 1;
      open.set(id, purpose);
      return { kind: 'call', id, tool, args };
    },
    take(id) {
      const purpose = open.get(id);
      open.delete(id);
      return purpose;
    },
  };
}
