import { z } from 'zod';
import { AppError } from '../errors.js';
import { EA_AGENT } from '../model/names.js';
import { defineOperation } from '../operation.js';
import { assertCanControl } from '../permissions.js';
import { principalLabel } from '../principal.js';
import { AgentNameInput, pasteTextInput } from '../operation-inputs.js';
import { requireAgent } from '../model/agent-lookup.js';
import { dialogHandle } from '../dialogs/dialog-state.js';
import { openDialogOf } from '../dialogs/dialogs.js';
import { shorten } from '../text/shorten.js';
import { requireEa } from '../model/ea-lookup.js';
import { utf8Length } from '../text/utf8-length.js';

/** send_input takes at least 1 MiB (docs/contracts.md §6). */
export const SEND_INPUT_MAX_BYTES = 1024 * 1024;

export const sendInput = defineOperation({
  name: 'send_input',
  summary: "Type text into an agent's pane (and submit it).",
  description:
    "Pastes text into an agent's input as given (quotes, newlines and unicode kept; control characters and escape sequences are refused, CRLF becomes LF) and, with `enter`, submits it with a carriage return; delivery is verified (the paste must render, the pane must react) and retried. A worker may send only to its descendants; the EA to any agent of its EA. Use schedule_omar_event for messages between agents.",
  input: z.object({
    name: AgentNameInput,
    text: pasteTextInput(z.string().min(1)).refine(
      (t) => utf8Length(t) <= SEND_INPUT_MAX_BYTES,
      'text is larger than 1 MiB',
    ),
    enter: z.boolean().optional().describe('Submit after pasting (default false on MCP, true on the CLI).'),
  }),
  output: z.object({
    status: z.literal('sent'),
    submitted: z.boolean(),
    attempts: z.number(),
    unconfirmed_submit: z.boolean(),
  }),
  render: (r) =>
    `Sent${r.submitted ? ' and submitted' : ''} (${r.attempts} attempt${r.attempts === 1 ? '' : 's'}${r.unconfirmed_submit ? '; the pane did not visibly react to the submit' : ', verified'}).`,
  access: 'control',
  cli: { path: ['send'], positional: ['name', 'text'], restPositional: true, defaults: { enter: true } },
  chat: { path: ['send'], positional: ['name', 'text'], restPositional: true, defaults: { enter: true } },
  async handler(ctx, input) {
    const { store, recorder } = ctx.services;
    const state = store.get();
    if (input.name === EA_AGENT) {
      // The EA is nobody's descendant: a worker is refused, the EA agent and people are not.
      assertCanControl(ctx.caller, state.agents, ctx.ea, EA_AGENT, 'send input to');
      requireEa(state, ctx.ea);
    } else {
      assertCanControl(ctx.caller, state.agents, ctx.ea, input.name, 'send input to');
      requireAgent(state, ctx.ea, input.name);
    }
    const prompt = openDialogOf(state, ctx.ea, input.name);
    if (prompt) {
      // Text typed into a prompt would answer it (a digit picks a choice): only an answer may.
      throw new AppError(
        'CONFLICT',
        `${input.name} is waiting on a prompt (${dialogHandle(prompt.id)}: ${shorten(prompt.title, 80, { oneLine: 'flat' })}); nothing was typed.`,
        {
          hint: `Answer it first: \`omar answer ${input.name} CHOICE\` (choices: ${prompt.choices.map((c, i) => `${i + 1} ${c.short}`).join(', ')}).`,
          details: { dialog: dialogHandle(prompt.id) },
        },
      );
    }
    const submit = input.enter ?? false;
    // Through the receiver's lane, so typed input never interleaves with events.
    const report = await ctx.services.scheduler.input(ctx.ea, input.name, input.text, { submit });
    recorder.record('agent.input_sent', {
      ea: ctx.ea,
      agent: input.name,
      by: principalLabel(ctx.caller),
      bytes: utf8Length(input.text),
      submitted: submit,
      attempts: report.attempts,
      unconfirmed_submit: report.unconfirmedSubmit,
    });
    return {
      status: 'sent' as const,
      submitted: submit,
      attempts: report.attempts,
      unconfirmed_submit: report.unconfirmedSubmit,
    };
  },
});
