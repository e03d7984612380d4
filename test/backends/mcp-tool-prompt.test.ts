/**
 * A tool of the user's own MCP server (codex loads `~/.codex/config.toml` servers beside
 * omar's): codex asks "Allow the notes MCP server to run tool "add_note"?"; the adapter
 * reads it as a `tool` prompt with its arguments and codex's four choices, and `omar
 * answer` allows it (the tool runs, the model gets its result) or denies it (it does not
 * run). claude and gemini load only omar's server, so they cannot show this prompt.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeWithTmux } from '../helpers/tmux-server.js';
import { waitFor } from '../helpers/wait-for.js';
import { dialogHelpers } from './dialog-helpers.js';
import { backendWorldPerTest } from './harness.js';

const SERVER = join(import.meta.dirname, 'fixtures', 'notes-mcp-server.mjs');
const addNote = (text: string) => ({ native: { responses: { name: 'add_note', args: { text } } } });

describeWithTmux("a tool of the user's own MCP server: codex asks, omar answers", () => {
  const { current } = backendWorldPerTest();
  const { waitDialog, answer } = dialogHelpers(current);

  it('codex: Allow runs the tool and the model gets its result; Deny does not run it', async () => {
    const bw = current();
    const notes = join(bw.workdir, 'notes.txt');
    appendFileSync(
      join(bw.world.env['HOME']!, '.codex', 'config.toml'),
      `\n[mcp_servers.notes]\ncommand = ${JSON.stringify(process.execPath)}\nargs = [${JSON.stringify(SERVER)}]\nenv = { NOTES_FILE = ${JSON.stringify(notes)} }\n`,
    );
    const seen: string[] = [];
    bw.fake.script([
      {
        label: 'task → milk',
        when: (t) => t.raw.includes('YOUR NAME: w') && t.toolResult === null,
        then: addNote('milk'),
      },
      {
        label: 'milk → eggs',
        when: (t) => t.toolResult !== null && /noted: milk/.test(t.toolResult.text),
        then: addNote('eggs'),
      },
      {
        label: 'eggs → done',
        when: (t) => {
          const done = t.toolResult !== null && /eggs/.test(t.raw) && !/noted: eggs/.test(t.toolResult.text);
          if (done) seen.push(t.toolResult!.text);
          return done;
        },
        then: { text: 'GAVE-UP' },
      },
    ]);
    bw.watch('omar-agent-0-w', 'codex');
    await bw.world.startDaemon(['--backend', 'sim']);
    await bw.world.omarJson(['spawn', 'w', '--backend', 'codex', '--task', 'Write the shopping notes.']);

    const milk = await waitDialog(
      'codex',
      'no prompt for add_note(milk)',
      (d) => d.kind === 'tool' && /milk/.test(d.detail ?? ''),
    );
    expect(milk.title).toBe('Use add_note of the notes MCP server');
    expect(milk.choices.map((c) => c.short)).toEqual(['Allow once', 'Allow for this session', 'Always allow', 'Deny']);
    await answer('codex', milk, milk.choices[0]!);
    await waitFor(() => bw.fake.requests.some((r) => r.step === 'milk → eggs'), {
      timeoutMs: 60_000,
      describe: () => bw.describe(),
    });
    expect(readFileSync(notes, 'utf8')).toBe('milk\n');

    const eggs = await waitDialog(
      'codex',
      'no prompt for add_note(eggs)',
      (d) => d.kind === 'tool' && /eggs/.test(d.detail ?? ''),
    );
    await answer(
      'codex',
      eggs,
      eggs.choices.find((c) => c.short === 'Deny')!,
    );
    // codex stops the turn on a refusal: a message gets it going, with the refusal.
    if (!bw.fake.requests.some((r) => r.step === 'eggs → done'))
      await bw.world.omarJson(['events', 'schedule', '--to', 'w', '--payload', 'NEVER MIND']);
    await waitFor(() => bw.fake.requests.some((r) => r.step === 'eggs → done'), {
      timeoutMs: 60_000,
      describe: () => bw.describe(),
    });
    expect(seen[0]).toMatch(/cancel|rejected|declined|denied|aborted/i);
    expect(existsSync(notes) ? readFileSync(notes, 'utf8') : '').toBe('milk\n');
  }, 240_000);
});
