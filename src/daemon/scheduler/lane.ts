import { agentKey } from '../../core/model/names.js';
import type { DeliveryReport } from '../../core/ports.js';

/** Text typed into a pane through its lane (send_input), waiting for its turn. */
export interface PendingText {
  kind: 'text';
  text: string;
  submit: boolean;
  resolve(report: DeliveryReport): void;
  reject(error: unknown): void;
}

/** Work that must have the pane to itself (answering a prompt), waiting for its turn. */
export interface PendingJob {
  kind: 'job';
  work(): Promise<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

export type PendingInput = PendingText | PendingJob;

/** One receiver's lane: delivers one thing at a time, in order. */
export interface Lane {
  ea: number;
  receiver: string;
  /** A delivery (or the failing of its events) is under way. */
  busy: boolean;
  /** Events wait out a back-off until then (ms). */
  retryAtMs: number;
  inputs: PendingInput[];
}

/** The lane of a receiver, made on first use. */
export function laneOf(lanes: Map<string, Lane>, ea: number, receiver: string): Lane {
  const key = agentKey(ea, receiver);
  let lane = lanes.get(key);
  if (!lane) {
    lane = { ea, receiver, busy: false, retryAtMs: 0, inputs: [] };
    lanes.set(key, lane);
  }
  return lane;
}

/** The lane's key, for logs. */
export function nameOf(lane: Lane): string {
  return agentKey(lane.ea, lane.receiver);
}
