/**
 * A loopback twin of Slack for tests (docs/contracts.md §11): the Web API as Slack
 * documents it (`POST /api/<method>`, form or JSON bodies, `{ok:false,error}` with HTTP
 * 200 for platform errors, HTTP 429 with `Retry-After` when rate limited), Socket Mode
 * (`apps.connections.open` → a WebSocket that says `hello`, sends envelopes and expects
 * each acked by its `envelope_id`, `disconnect` to make the client reconnect), signed
 * HTTP requests for HTTP mode, `response_url` posts and private file downloads.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export const BOT_TOKEN = 'xoxb-fake-bot-token';
export const APP_TOKEN = 'xapp-fake-app-token';
export const SIGNING_SECRET = 'fake-signing-secret';
export const BOT_USER = 'UBOT';
export const TEAM = 'T0001';

export interface ApiCall {
  method: string;
  args: Record<string, unknown>;
  at: number;
}

export interface SlackPost {
  channel: string;
  ts: string;
  thread_ts?: string;
  text: string;
  blocks: unknown[];
  edits: number;
  ephemeralFor?: string;
  /** When the fake created it (performance.now() of this process), for benchmarks. */
  createdAt: number;
}

type Failure = { status: 429; retryAfter: number } | { error: string } | { status: number };

export interface FakeSlack {
  apiUrl: string;
  baseUrl: string;
  calls: ApiCall[];
  /** Messages as Slack holds them (posts, then edited in place by chat.update). */
  posts: SlackPost[];
  responses: Array<{ path: string; body: Record<string, unknown> }>;
  /** Channels that exist; a post elsewhere is `channel_not_found`. */
  channels: Set<string>;
  users: Map<string, string>;
  files: Map<string, Buffer>;
  /** The next call of `method` fails this way (once per entry). */
  failNext(method: string, failure: Failure): void;
  /** Sends an envelope over Socket Mode; resolves with the client's ack payload. */
  dispatch(type: 'events_api' | 'slash_commands' | 'interactive', payload: unknown): Promise<unknown>;
  /** A person presses the button labelled `label` on one of the bot's messages (`block_actions` over Socket Mode). */
  click(post: SlackPost, label: string, user?: string): Promise<unknown>;
  /** A DM or channel message event (`message` or `app_mention`) over Socket Mode. */
  message(event: Record<string, unknown>, options?: { type?: string; retryAttempt?: number }): Promise<unknown>;
  /** Asks the client to reconnect, as Slack does before it refreshes a connection. */
  disconnect(reason?: string): void;
  connections(): number;
  waitFor<T>(find: () => T | undefined | false, ms?: number): Promise<T>;
  /** Signs a body for HTTP mode as Slack does (`v0=` HMAC-SHA256 of `v0:<ts>:<body>`). */
  sign(body: string, secret?: string, ts?: number): Record<string, string>;
  close(): Promise<void>;
}

export async function startFakeSlack(): Promise<FakeSlack> {
  const calls: ApiCall[] = [];
  const posts: SlackPost[] = [];
  const responses: FakeSlack['responses'] = [];
  const channels = new Set<string>(['D0001', 'C0001']);
  const users = new Map<string, string>([['U0001', 'Ada']]);
  const files = new Map<string, Buffer>();
  const failures = new Map<string, Failure[]>();
  /** What people wrote (every message event sent), for conversations.replies. */
  const said: Array<{ ts: string; thread_ts?: string; text: string; user: string }> = [];
  const pendingAcks = new Map<string, (payload: unknown) => void>();
  let seq = 1_700_000_000;
  const nextTs = () => `${(seq += 1)}.${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;

  const server: Server = createServer((req, res) => void route(req, res));
  const wss = new WebSocketServer({ server, path: '/socket' });
  const sockets = new Set<WebSocket>();
  wss.on('connection', (ws) => {
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
    ws.on('message', (data) => {
      const ack = JSON.parse(String(data)) as { envelope_id?: string; payload?: unknown };
      if (ack.envelope_id) pendingAcks.get(ack.envelope_id)?.(ack.payload ?? null);
    });
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: sockets.size,
        debug_info: { host: 'fake-slack', approximate_connection_time: 18060 },
        connection_info: { app_id: 'A0001' },
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const baseUrl = `http://127.0.0.1:${port}`;
  // Slack's server pings; the client counts on it (serverPingTimeout).
  const pinger = setInterval(() => sockets.forEach((s) => s.ping()), 5000);
  pinger.unref();

  const reply = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', baseUrl);
    if (url.pathname.startsWith('/files/')) {
      const file = files.get(url.pathname.slice('/files/'.length));
      if (!file || req.headers.authorization !== `Bearer ${BOT_TOKEN}`) return reply(res, 404, {});
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      return void res.end(file);
    }
    if (url.pathname.startsWith('/response/')) {
      responses.push({ path: url.pathname, body: JSON.parse(raw || '{}') as Record<string, unknown> });
      return reply(res, 200, { ok: true });
    }
    if (!url.pathname.startsWith('/api/')) return reply(res, 404, { ok: false, error: 'unknown_method' });
    const method = url.pathname.slice('/api/'.length);
    const args = parseArgs(raw, String(req.headers['content-type'] ?? ''));
    calls.push({ method, args, at: Date.now() });
    const failure = failures.get(method)?.shift();
    if (failure) {
      if ('error' in failure) return reply(res, 200, { ok: false, error: failure.error });
      if (failure.status === 429)
        return reply(
          res,
          429,
          { ok: false, error: 'ratelimited' },
          { 'retry-after': String((failure as { retryAfter: number }).retryAfter) },
        );
      return reply(res, failure.status, { ok: false, error: 'internal_error' });
    }
    const token = String(req.headers.authorization ?? '').replace(/^Bearer /, '') || String(args['token'] ?? '');
    const wanted = method === 'apps.connections.open' ? APP_TOKEN : BOT_TOKEN;
    if (token !== wanted) return reply(res, 200, { ok: false, error: 'invalid_auth' });
    reply(res, 200, api(method, args));
  }

  function api(method: string, args: Record<string, unknown>): Record<string, unknown> {
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://fake.slack.com/',
          team: 'Fake',
          user: 'omar',
          team_id: TEAM,
          user_id: BOT_USER,
          bot_id: 'BBOT',
        };
      case 'apps.connections.open':
        return { ok: true, url: `ws://127.0.0.1:${port}/socket` };
      case 'users.info': {
        const id = String(args['user']);
        const name = users.get(id);
        if (!name) return { ok: false, error: 'user_not_found' };
        return { ok: true, user: { id, name: name.toLowerCase(), profile: { display_name: name, real_name: name } } };
      }
      case 'conversations.replies': {
        const thread = String(args['ts']);
        // People's messages and the bot's, oldest first, as Slack lists a thread.
        const messages = [
          ...said.filter((m) => m.ts === thread || m.thread_ts === thread),
          ...posts
            .filter((p) => p.ts === thread || p.thread_ts === thread)
            .map((p) => ({ ts: p.ts, text: p.text, user: BOT_USER })),
        ].sort((a, b) => Number(a.ts) - Number(b.ts));
        return { ok: true, messages, has_more: false };
      }
      case 'chat.postMessage':
      case 'chat.postEphemeral': {
        const problem = checkMessage(args);
        if (problem) return { ok: false, error: problem };
        const post: SlackPost = {
          channel: String(args['channel']),
          ts: nextTs(),
          text: String(args['text'] ?? ''),
          blocks: blocksOf(args),
          edits: 0,
          createdAt: performance.now(),
          ...(args['thread_ts'] ? { thread_ts: String(args['thread_ts']) } : {}),
          ...(method === 'chat.postEphemeral' ? { ephemeralFor: String(args['user']) } : {}),
        };
        posts.push(post);
        return method === 'chat.postMessage'
          ? {
              ok: true,
              channel: post.channel,
              ts: post.ts,
              message: { text: post.text, ts: post.ts, thread_ts: post.thread_ts },
            }
          : { ok: true, message_ts: post.ts };
      }
      case 'chat.update': {
        const problem = checkMessage(args);
        if (problem) return { ok: false, error: problem };
        const post = posts.find((p) => p.channel === args['channel'] && p.ts === args['ts'] && !p.ephemeralFor);
        if (!post) return { ok: false, error: 'message_not_found' };
        post.text = String(args['text'] ?? '');
        post.blocks = blocksOf(args);
        post.edits += 1;
        return { ok: true, channel: post.channel, ts: post.ts, text: post.text };
      }
      case 'assistant.threads.setStatus':
      case 'assistant.threads.setSuggestedPrompts':
      case 'assistant.threads.setTitle':
        if (!channels.has(String(args['channel_id']))) return { ok: false, error: 'channel_not_found' };
        return { ok: true };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  /** Slack's documented refusals for a message: where it goes and what it holds. */
  function checkMessage(args: Record<string, unknown>): string | null {
    if (!channels.has(String(args['channel']))) return 'channel_not_found';
    const blocks = blocksOf(args);
    if (!args['text'] && blocks.length === 0) return 'no_text';
    if (blocks.length > 50) return 'invalid_blocks';
    for (const b of blocks as Array<{
      type?: string;
      text?: { text?: string };
      elements?: Array<{ action_id: string }>;
    }>) {
      if (b.type === 'section' && (b.text?.text?.length ?? 0) > 3000) return 'invalid_blocks';
      if (b.type === 'header' && (b.text?.text?.length ?? 0) > 150) return 'invalid_blocks';
      if (b.type === 'actions') {
        if ((b.elements?.length ?? 0) > 25) return 'invalid_blocks';
        const ids = (b.elements ?? []).map((e) => e.action_id);
        if (new Set(ids).size !== ids.length) return 'invalid_blocks';
      }
    }
    if (String(args['text'] ?? '').length > 40_000) return 'msg_too_long';
    return null;
  }

  let clicks = 0;
  const dispatch: FakeSlack['dispatch'] = (type, payload) => {
    const socket = [...sockets][0];
    if (!socket) return Promise.reject(new Error('no Socket Mode connection'));
    const envelope_id = randomUUID();
    const acked = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`envelope ${type} not acked within 3 s`)), 3000);
      pendingAcks.set(envelope_id, (p) => {
        clearTimeout(timer);
        pendingAcks.delete(envelope_id);
        resolve(p);
      });
    });
    socket.send(JSON.stringify({ envelope_id, type, payload, accepts_response_payload: type !== 'events_api' }));
    return acked;
  };

  const fake: FakeSlack = {
    apiUrl: `${baseUrl}/api/`,
    baseUrl,
    calls,
    posts,
    responses,
    channels,
    users,
    files,
    failNext(method, failure) {
      failures.set(method, [...(failures.get(method) ?? []), failure]);
    },
    dispatch,
    click(post, label, user = 'U0001') {
      const button = (
        post.blocks as Array<{
          type: string;
          elements?: Array<{ action_id: string; value: string; text: { text: string } }>;
        }>
      )
        .filter((b) => b.type === 'actions')
        .flatMap((b) => b.elements ?? [])
        .find((b) => b.text.text === label);
      if (!button) throw new Error(`no button '${label}' on message ${post.ts}`);
      clicks += 1;
      // The block_actions payload Slack sends for a button in a message (Slack's interactivity reference).
      return dispatch('interactive', {
        type: 'block_actions',
        user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: TEAM },
        api_app_id: 'A0001',
        token: 'legacy',
        container: { type: 'message', message_ts: post.ts, channel_id: post.channel, is_ephemeral: false },
        trigger_id: `trigger-${clicks}`,
        team: { id: TEAM, domain: 'fake' },
        channel: { id: post.channel, name: post.channel.startsWith('D') ? 'directmessage' : 'channel' },
        message: {
          ts: post.ts,
          ...(post.thread_ts ? { thread_ts: post.thread_ts } : {}),
          text: post.text,
          blocks: post.blocks,
        },
        response_url: `${baseUrl}/response/click-${clicks}`,
        actions: [
          {
            action_id: button.action_id,
            block_id: 'b',
            text: { type: 'plain_text', text: label },
            value: button.value,
            type: 'button',
            action_ts: String(Date.now() / 1000),
          },
        ],
      });
    },
    message(event, options = {}) {
      const ts = String(event['ts'] ?? nextTs());
      if (!said.some((m) => m.ts === ts))
        said.push({
          ts,
          text: String(event['text'] ?? ''),
          user: String(event['user'] ?? ''),
          ...(event['thread_ts'] ? { thread_ts: String(event['thread_ts']) } : {}),
        });
      return dispatch('events_api', {
        token: 'legacy',
        team_id: TEAM,
        api_app_id: 'A0001',
        type: 'event_callback',
        event_id: `Ev${ts.replace('.', '')}${options.type ?? ''}`,
        event_time: Math.floor(Date.now() / 1000),
        event: { type: options.type ?? 'message', event_ts: ts, ...event, ts },
        ...(options.retryAttempt ? { retry_attempt: options.retryAttempt, retry_reason: 'timeout' } : {}),
      });
    },
    disconnect(reason = 'refresh_requested') {
      for (const s of sockets)
        s.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'fake-slack' } }));
    },
    connections: () => sockets.size,
    async waitFor(find, ms = 10_000) {
      const until = Date.now() + ms;
      for (;;) {
        const found = find();
        if (found) return found as never;
        if (Date.now() > until) throw new Error('fake Slack: timed out waiting');
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    sign(body, secret = SIGNING_SECRET, ts = Math.floor(Date.now() / 1000)) {
      const signature = `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`;
      return { 'x-slack-request-timestamp': String(ts), 'x-slack-signature': signature };
    },
    async close() {
      clearInterval(pinger);
      await Promise.all(
        [...sockets].map(
          (s) =>
            new Promise<void>((resolve) => {
              s.once('close', () => resolve());
              s.close();
              setTimeout(() => (s.terminate(), resolve()), 250).unref();
            }),
        ),
      );
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return fake;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => resolve(body));
  });
}

/** web-api sends form-urlencoded bodies with non-scalar arguments JSON-encoded inside; JSON bodies too. */
function parseArgs(raw: string, contentType: string): Record<string, unknown> {
  if (raw === '') return {};
  if (contentType.includes('application/json')) return JSON.parse(raw) as Record<string, unknown>;
  return Object.fromEntries(new URLSearchParams(raw));
}

function blocksOf(args: Record<string, unknown>): unknown[] {
  const blocks = args['blocks'];
  if (typeof blocks === 'string') return JSON.parse(blocks) as unknown[];
  return Array.isArray(blocks) ? blocks : [];
}
