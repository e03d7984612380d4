import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ensureDefaultEa } from '#core/lifecycle/ea-record.js';
import { emptyState } from '#core/model/state.js';
import type { Clock } from '#core/ports.js';
import { createMemoryWriter } from '#daemon/memory-writer.js';
import { makeAgent } from '../../fakes/builders.js';
import { FAKE_EPOCH_MS } from '../../fakes/fake-clock.js';
import { MemoryStore } from '../../fakes/memory-store.js';
import { TEST_SETTINGS } from '../../fakes/services.js';
import { SilentLogger } from '../../fakes/silent-logger.js';

const clock: Clock = { now: () => Date.now(), nowNs: () => BigInt(Date.now()) * 1_000_000n };

describe('memory.md writer', () => {
  let home: string;
  beforeEach(() => {
    vi.useFakeTimers({ now: FAKE_EPOCH_MS, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    home = mkdtempSync(join(tmpdir(), 'omar-memory-'));
  });
  afterEach(() => {
    vi.useRealTimers();
    rmSync(home, { recursive: true, force: true });
  });

  it('writes the snapshot of the EA that changed, once per debounce period, as plain text', async () => {
    const state = emptyState();
    ensureDefaultEa(state, clock, TEST_SETTINGS);
    state.agents.push(makeAgent('w1', { statusLine: 'compiling \u001b[31mred\u001b[0m' }));
    const store = new MemoryStore(state);
    const writer = createMemoryWriter({ home, store, clock, logger: new SilentLogger(), debounceMs: 500 });
    const file = join(home, 'ea', '0', 'memory.md');
    writer.onRecord({ ts: 'x', kind: 'agent.spawned', ea: 0, agent: 'w1' });
    writer.onRecord({ ts: 'x', kind: 'task.opened', ea: 0, agent: 'w1' });
    expect(existsSync(file)).toBe(false);
    await vi.advanceTimersByTimeAsync(500);
    await writer.flush();
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('# omar state of EA 0 (default)');
    expect(text).toContain('w1');
    expect(text).toContain('compiling red');
    expect(text).not.toContain('\u001b');
    writer.onRecord({ ts: 'x', kind: 'daemon.started' });
    writer.onRecord({ ts: 'x', kind: 'agent.spawned', ea: 7 });
    await writer.stop();
    expect(existsSync(join(home, 'ea', '7'))).toBe(false);
  });
});
