import { describe, expect, it } from 'vitest';
import { AppError } from '#core/errors.js';
import type { DaemonClient } from '#runtime/control/daemon-client.js';
import { callFromCli, commandOf } from '#cli/daemon-call.js';
import { scheduleOmarEvent } from '#core/operations/event-schedule.js';
import { listAgents } from '#core/operations/agent-list.js';
import { shutdown } from '#core/operations/daemon-shutdown.js';

type Answer = (method: string, options: { ea?: number; idempotencyKey?: string } | undefined) => Promise<unknown>;

interface Sent {
  method: string;
  input: unknown;
  options: { ea?: number; idempotencyKey?: string } | undefined;
}

/** A control connection whose answers a test writes; records what was sent and whether it was closed. */
function fakeClient(answer: Answer, sent: Sent[]): DaemonClient & { closed: boolean } {
  const client = {
    closed: false,
    call: (method: string, input?: unknown, options?: { ea?: number; idempotencyKey?: string }) => {
      sent.push({ method, input, options });
      return answer(method, options) as never;
    },
    request: async () => undefined as never,
    subscribe: async () => undefined,
    onNotification: () => undefined,
    onClose: () => undefined,
    close: () => {
      client.closed = true;
    },
  };
  return client;
}

const cut = (): Promise<never> => Promise.reject(new AppError('DAEMON_UNREACHABLE', 'The connection closed.'));
const down = (): Promise<never> => Promise.reject(new AppError('DAEMON_UNREACHABLE', 'not reachable (ENOENT)'));

function stderr(): NodeJS.WritableStream & { text: () => string } {
  let text = '';
  return {
    write: (chunk: string) => {
      text += chunk;
      return true;
    },
    text: () => text,
  } as never;
}

describe('callFromCli', () => {
  it('sends a mutating call with a fresh key, and after a cut resends it once with the same key', async () => {
    const sent: Sent[] = [];
    const first = fakeClient(() => cut(), sent);
    const second = fakeClient(async () => ({ id: 'e1' }), sent);
    let connects = 0;
    const err = stderr();
    const result = await callFromCli(first, {
      op: scheduleOmarEvent,
      input: { receiver: 'w1', payload: 'p' },
      ea: 2,
      // The daemon is still away for the first two tries.
      connect: async () => (++connects <= 2 ? down() : second),
      stderr: err,
      waitMs: 2000,
    });
    expect(result).toEqual({ id: 'e1' });
    expect(sent).toHaveLength(2);
    const key = sent[0]!.options?.idempotencyKey;
    expect(key).toMatch(/^[0-9a-f-]{36}$/);
    expect(sent[1]!.options).toEqual({ ea: 2, idempotencyKey: key });
    expect(err.text()).toBe(
      'omar: the daemon restarted; resending `omar events schedule` once (it will not take effect twice)\n',
    );
    expect(first.closed && second.closed).toBe(true);
  });

  it('keys each call afresh, and sends reads without a key', async () => {
    const sent: Sent[] = [];
    const client = () => fakeClient(async () => ({}), sent);
    const base = { input: {}, connect: async () => client(), stderr: stderr() };
    await callFromCli(client(), { ...base, op: scheduleOmarEvent });
    await callFromCli(client(), { ...base, op: scheduleOmarEvent });
    await callFromCli(client(), { ...base, op: listAgents });
    expect(sent[0]!.options?.idempotencyKey).not.toBe(sent[1]!.options?.idempotencyKey);
    expect(sent[2]!.options).toEqual({});
  });

  it('asks a read again after a cut, with its own line', async () => {
    const sent: Sent[] = [];
    const err = stderr();
    const result = await callFromCli(
      fakeClient(() => cut(), sent),
      { op: listAgents, input: {}, connect: async () => fakeClient(async () => ({ agents: [] }), sent), stderr: err },
    );
    expect(result).toEqual({ agents: [] });
    expect(err.text()).toBe('omar: the daemon restarted; sending `omar list` again\n');
  });

  it('gives up with a clear error when the daemon is not back in time', async () => {
    const sent: Sent[] = [];
    const err = stderr();
    const started = Date.now();
    const error = await callFromCli(
      fakeClient(() => cut(), sent),
      {
        op: scheduleOmarEvent,
        input: {},
        connect: down,
        stderr: err,
        waitMs: 300,
      },
    ).catch((e: unknown) => e as AppError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    expect(error).toMatchObject({
      code: 'DAEMON_UNREACHABLE',
      message:
        'The omar daemon went away during `omar events schedule` and was not back within 300 ms, so it was not sent again; it may or may not have taken effect.',
    });
    expect((error as AppError).hint).toContain('omar up');
    expect(err.text()).toBe('');
    expect(sent).toHaveLength(1);
  });

  it('does not send it a third time when the resend is cut too', async () => {
    const sent: Sent[] = [];
    const error = await callFromCli(
      fakeClient(() => cut(), sent),
      {
        op: scheduleOmarEvent,
        input: {},
        connect: async () => fakeClient(() => cut(), sent),
        stderr: stderr(),
      },
    ).catch((e: unknown) => e as AppError);
    expect(error).toMatchObject({
      code: 'DAEMON_UNREACHABLE',
      message:
        'The connection to the omar daemon closed during `omar events schedule`; it may or may not have taken effect.',
    });
    expect(sent).toHaveLength(2);
  });

  it('never resends `omar down`, and passes the daemon’s own errors through', async () => {
    const sent: Sent[] = [];
    let connects = 0;
    const connect = async () => {
      connects += 1;
      return fakeClient(async () => ({}), sent);
    };
    await expect(
      callFromCli(
        fakeClient(() => cut(), sent),
        { op: shutdown, input: {}, connect, stderr: stderr() },
      ),
    ).rejects.toMatchObject({ code: 'DAEMON_UNREACHABLE', message: expect.stringContaining('`omar down`') });
    const refused = () => Promise.reject(new AppError('AGENT_NOT_FOUND', 'no w1'));
    await expect(
      callFromCli(fakeClient(refused, sent), { op: scheduleOmarEvent, input: {}, connect, stderr: stderr() }),
    ).rejects.toMatchObject({ code: 'AGENT_NOT_FOUND' });
    expect(connects).toBe(0);
  });

  it('names the command as typed', () => {
    expect(commandOf(scheduleOmarEvent)).toBe('omar events schedule');
    expect(commandOf({ name: 'mcp_config' })).toBe('mcp_config');
  });
});
