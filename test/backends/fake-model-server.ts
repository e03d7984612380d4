/**
 * A scripted fake model server on 127.0.0.1 that speaks the four wire formats of
 * the real CLIs (docs/contracts.md §10): Anthropic Messages (claude), OpenAI Responses
 * (codex), Gemini generateContent (gemini) and OpenAI Chat Completions (opencode),
 * all streamed as SSE. No dependencies.
 *
 * A script is an ordered list of steps; for each main-turn request the first step whose
 * `when` matches what the model "sees" (the trailing user turn: typed text, or a tool
 * result) answers it, with a tool call or final text. Tool names are resolved per client
 * from the tools the request offers (`mcp__omar__x`, `mcp_omar_x`, `omar_x`, or codex's
 * namespace `mcp__omar` + function `x`). Claude defers MCP tools (and some of its own, e.g.
 * ExitPlanMode) behind ToolSearch: when
 * the wanted tool is not offered but ToolSearch is, the server first calls ToolSearch and
 * answers the step once the tool is loaded. Side calls (no tools offered: titles, the
 * gemini router, codex's extra request) get plain text, or JSON built from the schema.
 *
 * The server refuses to act as a proxy (CONNECT, absolute request URIs): nothing it
 * does reaches past loopback. Every request is recorded for assertions.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { anthropicSse, chatSse, geminiJson, geminiSse, responsesSse, type Reply } from './fake-model-wire.js';

export type Api = 'anthropic' | 'responses' | 'chat' | 'gemini';
/* eslint-disable @typescript-eslint/no-explicit-any -- request bodies are whatever the CLIs send */
type Json = any;

/** What the model sees last, in one client-neutral shape. */
export interface Turn {
  api: Api;
  /** The text of the trailing user turn (typed text, reminders), tool results excluded. */
  text: string;
  /** The tool result in the trailing turn, if any; `tool` is the omar tool name when it is one. */
  toolResult: { id: string; tool: string; text: string } | null;
  /** The body as received (for matchers that need more, e.g. the agent's name in the header). */
  raw: string;
}

export type Action =
  | { call: string; args?: Record<string, unknown> | ((turn: Turn) => Record<string, unknown>) }
  /**
   * A call of the CLI's own tool (not omar's), named per wire format as the CLI offers it,
   * e.g. `{ anthropic: 'Bash', chat: 'bash' }`, with arguments per wire format too.
   */
  | {
      native: Partial<
        Record<Api, { name: string; args: Record<string, unknown> | ((turn: Turn) => Record<string, unknown>) }>
      >;
    }
  | { text: string };

export interface Step {
  label: string;
  when: (turn: Turn) => boolean;
  then: Action;
}

export interface RecordedRequest {
  seq: number;
  /** When it arrived (Date.now()). */
  at: number;
  api: Api | 'other';
  method: string;
  path: string;
  model: string | null;
  tools: number;
  /** The names of the tools offered (namespace/name for codex's namespaces). */
  toolNames: string[];
  /** main: a turn the script answered (or had nothing for); side: titles, routers, counts; unknown: 404; refused: a proxy request. */
  kind: 'main' | 'side' | 'unknown' | 'refused';
  turnText: string;
  toolResult: string | null;
  step: string | null;
  reply: string;
}

export interface FakeModelServer {
  url: string;
  /** The port on 127.0.0.1. */
  port: number;
  requests: RecordedRequest[];
  /** Adds steps to the script (earlier steps win). */
  script(steps: Step[]): void;
  close(): Promise<void>;
}

/** Matchers for steps. */
export const saw = {
  /**
   * The trailing turn has text containing `needle`. It may also hold a tool result (text
   * typed while the model worked), so put such steps before the `result` steps.
   */
  text: (needle: string) => (turn: Turn) => turn.text.includes(needle),
  /** The trailing turn carries the result of omar tool `tool`. */
  result: (tool: string, needle?: string) => (turn: Turn) =>
    turn.toolResult?.tool === tool && (needle === undefined || turn.raw.includes(needle)),
};

export async function startFakeModelServer(): Promise<FakeModelServer> {
  const steps: Step[] = [];
  const requests: RecordedRequest[] = [];
  /** Calls this server made: id → omar tool name (or 'ToolSearch'), and the pending step behind a ToolSearch. */
  const issued = new Map<string, { tool: string; pending?: { step: Step; turn: Turn } }>();
  let seq = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const n = ++seq;
    const raw = await readBody(req);
    const url = req.url ?? '/';
    // Debugging aid: OMAR_FAKE_MODEL_DUMP=<dir> keeps every request body.
    const dump = process.env.OMAR_FAKE_MODEL_DUMP;
    if (dump)
      writeFileSync(
        join(dump, `${String(n).padStart(3, '0')}-${url.replace(/[^A-Za-z0-9]+/g, '_').slice(0, 60)}.json`),
        raw,
      );
    const record = (entry: Partial<RecordedRequest>): void => {
      requests.push({
        seq: n,
        at: Date.now(),
        api: 'other',
        method: req.method ?? '?',
        path: url,
        model: null,
        tools: 0,
        toolNames: [],
        kind: 'side',
        turnText: '',
        toolResult: null,
        step: null,
        reply: '',
        ...entry,
      });
    };
    if (!url.startsWith('/')) {
      record({ kind: 'refused', reply: 'absolute URI refused (not a proxy)' });
      res.writeHead(403).end('not a proxy');
      return;
    }
    const path = url.split('?')[0]!;
    let body: Json = {};
    try {
      body = raw ? JSON.parse(raw) : {};
    } catch {
      // not JSON: answered below by path
    }
    if (path.endsWith('/count_tokens')) return json(res, { input_tokens: 42 }, record);
    if (/:countTokens$/.test(path)) return json(res, { totalTokens: 42 }, record);
    if (req.method === 'GET' && path.endsWith('/models'))
      return json(res, { object: 'list', data: [{ id: 'fake-model', object: 'model' }], models: [] }, record);
    if (req.method !== 'POST') {
      record({ kind: 'unknown', reply: '404' });
      res.writeHead(404).end();
      return;
    }
    const api: Api | null = path.endsWith('/messages')
      ? 'anthropic'
      : path.endsWith('/responses')
        ? 'responses'
        : path.endsWith('/chat/completions')
          ? 'chat'
          : /:(stream)?[gG]enerateContent$/.test(path)
            ? 'gemini'
            : null;
    if (!api) {
      record({ kind: 'unknown', reply: '404' });
      res.writeHead(404).end();
      return;
    }
    const tools = offeredTools(api, body);
    const turn = trailingTurn(api, body, raw, issued);
    const model = typeof body.model === 'string' ? body.model : (/models\/([^:/]+):/.exec(path)?.[1] ?? null);
    const base = {
      api,
      model,
      tools: tools.length,
      toolNames: tools.map((t) => (t.namespace ? `${t.namespace}/${t.name}` : t.name)),
      turnText: turn.text.slice(-400),
      toolResult: turn.toolResult ? `${turn.toolResult.tool}: ${turn.toolResult.text.slice(0, 200)}` : null,
    };

    let reply: Reply;
    let stepLabel: string | null = null;
    let kind: RecordedRequest['kind'] = 'main';
    const schema =
      api === 'gemini'
        ? (body.generationConfig?.responseJsonSchema ?? body.generationConfig?.responseSchema)
        : undefined;
    if (schema) {
      kind = 'side';
      reply = { kind: 'text', text: JSON.stringify(fromSchema(schema)) };
    } else if (tools.length === 0) {
      kind = 'side';
      reply = { kind: 'text', text: 'Omar backend test' };
    } else {
      const pending = turn.toolResult ? issued.get(turn.toolResult.id)?.pending : undefined;
      const step = pending?.step ?? steps.find((s) => s.when(turn));
      const seen = pending?.turn ?? turn;
      stepLabel = step ? step.label + (pending ? ' (after ToolSearch)' : '') : null;
      reply = step
        ? act(api, step, seen, tools, issued, pending !== undefined)
        : { kind: 'text', text: 'Nothing scripted for this turn.' };
    }
    record({
      ...base,
      kind,
      step: stepLabel,
      reply:
        reply.kind === 'call'
          ? `call ${reply.name}${reply.namespace ? ` (ns ${reply.namespace})` : ''} ${JSON.stringify(reply.args)}`
          : `text ${reply.text.slice(0, 80)}`,
    });
    const stream = api === 'gemini' ? path.endsWith(':streamGenerateContent') : body.stream === true;
    if (!stream) {
      if (api === 'gemini') return json(res, geminiJson(reply, model ?? 'fake'));
      // Non-streaming clients are not expected; answer text as JSON in the API's shape anyway.
      return json(res, {
        id: `msg_${n}`,
        type: 'message',
        role: 'assistant',
        content: [{ type: 'text', text: reply.kind === 'text' ? reply.text : '' }],
        stop_reason: 'end_turn',
        usage: { input_tokens: 1, output_tokens: 1 },
      });
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const chunks =
      api === 'anthropic'
        ? anthropicSse(reply, n, model)
        : api === 'responses'
          ? responsesSse(reply, n, model)
          : api === 'chat'
            ? chatSse(reply, n, model)
            : geminiSse(reply, model ?? 'fake');
    for (const chunk of chunks) res.write(chunk);
    res.end();
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: String(error) } }));
    });
  });
  // A proxy client would CONNECT: refuse, so nothing is tunnelled anywhere.
  server.on('connect', (req: IncomingMessage, socket) => {
    requests.push({
      seq: ++seq,
      at: Date.now(),
      api: 'other',
      method: 'CONNECT',
      path: req.url ?? '',
      model: null,
      tools: 0,
      toolNames: [],
      kind: 'refused',
      turnText: '',
      toolResult: null,
      step: null,
      reply: 'CONNECT refused',
    });
    socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    script: (more) => void steps.push(...more),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The answer to a step: a call (resolved to this client's tool name), ToolSearch first when deferred, or text. */
function act(
  api: Api,
  step: Step,
  turn: Turn,
  tools: OfferedTool[],
  issued: Map<string, { tool: string; pending?: { step: Step; turn: Turn } }>,
  searched: boolean,
): Reply {
  const action = step.then;
  if ('text' in action) return { kind: 'text', text: action.text };
  const id = `${api === 'anthropic' ? 'toolu_' : 'call_'}${Math.random().toString(36).slice(2, 14)}`;
  if ('native' in action) {
    const wanted = action.native[api];
    const offered = wanted && tools.find((t) => t.name === wanted.name);
    if (wanted && !offered && api === 'anthropic' && !searched && tools.some((t) => t.name === 'ToolSearch')) {
      // One of claude's own deferred tools (e.g. ExitPlanMode): loaded by name first.
      issued.set(id, { tool: 'ToolSearch', pending: { step, turn } });
      return { kind: 'call', id, name: 'ToolSearch', args: { query: `select:${wanted.name}`, max_results: 5 } };
    }
    if (!wanted || !offered) return { kind: 'text', text: `No tool for ${api}: ${wanted?.name ?? 'none scripted'}.` };
    issued.set(id, { tool: wanted.name });
    return {
      kind: 'call',
      id,
      name: offered.name,
      ...(offered.namespace ? { namespace: offered.namespace } : {}),
      args: typeof wanted.args === 'function' ? wanted.args(turn) : wanted.args,
    };
  }
  const offered = resolveTool(tools, action.call);
  if (offered) {
    issued.set(id, { tool: action.call });
    const args = typeof action.args === 'function' ? action.args(turn) : (action.args ?? {});
    return {
      kind: 'call',
      id,
      name: offered.name,
      ...(offered.namespace ? { namespace: offered.namespace } : {}),
      args,
    };
  }
  if (api === 'anthropic' && !searched && tools.some((t) => t.name === 'ToolSearch')) {
    const deferred =
      new RegExp(`mcp__[A-Za-z0-9_-]*omar[A-Za-z0-9_-]*__${action.call}\\b`).exec(turn.raw)?.[0] ??
      `mcp__omar__${action.call}`;
    issued.set(id, { tool: 'ToolSearch', pending: { step, turn } });
    return { kind: 'call', id, name: 'ToolSearch', args: { query: `select:${deferred}`, max_results: 5 } };
  }
  return { kind: 'text', text: `The tool ${action.call} is not offered to me.` };
}

interface OfferedTool {
  name: string;
  namespace?: string;
}

function offeredTools(api: Api, body: Json): OfferedTool[] {
  const out: OfferedTool[] = [];
  for (const tool of asArray(body.tools)) {
    if (api === 'gemini') {
      for (const decl of asArray(tool?.functionDeclarations))
        if (typeof decl?.name === 'string') out.push({ name: decl.name });
    } else if (api === 'chat') {
      if (typeof tool?.function?.name === 'string') out.push({ name: tool.function.name });
    } else if (api === 'responses' && tool?.type === 'namespace') {
      for (const fn of asArray(tool.tools))
        if (typeof fn?.name === 'string') out.push({ name: fn.name, namespace: tool.name });
    } else if (typeof tool?.name === 'string') out.push({ name: tool.name });
  }
  return out;
}

/** The offered tool for omar tool `tool`: a name ending in it, from a server whose name contains "omar". */
export function resolveTool(tools: OfferedTool[], tool: string): OfferedTool | undefined {
  return (
    tools.find((t) => t.namespace !== undefined && t.namespace.includes('omar') && t.name === tool) ??
    tools.find(
      (t) =>
        t.namespace === undefined &&
        t.name.includes('omar') &&
        (t.name.endsWith(`_${tool}`) || t.name.endsWith(`__${tool}`)),
    )
  );
}

/** omar tool name from a client's full tool name (`mcp__omar__x`, `mcp_omar_x`, `omar_x`). */
function omarToolName(name: string): string {
  const m = /omar_{1,2}([a-z_]+)$/.exec(name);
  return m ? m[1]! : name;
}

/**
 * The trailing run of user-side items (everything after the model's last output), in
 * order, as a Turn. It may hold a tool result *and* text typed while the model worked
 * (codex and claude send such a message with the next request).
 */
function trailingTurn(api: Api, body: Json, raw: string, issued: Map<string, { tool: string }>): Turn {
  const texts: string[] = [];
  let toolResult: Turn['toolResult'] = null;
  const found = (id: string, name: string | undefined, text: string): void => {
    toolResult = { id, tool: issued.get(id)?.tool ?? (name ? omarToolName(name) : '?'), text };
  };
  const list = asArray(api === 'responses' ? body.input : api === 'gemini' ? body.contents : body.messages);
  const isModel = (item: Json): boolean =>
    api === 'gemini'
      ? item?.role === 'model'
      : api === 'responses'
        ? item?.role === 'assistant' || /^(function_call|reasoning|custom_tool_call)$/.test(String(item?.type))
        : item?.role === 'assistant';
  let from = list.length;
  while (from > 0 && !isModel(list[from - 1])) from -= 1;
  for (const item of list.slice(from)) {
    if (api === 'anthropic' && item?.role === 'user') {
      // claude 2.1.330 also puts a `system` message (environment, deferred tools) there: skipped.
      for (const block of typeof item.content === 'string'
        ? [{ type: 'text', text: item.content }]
        : asArray(item.content)) {
        if (block?.type === 'text') texts.push(String(block.text));
        if (block?.type === 'tool_result') found(String(block.tool_use_id), undefined, textOf(block.content));
      }
    } else if (api === 'responses') {
      if (item?.type === 'function_call_output') found(String(item.call_id), undefined, textOf(item.output));
      else if (item?.type === 'message' && item.role === 'user') texts.push(textOf(item.content)); // not the developer instructions
    } else if (api === 'chat') {
      if (item?.role === 'tool') found(String(item.tool_call_id), undefined, textOf(item.content));
      else if (item?.role === 'user') texts.push(textOf(item.content));
    } else if (api === 'gemini') {
      for (const part of asArray(item?.parts)) {
        if (typeof part?.text === 'string') texts.push(part.text);
        const fr = part?.functionResponse;
        if (fr)
          found(
            String(fr.id ?? ''),
            String(fr.name ?? ''),
            typeof fr.response?.output === 'string' ? fr.response.output : JSON.stringify(fr.response ?? {}),
          );
      }
    }
  }
  return { api, text: texts.join('\n'), toolResult, raw };
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content))
    return content
      .map((c: Json) => (typeof c === 'string' ? c : typeof c?.text === 'string' ? c.text : JSON.stringify(c)))
      .join('\n');
  return content === undefined ? '' : JSON.stringify(content);
}

function asArray(value: unknown): Json[] {
  return Array.isArray(value) ? value : [];
}

/** A minimal value satisfying a JSON schema (gemini's router and next-speaker checks). */
export function fromSchema(schema: Json): unknown {
  const type = String(schema?.type ?? '').toLowerCase();
  if (Array.isArray(schema?.enum)) return schema.enum.includes('user') ? 'user' : schema.enum[0];
  if (type === 'object')
    return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, v]) => [k, fromSchema(v)]));
  if (type === 'array') return [];
  if (type === 'integer' || type === 'number') return 10;
  if (type === 'boolean') return false;
  return 'fake';
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function json(res: ServerResponse, value: unknown, record?: (entry: Partial<RecordedRequest>) => void): void {
  record?.({ kind: 'side', reply: 'json' });
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(value));
}
