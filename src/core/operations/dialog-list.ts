import { z } from 'zod';
import { conversationHandle } from '../chat/chat-state.js';
import { type Dialog, dialogHandle } from '../dialogs/dialog-state.js';
import { defineOperation } from '../operation.js';
import { assertSameEa } from '../permissions.js';
import { toMarkdownTable } from '../surface/markdown-table.js';
import { shorten } from '../text/shorten.js';

export const DialogView = z.object({
  id: z.string(),
  agent: z.string(),
  kind: z.string(),
  title: z.string(),
  detail: z.string().nullable(),
  choices: z.array(z.object({ number: z.number(), label: z.string(), short: z.string() })),
  status: z.string(),
  answer: z.string().nullable(),
  answered_by: z.string().nullable(),
  conversation: z.string().nullable(),
  created_at: z.string(),
  closed_at: z.string().nullable(),
});

export function toDialogView(d: Dialog): z.infer<typeof DialogView> {
  return {
    id: dialogHandle(d.id),
    agent: d.agent,
    kind: d.kind,
    title: d.title,
    detail: d.detail,
    choices: d.choices.map((c, i) => ({ number: i + 1, label: c.label, short: c.short })),
    status: d.status,
    answer: d.answer,
    answered_by: d.answeredBy,
    conversation: d.conversation === null ? null : conversationHandle(d.conversation),
    created_at: d.createdAt,
    closed_at: d.closedAt,
  };
}

export const listDialogs = defineOperation({
  name: 'list_dialogs',
  summary: 'List the prompts agents wait on (permission prompts, questions).',
  description:
    'Lists every prompt an agent’s CLI shows and waits on a person for — a command to run, a file to edit, a URL to fetch, a question, folder trust — oldest first, with what it wants to do and its own choices, numbered. With `all`, also the recently answered and gone ones. Answer one with answer_dialog (`omar answer NAME CHOICE`). Read-only.',
  input: z.object({ all: z.boolean().optional().describe('Also show answered prompts and ones no longer on screen.') }),
  output: z.object({ dialogs: z.array(DialogView) }),
  render: (r) =>
    toMarkdownTable(
      r.dialogs.map((d) => ({
        ...d,
        what: shorten(d.title, 80, { oneLine: 'flat' }),
        choices: d.choices.map((c) => `${c.number} ${c.short}`).join(' · '),
        state: d.status === 'open' ? `open since ${d.created_at}` : d.status,
      })),
      [
        { key: 'id', header: 'id' },
        { key: 'agent', header: 'agent' },
        { key: 'kind', header: 'kind' },
        { key: 'what', header: 'wants to' },
        { key: 'choices', header: 'choices' },
        { key: 'state', header: 'status' },
      ],
      { empty: '_No agent is waiting on a prompt._' },
    ),
  access: 'read',
  cli: { path: ['dialogs'] },
  chat: { path: ['dialogs'] },
  async handler(ctx, input) {
    assertSameEa(ctx.caller, ctx.ea, 'list prompts');
    const dialogs = ctx.services.store
      .get()
      .dialogs.filter((d) => d.ea === ctx.ea && (input.all || d.status === 'open'))
      .map(toDialogView);
    return { dialogs };
  },
});
