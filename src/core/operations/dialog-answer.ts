import { z } from 'zod';
import { displayNameOf } from '../chat/conversations.js';
import { dialogHandle } from '../dialogs/dialog-state.js';
import { assertDialogOpen, chooseDialogChoice, parseDialogTarget, requireDialog } from '../dialogs/dialogs.js';
import { defineOperation } from '../operation.js';
import { lookupScope } from '../permissions.js';
import { type Principal, principalLabel } from '../principal.js';
import type { State } from '../model/state.js';

export const answerDialog = defineOperation({
  name: 'answer_dialog',
  summary: 'Answer the prompt an agent waits on, with one of its CLI’s own choices.',
  description:
    'Answers the prompt agent NAME (or prompt d<N>) waits on with CHOICE: its number as `dialogs` shows it, or its words (e.g. "Allow once", "Deny"). omar reads the agent’s screen again and presses the choice’s keys only while the same prompt is there — through the agent’s lane, so nothing else is typed meanwhile — then waits for it to leave the screen. A prompt already answered, or no longer on screen, is refused and nothing is typed. The card in chat is edited to show who answered what. Operators, admins and the owner only: agents never answer prompts.',
  input: z.object({
    name: z
      .string()
      .trim()
      .min(1, 'name is empty: give the agent that waits, or its prompt d<N>')
      .describe('The agent that waits, or its prompt d<N>.'),
    choice: z
      .union([z.string().trim().min(1, 'choice is empty: give a choice’s number or words'), z.number().int()])
      .describe('The choice: its number (1 = the first) or its words.'),
  }),
  output: z.object({ dialog: z.string(), agent: z.string(), choice: z.string(), title: z.string() }),
  render: (r) => `**${r.agent}** answered “${r.choice}” (${r.dialog}: ${r.title}); its prompt is gone and it moved on.`,
  access: 'approve',
  cli: { path: ['answer'], positional: ['name', 'choice'], restPositional: true },
  chat: { path: ['answer'], positional: ['name', 'choice'], restPositional: true },
  async handler(ctx, input) {
    const state = ctx.services.store.get();
    const dialog = requireDialog(state, parseDialogTarget(input.name), lookupScope(ctx.caller, ctx.ea));
    assertDialogOpen(dialog);
    const choice = chooseDialogChoice(dialog, input.choice);
    const closed = await ctx.services.dialogs.answer({
      dialog: dialog.id,
      choice,
      by: answererName(state, ctx.caller),
      principal: principalLabel(ctx.caller),
    });
    return {
      dialog: dialogHandle(closed.id),
      agent: closed.agent,
      choice: dialog.choices[choice]!.short,
      title: closed.title,
    };
  },
});

/** How the card signs the answer: a chat user by display name, anyone else by label. */
function answererName(state: Readonly<State>, caller: Principal): string {
  return caller.kind === 'chat' ? displayNameOf(state, caller.platform, caller.user) : principalLabel(caller);
}
