import { describe, expect, it } from 'vitest';
import { prepareCliInput } from '#cli/prepare-input.js';
import { assertFlagsOnce } from '#cli/repeated-flags.js';

const sources = (stdin: string) => ({ cwd: '/home/ann/repo', readStdin: () => Promise.resolve(stdin) });

describe('prepareCliInput', () => {
  it.each([
    ['send_input', 'text'],
    ['schedule_omar_event', 'payload'],
    ['spawn_agent', 'task'],
  ])('%s reads %s from stdin when it is -', async (op, field) => {
    expect(await prepareCliInput(op, { [field]: '-' }, sources('long\ntext\n'))).toEqual({ [field]: 'long\ntext' });
  });

  it('leaves other fields and other operations alone', async () => {
    expect(await prepareCliInput('send_input', { name: '-', text: 'hi' }, sources('x'))).toEqual({
      name: '-',
      text: 'hi',
    });
    expect(await prepareCliInput('add_project', { name: '-' }, sources('x'))).toEqual({ name: '-' });
  });

  it('refuses - with an empty stdin, or just a newline', async () => {
    await expect(prepareCliInput('spawn_agent', { task: '-' }, sources(''))).rejects.toMatchObject({ code: 'USAGE' });
    await expect(prepareCliInput('spawn_agent', { task: '-' }, sources('\n'))).rejects.toMatchObject({ code: 'USAGE' });
  });

  it('keeps every newline but the last', async () => {
    expect(await prepareCliInput('send_input', { text: '-' }, sources('a\n\n'))).toEqual({ text: 'a\n' });
    expect(await prepareCliInput('send_input', { text: '-' }, sources('a\r\n'))).toEqual({ text: 'a' });
  });

  it('makes a relative workdir absolute where the CLI runs, and keeps an absolute one', async () => {
    expect(await prepareCliInput('spawn_agent', { workdir: 'src/../lib' }, sources(''))).toEqual({
      workdir: '/home/ann/repo/lib',
    });
    expect(await prepareCliInput('spawn_agent', { workdir: '/srv' }, sources(''))).toEqual({ workdir: '/srv' });
  });
});

describe('assertFlagsOnce', () => {
  it.each([[['--a', '1', '--b']], [['--a=1', '--', '--a']], [['-x', '-x']]])('accepts %j', (args) => {
    expect(() => assertFlagsOnce(args, 'u')).not.toThrow();
  });
  it.each([[['--a', '--a']], [['--a=1', '--a=2']], [['--a', 'x', '--a=y']]])('refuses %j', (args) => {
    expect(() => assertFlagsOnce(args, 'u')).toThrow(
      expect.objectContaining({ code: 'USAGE', message: '--a is given twice.' }),
    );
  });
});
