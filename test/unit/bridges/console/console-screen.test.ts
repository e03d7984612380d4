import { describe, expect, it } from 'vitest';
import type { ChatDocument } from '#core/chat/document.js';
import { textDocument } from '#core/chat/document.js';
import type { OutboundMessage } from '#src/bridges/core/bridge.js';
import { ConsoleScreen, rowsOf } from '#src/bridges/console/console-screen.js';
import { FakeChatTerminal } from '../../../fakes/fake-chat-terminal.js';

function card(question: string, options: string[]): ChatDocument {
  return {
    text: question,
    blocks: [
      { type: 'markdown', text: question },
      {
        type: 'buttons',
        buttons: options.map((label, i) => ({ action: 'approve', value: `a1:${i + 1}`, label, style: 'default' })),
      },
    ],
    mentions: [],
  };
}

function post(id: number, document: ChatDocument): OutboundMessage {
  return { id, kind: 'post', channel: 'console:0', thread: null, ref: null, user: null, document };
}

function update(id: number, ofPost: number, document: ChatDocument): OutboundMessage {
  return { id, kind: 'update', channel: 'console:0', thread: null, ref: `console-${ofPost}`, user: null, document };
}

describe('console screen', () => {
  it('numbers buttons across messages; a number names its button and the message it sits on', () => {
    const terminal = new FakeChatTerminal();
    const screen = new ConsoleScreen(terminal, false);
    screen.show(post(1, card('Deploy?', ['Yes', 'No'])));
    screen.show(post(2, card('Restart?', ['Now', 'Later'])));
    expect(terminal.screen()).toBe('Deploy?\n[1] Yes  [2] No\nRestart?\n[3] Now  [4] Later');
    expect(screen.choice(3)).toEqual({
      button: { action: 'approve', value: 'a1:1', label: 'Now', style: 'default' },
      messageRef: 'console-2',
    });
    expect(screen.choice(5)).toBeUndefined();
  });

  it('on a TTY redraws an update of the message printed last in place, keeping its numbers', () => {
    const terminal = new FakeChatTerminal(true);
    const screen = new ConsoleScreen(terminal, false);
    screen.show(post(1, card('Deploy?', ['Yes', 'No'])));
    screen.show(update(2, 1, card('Deploy? (2 waiting)', ['Yes', 'No', 'Peek'])));
    expect(terminal.printed).toEqual([
      { text: 'Deploy?\n[1] Yes  [2] No', eraseRows: 0 },
      { text: 'Deploy? (2 waiting)\n[1] Yes  [2] No  [3] Peek', eraseRows: 2 },
    ]);
    expect(screen.choice(3)?.button.label).toBe('Peek');
    // And again: it is still the last thing on screen.
    screen.show(update(3, 1, textDocument('Deployed.')));
    expect(terminal.printed.at(-1)).toEqual({ text: 'Deployed.', eraseRows: 2 });
    expect(screen.choice(1)).toBeUndefined();
  });

  it('prints an update again when something stands under the message, or when it is no TTY', () => {
    const tty = new FakeChatTerminal(true);
    const screen = new ConsoleScreen(tty, false);
    screen.show(post(1, card('Deploy?', ['Yes', 'No'])));
    screen.typed();
    screen.show(update(2, 1, card('Deploy?', ['Yes', 'No'])));
    expect(tty.printed.at(-1)).toEqual({ text: 'Deploy?\n[3] Yes  [4] No', eraseRows: 0 });
    screen.show(post(3, textDocument('other')));
    screen.show(update(4, 1, textDocument('done')));
    expect(tty.printed.at(-1)).toEqual({ text: 'done', eraseRows: 0 });

    const pipe = new FakeChatTerminal(false);
    const plain = new ConsoleScreen(pipe, false);
    plain.show(post(1, textDocument('v1')));
    plain.show(update(2, 1, textDocument('v2')));
    expect(pipe.printed).toEqual([
      { text: 'v1', eraseRows: 0 },
      { text: 'v2', eraseRows: 0 },
    ]);
  });

  it('does not redraw a message taller than the screen (it scrolled out of reach)', () => {
    const terminal = new FakeChatTerminal(true, 80, 4);
    const screen = new ConsoleScreen(terminal, false);
    screen.show(post(1, textDocument('a\n\nb\n\nc')));
    screen.show(update(2, 1, textDocument('d')));
    expect(terminal.printed.at(-1)).toEqual({ text: 'd', eraseRows: 0 });
  });

  it('dims what only the person sees (answers, ephemeral items, its own notes) when colours are on', () => {
    const terminal = new FakeChatTerminal();
    const screen = new ConsoleScreen(terminal, true);
    screen.answer({ document: textDocument('only you'), ephemeral: true });
    screen.note('reconnecting');
    screen.answer({ document: textDocument('for all'), ephemeral: false });
    expect(terminal.printed.map((p) => p.text)).toEqual([
      '\u001b[2monly you\u001b[22m',
      '\u001b[2mreconnecting\u001b[22m',
      'for all',
    ]);
  });

  it('counts the rows a text takes, long lines wrapping', () => {
    expect(rowsOf('a\nb', 80)).toBe(2);
    expect(rowsOf('x'.repeat(81), 80)).toBe(2);
    expect(rowsOf('\u001b[1mbold\u001b[22m\n', 80)).toBe(2);
  });
});
