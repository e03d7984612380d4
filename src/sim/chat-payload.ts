import { CONTEXT_MARKER } from '../core/chat/chat-text.js';

/** A chat message as the EA receives it (docs/contracts.md §11), reduced to what the sim EA acts on. */
export interface ChatMessage {
  /** The conversation handle to answer in (`c3`). */
  conversation: string;
  /** The writer's display name. */
  name: string;
  /** What they wrote, without the thread's earlier messages and the attached-file lines. */
  text: string;
}

const TAG = /^\[CHAT (c\d+) · ([^\n]*?)\] ([\s\S]*)$/;
const FILE_LINE = /^\[file [^\n]*\] /;

/**
 * `[CHAT c<N> · <name>] <text>` → the conversation, the name and the text; null when the
 * payload has no such tag. A context block (`[context: earlier messages in this thread]`
 * and its `> <name>: <text>` lines) before the text and `[file …] <path>` lines after it
 * are left out: the sim answers only what was just written.
 */
export function parseChatPayload(payload: string): ChatMessage | null {
  const tag = TAG.exec(payload.replace(/\r\n?/g, '\n'));
  if (!tag) return null;
  const [, conversation, name, body] = tag as unknown as [string, string, string, string];
  let lines = body.split('\n');
  if (lines[0] === CONTEXT_MARKER) {
    const after = lines.findIndex((line, i) => i > 0 && !line.startsWith('> '));
    lines = after < 0 ? [] : lines.slice(after);
  }
  const text = lines
    .filter((line) => !FILE_LINE.test(line))
    .map((line) => line.replace(/^\\/, ''))
    .join('\n')
    .trim();
  return { conversation, name, text };
}
