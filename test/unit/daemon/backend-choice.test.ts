import { describe, expect, it } from 'vitest';
import { ensureDefaultEa, createEaRecord } from '#core/lifecycle/ea-record.js';
import { sessionNameFor } from '#core/model/names.js';
import { emptyState } from '#core/model/state.js';
import { createBackendCatalog, probeVersion } from '#daemon/backend-catalog.js';
import { chooseEaBackends } from '#daemon/choose-ea-backends.js';
import { FakeClock } from '../../fakes/fake-clock.js';
import { FakeMultiplexer } from '../../fakes/fake-multiplexer.js';
import { MemoryStore } from '../../fakes/memory-store.js';
import { TEST_SETTINGS } from '../../fakes/services.js';
import { SilentLogger } from '../../fakes/silent-logger.js';

const entries = [
  { name: 'claude', binary: 'claude', verified: true, install: 'npm i -g @anthropic-ai/claude-code' },
  { name: 'codex', binary: 'codex', verified: true, install: 'npm i -g @openai/codex' },
  { name: 'custom', binary: '', verified: false, install: 'set [custom] command' },
];

describe('backend catalogue', () => {
  it('probes each binary once, in parallel, and picks the first installed CLI for auto', async () => {
    const probed: string[] = [];
    const catalog = createBackendCatalog({
      entries,
      configured: 'auto',
      fallback: null,
      probe: async (b) => (probed.push(b), b === 'codex' ? 'codex-cli 0.169.0' : null),
    });
    expect(await catalog.defaultBackend()).toBe('codex');
    expect((await catalog.list()).map((b) => [b.name, b.installed, b.version])).toEqual([
      ['claude', false, null],
      ['codex', true, 'codex-cli 0.169.0'],
      ['custom', false, null],
    ]);
    expect(probed.sort()).toEqual(['', 'claude', 'codex']);
  });

  it('uses the configured backend as is, and the fallback when nothing is installed', async () => {
    expect(
      await createBackendCatalog({
        entries,
        configured: 'claude',
        fallback: null,
        probe: async () => null,
      }).defaultBackend(),
    ).toBe('claude');
    expect(
      await createBackendCatalog({
        entries,
        configured: 'auto',
        fallback: 'sim',
        probe: async () => null,
      }).defaultBackend(),
    ).toBe('sim');
  });

  it('lists a built-in backend as installed without probing it, and never prefers it over an installed CLI', async () => {
    const withSim = [
      ...entries,
      { name: 'sim', binary: '', verified: true, install: 'built in', builtInVersion: '1.2.3' },
    ];
    const probed: string[] = [];
    const none = createBackendCatalog({
      entries: withSim,
      configured: 'auto',
      fallback: 'sim',
      probe: async (b) => (probed.push(b), null),
    });
    expect(await none.defaultBackend()).toBe('sim');
    expect((await none.list()).find((b) => b.name === 'sim')).toMatchObject({ installed: true, version: '1.2.3' });
    expect(probed).not.toContain('sim');
    const codex = createBackendCatalog({
      entries: withSim,
      configured: 'auto',
      fallback: 'sim',
      probe: async (b) => (b === 'codex' ? '0.169.0' : null),
    });
    expect(await codex.defaultBackend()).toBe('codex');
  });

  it('probeVersion answers null for a missing or empty binary', async () => {
    expect(await probeVersion('')).toBeNull();
    expect(await probeVersion('surely-not-an-installed-binary-xyz')).toBeNull();
    expect(await probeVersion(process.execPath)).toBe(process.versions.node);
  });
});

describe('the backend of each EA at start', () => {
  const world = () => {
    const clock = new FakeClock();
    const state = emptyState();
    ensureDefaultEa(state, clock, TEST_SETTINGS);
    state.eas.push(createEaRecord(state, { name: 'second', description: null, clock, settings: TEST_SETTINGS }));
    const store = new MemoryStore(state);
    const mux = new FakeMultiplexer();
    mux.addSession(sessionNameFor(0, 'ea'));
    const recorded: string[] = [];
    return { store, mux, recorded, record: (kind: string) => recorded.push(kind) };
  };

  it('auto: EAs not running move to the installed CLI; a live manager is left alone', async () => {
    const w = world();
    const catalog = createBackendCatalog({
      entries,
      configured: 'auto',
      fallback: null,
      probe: async (b) => (b === 'codex' ? '1' : null),
    });
    await chooseEaBackends({
      store: w.store,
      mux: w.mux,
      catalog,
      explicit: false,
      logger: new SilentLogger(),
      record: w.record,
    });
    expect(w.store.get().eas.map((e) => e.manager.backend)).toEqual(['raw', 'codex']);
    expect(w.mux.sessions.has(sessionNameFor(0, 'ea'))).toBe(true);
  });

  it('explicit: every EA switches, and a live manager on another backend is replaced', async () => {
    const w = world();
    const catalog = createBackendCatalog({
      entries,
      configured: 'codex',
      fallback: null,
      probe: async (b) => (b === 'codex' ? '1' : null),
    });
    await chooseEaBackends({
      store: w.store,
      mux: w.mux,
      catalog,
      explicit: true,
      logger: new SilentLogger(),
      record: w.record,
    });
    expect(w.store.get().eas.map((e) => e.manager.backend)).toEqual(['codex', 'codex']);
    expect(w.mux.sessions.has(sessionNameFor(0, 'ea'))).toBe(false);
    expect(w.recorded).toEqual(['ea.backend_changed']);
  });

  it('with no CLI installed the EAs keep their command', async () => {
    const w = world();
    const catalog = createBackendCatalog({ entries, configured: 'auto', fallback: null, probe: async () => null });
    await chooseEaBackends({
      store: w.store,
      mux: w.mux,
      catalog,
      explicit: false,
      logger: new SilentLogger(),
      record: w.record,
    });
    expect(w.store.get().eas.map((e) => e.manager.backend)).toEqual(['raw', 'raw']);
  });
});
