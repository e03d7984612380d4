/**
 * Needs input, end to end on a real daemon: sim agents show a prompt on their own screen
 * (the `prompt` task, drawn as an agent CLI draws its permission prompt); the supervisor
 * reads it off the changed pane, the agent turns `waiting`, its parent is told, a card is
 * queued for the person; `omar answer` presses the choice through the agent's lane and
 * the agent moves on. Several prompts at once make one digest; a prompt answered in the
 * pane leaves a stale card that types nothing; a `[[dialogs.rules]]` entry answers alone.
 */
import { afterEach, expect, it } from 'vitest';
import { readJournal } from '../helpers/journal-file.js';
import { createOmarWorld, type OmarWorld } from '../helpers/omar-env.js';
import { describeWithTmux } from '../helpers/tmux-server.js';
import { waitFor } from '../helpers/wait-for.js';

const CONFIG = [
  '[agent]',
  'backend = "sim"',
  '[[dialogs.rules]]',
  'backend = "sim"',
  'kind = "command"',
  'match = "touch never-ask"',
  'answer = "Deny"',
  '',
].join('\n');

interface DialogRow {
  id: string;
  agent: string;
  kind: string;
  title: string;
  status: string;
  answer: string | null;
  answered_by: string | null;
  choices: Array<{ number: number; short: string }>;
}
interface AgentRow {
  name: string;
  health: string;
  status_line: string | null;
  task_status: string | null;
}
interface OutboxRow {
  id: string;
  kind: string;
  text: string;
  platform: string;
}

describeWithTmux('needs input: prompts on agents’ screens, answered from outside the pane', () => {
  let world: OmarWorld;

  afterEach(async () => world?.cleanup());

  const start = async (): Promise<void> => {
    world = createOmarWorld({ config: CONFIG });
    await world.startDaemon();
  };
  const dialogs = async (all = false) =>
    (await world.omarJson<{ dialogs: DialogRow[] }>(['dialogs', ...(all ? ['--all'] : [])])).dialogs;
  const agent = async (name: string) =>
    (await world.omarJson<{ agents: AgentRow[] }>(['list'])).agents.find((a) => a.name === name);
  const outbox = async () => (await world.omarJson<{ items: OutboxRow[] }>(['outbox', '--all'])).items;
  const screenOf = (name: string): string =>
    world.tmux(['capture-pane', '-p', '-J', '-t', `=omar-agent-0-${name}:`]).stdout;
  const eaScreen = (): string =>
    world.tmux(['capture-pane', '-p', '-J', '-S', '-300', '-t', '=omar-agent-ea-0:']).stdout;
  /** The summary its task closed with (from the journal), once it closed. */
  const summaryOf = (name: string): string | undefined => {
    const closed = readJournal(world.home).find((e) => e.kind === 'task.closed' && e.agent === name);
    return typeof closed?.summary === 'string' ? closed.summary : undefined;
  };
  const openPrompt = (name: string) =>
    waitFor(async () => (await dialogs()).find((d) => d.agent === name && d.status === 'open'), {
      timeoutMs: 30_000,
      describe: async () => `no open prompt of ${name}:\n${screenOf(name)}`,
    });

  it('a prompt makes the agent wait and tells its parent; omar answer presses the choice and the agent moves on', async () => {
    await start();
    await world.omarJson(['spawn', 'w1', '--task', 'prompt']);
    const d = (await openPrompt('w1'))!;
    expect(d).toMatchObject({ agent: 'w1', kind: 'command', title: 'Run: touch sim-prompt-ran' });
    expect(d.choices.map((c) => c.short)).toEqual(['Allow once', 'Allow for this session', 'Deny']);
    // waiting, with the question as its status line
    await waitFor(async () => (await agent('w1'))?.health === 'waiting', { timeoutMs: 10_000 });
    expect((await agent('w1'))?.status_line).toBe('waiting: Run: touch sim-prompt-ran');
    // its parent (the EA) hears it
    await waitFor(() => eaScreen().includes('[CHILD NEEDS INPUT] w1: Run: touch sim-prompt-ran'), {
      timeoutMs: 20_000,
      describe: eaScreen,
    });
    // a card for the person: no chat conversation yet, so the terminal chat's channel
    const card = (await outbox()).find((o) => o.kind === 'post' && o.text.includes('w1 waits for you'));
    expect(card).toMatchObject({ platform: 'console' });
    // nothing is typed into a prompt but its answer
    const typed = await world.omar(['send', 'w1', '1']);
    expect(typed.exitCode).not.toBe(0);
    expect(typed.stderr).toContain('w1 is waiting on a prompt (d1: Run: touch sim-prompt-ran); nothing was typed.');
    const wrong = await world.omar(['answer', 'w1', 'maybe']);
    expect(wrong.stderr).toContain("'maybe' is not a choice of w1's prompt d1.");

    const answered = await world.omar(['answer', 'w1', 'allow once']);
    expect(answered.exitCode, answered.stderr).toBe(0);
    expect(answered.stdout).toContain('w1 answered “Allow once”');
    await waitFor(() => summaryOf('w1'), { timeoutMs: 20_000, describe: () => screenOf('w1') });
    expect(summaryOf('w1')).toBe('prompt answered: Allow once (Run: touch sim-prompt-ran)');
    expect((await agent('w1'))?.task_status).toBe('completed');
    expect((await dialogs(true)).find((x) => x.id === d.id)).toMatchObject({
      status: 'answered',
      answer: 'Allow once',
      answered_by: 'owner',
    });
    const entry = readJournal(world.home).find((e) => e.kind === 'dialog.answer');
    expect(entry).toMatchObject({ agent: 'w1', dialog: 'd1', choice: 'Allow once', by: 'owner' });
    // the card says who answered what; a second answer is refused and types nothing
    await waitFor(
      async () => (await outbox()).some((o) => o.kind === 'update' && o.text.includes('Allow once — by owner')),
      {
        timeoutMs: 10_000,
      },
    );
    // With no Slack or Discord to ping anyone, omar doctor says prompts can wait unseen.
    const doctor = await world.omarJson<{ checks: Array<{ check: string; fix: string }> }>(['doctor']);
    expect(doctor.checks.find((c) => c.check === 'chat bridges')?.fix).toContain(
      'Agents can stop on a permission prompt (agent.permissions = "ask"), and no Slack or Discord is connected to ping you',
    );
    const again = await world.omar(['answer', 'd1', '3']);
    expect(again.stderr).toContain("w1's prompt d1 was already answered: Allow once by owner.");
  });

  it('several prompts at once are one digest card; each is answered on its own', async () => {
    await start();
    for (const name of ['a1', 'a2', 'a3']) await world.omarJson(['spawn', name, '--task', 'prompt']);
    await waitFor(async () => (await dialogs()).length === 3, { timeoutMs: 30_000 });
    const posts = (await outbox()).filter((o) => o.kind === 'post' && /waits? for you/.test(o.text));
    expect(posts.length).toBe(1);
    await waitFor(async () => (await outbox()).some((o) => o.text.includes('3 agents wait for you')), {
      timeoutMs: 10_000,
    });
    expect((await world.omar(['answer', 'a1', '1'])).exitCode).toBe(0);
    expect((await world.omar(['answer', 'a2', 'Deny'])).exitCode).toBe(0);
    expect((await world.omar(['answer', 'a3', '2'])).exitCode).toBe(0);
    await waitFor(async () => (await dialogs()).length === 0, { timeoutMs: 10_000 });
    for (const [name, choice] of [
      ['a1', 'Allow once'],
      ['a2', 'Deny'],
      ['a3', 'Allow for this session'],
    ] as const)
      await waitFor(() => summaryOf(name)?.startsWith(`prompt answered: ${choice}`) === true, {
        timeoutMs: 20_000,
      });
  });

  it('a prompt answered in the pane closes as gone: its card says so, and an answer from outside types nothing', async () => {
    await start();
    await world.omarJson(['spawn', 'w2', '--task', 'prompt question=Delete:the:cache? choices=Yes,No']);
    const d = (await openPrompt('w2'))!;
    expect(d).toMatchObject({ kind: 'question', title: 'Delete the cache?' });
    world.tmux(['send-keys', '-t', '=omar-agent-0-w2:', '2']); // someone attached and pressed No
    await waitFor(async () => (await dialogs(true)).find((x) => x.id === d.id)?.status === 'gone', {
      timeoutMs: 20_000,
    });
    await waitFor(() => summaryOf('w2')?.startsWith('prompt answered: No') === true, {
      timeoutMs: 20_000,
    });
    const late = await world.omar(['answer', d.id, 'Yes']);
    expect(late.exitCode).not.toBe(0);
    expect(late.stderr).toContain(`w2's prompt ${d.id} is no longer on its screen`);
    await waitFor(async () => (await outbox()).some((o) => o.text.includes('answered in the terminal')), {
      timeoutMs: 10_000,
    });
  });

  it('a [[dialogs.rules]] entry answers the prompts it matches, journaled, with no card and no ping', async () => {
    await start();
    await world.omarJson(['spawn', 'r1', '--task', 'prompt question="Run: touch never-ask"']);
    await waitFor(() => summaryOf('r1')?.startsWith('prompt answered: Deny') === true, {
      timeoutMs: 30_000,
      describe: () => screenOf('r1'),
    });
    const rule = await waitFor(() => readJournal(world.home).find((e) => e.kind === 'dialog.rule'), {
      timeoutMs: 10_000,
    });
    expect(rule).toMatchObject({ agent: 'r1', choice: 'Deny', name: 'rule 1' });
    expect((await outbox()).some((o) => o.text.includes('r1'))).toBe(false);
  });
});
