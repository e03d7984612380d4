import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { afterEach, describe, expect, it } from 'vitest';
import { MCP_CONFIG_FORMATS, renderMcpConfig } from '#mcp/client-config.js';
import { findMcpServerBundle, mcpServerLaunch } from '#mcp/launch.js';
import { parseArgs } from '#cli/commands/mcp-config.js';

const launch = {
  command: '/usr/bin/node',
  args: ['/opt/omar/dist/mcp-server.mjs', '--context', '/h/ea/0/agents/my "odd" name\\x/context.json'],
};

describe('renderMcpConfig', () => {
  it('writes mcpServers JSON for claude, cursor and json', () => {
    for (const format of ['claude', 'cursor', 'json'] as const) {
      expect(JSON.parse(renderMcpConfig(format, launch))).toEqual({
        mcpServers: { omar: { command: launch.command, args: launch.args } },
      });
    }
  });

  it('writes gemini settings with trust', () => {
    expect(JSON.parse(renderMcpConfig('gemini', launch))).toEqual({
      mcpServers: { omar: { command: launch.command, args: launch.args, trust: true } },
    });
  });

  it('writes opencode local servers as one command array', () => {
    expect(JSON.parse(renderMcpConfig('opencode', launch))).toMatchObject({
      mcp: { omar: { type: 'local', command: [launch.command, ...launch.args], enabled: true } },
    });
  });

  it('writes codex TOML that parses back to the same command (quotes and backslashes kept)', () => {
    const text = renderMcpConfig('codex', launch);
    expect(text.startsWith('[mcp_servers.omar]\n')).toBe(true);
    expect(parseToml(text)).toEqual({ mcp_servers: { omar: { command: launch.command, args: launch.args } } });
  });

  it('ends every format with a newline', () => {
    for (const format of MCP_CONFIG_FORMATS) expect(renderMcpConfig(format, launch).endsWith('\n')).toBe(true);
  });
});

describe('mcpServerLaunch', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('runs the standalone bundle with node (a small young generation) when there is one, else the omar script', () => {
    expect(mcpServerLaunch('/c.json', { bundle: '/d/mcp-server.mjs', execPath: '/n' })).toEqual({
      command: '/n',
      args: ['--max-semi-space-size=1', '/d/mcp-server.mjs', '--context', '/c.json'],
    });
    expect(mcpServerLaunch('/c.json', { bundle: null, execPath: '/n', cliScript: '/d/omar.mjs' })).toEqual({
      command: '/n',
      args: ['/d/omar.mjs', 'mcp-server', '--context', '/c.json'],
    });
    expect(mcpServerLaunch('/c.json', { bundle: null })).toEqual({
      command: 'omar',
      args: ['mcp-server', '--context', '/c.json'],
    });
  });

  it('finds dist/mcp-server.mjs from dist/, dist/chunks/ and from the sources', () => {
    dir = mkdtempSync(join(tmpdir(), 'omar-launch-'));
    mkdirSync(join(dir, 'dist', 'chunks'), { recursive: true });
    mkdirSync(join(dir, 'src', 'cli', 'commands'), { recursive: true });
    const bundle = join(dir, 'dist', 'mcp-server.mjs');
    expect(findMcpServerBundle(join(dir, 'dist', 'chunks'))).toBeNull();
    writeFileSync(bundle, '');
    expect(findMcpServerBundle(join(dir, 'dist'))).toBe(bundle);
    expect(findMcpServerBundle(join(dir, 'dist', 'chunks'))).toBe(bundle);
    expect(findMcpServerBundle(join(dir, 'src', 'cli', 'commands'))).toBe(bundle);
  });
});

describe('omar mcp-config arguments', () => {
  it('takes NAME and --format', () => {
    expect(parseArgs(['w1'])).toEqual({ name: 'w1', format: 'json' });
    expect(parseArgs(['w1', '--format', 'codex'])).toEqual({ name: 'w1', format: 'codex' });
    expect(parseArgs(['--format=gemini', 'w1'])).toEqual({ name: 'w1', format: 'gemini' });
  });

  it('refuses a missing name, a second name, unknown flags and formats', () => {
    expect(() => parseArgs([])).toThrow(/needs a NAME/);
    expect(() => parseArgs(['a', 'b'])).toThrow(/one agent name/);
    expect(() => parseArgs(['a', '--fmt', 'x'])).toThrow(/Unknown flag/);
    expect(() => parseArgs(['a', '--format', 'vim'])).toThrow(/Unknown format 'vim'/);
    expect(() => parseArgs(['a', '--format'])).toThrow(/needs a value/);
  });
});
