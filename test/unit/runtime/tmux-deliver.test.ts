import { describe, expect, it } from 'vitest';
import { AppError } from '#core/errors.js';
import { deliverVerified } from '#runtime/tmux/deliver.js';
import { recordingLogger } from '../../helpers/tmux-server.js';

/** A scripted pane behind a fake `run`: what tmux would answer, with a fake clock. */
function fakePane(
  behaviour: {
    exists?: boolean;
    renders?: boolean | 'placeholder';
    reacts?: boolean;
    pasteError?: string;
    newlineWithinMs?: number;
  } = {},
) {
  const { exists = true, renders = true, reacts = true } = behaviour;
  const state = {
    screen: ['> '],
    time: 1_000_000,
    activity: 1000,
    pastedAt: 0,
    commands: [] as string[][],
    buffers: new Map<string, string>(),
  };
  const fail = (message: string) =>
    new AppError('TMUX_FAILED', `tmux command failed: ${message}`, { details: { tmuxMessage: message } });
  const run = async (args: readonly string[]): Promise<string[]> => {
    state.commands.push([...args]);
    const [command] = args;
    if (!exists && command !== 'set-buffer' && command !== 'delete-buffer') throw fail("can't find session: x");
    switch (command) {
      case 'has-session':
        return [];
      case 'capture-pane':
        return [...state.screen];
      case 'display-message':
        return [`${state.activity} 0`];
      case 'set-buffer':
        state.buffers.set(args[2]!, args[4]!);
        return [];
      case 'delete-buffer':
        state.buffers.delete(args[2]!);
        return [];
      case 'paste-buffer': {
        if (behaviour.pasteError) throw fail(behaviour.pasteError);
        const name = args[args.indexOf('-b') + 1]!;
        const text = state.buffers.get(name)!;
        state.buffers.delete(name);
        state.pastedAt = state.time;
        if (renders === 'placeholder') state.screen.push('> [Pasted text #1 +3 lines]');
        else if (renders) state.screen.push(...text.split('\n'));
        return [];
      }
      case 'send-keys':
        // Like gemini: an Enter too soon after a paste becomes a newline in the input box.
        if (
          args.includes('0d') &&
          behaviour.newlineWithinMs !== undefined &&
          state.time - state.pastedAt < behaviour.newlineWithinMs
        )
          state.screen.push('  ');
        else if (args.includes('0d') && reacts) state.screen.push('[received]', 'Type your message');
        return [];
      default:
        throw fail(`unknown command: ${command}`);
    }
  };
  const deps = {
    run,
    logger: recordingLogger(),
    now: () => state.time,
    sleep: async (ms: number) => {
      state.time += ms;
    },
  };
  const sent = (predicate: (args: string[]) => boolean) => state.commands.filter(predicate).length;
  return { state, deps, sent };
}

const isCtrlU = (a: string[]) => a[0] === 'send-keys' && a.includes('C-u');
const isEnter = (a: string[]) => a[0] === 'send-keys' && a.includes('0d');
const isPaste = (a: string[]) => a[0] === 'paste-buffer';

describe('deliverVerified', () => {
  it('pastes through a named buffer, waits for the render, submits with a raw CR, confirms', async () => {
    const pane = fakePane();
    const report = await deliverVerified(pane.deps, 'x', 'hello\nworld', { submit: true });
    expect(report).toMatchObject({ attempts: 1, unconfirmedSubmit: false });
    const setBuffer = pane.state.commands.find((a) => a[0] === 'set-buffer')!;
    expect(setBuffer).toEqual(['set-buffer', '-b', expect.stringMatching(/^omar-[0-9a-f]{12}$/), '--', 'hello\nworld']);
    expect(pane.state.commands.find(isPaste)).toEqual([
      'paste-buffer',
      '-d',
      '-p',
      '-r',
      '-b',
      setBuffer[2],
      '-t',
      '=x:',
    ]);
    expect(pane.state.commands.find(isEnter)).toEqual(['send-keys', '-H', '-t', '=x:', '0d']);
    expect(pane.sent(isCtrlU)).toBe(0);
    expect(pane.state.buffers.size).toBe(0);
  });

  it('waits submitDelayMs after the paste showed before pressing Enter', async () => {
    const pane = fakePane({ newlineWithinMs: 100 });
    const report = await deliverVerified(pane.deps, 'x', 'hello', {
      submit: true,
      submitDelayMs: 150,
      emptyInputMarker: 'Type your message',
    });
    expect(report).toMatchObject({ attempts: 1, unconfirmedSubmit: false });
    expect(pane.state.screen).toContain('[received]');
  });

  it('with an empty-input marker, an Enter taken as a newline is not a confirmed submit', async () => {
    const pane = fakePane({ newlineWithinMs: 10_000 });
    const report = await deliverVerified(pane.deps, 'x', 'hello', {
      submit: true,
      emptyInputMarker: 'Type your message',
      confirmTimeoutMs: 500,
    });
    expect(report).toMatchObject({ attempts: 1, unconfirmedSubmit: true });
    expect(pane.sent(isEnter)).toBe(1);
  });

  it('without a marker, any change of the screen confirms (the newline case is indistinguishable)', async () => {
    const pane = fakePane({ newlineWithinMs: 10_000 });
    const report = await deliverVerified(pane.deps, 'x', 'hello', { submit: true });
    expect(report).toMatchObject({ attempts: 1, unconfirmedSubmit: false });
  });

  it('does not press Enter when submit is false', async () => {
    const pane = fakePane();
    expect(await deliverVerified(pane.deps, 'x', 'draft', { submit: false })).toMatchObject({
      attempts: 1,
      unconfirmedSubmit: false,
    });
    expect(pane.sent((a) => a[0] === 'send-keys')).toBe(0);
  });

  it('accepts a new placeholder instead of the text', async () => {
    const pane = fakePane({ renders: 'placeholder' });
    const report = await deliverVerified(pane.deps, 'x', 'a\nlong\npaste', {
      submit: true,
      placeholders: ['[Pasted text #'],
    });
    expect(report.attempts).toBe(1);
  });

  it('retries an unrendered paste, clearing the line first, never pressing Enter, then fails', async () => {
    const pane = fakePane({ renders: false });
    const error = await deliverVerified(pane.deps, 'x', 'hello', { submit: true }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'DELIVERY_FAILED', details: { session: 'x', attempts: 3 } });
    expect((error as AppError).message).toMatch(/'x'.*3 attempt/);
    expect(pane.sent(isPaste)).toBe(3);
    expect(pane.sent(isCtrlU)).toBe(2); // before attempts 2 and 3 only
    expect(pane.sent(isEnter)).toBe(0);
    // C-u comes before the second paste, never before the first
    const firstCtrlU = pane.state.commands.findIndex(isCtrlU);
    expect(pane.state.commands.findIndex(isPaste)).toBeLessThan(firstCtrlU);
  });

  it('reports a submit the pane did not react to, without pasting again', async () => {
    const pane = fakePane({ reacts: false });
    const report = await deliverVerified(pane.deps, 'x', 'hello', { submit: true, confirmTimeoutMs: 500 });
    expect(report).toMatchObject({ attempts: 1, unconfirmedSubmit: true });
    expect(pane.sent(isPaste)).toBe(1);
    expect(pane.sent(isEnter)).toBe(1);
  });

  it('deletes the named buffer when the paste fails, and retries without clearing the line', async () => {
    const pane = fakePane({ pasteError: 'no space left' });
    const error = await deliverVerified(pane.deps, 'x', 'hello', { submit: true, attempts: 2 }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'DELIVERY_FAILED', details: { attempts: 2 } });
    expect(pane.sent((a) => a[0] === 'delete-buffer')).toBe(2);
    expect(pane.state.buffers.size).toBe(0);
    expect(pane.sent(isCtrlU)).toBe(0);
  });

  it('fails at once, with missing: true, when the session does not exist', async () => {
    const pane = fakePane({ exists: false });
    await expect(deliverVerified(pane.deps, 'gone', 'hello', { submit: true })).rejects.toMatchObject({
      code: 'DELIVERY_FAILED',
      details: { session: 'gone', missing: true },
    });
    expect(pane.state.commands).toEqual([['has-session', '-t', '=gone']]);
  });

  it.each([
    ['NUL', 'a\0b', 'a\u2400b'],
    ['the end of a bracketed paste', 'report\u001b[201~\rkill everything\r', 'report\u241b[201~\nkill everything\n'],
    ['an 8-bit CSI', 'a\u009b201~b', 'a\ufffd201~b'],
    ['DEL and BEL', 'a\u007fb\u0007', 'a\u2421b\u2407'],
    ['a lone surrogate', 'a\ud800b', 'a\ufffdb'],
    ['CRLF', 'one\r\ntwo', 'one\ntwo'],
  ])('neutralises %s before anything reaches tmux, and pastes once', async (_what, text, pasted) => {
    const pane = fakePane();
    const report = await deliverVerified(pane.deps, 'x', text, { submit: true });
    expect(report.attempts).toBe(1);
    const setBuffer = pane.state.commands.find((a) => a[0] === 'set-buffer')!;
    expect(setBuffer[4]).toBe(pasted);
    expect(pane.sent(isPaste)).toBe(1);
  });

  it('sends only the CR for empty text with submit', async () => {
    const pane = fakePane();
    const report = await deliverVerified(pane.deps, 'x', '', { submit: true });
    expect(report.attempts).toBe(1);
    expect(pane.sent((a) => a[0] === 'set-buffer')).toBe(0);
    expect(pane.sent(isEnter)).toBe(1);
  });
});
