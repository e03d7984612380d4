import { describe, expect, it } from 'vitest';
import { PERMISSION_MODES } from '#core/backends/backend-adapter.js';
import { AppError } from '#core/errors.js';
import { permissionsOf } from '#daemon/agent-launcher.js';
import { codexBackend } from '#runtime/backends/codex-backend.js';
import { geminiBackend } from '#runtime/backends/gemini-backend.js';
import { opencodeBackend } from '#runtime/backends/opencode-backend.js';
import { makeRequest } from '../runtime/backends/backend-test-kit.js';

describe('the permission mode an agent is launched in', () => {
  it('is the configured one unless the spawn asks for another', () => {
    for (const configured of PERMISSION_MODES)
      expect(permissionsOf({ backend: 'claude' }, configured)).toBe(configured);
  });

  it('may be tightened at spawn, never loosened', () => {
    expect(permissionsOf({ backend: 'claude', permissions: 'ask' }, 'bypass')).toBe('ask');
    expect(permissionsOf({ backend: 'claude', permissions: 'workspace' }, 'auto')).toBe('workspace');
    const looser = (() => {
      try {
        permissionsOf({ backend: 'codex', permissions: 'bypass' }, 'workspace');
      } catch (error) {
        return error;
      }
      return null;
    })();
    expect(looser).toBeInstanceOf(AppError);
    expect(looser).toMatchObject({ code: 'PERMISSION_DENIED' });
    expect((looser as AppError).message).toBe(
      'permissions "bypass" is looser than "workspace", which config.toml allows for codex agents.',
    );
  });

  it('is refused by a CLI that has no such mode, naming the ones it has', () => {
    const cases = [
      { adapter: geminiBackend, mode: 'auto', has: '"plan", "ask", "workspace", "bypass"' },
      { adapter: opencodeBackend, mode: 'auto', has: '"ask", "workspace", "bypass"' },
      { adapter: opencodeBackend, mode: 'plan', has: '"ask", "workspace", "bypass"' },
      { adapter: codexBackend, mode: 'plan', has: '"ask", "workspace", "auto", "bypass"' },
    ] as const;
    for (const { adapter, mode, has } of cases) {
      expect(() => adapter.plan(makeRequest({ permissions: mode }))).toThrow(
        expect.objectContaining({
          code: 'CONFIG_INVALID',
          message: `agent.permissions = "${mode}" has no equivalent in ${adapter.name}: it supports ${has}.`,
        }),
      );
    }
  });

  it('plan is the strictest: any spawn may ask for it, and nothing looser than plan is given', () => {
    expect(permissionsOf({ backend: 'claude', permissions: 'plan' }, 'ask')).toBe('plan');
    expect(() => permissionsOf({ backend: 'claude', permissions: 'ask' }, 'plan')).toThrow(/looser than "plan"/);
  });
});
