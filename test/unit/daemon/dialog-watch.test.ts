import { describe, expect, it } from 'vitest';
import { ensureDefaultEa } from '#core/lifecycle/ea-record.js';
import { sessionNameFor } from '#core/model/names.js';
import { emptyState } from '#core/model/state.js';
import type { Clock, PaneInfo } from '#core/ports.js';
import { createDialogWatch, MAX_READS_PER_TICK } from '#daemon/dialogs/dialog-watch.js';
import { detectSimDialog } from '#runtime/backends/sim-dialogs.js';
import { promptScreen } from '#sim/run-sim.js';
import { makeAgent } from '../../fakes/builders.js';
import { FAKE_EPOCH_MS } from '../../fakes/fake-clock.js';
import { FakeMultiplexer } from '../../fakes/fake-multiplexer.js';
import { MemoryRecorder } from '../../fakes/memory-recorder.js';
import { MemoryStore } from '../../fakes/memory-store.js';
import { TEST_SETTINGS } from '../../fakes/services.js';
import { SilentLogger } from '../../fakes/silent-logger.js';

const clock: Clock = { now: () => FAKE_EPOCH_MS, nowNs: () => BigInt(FAKE_EPOCH_MS) * 1_000_000n };

describe('the dialog watch', () => {
  it('reads at most MAX_READS_PER_TICK changed screens a tick, those never read first, and a prompt waiting past the budget next tick', async () => {
    const state = emptyState();
    ensureDefaultEa(state, clock, TEST_SETTINGS);
    const names = Array.from({ length: MAX_READS_PER_TICK + 4 }, (_, i) => `w${i}`);
    state.agents = names.map((n) => makeAgent(n, { backend: 'sim' }));
    const mux = new FakeMultiplexer(clock);
    const panes = new Map<string, PaneInfo>();
    for (const n of names) {
      const session = sessionNameFor(0, n);
      mux.addSession(session);
      mux.setScreen(session, ['· working']);
      // Changed long ago (before any read): no settling wait.
      panes.set(session, {
        session,
        paneId: `%${n}`,
        pid: 1,
        dead: false,
        deadStatus: null,
        activityMs: FAKE_EPOCH_MS - 60_000,
        attached: false,
        command: 'node',
      });
    }
    // The last agent's screen shows a prompt: it is past this tick's budget.
    mux.setScreen(sessionNameFor(0, names.at(-1)!), [
      '· working',
      ...promptScreen('Run: make', ['Allow once', 'Deny']),
    ]);
    const store = new MemoryStore(state);
    const watch = createDialogWatch({
      store,
      mux,
      recorder: new MemoryRecorder(clock),
      clock,
      logger: new SilentLogger(),
      adapterOf: () => ({ name: 'sim', detectDialog: detectSimDialog }) as never,
      rules: () => [],
      remindMinutes: 0,
      onEventsAdded: () => {},
      onChat: () => {},
      answering: () => false,
      answerByRule: async () => {},
      sleep: async () => {},
    });
    await watch.sample(store.get(), panes, FAKE_EPOCH_MS);
    expect(watch.lastCaptures()).toBe(MAX_READS_PER_TICK);
    expect(store.get().dialogs).toEqual([]);
    await watch.sample(store.get(), panes, FAKE_EPOCH_MS + 1000);
    // The four not read yet; the sixteen read have not moved since.
    expect(watch.lastCaptures()).toBe(4);
    expect(store.get().dialogs.map((d) => [d.agent, d.title])).toEqual([[names.at(-1), 'Run: make']]);
  });
});
