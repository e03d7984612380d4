import type { OmarEvent, State } from '../../core/model/state.js';
import type { StateStore } from '../../core/ports.js';

/** Edits the events with these ids, found by index in the committed state (walking the draft would touch every event). */
export function editEvents(store: StateStore, s: State, ids: ReadonlySet<string>, edit: (e: OmarEvent) => void): void {
  const base = store.get().events;
  for (let i = 0; i < base.length; i += 1) if (ids.has(base[i]!.id)) edit(s.events[i]!);
}
