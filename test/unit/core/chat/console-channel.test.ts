import { describe, expect, it } from 'vitest';
import { consoleChannel, eaOfConsoleChannel, isConsoleOwner } from '#core/chat/console-channel.js';

describe('console channel', () => {
  it('is console:<ea id>, and reads back to its EA', () => {
    expect(consoleChannel(0)).toBe('console:0');
    expect(eaOfConsoleChannel(consoleChannel(12))).toBe(12);
    expect(eaOfConsoleChannel('console:')).toBeNull();
    expect(eaOfConsoleChannel('C0123')).toBeNull();
    expect(eaOfConsoleChannel('console:1:2')).toBeNull();
  });

  it('knows the owner at omar chat', () => {
    expect(isConsoleOwner({ platform: 'console', id: 'owner' })).toBe(true);
    expect(isConsoleOwner({ platform: 'slack', id: 'owner' })).toBe(false);
    expect(isConsoleOwner({ platform: 'console', id: 'U1' })).toBe(false);
  });
});
