import { describe, expect, it } from 'vitest';
import {
  AGENT_NAME_PATTERN,
  agentKey,
  EA_AGENT,
  RESERVED_NAMES,
  SESSION_PREFIX,
  assertAgentName,
  isReservedName,
  parseSessionName,
  sessionNameFor,
} from '#core/model/names.js';

describe('agent names', () => {
  it.each(['w1', 'api-worker_2', 'A', 'x'.repeat(48), '123', '_under', 'EAx', 'omar2', 'owners'])(
    'accepts %j',
    (name) => {
      expect(() => assertAgentName(name)).not.toThrow();
      expect(AGENT_NAME_PATTERN.test(name)).toBe(true);
    },
  );

  it.each([
    ['', /it is empty/],
    ['x'.repeat(49), /49 characters long \(at most 48\)/],
    ['has space', /a space/],
    ['dot.name', /'\.'/],
    ['slash/name', /'\/'/],
    ['colon:name', /':'/],
    ['semi;rm -rf', /';'/],
    ['quote"', /'"'/],
    ['dollar$x', /'\$'/],
    ['tab\tname', /'\t'/],
    ['newline\nname', /'\n'/],
    ['émile', /'é'/],
    ['名字', /'名'/],
    ['-dash', /starts with '-'/],
    ['--help', /starts with '-'/],
  ])('refuses %j with NAME_INVALID', (name, why) => {
    expect(() => assertAgentName(name)).toThrow(
      expect.objectContaining({ code: 'NAME_INVALID', message: expect.stringMatching(why) }),
    );
  });

  it('shows at most five bad characters', () => {
    expect(() => assertAgentName('a.b,c;d:e!f?g')).toThrow(
      expect.objectContaining({ message: expect.stringContaining(', …') }),
    );
  });

  it.each(['ea', 'omar', 'owner', 'EA', 'Omar', 'OWNER'])('refuses the reserved name %j with NAME_RESERVED', (name) => {
    expect(isReservedName(name)).toBe(true);
    expect(() => assertAgentName(name)).toThrow(
      expect.objectContaining({ code: 'NAME_RESERVED', hint: expect.stringContaining("'ea'") }),
    );
  });

  it('reserves exactly ea, omar and owner', () => {
    expect([...RESERVED_NAMES]).toEqual(['ea', 'omar', 'owner']);
    expect(EA_AGENT).toBe('ea');
    expect(isReservedName('ea1')).toBe(false);
  });

  it('attaches a hint to invalid names', () => {
    expect(() => assertAgentName('a b')).toThrow(
      expect.objectContaining({ hint: expect.stringContaining('1–48 letters') }),
    );
  });
});

describe('session names', () => {
  it('names worker and manager sessions with the omar prefix', () => {
    expect(sessionNameFor(0, 'w1')).toBe(`${SESSION_PREFIX}0-w1`);
    expect(sessionNameFor(3, EA_AGENT)).toBe(`${SESSION_PREFIX}ea-3`);
  });

  it.each([
    [0, 'w1'],
    [0, 'ea'],
    [12, 'ea'],
    [7, 'api-worker_2'],
    [1, 'ea-1'],
    [2, '3-x'],
    [0, 'x'.repeat(48)],
    [99, '-'],
  ])('round-trips EA %i, agent %j', (ea, name) => {
    expect(parseSessionName(sessionNameFor(ea, name))).toEqual({ ea, name });
  });

  it('keeps a worker named like a manager apart from the manager', () => {
    expect(sessionNameFor(0, 'ea-1')).not.toBe(sessionNameFor(1, EA_AGENT));
  });

  it.each([
    'main',
    'omar-agent-',
    'omar-agent-ea-',
    'omar-agent-ea-x',
    'omar-agent-x-w1',
    'omar-agent-0-',
    'omar-agent-0-a.b',
    `omar-agent-0-${'x'.repeat(49)}`,
    'xomar-agent-0-w1',
    'omar-agent0-w1',
  ])('does not claim %j', (session) => {
    expect(parseSessionName(session)).toBeNull();
  });
});

describe('agentKey', () => {
  it('tells agents of different EAs apart', () => {
    expect(agentKey(0, 'w1')).toBe('0/w1');
    expect(agentKey(1, 'w1')).not.toBe(agentKey(0, 'w1'));
  });
});
