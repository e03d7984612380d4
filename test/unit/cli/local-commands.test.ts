import { describe, expect, it } from 'vitest';
import { findLocalCommand } from '#cli/local-commands.js';
import { extractGlobals, runCli } from '#cli/main.js';

describe('local commands', () => {
  it('omar chat is the terminal chat; omar chat allow|deny|users stay operations', () => {
    expect(findLocalCommand(['chat'])?.name).toBe('chat');
    expect(findLocalCommand(['chat', '--json'])?.name).toBe('chat');
    expect(findLocalCommand(['chat', 'allow', 'slack:U1'])).toBeUndefined();
    expect(findLocalCommand(['chat', 'users'])).toBeUndefined();
    expect(findLocalCommand(['up', '--chat'])?.name).toBe('up');
  });

  it('--ea takes an id everywhere and a name where a command resolves names', async () => {
    expect(extractGlobals(['chat', '--ea', '2']).globals).toMatchObject({ ea: 2 });
    expect(extractGlobals(['chat', '--ea=research']).globals).toMatchObject({ eaName: 'research' });
    expect(() => extractGlobals(['list', '--ea'])).toThrow(expect.objectContaining({ code: 'USAGE' }));
    const stderr: string[] = [];
    const io = {
      stdout: { write: () => true } as unknown as NodeJS.WritableStream,
      stderr: { write: (s: string) => stderr.push(s) } as unknown as NodeJS.WritableStream,
      env: {},
      cwd: '/',
      isTty: false,
    };
    expect(await runCli(['list', '--ea', 'research'], io)).toBe(2);
    expect(stderr.join('')).toContain("--ea needs an EA id (a number), got 'research'.");
  });
});
