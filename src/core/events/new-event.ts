import { EA_AGENT } from '../model/names.js';
import type { OmarEvent, Recurrence, State } from '../model/state.js';
import { takeSeq } from './event-order.js';

export interface NewEventFields {
  ea: number;
  sender: string;
  receiver: string;
  tNs: bigint;
  payload: string;
  recurrence?: Recurrence | null;
  format?: OmarEvent['format'];
  createdAt: string;
}

/** Adds a pending event with the next seq; its id is derived from the seq (unique forever). */
export function addEvent(state: State, fields: NewEventFields): OmarEvent {
  const seq = takeSeq(state);
  const event: OmarEvent = {
    id: `ev-${seq}`,
    ea: fields.ea,
    sender: fields.sender,
    receiver: fields.receiver,
    t: fields.tNs.toString(),
    seq,
    format: fields.format ?? 'event',
    payload: fields.payload,
    recurrence: fields.recurrence ?? null,
    status: 'pending',
    attempts: 0,
    lastError: null,
    deliveredAt: null,
    createdAt: fields.createdAt,
  };
  state.events.push(event);
  return event;
}

/**
 * A notice from the daemon (sender `omar`, docs/contracts.md §6) to an agent or the EA.
 * A notice whose receiver is gone goes to `ea`; notices to people (owner, chat) are
 * not events — the journal carries them — so null is returned.
 */
export function addNotice(
  state: State,
  fields: {
    ea: number;
    receiver: string;
    text: string;
    nowNs: bigint;
    createdAt: string;
    /** Drop it rather than redirect it to `ea`. */ onlyIfAlive?: boolean;
  },
): OmarEvent | null {
  if (fields.receiver === 'owner' || fields.receiver.startsWith('chat:') || fields.receiver === 'omar') return null;
  const alive =
    fields.receiver === EA_AGENT ||
    state.agents.some((a) => a.ea === fields.ea && a.name === fields.receiver && a.health !== 'exited');
  if (!alive && fields.onlyIfAlive) return null;
  const receiver = alive ? fields.receiver : EA_AGENT;
  if (!state.eas.some((e) => e.id === fields.ea)) return null;
  return addEvent(state, {
    ea: fields.ea,
    sender: 'omar',
    receiver,
    tNs: fields.nowNs,
    payload: fields.text,
    createdAt: fields.createdAt,
  });
}
