import { execFileSync } from 'node:child_process';
import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { shCommand, shQuote } from '#core/backends/backend-adapter.js';
import { mcpServerArgv, tomlArray, tomlString } from '#runtime/backends/backend-common.js';
import { makeRequest, NASTY_PROMPT } from './backend-test-kit.js';

const HARD = [
  NASTY_PROMPT,
  '',
  "'",
  "'''",
  '"""',
  '$(rm -rf /) `id` ${X:-y} $1 \\ \\\\',
  'line1\nline2\r\n\ttab',
  '-n',
  '--flag=value with spaces',
  '漢字 😀',
  '\u0001\u001f\u007f',
];

describe('quoting for sh -c', () => {
  it.each(HARD.map((s) => [JSON.stringify(s).slice(0, 40), s] as const))(
    'round-trips %s through printf',
    (_label, text) => {
      const out = execFileSync('sh', ['-c', `printf '%s\\n' ${shQuote(text)}`], { encoding: 'utf8' });
      expect(out).toBe(`${text}\n`);
    },
  );

  it('keeps every argument separate', () => {
    const out = execFileSync('sh', ['-c', `printf '%s\\0' ${shCommand(HARD)}`], { encoding: 'utf8' });
    expect(out.split('\0').slice(0, -1)).toEqual(HARD);
  });
});

describe('tomlString', () => {
  it.each(HARD.map((s) => [JSON.stringify(s).slice(0, 40), s] as const))(
    'round-trips %s through a TOML parser',
    (_label, text) => {
      const toml = tomlString(text);
      expect(toml).not.toMatch(/\n/);
      expect(parse(`v = ${toml}`).v).toBe(text);
    },
  );

  it('replaces a lone surrogate, which has no UTF-8 form', () => {
    expect(parse(`v = ${tomlString('a\ud800b')}`).v).toBe('a\ufffdb');
  });

  it('builds arrays', () => {
    expect(parse(`v = ${tomlArray(['a', "b'c", 'd"e'])}`).v).toEqual(['a', "b'c", 'd"e']);
  });
});

describe('mcpServerArgv', () => {
  it('is omar argv + mcp-server --context <context>', () => {
    const request = makeRequest();
    expect(mcpServerArgv(request)).toEqual([
      '/usr/bin/node',
      '/opt/omar/dist/omar.mjs',
      'mcp-server',
      '--context',
      request.contextPath,
    ]);
  });

  it('refuses an empty omar argv', () => {
    expect(() => mcpServerArgv({ ...makeRequest(), omarArgv: [] })).toThrow(
      expect.objectContaining({ code: 'INTERNAL' }),
    );
  });
});
