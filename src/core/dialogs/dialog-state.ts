import { z } from 'zod';
import { DIALOG_KINDS } from '../backends/screen-dialog.js';
import { MentionSchema } from '../chat/document.js';

/**
 * A prompt an agent's CLI shows and waits on a person for (docs/contracts.md §7a): its
 * handle is `d<id>`, persisted and never reused. Open while it is on the agent's screen;
 * answered (by a person or a rule) or gone (answered in the pane, or the agent moved
 * on) once it is not. Only the CLI's own choices are kept: the keys that pick one come
 * from the adapter when the screen is read again at answer time, never from here.
 */

const IsoTime = z.string().min(1);

export const DIALOG_STATUSES = ['open', 'answered', 'gone'] as const;
export type DialogStatus = (typeof DIALOG_STATUSES)[number];

export const StoredChoiceSchema = z.object({ label: z.string().min(1), short: z.string().min(1) });

export const DialogSchema = z.object({
  id: z.number().int().positive(),
  ea: z.number().int().nonnegative(),
  agent: z.string().min(1),
  kind: z.enum(DIALOG_KINDS),
  title: z.string().min(1),
  detail: z.string().nullable(),
  choices: z.array(StoredChoiceSchema).min(1),
  /** The adapter's fingerprint: an answer types only while the same prompt is on screen. */
  fingerprint: z.string().min(1),
  /** The conversation its card went to (null: no chat, or the terminal chat). */
  conversation: z.number().int().positive().nullable(),
  /** Who the card and its reminders mention. */
  mention: MentionSchema.nullable(),
  /** The card (or digest) it is shown on; edited in place when it closes. */
  cardKey: z.string().min(1).nullable(),
  status: z.enum(DIALOG_STATUSES),
  /** The chosen choice's label, once answered. */
  answer: z.string().nullable(),
  /** Who answered: a person's name, or `rule <n>` for a `[[dialogs.rules]]` entry. */
  answeredBy: z.string().nullable(),
  createdAt: IsoTime,
  closedAt: IsoTime.nullable(),
  /** The agent's own status line before the prompt replaced it (restored when it closes). */
  statusBefore: z.string().nullable(),
  /** The last reminder (null: none yet). */
  remindedAt: IsoTime.nullable(),
});
export type Dialog = z.infer<typeof DialogSchema>;

export const dialogHandle = (id: number): string => `d${id}`;
