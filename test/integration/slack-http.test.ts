/**
 * The Slack bridge in HTTP mode (a signing secret, no app token) and its Web API sends,
 * with the real Bolt receiver and WebClient against the loopback fake Slack.
 */
import { createServer } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  ChatAnswer,
  ChatBridge,
  ChatInbound,
  InboundAction,
  InboundCommand,
  InboundMessage,
} from '#src/bridges/core/bridge.js';
import { textDocument } from '#core/chat/document.js';
import { createSlackBridge } from '#src/bridges/slack/slack-bridge.js';
import { BOT_TOKEN, SIGNING_SECRET, startFakeSlack, type FakeSlack } from '../fakes/fake-slack.js';
import { SilentLogger } from '../fakes/silent-logger.js';

/** What reached the chat core: this test is about the receiver and the client, not the core. */
class RecordingInbound implements ChatInbound {
  messages: InboundMessage[] = [];
  commands: InboundCommand[] = [];
  actions: InboundAction[] = [];
  async message(m: InboundMessage): Promise<ChatAnswer | null> {
    this.messages.push(m);
    return null;
  }
  async command(c: InboundCommand): Promise<ChatAnswer> {
    this.commands.push(c);
    return { document: textDocument(`ran ${c.text}`), ephemeral: true };
  }
  async action(a: InboundAction): Promise<ChatAnswer> {
    this.actions.push(a);
    return { document: textDocument('ok'), ephemeral: true };
  }
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

let slack: FakeSlack;
let bridge: ChatBridge;
let inbound: RecordingInbound;
let base: string;
let home: string;

beforeAll(async () => {
  slack = await startFakeSlack();
  inbound = new RecordingInbound();
  home = mkdtempSync(join(tmpdir(), 'omar-slack-http-'));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  bridge = createSlackBridge(inbound, {
    botToken: BOT_TOKEN,
    signingSecret: SIGNING_SECRET,
    port,
    host: '127.0.0.1',
    apiUrl: slack.apiUrl,
    home,
    maxFileBytes: 1024,
    logger: new SilentLogger(),
  });
  await bridge.start();
});
afterAll(async () => {
  await bridge.stop();
  await slack.close();
  rmSync(home, { recursive: true, force: true });
});

const event = (ts: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    token: 'legacy',
    team_id: 'T0001',
    api_app_id: 'A0001',
    type: 'event_callback',
    event_id: `Ev${ts}`,
    event_time: 1,
    event: {
      type: 'message',
      channel_type: 'im',
      channel: 'D0001',
      user: 'U0001',
      text: 'hello',
      ts,
      event_ts: ts,
      ...extra,
    },
  });
const post = (body: string, headers: Record<string, string>) =>
  fetch(`${base}/slack/events`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });

describe('HTTP mode', () => {
  it('takes a signed event and hands the DM to the core', async () => {
    const body = event('1800000000.000001');
    const res = await post(body, slack.sign(body));
    expect(res.status).toBe(200);
    await slack.waitFor(() => inbound.messages.length === 1);
    expect(inbound.messages[0]).toMatchObject({
      platform: 'slack',
      channel: 'D0001',
      direct: true,
      text: 'hello',
      user: { id: 'U0001', name: 'Ada' },
    });
  });

  it('refuses a forged signature and a stale timestamp, handing nothing on', async () => {
    const body = event('1800000000.000002');
    expect((await post(body, slack.sign(body, 'not-the-secret'))).status).toBe(401);
    const stale = Math.floor(Date.now() / 1000) - 6 * 60;
    expect((await post(body, slack.sign(body, SIGNING_SECRET, stale))).status).toBe(401);
    expect((await post(body, {})).status).toBe(401);
    await new Promise((r) => setTimeout(r, 100));
    expect(inbound.messages.map((m) => m.messageId)).not.toContain('1800000000.000002');
  });

  it('downloads a shared file with the bot token, size-capped, into the conversation folder', async () => {
    slack.files.set('F1', Buffer.from('notes'));
    slack.files.set('F2', Buffer.alloc(5000));
    const body = event('1800000000.000003', {
      subtype: 'file_share',
      files: [
        { name: 'notes.txt', size: 5, url_private_download: `${slack.baseUrl}/files/F1` },
        { name: 'big.bin', size: 5000, url_private_download: `${slack.baseUrl}/files/F2` },
      ],
    });
    await post(body, slack.sign(body));
    const m = await slack.waitFor(() => inbound.messages.find((x) => x.messageId === '1800000000.000003'));
    expect(m.files).toEqual([
      {
        name: 'notes.txt',
        size: 5,
        path: join(home, 'chat', 'files', 'slack', 'D0001', '1800000000.000003', 'notes.txt'),
      },
      { name: 'big.bin', size: 5000, path: null },
    ]);
    expect(readFileSync(m.files![0]!.path!, 'utf8')).toBe('notes');
  });

  it('ignores edits, deletions and bots', async () => {
    const before = inbound.messages.length;
    for (const extra of [
      { subtype: 'message_changed' },
      { subtype: 'message_deleted' },
      { bot_id: 'B9' },
      { subtype: 'bot_message' },
    ]) {
      const body = event(`1800000001.00000${before}`, extra);
      await post(body, slack.sign(body));
    }
    await new Promise((r) => setTimeout(r, 200));
    expect(inbound.messages.length).toBe(before);
  });
});

describe('sending', () => {
  const send = (kind: 'post' | 'update' | 'ephemeral', extra: Partial<Parameters<ChatBridge['send']>[0]> = {}) =>
    bridge.send({
      id: 1,
      kind,
      channel: 'D0001',
      thread: null,
      ref: null,
      user: null,
      document: textDocument('hi'),
      ...extra,
    });

  it('posts, edits in place and posts ephemerally, answering the message ts', async () => {
    const posted = await send('post');
    expect(posted).toMatchObject({ kind: 'accepted' });
    const ref = posted.kind === 'accepted' ? posted.ref : '';
    expect(await send('update', { ref, document: textDocument('edited') })).toEqual({ kind: 'accepted', ref });
    expect(slack.posts.find((p) => p.ts === ref)).toMatchObject({ text: 'edited', edits: 1 });
    expect(await send('ephemeral', { user: 'U0001' })).toMatchObject({ kind: 'accepted' });
  });

  it.each([
    [
      { status: 429 as const, retryAfter: 3 },
      { kind: 'retryAfter', ms: 3000 },
    ],
    [{ error: 'channel_not_found' }, { kind: 'permanent', error: 'Slack: channel_not_found' }],
    [{ error: 'not_in_channel' }, { kind: 'permanent', error: 'Slack: not_in_channel' }],
    [{ error: 'is_archived' }, { kind: 'permanent', error: 'Slack: is_archived' }],
    [{ error: 'invalid_auth' }, { kind: 'permanent', error: 'Slack: invalid_auth' }],
    [{ error: 'internal_error' }, { kind: 'transient', error: 'Slack: internal_error' }],
    [{ status: 503 }, { kind: 'transient', error: 'Slack answered HTTP 503' }],
  ])('maps %j to %j', async (failure, expected) => {
    slack.failNext('chat.postMessage', failure);
    expect(await send('post')).toEqual(expected);
  });
});
