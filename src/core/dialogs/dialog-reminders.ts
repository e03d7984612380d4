import { cardPlace, postAtPlace } from '../chat/card-place.js';
import type { OutboxItem } from '../chat/chat-state.js';
import type { State } from '../model/state.js';
import { shortDuration } from '../text/short-duration.js';
import { reminderDocument } from './dialog-card.js';
import type { Dialog } from './dialog-state.js';
import { dialogsDueReminder } from './dialogs.js';

/**
 * Reminders of prompts still open after `remindMs` (docs/contracts.md §7a): one message
 * per person and place, listing every prompt of theirs that is due, mentioning them
 * again; each reminded prompt waits another `remindMs` before the next.
 */
export function remindDueDialogs(
  state: State,
  nowMs: number,
  remindMs: number,
): { reminded: Dialog[]; outbox: OutboxItem[] } {
  const due = dialogsDueReminder(state, nowMs, remindMs);
  const out = { reminded: [] as Dialog[], outbox: [] as OutboxItem[] };
  if (due.length === 0) return out;
  const nowIso = new Date(nowMs).toISOString();
  const groups = new Map<string, { place: NonNullable<ReturnType<typeof cardPlace>>; dialogs: Dialog[] }>();
  for (const dialog of due) {
    dialog.remindedAt = nowIso;
    out.reminded.push(dialog);
    const place = cardPlace(state, dialog.ea, dialog.agent, { consoleFallback: true });
    if (!place) continue;
    const key = JSON.stringify([
      dialog.ea,
      place.platform,
      place.channel,
      place.thread,
      place.threadKey,
      dialog.mention,
    ]);
    const group = groups.get(key) ?? { place, dialogs: [] };
    group.dialogs.push(dialog);
    groups.set(key, group);
  }
  for (const { place, dialogs } of groups.values()) {
    const oldest = Math.min(...dialogs.map((d) => Date.parse(d.createdAt)));
    out.outbox.push(
      postAtPlace(state, place, {
        ea: dialogs[0]!.ea,
        key: null,
        document: reminderDocument(dialogs, shortDuration(nowMs - oldest)),
        author: 'omar',
        nowIso,
      }),
    );
  }
  return out;
}
