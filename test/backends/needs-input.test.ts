/**
 * Needs input, each real CLI's side: launched in `agent.permissions = "ask"`, the CLI asks
 * before a shell command the scripted model wants to run; its adapter's detectDialog reads
 * the prompt off the pane, and the choice's own keys answer it. Allow runs the command and
 * the model receives its result; Deny does not run it.
 * Also: a claude question dialog, claude's folder trust, the permission mode as launched,
 * and several prompts open at once in three CLIs.
 * Every answer goes through omar as a person's would: `omar dialogs` lists the prompt, the
 * agent is `waiting`, a card is queued, and `omar answer NAME CHOICE` presses the choice.
 * Three prompts open at once make one digest card.
 */
import { existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { PERMISSION_MODES } from '#core/backends/backend-adapter.js';
import { backendByName } from '#runtime/backends/backend-registry.js';
import { APP_TOKEN, BOT_TOKEN, startFakeSlack } from '../fakes/fake-slack.js';
import { describeWithTmux } from '../helpers/tmux-server.js';
import { waitFor } from '../helpers/wait-for.js';
import type { Api, Step, Turn } from './fake-model-server.js';
import { saw } from './fake-model-server.js';
import { dialogHelpers, SESSION, type DialogRow } from './dialog-helpers.js';
import { createBackendWorld, type BackendWorld } from './harness.js';
import { CLI_SPECS, ensureClis, type CliName, type InstalledClis } from './install-clis.js';

/** How each CLI tells its model that the person said no. */
const DROPPED = '(the call is not in the conversation)';
const REFUSAL = /rejected|was denied|declined|doesn't want|did not approve|cancell?ed|aborted/i;
let clis: InstalledClis;

beforeAll(async () => {
  clis = await ensureClis();
}, 600_000);

/** The CLI's own shell tool, per wire format, running `command`. */
function shellCall(command: string): Partial<Record<Api, { name: string; args: Record<string, unknown> }>> {
  const description = `Run ${command}`;
  return {
    anthropic: { name: 'Bash', args: { command, description } },
    responses: {
      name: 'exec_command',
      args: { cmd: command, sandbox_permissions: 'require_escalated', justification: description },
    },
    gemini: { name: 'run_shell_command', args: { command, description } },
    chat: { name: 'bash', args: { command, description } },
  };
}

describeWithTmux('needs input: the real CLIs ask, and their adapters read and answer the prompt', () => {
  let bw: BackendWorld;

  beforeEach(async () => {
    bw = await createBackendWorld(clis);
  });
  afterEach(async (context) => {
    if (context.task.result?.state === 'fail' || process.env.OMAR_BACKENDS_VERBOSE) console.error(await bw.describe());
    await bw.cleanup();
  });

  const { screen, waitDialog, answer } = dialogHelpers(() => bw);

  for (const spec of CLI_SPECS) {
    const cli: CliName = spec.name;
    it(`${cli} ${spec.version}: a shell command prompt is detected; Allow runs it, Deny does not`, async () => {
      const results = new Set<string>();
      const resultNo = (n: number) => (turn: Turn) => {
        if (turn.toolResult) results.add(turn.toolResult.id);
        return turn.toolResult !== null && results.size === n;
      };
      /** What the model saw after the refusal (its whole request: some CLIs put the refusal before the trailing turn). */
      let afterDeny = '';
      const keep = (match: (turn: Turn) => boolean) => (turn: Turn) => {
        const matched = match(turn);
        const at = turn.raw.lastIndexOf('touch denied.txt');
        if (matched) afterDeny = at < 0 ? DROPPED : turn.raw.slice(at + 'touch denied.txt'.length);
        return matched;
      };
      const steps: Step[] = [
        {
          label: 'task → touch allowed',
          when: saw.text('YOUR NAME: w'),
          then: { native: shellCall('touch allowed.txt') },
        },
        { label: 'allowed → touch denied', when: resultNo(1), then: { native: shellCall('touch denied.txt') } },
        { label: 'denied → done', when: keep(resultNo(2)), then: { text: 'GAVE-UP' } },
        { label: 'told → done', when: keep(saw.text('NEVER MIND')), then: { text: 'OK-STOPPED' } },
      ];
      bw.fake.script(steps);
      bw.watch(SESSION, cli);
      await bw.world.startDaemon(['--backend', 'sim']);
      await bw.world.omarJson(['spawn', 'w', '--backend', cli, '--task', 'Create the two files.']);

      const allow = await waitDialog(cli, 'no prompt for touch allowed.txt', (d) =>
        d.title.includes('touch allowed.txt'),
      );
      const asked = bw.fake.requests.find((r) => r.step === 'task → touch allowed')!;
      console.error(
        `[needs-input] ${cli}: prompt detected ${Date.now() - asked.at} ms after the model's call (polled every 300 ms)`,
      );
      expect(allow.kind).toBe('command');
      expect(allow.title).toBe('Run: touch allowed.txt');
      const allowOnce = allow.choices.find((c) => c.short === 'Allow once');
      expect(allowOnce, JSON.stringify(allow.choices)).toBeDefined();
      expect(allow.choices.some((c) => c.short === 'Deny')).toBe(true);
      await answer(cli, allow, allowOnce!);

      // The command ran, and the model received its result (then asked for the next one).
      await waitFor(() => existsSync(join(bw.workdir, 'allowed.txt')), {
        timeoutMs: 30_000,
        describe: () => bw.describe(),
      });
      await waitFor(() => bw.fake.requests.some((r) => r.step === 'allowed → touch denied'), {
        timeoutMs: 30_000,
        describe: () => bw.describe(),
      });

      const deny = await waitDialog(cli, 'no prompt for touch denied.txt', (d) => d.title.includes('touch denied.txt'));
      expect(deny.fingerprint).not.toBe(allow.fingerprint);
      await answer(
        cli,
        deny,
        deny.choices.find((c) => c.short === 'Deny')!,
      );

      // The prompt closes and the command never runs.
      await waitFor(() => !(backendByName(cli).detectDialog!(screen())?.title.includes('touch denied.txt') ?? false), {
        timeoutMs: 30_000,
        describe: () => bw.describe(),
      });
      // Some CLIs return the refusal at once, others stop the turn and wait for their person:
      // a message gets the turn going, and the refusal reaches the model with it.
      if (!bw.fake.requests.some((r) => r.step === 'denied → done'))
        await bw.world.omarJson(['events', 'schedule', '--to', 'w', '--payload', 'NEVER MIND']);
      const refused = await waitFor(
        () => bw.fake.requests.find((r) => r.step === 'denied → done' || r.step === 'told → done'),
        {
          timeoutMs: 60_000,
          describe: () => bw.describe(),
        },
      );
      expect(refused).toBeDefined();
      // claude, codex, opencode: the refusal follows the call; gemini drops the refused call from the conversation.
      if (afterDeny !== DROPPED) expect(afterDeny).toMatch(REFUSAL);
      console.error(
        `[needs-input] ${cli}: after Deny the model saw ${afterDeny === DROPPED ? 'no trace of the call' : JSON.stringify(REFUSAL.exec(afterDeny)?.[0])}`,
      );
      expect(existsSync(join(bw.workdir, 'denied.txt'))).toBe(false);
    }, 240_000);
  }

  it("claude: a multiple-choice question is a card at Slack, answered by a click on the choice's button", async () => {
    const question = {
      question: 'Which database should the service use?',
      header: 'Database',
      multiSelect: false,
      options: [
        { label: 'Postgres', description: 'Relational, the team knows it' },
        { label: 'SQLite', description: 'One file, no server' },
      ],
    };
    bw.fake.script([
      {
        label: 'task → ask',
        when: saw.text('YOUR NAME: w'),
        then: { native: { anthropic: { name: 'AskUserQuestion', args: { questions: [question] } } } },
      },
      { label: 'answered → done', when: (turn) => turn.toolResult !== null, then: { text: 'THANKS' } },
    ]);
    const slack = await startFakeSlack();
    try {
      Object.assign(bw.world.env, {
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_APP_TOKEN: APP_TOKEN,
        OMAR_SLACK_API_URL: slack.apiUrl,
        OMAR_CHAT_ADMINS: 'slack:U0001',
      });
      bw.watch(SESSION, 'claude');
      await bw.world.startDaemon(['--backend', 'sim']);
      await slack.waitFor(() => slack.connections() > 0, 20_000);
      // Ada talks to her EA in a DM: that conversation is where an agent's prompt asks her.
      await slack.message({
        channel: 'D0001',
        channel_type: 'im',
        user: 'U0001',
        text: 'status',
        ts: '1800000000.000100',
      });
      await slack.waitFor(() => slack.posts.find((p) => p.channel === 'D0001'), 30_000);
      await bw.world.omarJson(['spawn', 'w', '--backend', 'claude', '--task', 'Ask which database.']);

      const d = await waitDialog('claude', 'no question dialog', (x) => x.kind === 'question');
      expect(d.title).toBe('Which database should the service use?');
      expect(d.choices.map((c) => c.label)).toEqual(['Postgres', 'SQLite']);
      const card = await slack.waitFor(() => slack.posts.find((p) => p.text.includes('w waits for you')), 30_000);
      expect(card.channel).toBe('D0001');
      expect(card.text).toContain('<@U0001>');
      await slack.click(card, 'SQLite');
      await slack.waitFor(() => card.edits > 0 && card.text.includes('SQLite — by'), 30_000);
    } finally {
      await slack.close();
    }
    const got = await waitFor(() => bw.fake.requests.find((r) => r.step === 'answered → done'), {
      timeoutMs: 30_000,
      describe: () => bw.describe(),
    });
    expect(got!.toolResult).toMatch(/SQLite/);
  }, 240_000);

  it('claude: the folder-trust question of an untrusted folder is detected, and Trust lets the agent start', async () => {
    const untrusted = realpathSync(mkdtempSync(join(tmpdir(), 'omar-untrusted-')));
    try {
      bw.watch(SESSION, 'claude');
      await bw.world.startDaemon(['--backend', 'sim']);
      await bw.world.omarJson(['spawn', 'w', '--backend', 'claude', '--workdir', untrusted, '--task', 'Hello.']);
      const d = await waitDialog('claude', 'no folder-trust question', (x) => x.kind === 'trust');
      expect(d.title).toBe(`Trust the folder ${untrusted}?`);
      await answer(
        'claude',
        d,
        d.choices.find((c) => c.short === 'Trust this folder')!,
      );
      await bw.waitJournal(
        'the agent never became ready',
        (e) => e.kind === 'agent.ready' && e['agent'] === 'w',
        60_000,
      );
    } finally {
      rmSync(untrusted, { recursive: true, force: true });
    }
  }, 240_000);

  it('claude: launched in the mode config names, or a stricter one asked at spawn, never a looser one', async () => {
    await bw.cleanup();
    bw = await createBackendWorld(clis, { config: '[backends.claude]\npermissions = "workspace"\n' });
    await bw.world.startDaemon(['--backend', 'sim']);
    const looser = await bw.world.omar(['spawn', 'x', '--backend', 'claude', '--permissions', 'bypass', '--json']);
    expect(looser.exitCode).not.toBe(0);
    expect(looser.stderr + looser.stdout).toMatch(/PERMISSION_DENIED[\s\S]*looser than \\?"workspace/);

    // claude names its mode in its footer: acceptEdits shows "accept edits on", manual "manual mode on".
    await bw.world.omarJson(['spawn', 'w', '--backend', 'claude', '--task', 'Hello.']);
    await bw.world.omarJson(['spawn', 'v', '--backend', 'claude', '--permissions', 'ask', '--task', 'Hello.']);
    await waitFor(
      () =>
        /accept edits on/i.test(screen()) &&
        /manual mode on/i.test(bw.world.tmux(['capture-pane', '-p', '-t', '=omar-agent-0-v:']).stdout),
      { timeoutMs: 60_000, describe: () => bw.describe() },
    );
  }, 240_000);

  it('several prompts open at once (claude, codex, gemini): each is detected apart and answered on its own', async () => {
    const agents = [
      { name: 'a1', cli: 'claude' as const },
      { name: 'a2', cli: 'codex' as const },
      { name: 'a3', cli: 'gemini' as const },
    ];
    bw.fake.script(
      agents.map(({ name }) => ({
        label: `${name} → touch`,
        when: saw.text(`YOUR NAME: ${name}`),
        then: { native: shellCall(`touch ${name}.txt`) },
      })),
    );
    bw.fake.script([{ label: 'ran → done', when: (turn) => turn.toolResult !== null, then: { text: 'DONE' } }]);
    await bw.world.startDaemon(['--backend', 'sim']);
    for (const { name, cli } of agents) {
      bw.watch(`omar-agent-0-${name}`, cli);
      await bw.world.omarJson(['spawn', name, '--backend', cli, '--task', 'Create your file.']);
    }
    // All three wait at the same time, each with its own prompt.
    const open = await Promise.all(
      agents.map(({ name, cli }) =>
        waitDialog(cli, `${name}: no prompt`, (d) => d.title === `Run: touch ${name}.txt`, `omar-agent-0-${name}`),
      ),
    );
    expect(new Set(open.map((d) => d.fingerprint)).size).toBe(3);
    for (const [i, { name, cli }] of agents.entries())
      await answer(
        cli,
        open[i]!,
        open[i]!.choices.find((c) => c.short === 'Allow once')!,
        `omar-agent-0-${name}`,
      );
    await waitFor(() => agents.every(({ name }) => existsSync(join(bw.workdir, `${name}.txt`))), {
      timeoutMs: 30_000,
      describe: () => bw.describe(),
    });
    // One card for the three (a digest, edited as each came and was answered), not one ping each.
    const items = (await bw.world.omarJson<{ items: Array<{ kind: string; text: string }> }>(['outbox', '--all']))
      .items;
    const posts = items.filter((o) => o.kind === 'post' && /waits? for you/.test(o.text));
    expect(posts.length, JSON.stringify(items.map((o) => o.text))).toBe(1);
    const opened = (await bw.world.omarJson<{ dialogs: DialogRow[] }>(['dialogs', '--all'])).dialogs;
    for (const { name } of agents)
      expect(opened.find((d) => d.agent === name)).toMatchObject({
        status: 'answered',
        title: `Run: touch ${name}.txt`,
      });
  }, 240_000);

  it('every CLI starts, ready and with no dialog, in each permission mode it has', async () => {
    await bw.cleanup();
    // The loosest mode allowed for every CLI, so each spawn may pick any of its own.
    const config = CLI_SPECS.map((s) => `[backends.${s.name}]\npermissions = "bypass"\n`).join('');
    bw = await createBackendWorld(clis, { config });
    await bw.world.startDaemon(['--backend', 'sim']);
    for (const mode of PERMISSION_MODES) {
      const agents = CLI_SPECS.filter((s) => backendByName(s.name).permissionModes!.includes(mode)).map((s) => ({
        cli: s.name,
        name: `${s.name}-${mode}`,
      }));
      for (const { cli, name } of agents) {
        bw.watch(`omar-agent-0-${name}`, cli);
        await bw.world.omarJson(['spawn', name, '--backend', cli, '--permissions', mode, '--task', 'Hello.']);
      }
      for (const { name } of agents)
        await bw.waitJournal(
          `${name} never became ready`,
          (e) => (e.kind === 'agent.ready' || e.kind === 'agent.ready_timeout') && e['agent'] === name,
          90_000,
        );
      for (const { cli, name } of agents)
        expect(backendByName(cli).detectDialog!(screen(`omar-agent-0-${name}`)), name).toBeNull();
      for (const { name } of agents) await bw.world.omarJson(['kill', name]);
    }
    expect((await bw.journal()).filter((e) => e.kind === 'agent.ready_timeout')).toEqual([]);
    expect(bw.dialogsSeen).toEqual([]);
  }, 480_000);
});
