import type { BackendAdapter } from '../core/backends/backend-adapter.js';
import { EA_AGENT } from '../core/model/names.js';
import type { DeliverOptions, StateStore } from '../core/ports.js';

/** The adapter of the backend an agent (or, for 'ea', the EA's manager) runs; none for raw commands and external agents. */
export function adapterOfAgent(store: StateStore, adapterFor: (backend: string) => BackendAdapter | undefined) {
  return (ea: number, name: string): BackendAdapter | undefined => {
    const state = store.get();
    const backend =
      name === EA_AGENT
        ? state.eas.find((e) => e.id === ea)?.manager.backend
        : state.agents.find((a) => a.ea === ea && a.name === name)?.backend;
    return backend ? adapterFor(backend) : undefined;
  };
}

/**
 * The delivery options of one receiver's CLI: its paste placeholders, the pause its input
 * box needs before an Enter, its empty-input marker.
 */
export function inputOptionsOf(adapter: BackendAdapter | undefined): Partial<DeliverOptions> {
  const input = adapter?.input;
  if (!input) return {};
  return {
    placeholders: input.placeholders,
    submitDelayMs: input.submitDelayMs,
    ...(input.emptyInputMarker ? { emptyInputMarker: input.emptyInputMarker } : {}),
  };
}
