import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_MEMORY_BYTES,
  DEFAULT_MAX_NOTES_BYTES,
  MEMORY_HEADING,
  NOTES_HEADING,
  boundText,
  buildEaPrompt,
  droppedMarker,
  plainLine,
  plainText,
  renderMemory,
} from '#core/memory/render-memory.js';
import { createEaRecord } from '#core/lifecycle/ea-record.js';
import { type Ea, type State, emptyState } from '#core/model/state.js';
import { utf8Length } from '#core/text/utf8-length.js';
import { makeAgent, makeEvent, makeTask } from '../../../fakes/builders.js';
import { FAKE_EPOCH_MS, FakeClock } from '../../../fakes/fake-clock.js';
import { TEST_SETTINGS } from '../../../fakes/services.js';

const T0 = new Date(FAKE_EPOCH_MS).toISOString();
const MIN_NS = 60_000_000_000n;
const T0_NS = BigInt(FAKE_EPOCH_MS) * 1_000_000n;

/** A complete EA record (built by the core, so it follows the schema), with a chosen id. */
function makeEa(id: number, name: string): Ea {
  return {
    ...createEaRecord(emptyState(), { name, description: null, clock: new FakeClock(), settings: TEST_SETTINGS }),
    id,
  };
}

function smallState(): State {
  const state = emptyState();
  state.eas.push(makeEa(0, 'main'), makeEa(1, 'other'));
  state.projects.push(
    {
      id: 2,
      ea: 0,
      name: 'docs',
      status: 'active',
      owner: 'owner',
      createdAt: T0,
      conversation: null,
      startedBy: null,
    },
    {
      id: 1,
      ea: 0,
      name: 'api-rewrite',
      status: 'active',
      owner: 'ea',
      createdAt: T0,
      conversation: null,
      startedBy: null,
    },
    {
      id: 3,
      ea: 1,
      name: 'elsewhere',
      status: 'active',
      owner: 'ea',
      createdAt: T0,
      conversation: null,
      startedBy: null,
    },
  );
  state.agents.push(
    // A child listed before its parent still lands under it.
    makeAgent('w-db', { parent: 'pm-api', projectId: 1, taskId: 'task-2', health: 'idle', statusLine: 'done' }),
    makeAgent('pm-api', { projectId: 1, taskId: 'task-1', statusLine: 'splitting work' }),
    makeAgent('helper', { parent: 'gone-pm', health: 'exited', exitCode: 1 }),
    makeAgent('far', { ea: 1, taskId: 'task-9' }),
  );
  state.tasks.push(
    makeTask('task-1', 'pm-api', { projectId: 1, text: 'Rewrite the API\nin TypeScript' }),
    makeTask('task-2', 'w-db', {
      projectId: 1,
      text: 'Design the schema',
      status: 'completed',
      summary: 'schema.sql written',
      closedAt: T0,
    }),
    makeTask('task-3', 'ghost', { projectId: 2, text: 'Refresh the docs' }),
    makeTask('task-9', 'far', { ea: 1 }),
  );
  state.events.push(
    makeEvent('ev-2', 'w-db', {
      sender: 'pm-api',
      t: (T0_NS + 5n * MIN_NS).toString(),
      seq: '2',
      payload: 'ping',
      status: 'failed',
      attempts: 3,
      lastError: 'pane gone',
    }),
    makeEvent('ev-1', 'ea', {
      sender: 'ea',
      t: (T0_NS + 15n * MIN_NS).toString(),
      seq: '1',
      payload: 'check on pm-api\nthen report',
      recurrence: { every: 900 },
    }),
    makeEvent('ev-3', 'ea', { sender: 'omar', status: 'delivered' }),
    makeEvent('ev-4', 'w-db', { sender: 'pm-api', format: 'raw', payload: 'YOUR NAME: w-db' }),
    makeEvent('ev-5', 'ea', {
      sender: 'ea',
      t: (T0_NS + 60n * MIN_NS).toString(),
      seq: '3',
      payload: 'daily digest',
      recurrence: { cron: '0 9 * * 1-5', tz: 'Europe/Paris' },
    }),
    makeEvent('ev-6', 'far', { ea: 1 }),
  );
  return state;
}

describe('renderMemory', () => {
  it('renders projects, the agent tree, open tasks and pending/failed events of one EA', () => {
    expect(renderMemory(smallState(), 0, { now: FAKE_EPOCH_MS + 1000 })).toBe(
      [
        '# omar state of EA 0 (main) at 2026-03-01T12:00:01.000Z',
        '',
        'Agents: 2 live (1 running, 1 idle), 1 exited · open tasks: 2 · events: 2 pending, 1 failed',
        '',
        '## Active projects',
        '- #1 api-rewrite (owner ea): live agents w-db, pm-api',
        '- #2 docs (owner owner): no live agents',
        '',
        '## Agents',
        '- pm-api [running] · project #1 · task task-1 running: Rewrite the API in TypeScript · status: splitting work',
        '  - w-db [idle] · project #1 · task task-2 completed: Design the schema → schema.sql written · status: done',
        '- helper [exited, code 1] (parent gone-pm is gone) · no project · no task',
        '',
        '## Open tasks',
        '- task-1 → pm-api (project #1) since 2026-03-01T12:00:00.000Z',
        '- task-3 → ghost (project #2) since 2026-03-01T12:00:00.000Z: Refresh the docs',
        '',
        '## Events (pending and failed)',
        '- ev-2 pm-api → w-db at 2026-03-01T12:05:00.000Z · once · failed after 3 attempts: pane gone',
        '  payload: "ping"',
        '- ev-1 ea → ea at 2026-03-01T12:15:00.000Z · every 900s · pending',
        '  payload: "check on pm-api\\nthen report"',
        '- ev-5 ea → ea at 2026-03-01T13:00:00.000Z · cron "0 9 * * 1-5" (Europe/Paris) · pending',
        '  payload: "daily digest"',
        '',
      ].join('\n'),
    );
  });

  it('says (none) for empty sections and accepts a Date', () => {
    const state = emptyState();
    state.eas.push(makeEa(4, 'empty'));
    expect(renderMemory(state, 4, { now: new Date(FAKE_EPOCH_MS) })).toBe(
      [
        '# omar state of EA 4 (empty) at 2026-03-01T12:00:00.000Z',
        '',
        'Agents: 0 live · open tasks: 0 · events: 0 pending',
        '',
        '## Active projects',
        '(none)',
        '',
        '## Agents',
        '(none)',
        '',
        '## Open tasks',
        '(none)',
        '',
        '## Events (pending and failed)',
        '(none)',
        '',
      ].join('\n'),
    );
  });

  it('strips terminal escapes and control characters from every value', () => {
    const state = smallState();
    const ESC = '\u001b';
    state.eas[0]!.name = `ma${ESC}[31min${ESC}[0m`;
    state.projects[1]!.name = `api${ESC}]0;title\u0007-rewrite`;
    state.agents[1]!.statusLine = `50%\r${ESC}[2K60% \u009b\u200e\u202edone`;
    state.tasks[0]!.text = `Rewrite\u0000 the ${ESC}[1mAPI${ESC}[0m`;
    state.events[1]!.payload = `check ${ESC}[32mnow${ESC}[0m\u0007`;
    state.events[0]!.lastError = `gone${ESC}[K\u0008`;
    const text = renderMemory(state, 0, { now: FAKE_EPOCH_MS });
    expect(text).toContain('# omar state of EA 0 (main)');
    expect(text).toContain('- #1 api-rewrite (owner ea)');
    expect(text).toContain('task task-1 running: Rewrite the API · status: 50%60% done');
    expect(text).toContain('payload: "check now"');
    expect(text).toContain('failed after 3 attempts: gone');
    // Nothing but printable text, line feeds and the characters we put there ourselves.
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e]/);
  });

  it('keeps the first 200 characters of a long payload and says so', () => {
    const state = smallState();
    state.events[1]!.payload = `${'é'.repeat(199)}😀tail`;
    const text = renderMemory(state, 0, { now: FAKE_EPOCH_MS });
    expect(text).toContain(`  payload (first 200 of 204 characters): "${'é'.repeat(199)}😀"\n`);
  });

  it('puts agents in a parent cycle at the root instead of losing them', () => {
    const state = emptyState();
    state.eas.push(makeEa(0, 'main'));
    state.agents.push(makeAgent('a', { parent: 'b' }), makeAgent('b', { parent: 'a' }));
    const lines = renderMemory(state, 0, { now: FAKE_EPOCH_MS }).split('\n');
    expect(lines).toContain('- a [running] · no project · no task');
    expect(lines).toContain('  - b [running] · no project · no task');
  });
});

describe('plainText / plainLine', () => {
  it('keeps line feeds and tabs in plain text, flattens and cuts a line', () => {
    expect(plainText('a\tb\nc\u001b[0m\r')).toBe('a\tb\nc');
    expect(plainLine('  a\n\n b\t c  ')).toBe('a b c');
    expect(plainLine('abcdef', 4)).toBe('abc…');
    expect(plainLine('😀😀😀', 2)).toBe('😀…');
  });
});

describe('boundText', () => {
  it('returns text within the bound unchanged', () => {
    expect(boundText('abc\ndef\n', 8)).toBe('abc\ndef\n');
    expect(boundText('', 0)).toBe('');
  });

  it('keeps whole lines from the end and marks what was dropped', () => {
    const lines = Array.from({ length: 100 }, (_, i) => `line ${String(i).padStart(3, '0')}`);
    const text = `${lines.join('\n')}\n`; // 100 × 9 bytes
    const bounded = boundText(text, 100);
    expect(utf8Length(bounded)).toBeLessThanOrEqual(100);
    const [marker, ...rest] = bounded.split('\n');
    expect(rest.join('\n')).toBe('line 093\nline 094\nline 095\nline 096\nline 097\nline 098\nline 099\n');
    expect(marker).toBe(droppedMarker(900 - 63));
    expect(marker).toBe('[… 837 earlier bytes dropped …]');
  });

  it('cuts inside a single long line without splitting a character', () => {
    const text = `${'ab'.repeat(20)}${'é'.repeat(30)}`; // 40 + 60 bytes, no line feed
    const bounded = boundText(text, 60);
    expect(utf8Length(bounded)).toBeLessThanOrEqual(60);
    const [marker, tail] = bounded.split('\n');
    expect(tail).toBe('é'.repeat(12));
    expect(marker).toBe('[… 76 earlier bytes dropped …]');
  });

  it('keeps the end of an over-long last line rather than an empty tail', () => {
    const bounded = boundText(`short\n${'x'.repeat(200)}\n`, 50);
    expect(utf8Length(bounded)).toBeLessThanOrEqual(50);
    expect(bounded).toMatch(/^\[… \d+ earlier bytes dropped …\]\nx+\n$/);
  });
});

describe('buildEaPrompt', () => {
  it('appends the snapshot and the notes under their headings', () => {
    const prompt = buildEaPrompt({
      template: 'You are the EA.\n\n',
      memory: '# omar state of EA 0\n',
      notes: '## Active work\n- #1 api\n',
    });
    expect(prompt).toBe(
      [
        'You are the EA.',
        '',
        MEMORY_HEADING,
        '',
        '# omar state of EA 0',
        '',
        NOTES_HEADING,
        '',
        '## Active work',
        '- #1 api',
        '',
      ].join('\n'),
    );
  });

  it('says when there is no snapshot or no notes yet', () => {
    const prompt = buildEaPrompt({ template: 'T', memory: '', notes: ' \n' });
    expect(prompt).toBe(
      ['T', '', MEMORY_HEADING, '', '(no snapshot yet)', '', NOTES_HEADING, '', '(no notes saved yet)', ''].join('\n'),
    );
  });

  it('bounds each section separately, dropping its oldest part with the marker', () => {
    const memory = Array.from({ length: 5000 }, (_, i) => `- agent-${i} [running]`).join('\n');
    const notes = Array.from({ length: 3000 }, (_, i) => `note ${i}`).join('\n');
    const prompt = buildEaPrompt({ template: 'T', memory, notes });
    const [head, notesPart] = prompt.split(`\n${NOTES_HEADING}\n\n`) as [string, string];
    const memoryPart = head.split(`\n${MEMORY_HEADING}\n\n`)[1]!;
    expect(memoryPart).toMatch(/^\[… \d+ earlier bytes dropped …\]\n- agent-\d+ \[running\]\n/);
    expect(memoryPart.trimEnd().endsWith('- agent-4999 [running]')).toBe(true);
    expect(utf8Length(memoryPart.trimEnd())).toBeLessThanOrEqual(DEFAULT_MAX_MEMORY_BYTES);
    expect(utf8Length(memoryPart.trimEnd())).toBeGreaterThan(DEFAULT_MAX_MEMORY_BYTES - 40);
    expect(notesPart).toMatch(/^\[… \d+ earlier bytes dropped …\]\nnote \d+\n/);
    expect(notesPart.trimEnd().endsWith('note 2999')).toBe(true);
    expect(utf8Length(notesPart.trimEnd())).toBeLessThanOrEqual(DEFAULT_MAX_NOTES_BYTES);

    const small = buildEaPrompt({ template: 'T', memory, notes, maxMemoryBytes: 200, maxNotesBytes: 100 });
    const smallNotes = small.split(`\n${NOTES_HEADING}\n\n`)[1]!;
    expect(utf8Length(smallNotes.trimEnd())).toBeLessThanOrEqual(100);
    expect(smallNotes.trimEnd().endsWith('note 2999')).toBe(true);
  });

  it('strips terminal escapes from notes', () => {
    expect(buildEaPrompt({ template: 'T', memory: '', notes: 'a\u001b[31mb\u0007' })).toContain('\nab\n');
  });
});
