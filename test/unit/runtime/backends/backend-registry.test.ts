import { describe, expect, it } from 'vitest';
import { BACKEND_NAMES } from '../../../../src/core/backends/backend-adapter.js';
import {
  BACKENDS,
  backendByName,
  defaultBackend,
  detectInstalled,
  parseVersion,
  type InstalledBackend,
} from '../../../../src/runtime/backends/backend-registry.js';
import { makeRequest, expectNoUserWideConfig } from './backend-test-kit.js';

describe('backend registry', () => {
  it('lists the six adapters once each, with names from BACKEND_NAMES', () => {
    const names = BACKENDS.map((b) => b.name);
    expect(names).toEqual(['claude', 'codex', 'gemini', 'opencode', 'cursor', 'custom']);
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
    expect((error as Error).message).toBe("Unknown backend 'vim'. Valid backends: claude, codex, gemini, opencode, cursor, custom.");
  });

  it('probes every CLI with --version through the injected runner', async () => {
    const calls: string[] = [];
    const outputs: Record<string, string | null> = {
      claude: '2.1.330 (Claude Code)\n',
      codex: 'WARNING: proceeding, even though we could not create PATH aliases\ncodex-cli 0.169.0\n',
      gemini: null,
      opencode: '1.18.33\n',
    };
    const installed = await detectInstalled(async (binary, args) => {
      calls.push(`${binary} ${args.join(' ')}`);
      if (binary === 'cursor-agent') throw new Error('spawn ENOENT');
      return outputs[binary] ?? null;
    });
    expect(calls.sort()).toEqual(['claude --version', 'codex --version', 'cursor-agent --version', 'gemini --version', 'opencode --version']);
    expect(installed).toEqual([
      { name: 'claude', binary: 'claude', installed: true, version: '2.1.330' },
      { name: 'codex', binary: 'codex', installed: true, version: '0.169.0' },
      { name: 'gemini', binary: 'gemini', installed: false, version: null },
      { name: 'opencode', binary: 'opencode', installed: true, version: '1.18.33' },
      { name: 'cursor', binary: 'cursor-agent', installed: false, version: null },
    ]);
  });

  it('picks the first installed CLI in the order claude, codex, gemini, opencode, cursor', () => {
    const entry = (name: InstalledBackend['name'], installed: boolean): InstalledBackend => ({
      name,
      binary: name,
      installed,
      version: installed ? '1.0.0' : null,
    });
    expect(defaultBackend([])).toBeNull();
    expect(defaultBackend([entry('claude', false), entry('cursor', false)])).toBeNull();
    expect(defaultBackend([entry('cursor', true), entry('opencode', true), entry('claude', false)])).toBe('opencode');
    expect(defaultBackend([entry('gemini', true), entry('codex', true)])).toBe('codex');
    expect(defaultBackend([entry('cursor', true)])).toBe('cursor');
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
