import { EA_AGENT, sessionNameFor } from '../core/model/names.js';
import type { BackendCatalog, Logger, Multiplexer, StateStore } from '../core/ports.js';

/**
 * Which backend each EA's manager runs, decided at every `omar up`:
 * - `--backend B` / `agent.backend = "B"` (explicit): every EA runs B; a live manager on
 *   another backend is replaced now (as the original's `omar -a B`), so you meet B.
 * - `auto`: an EA still on a raw command moves to the first installed CLI the next time
 *   its manager starts; a live manager is left alone.
 * With no CLI installed, `auto` means omar's scripted agent `sim` (said in the log, so a
 * fresh machine still shows a working organisation); with no backend at all (an explicit
 * one that is missing) the EA keeps running `ea.command`, with a warning.
 */
export async function chooseEaBackends(options: {
  store: StateStore;
  mux: Multiplexer;
  catalog: BackendCatalog;
  /** The backend used when no CLI is installed (sim). */
  fallback?: string | null;
  explicit: boolean;
  logger: Logger;
  record: (kind: string, fields: Record<string, unknown>) => void;
}): Promise<void> {
  const wanted = await options.catalog.defaultBackend();
  const list = await options.catalog.list();
  const info = wanted ? list.find((b) => b.name === wanted) : undefined;
  if (!wanted || !info?.installed) {
    if (options.explicit)
      options.logger.warn(
        { backend: wanted },
        `the backend '${wanted}' is not installed (${info?.install ?? 'unknown backend'}); EAs keep running ea.command`,
      );
    else
      options.logger.warn(
        'no agent CLI is installed: EAs run ea.command (a shell) and spawns need --command; see omar doctor',
      );
    return;
  }
  if (wanted === options.fallback && !options.explicit) {
    options.logger.warn(
      { backend: wanted },
      `no agent CLI is installed: EAs and agents run omar's scripted agent '${wanted}' (omar doctor says how to install one)`,
    );
  }
  const live = new Set((await options.mux.listPanes()).filter((p) => !p.dead).map((p) => p.session));
  const replaced: number[] = [];
  await options.store.mutate((s) => {
    for (const ea of s.eas) {
      if (ea.manager.backend === wanted) continue;
      const running = live.has(sessionNameFor(ea.id, EA_AGENT));
      if (running && !options.explicit) continue;
      ea.manager.backend = wanted;
      if (running) replaced.push(ea.id);
    }
  });
  for (const ea of replaced) {
    await options.mux.killSession(sessionNameFor(ea, EA_AGENT)).catch(() => false);
    options.record('ea.backend_changed', { ea, backend: wanted });
  }
}
