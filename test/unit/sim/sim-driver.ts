/** Drives a sim agent in tests: what it was given, what it answered. */
import { formatDelivery } from '#core/events/format-message.js';
import type { Effect, SimAgent, SimInput, ToolCall } from '#sim/sim-types.js';

export const header = (task: string, name = 'w', parent = 'ea'): SimInput => ({
  kind: 'submit',
  text: `YOUR NAME: ${name}\nYOUR PARENT: ${parent}\nYOUR TASK: ${task}`,
});

/** One event (or a batch when several) as the daemon types it. */
export const events = (...items: Array<[sender: string, payload: string]>): SimInput => ({
  kind: 'submit',
  text: formatDelivery(
    items.map(([sender, payload]) => ({
      t: '1773768458704306000',
      sender,
      payload,
      recurrence: null,
      format: 'event' as const,
    })) as Parameters<typeof formatDelivery>[0],
  ),
});
export const fromOmar = (...notices: string[]): SimInput =>
  events(...notices.map((n): [string, string] => ['omar', n]));

export const ok = (call: ToolCall, data: unknown = {}): SimInput => ({ kind: 'result', id: call.id, ok: true, data });
export const err = (call: ToolCall, error: string): SimInput => ({ kind: 'result', id: call.id, ok: false, error });

export const callsOf = (effects: readonly Effect[]): ToolCall[] =>
  effects.filter((e): e is ToolCall => e.kind === 'call');
export const linesOf = (effects: readonly Effect[]): string[] =>
  effects.flatMap((e) => (e.kind === 'print' ? [e.line] : []));
/** The calls without their ids, for exact comparisons. */
export const shapes = (effects: readonly Effect[]): Array<{ tool: string; args: Record<string, unknown> }> =>
  callsOf(effects).map(({ tool, args }) => ({ tool, args }));

export function drive(agent: SimAgent) {
  return (input: SimInput): Effect[] => agent.handle(input);
}
