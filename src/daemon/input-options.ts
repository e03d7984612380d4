import type { BackendAdapter } from '../core/backends/backend-adapter.js';
import { findAgentView } from '../core/model/agent-view.js';
import type { DeliverOptions, StateStore } from '../core/ports.js';

/** The adapter of the backend an agent (or, for 'ea', the EA's manager) runs; none for raw commands and external agents. */
export function adapterOfAgent(store: StateStore, adapterFor: (backend: string) => BackendAdapter | undefined) {
  return (ea: number, name: string): BackendAdapter | undefined => {
    const backend = findAgentView(store.get(), ea, name)?.backend;
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
