import type { Ea, State } from '../model/state.js';
import type { Clock, Settings } from '../ports.js';

/** A new EA record with the next never-reused id; its manager is started by the supervisor. */
export function createEaRecord(
  state: State,
  options: { name: string; description: string | null; clock: Clock; settings: Settings },
): Ea {
  const id = Math.max(state.next.ea, ...state.eas.map((e) => e.id + 1));
  state.next.ea = id + 1;
  return {
    id,
    name: options.name,
    description: options.description,
    createdAt: new Date(options.clock.now()).toISOString(),
    manager: {
      backend: 'raw',
      command: options.settings.eaCommand,
      workdir: options.settings.defaultWorkdir,
      tokenHash: null,
      health: 'starting',
      ready: false,
      startedAt: null,
      lastActivityAt: null,
      restarts: 0,
      nextRestartAt: null,
    },
  };
}

/** The default EA 0 exists on every host (created on first start). */
export function ensureDefaultEa(state: State, clock: Clock, settings: Settings): Ea | null {
  if (state.eas.length > 0) return null;
  const ea = createEaRecord(state, { name: 'default', description: 'Primary executive assistant', clock, settings });
  state.eas.push(ea);
  state.activeEa = ea.id;
  return ea;
}
