import { describe, expect, it } from 'vitest';
import { AppError } from '#core/errors.js';
import { tokenizeCommand } from '#core/surface/tokenize-command.js';

describe('tokenizeCommand', () => {
  it.each<[string, string, string[]]>([
    ['plain words', 'spawn w1 --command bash', ['spawn', 'w1', '--command', 'bash']],
    ['runs of whitespace, tabs and newlines', '  a \t b\n c  ', ['a', 'b', 'c']],
    ['nothing', '   ', []],
    ['single quotes are literal', String.raw`say 'a "b" \n $x'`, ['say', String.raw`a "b" \n $x`]],
    ['double quotes keep spaces', 'send w1 "hello   world"', ['send', 'w1', 'hello   world']],
    ['double quotes: \\" and \\\\ escapes', String.raw`"a \"b\" c\\d \e"`, [String.raw`a "b" c\d \e`]],
    ['double quotes keep newlines', '"line 1\nline 2"', ['line 1\nline 2']],
    ['backslash outside quotes', String.raw`a\ b \"c\" \\`, ['a b', '"c"', '\\']],
    ['trailing backslash stays', 'a\\', ['a\\']],
    ['empty quotes make an empty word', `x '' ""`, ['x', '', '']],
    ['quotes join with neighbours', `--task="fix it"now`, ['--task=fix itnow']],
    ['smart double quotes', 'send w1 “hello world”', ['send', 'w1', 'hello world']],
    ['smart single quotes', '‘it is’ fine', ['it is', 'fine']],
    ['a lone ’ is an apostrophe', 'don’t stop', ['don’t', 'stop']],
    ['ASCII quotes inside smart quotes', '“say "hi"”', ['say "hi"']],
    ['escaped smart quote inside smart quotes', String.raw`“a \” b”`, ['a ” b']],
    ['unicode and emoji', 'send 漢字 😀', ['send', '漢字', '😀']],
  ])('%s', (_name, line, words) => {
    expect(tokenizeCommand(line)).toEqual(words);
  });

  it.each<[string, string]>([
    ['send w1 "oops', 'Unterminated quote: the " at character 9 is never closed.'],
    ["it's", "Unterminated quote: the ' at character 3 is never closed."],
    ['“open', 'Unterminated quote: the “ at character 1 is never closed.'],
    ['‘open', 'Unterminated quote: the ‘ at character 1 is never closed.'],
    [String.raw`"a \"`, 'Unterminated quote: the " at character 1 is never closed.'],
  ])('rejects %j', (line, message) => {
    const error = catchError(() => tokenizeCommand(line));
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'USAGE', message });
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
