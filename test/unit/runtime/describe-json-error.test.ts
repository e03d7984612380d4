import { describe, expect, it } from 'vitest';
import { describeJsonError } from '#runtime/store/describe-json-error.js';

describe('describeJsonError', () => {
  it.each([
    ['{"a":1}', null],
    ['[1,2,{"b":[true,false,null,"x\\u00e9\\n"]}]', null],
    [' -1.5e3 ', null],
    ['{"a":}', 'unexpected "}" at line 1, column 6 (position 5)'],
    ['{"a":1,}', 'unexpected "}" at line 1, column 8 (position 7)'],
    ['[1 2]', 'unexpected "2" at line 1, column 4 (position 3)'],
    ['"abc', 'unexpected end of the text at line 1, column 5 (position 4)'],
    ['{"a": tru}', 'unexpected "}" at line 1, column 10 (position 9)'],
    ['', 'unexpected end of the text at line 1, column 1 (position 0)'],
    ['{}x', 'unexpected "x" at line 1, column 3 (position 2)'],
    ['"\\q"', 'unexpected "q" at line 1, column 3 (position 2)'],
    ['01', 'unexpected "1" at line 1, column 2 (position 1)'],
    ['"\\u12G4"', 'unexpected "G" at line 1, column 6 (position 5)'],
  ])('%j → %s', (text, expected) => {
    expect(describeJsonError(text)).toBe(expected);
    expect(expected === null).toBe(parses(text));
  });
});

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
