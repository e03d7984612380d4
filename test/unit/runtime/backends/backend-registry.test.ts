import { describe, expect, it } from 'vitest';
import { BACKEND_NAMES } from '#core/backends/backend-adapter.js';
import { BACKENDS, backendByName, FALLBACK_BACKEND, parseVersion } from '#runtime/backends/backend-registry.js';
import { makeRequest, expectNoUserWideConfig } from './backend-test-kit.js';

describe('backend registry', () => {
  it('lists the seven adapters once each, with names from BACKEND_NAMES; sim is the built-in fallback', () => {
    const names = BACKENDS.map((b) => b.name);
    expect(names).toEqual(['claude', 'codex', 'gemini', 'opencode', 'cursor', 'custom', 'sim']);
    expect(BACKENDS.filter((b) => b.builtIn).map((b) => b.name)).toEqual([FALLBACK_BACKEND]);
    for (const name of names) expect(BACKEND_NAMES).toContain(name);
    expect(Object.isFrozen(BACKENDS)).toBe(true);
  });

  it('finds adapters by name and lists the valid names otherwise', () => {
    expect(backendByName('codex').name).toBe('codex');
    let error: unknown;
    try {
      backendByName('vim');
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'INVALID_INPUT' });
    expect((error as Error).message).toBe(
      "Unknown backend 'vim'. Valid backends: claude, codex, gemini, opencode, cursor, custom, sim.",
    );
  });

  it('parses version lines', () => {
    expect(parseVersion('2.1.330 (Claude Code)')).toBe('2.1.330');
    expect(parseVersion('codex-cli 0.169.0')).toBe('0.169.0');
    expect(parseVersion('2026.09.15-d2fe57e')).toBe('2026.09.15-d2fe57e');
    expect(parseVersion('\n  weird build\n')).toBe('weird build');
    expect(parseVersion('')).toBeNull();
  });

  it('no real-CLI plan references a user-wide config file', () => {
    for (const backend of BACKENDS) {
      const request = makeRequest({ custom: { command: 'x', mcpConfigFlag: '--mcp', promptFlag: '--p' } });
      expectNoUserWideConfig(backend.plan(request), request);
    }
  });
});
