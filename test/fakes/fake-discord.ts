/**
 * A loopback twin of Discord for tests (docs/contracts.md §11), from Discord's API
 * reference: REST under `/api/v10` (JSON errors `{code, message}` with their HTTP
 * statuses, 429 with `retry_after`, `Retry-After` and `X-RateLimit-*`), and a gateway on
 * WebSocket: HELLO, IDENTIFY → READY then GUILD_CREATE, heartbeat ACKs, RESUME (the
 * dispatches missed are replayed, then RESUMED), op 7 RECONNECT, and dispatches with
 * their sequence numbers.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export const DISCORD_TOKEN = 'fake.discord.token';
export const APP_ID = '100000000000000001';
export const BOT_ID = '100000000000000002';
export const GUILD = '200000000000000001';
export const CHANNEL = '300000000000000001';
export const DM = '300000000000000009';

export interface DiscordUserShape {
  id: string;
  username: string;
  global_name: string;
}
export const ADA: DiscordUserShape = { id: '400000000000000001', username: 'ada', global_name: 'Ada' };

export interface StoredMessage {
  id: string;
  channel_id: string;
  content: string;
  embeds: Array<{ title?: string; description?: string }>;
  components: Array<{ components: Array<{ custom_id: string; label: string }> }>;
  allowed_mentions?: unknown;
  message_reference?: { message_id: string };
  edits: number;
}

type Failure = { status: 429; retryAfter: number } | { status: number; code: number; message: string };

export interface FakeDiscord {
  apiUrl: string;
  messages: StoredMessage[];
  callbacks: Array<{ interaction: string; type: number; data: Record<string, unknown> }>;
  webhookEdits: Array<{ token: string; body: Record<string, unknown> }>;
  threads: Map<string, { parent: string; from: string }>;
  registered: Array<{ path: string; body: unknown }>;
  requests: Array<{ method: string; path: string; at: number }>;
  channels: Set<string>;
  failNext(route: RegExp, failure: Failure): void;
  dispatch(t: string, d: Record<string, unknown>): void;
  message(fields: Partial<Record<string, unknown>> & { content: string; channel_id: string }): string;
  interaction(fields: Record<string, unknown>): string;
  /** A person presses the button labelled `label` on one of the bot's messages (a component interaction). */
  click(message: StoredMessage, label: string): string;
  /** Closes the gateway connection (code 4000 — resumable) so the client resumes. */
  dropConnection(): void;
  identifies(): number;
  resumes(): number;
  ready(): boolean;
  waitFor<T>(find: () => T | undefined | false, ms?: number): Promise<T>;
  close(): Promise<void>;
}

export async function startFakeDiscord(): Promise<FakeDiscord> {
  const messages: StoredMessage[] = [];
  const callbacks: FakeDiscord['callbacks'] = [];
  const webhookEdits: FakeDiscord['webhookEdits'] = [];
  const threads = new Map<string, { parent: string; from: string }>();
  const registered: FakeDiscord['registered'] = [];
  const requests: FakeDiscord['requests'] = [];
  const channels = new Set([CHANNEL, DM]);
  const failures: Array<{ route: RegExp; failure: Failure }> = [];
  let snowflake = 500_000_000_000_000_000n;
  const nextId = () => String((snowflake += 1n));
  const sessionId = randomUUID();
  let seq = 0;
  const sent: Array<{ s: number; frame: string }> = [];
  let socket: WebSocket | null = null;
  let identified = 0;
  let resumed = 0;
  let isReady = false;

  const server: Server = createServer((req, res) => void route(req, res));
  const wss = new WebSocketServer({ server, path: '/gateway' });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const base = `http://127.0.0.1:${port}`;
  const gatewayUrl = `ws://127.0.0.1:${port}/gateway`;

  const send = (ws: WebSocket, payload: Record<string, unknown>) => ws.send(JSON.stringify(payload));
  const dispatch = (t: string, d: Record<string, unknown>) => {
    seq += 1;
    const frame = JSON.stringify({ op: 0, t, s: seq, d });
    sent.push({ s: seq, frame });
    if (socket?.readyState === 1) socket.send(frame);
  };

  wss.on('connection', (ws) => {
    socket = ws;
    send(ws, { op: 10, d: { heartbeat_interval: 41_250 } });
    ws.on('message', (data) => {
      const payload = JSON.parse(String(data)) as { op: number; d: Record<string, unknown> | number | null };
      if (payload.op === 1) return send(ws, { op: 11 });
      if (payload.op === 2) {
        identified += 1;
        dispatch('READY', {
          v: 10,
          user: { id: BOT_ID, username: 'omar', global_name: null, discriminator: '0', bot: true, avatar: null },
          guilds: [{ id: GUILD, unavailable: true }],
          session_id: sessionId,
          resume_gateway_url: gatewayUrl,
          application: { id: APP_ID, flags: 1 << 19 },
          shard: [0, 1],
        });
        dispatch('GUILD_CREATE', guildCreate());
        isReady = true;
        return;
      }
      if (payload.op === 6) {
        resumed += 1;
        const from = Number((payload.d as { seq?: number }).seq ?? 0);
        for (const missed of sent.filter((x) => x.s > from)) ws.send(missed.frame);
        seq += 1;
        ws.send(JSON.stringify({ op: 0, t: 'RESUMED', s: seq, d: {} }));
      }
    });
    ws.on('close', () => {
      if (socket === ws) socket = null;
    });
  });

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(status === 204 ? undefined : JSON.stringify(body));
  };

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', base);
    const path = url.pathname.replace(/^\/api\/v10/, '');
    requests.push({ method: req.method ?? 'GET', path, at: Date.now() });
    const failure = failures.find((f) => f.route.test(`${req.method} ${path}`));
    if (failure) {
      failures.splice(failures.indexOf(failure), 1);
      const f = failure.failure;
      if (f.status === 429 && 'retryAfter' in f)
        return json(
          res,
          429,
          { message: 'You are being rate limited.', retry_after: f.retryAfter, global: false },
          {
            'retry-after': String(Math.ceil(f.retryAfter)),
            'x-ratelimit-limit': '5',
            'x-ratelimit-remaining': '0',
            'x-ratelimit-reset-after': String(f.retryAfter),
            'x-ratelimit-bucket': 'fake-bucket',
            'x-ratelimit-scope': 'user',
          },
        );
      if ('code' in f) return json(res, f.status, { message: f.message, code: f.code });
    }
    if (path.startsWith('/attachments/')) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      return void res.end('attached');
    }
    if (
      !String(req.headers.authorization ?? '').includes(DISCORD_TOKEN) &&
      !path.startsWith('/interactions/') &&
      !path.startsWith('/webhooks/')
    )
      return json(res, 401, { message: '401: Unauthorized', code: 0 });
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    let m: RegExpExecArray | null;
    if (req.method === 'GET' && path === '/gateway/bot')
      return json(res, 200, {
        url: gatewayUrl,
        shards: 1,
        session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 },
      });
    if ((m = /^\/channels\/(\d+)\/messages\/(\d+)\/threads$/.exec(path)) && req.method === 'POST') {
      // No threads in a DM, nor inside a thread (Discord: 50024).
      if (m[1] === DM || threads.has(m[1]!))
        return json(res, 400, { message: 'Cannot execute action on this channel type', code: 50024 });
      const id = nextId();
      threads.set(id, { parent: m[1]!, from: m[2]! });
      channels.add(id);
      return json(res, 201, {
        id,
        type: 11,
        guild_id: GUILD,
        parent_id: m[1],
        name: body['name'],
        owner_id: BOT_ID,
        thread_metadata: {
          archived: false,
          auto_archive_duration: 1440,
          locked: false,
          archive_timestamp: new Date().toISOString(),
        },
        message_count: 0,
        member_count: 1,
      });
    }
    if ((m = /^\/channels\/(\d+)\/messages$/.exec(path))) {
      if (!channels.has(m[1]!)) return json(res, 404, { message: 'Unknown Channel', code: 10003 });
      if (req.method === 'GET') return json(res, 200, []);
      const problem = checkBody(body);
      if (problem) return json(res, 400, { message: 'Invalid Form Body', code: 50035, errors: { problem } });
      const stored: StoredMessage = {
        id: nextId(),
        channel_id: m[1]!,
        content: String(body['content'] ?? ''),
        embeds: (body['embeds'] as StoredMessage['embeds']) ?? [],
        components: (body['components'] as StoredMessage['components']) ?? [],
        allowed_mentions: body['allowed_mentions'],
        ...(body['message_reference']
          ? { message_reference: body['message_reference'] as { message_id: string } }
          : {}),
        edits: 0,
      };
      messages.push(stored);
      return json(res, 200, messageObject(stored));
    }
    if ((m = /^\/channels\/(\d+)\/messages\/(\d+)$/.exec(path)) && req.method === 'PATCH') {
      const stored = messages.find((x) => x.id === m![2] && x.channel_id === m![1]);
      if (!stored) return json(res, 404, { message: 'Unknown Message', code: 10008 });
      const problem = checkBody(body);
      if (problem) return json(res, 400, { message: 'Invalid Form Body', code: 50035, errors: { problem } });
      if ('content' in body) stored.content = String(body['content'] ?? '');
      if ('embeds' in body) stored.embeds = body['embeds'] as StoredMessage['embeds'];
      if ('components' in body) stored.components = body['components'] as StoredMessage['components'];
      stored.edits += 1;
      return json(res, 200, messageObject(stored));
    }
    if ((m = /^\/interactions\/(\d+)\/([^/]+)\/callback$/.exec(path))) {
      callbacks.push({
        interaction: m[1]!,
        type: Number(body['type']),
        data: (body['data'] as Record<string, unknown>) ?? {},
      });
      return json(res, 204, null);
    }
    if ((m = /^\/webhooks\/(\d+)\/([^/]+)\/messages\/@original$/.exec(path))) {
      webhookEdits.push({ token: m[2]!, body });
      return json(
        res,
        200,
        messageObject({
          id: nextId(),
          channel_id: DM,
          content: String(body['content'] ?? ''),
          embeds: [],
          components: [],
          edits: 0,
        }),
      );
    }
    if (/^\/applications\/\d+(\/guilds\/\d+)?\/commands$/.test(path) && req.method === 'PUT') {
      registered.push({ path, body });
      return json(
        res,
        200,
        (body as unknown as unknown[]).map((c) => ({
          ...(c as object),
          id: nextId(),
          application_id: APP_ID,
          version: '1',
        })),
      );
    }
    json(res, 404, { message: '404: Not Found', code: 0 });
  }

  /** Discord's documented message limits. */
  function checkBody(body: Record<string, unknown>): string | null {
    if (String(body['content'] ?? '').length > 2000) return 'content: Must be 2000 or fewer in length.';
    const embeds = (body['embeds'] as Array<{ title?: string; description?: string; fields?: unknown[] }>) ?? [];
    if (embeds.length > 10) return 'embeds: Must be 10 or fewer in length.';
    for (const e of embeds) {
      if ((e.description?.length ?? 0) > 4096) return 'embeds.description: Must be 4096 or fewer in length.';
      if ((e.title?.length ?? 0) > 256) return 'embeds.title: Must be 256 or fewer in length.';
      if ((e.fields?.length ?? 0) > 25) return 'embeds.fields: Must be 25 or fewer in length.';
    }
    const rows = (body['components'] as Array<{ components: unknown[] }>) ?? [];
    if (rows.length > 5 || rows.some((r) => r.components.length > 5)) return 'components: too many';
    if (!body['content'] && embeds.length === 0 && rows.length === 0 && !('content' in body || 'embeds' in body))
      return 'Cannot send an empty message';
    return null;
  }

  function messageObject(m: StoredMessage): Record<string, unknown> {
    return {
      id: m.id,
      channel_id: m.channel_id,
      author: { id: BOT_ID, username: 'omar', discriminator: '0', bot: true, global_name: null, avatar: null },
      content: m.content,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: [],
      embeds: m.embeds,
      components: m.components,
      pinned: false,
      type: m.message_reference ? 19 : 0,
    };
  }

  function guildCreate(): Record<string, unknown> {
    return {
      id: GUILD,
      name: 'Fake guild',
      unavailable: false,
      owner_id: ADA.id,
      joined_at: new Date().toISOString(),
      member_count: 2,
      large: false,
      features: [],
      emojis: [],
      stickers: [],
      roles: [
        {
          id: GUILD,
          name: '@everyone',
          permissions: '0',
          position: 0,
          color: 0,
          hoist: false,
          managed: false,
          mentionable: false,
        },
      ],
      channels: [{ id: CHANNEL, type: 0, name: 'general', guild_id: GUILD, position: 0, permission_overwrites: [] }],
      threads: [],
      members: [],
      presences: [],
      voice_states: [],
      stage_instances: [],
      guild_scheduled_events: [],
    };
  }

  const author = (user: DiscordUserShape) => ({ ...user, discriminator: '0', avatar: null });

  const fake: FakeDiscord = {
    apiUrl: `${base}/api`,
    messages,
    callbacks,
    webhookEdits,
    threads,
    registered,
    requests,
    channels,
    failNext(route, failure) {
      failures.push({ route, failure });
    },
    dispatch,
    message(fields) {
      const id = String(fields['id'] ?? nextId());
      const user = (fields['author'] as DiscordUserShape | undefined) ?? ADA;
      const inGuild = fields['channel_id'] !== DM;
      dispatch('MESSAGE_CREATE', {
        id,
        type: 0,
        tts: false,
        timestamp: new Date().toISOString(),
        edited_timestamp: null,
        mention_everyone: false,
        mentions: [],
        mention_roles: [],
        attachments: [],
        embeds: [],
        pinned: false,
        ...(inGuild
          ? { guild_id: GUILD, member: { roles: [], joined_at: new Date().toISOString() } }
          : { channel_type: 1 }),
        ...fields,
        author: author(user),
      });
      return id;
    },
    click(message, label) {
      const button = message.components.flatMap((r) => r.components).find((b) => b.label === label);
      if (!button) throw new Error(`no button '${label}' on message ${message.id}`);
      return this.interaction({
        type: 3,
        channel_id: message.channel_id,
        data: { custom_id: button.custom_id, component_type: 2 },
        message: messageObject(message),
      });
    },
    interaction(fields) {
      const id = nextId();
      const user = (fields['user'] as DiscordUserShape | undefined) ?? ADA;
      const inGuild = fields['channel_id'] !== DM;
      const { user: _user, ...rest } = fields;
      dispatch('INTERACTION_CREATE', {
        id,
        application_id: APP_ID,
        token: `itoken-${id}`,
        version: 1,
        locale: 'en-US',
        app_permissions: '0',
        entitlements: [],
        authorizing_integration_owners: { 0: GUILD },
        context: inGuild ? 0 : 1,
        channel: { id: fields['channel_id'], type: inGuild ? 0 : 1 },
        ...(inGuild
          ? {
              guild_id: GUILD,
              member: { user: author(user), roles: [], joined_at: new Date().toISOString(), permissions: '0' },
            }
          : { user: author(user) }),
        ...rest,
      });
      return id;
    },
    dropConnection() {
      socket?.close(4000, 'test drop');
    },
    identifies: () => identified,
    resumes: () => resumed,
    ready: () => isReady,
    async waitFor(find, ms = 10_000) {
      const until = Date.now() + ms;
      for (;;) {
        const found = find();
        if (found) return found as never;
        if (Date.now() > until) throw new Error('fake Discord: timed out waiting');
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async close() {
      for (const ws of wss.clients) ws.terminate();
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
