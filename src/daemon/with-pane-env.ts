import type { Multiplexer } from '../core/ports.js';

/** Every pane omar creates learns where its daemon lives (so `omar` inside a pane reaches it). */
export function withPaneEnv(mux: Multiplexer, env: Record<string, string>): Multiplexer {
  return {
    createSession: (options) => mux.createSession({ ...options, env: { ...env, ...options.env } }),
    killSession: (name) => mux.killSession(name),
    hasSession: (name) => mux.hasSession(name),
    listPanes: () => mux.listPanes(),
    capture: (name, options) => mux.capture(name, options),
    deliver: (name, text, options) => mux.deliver(name, text, options),
    attachArgv: (name) => mux.attachArgv(name),
  };
}
