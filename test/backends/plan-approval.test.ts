/**
 * Plan approvals, with the real CLIs that have a plan mode (claude, gemini) launched in
 * `agent.permissions = "plan"`: the scripted model writes its plan and asks to leave plan
 * mode; the adapter reads the approval off the screen with the plan and the CLI's own
 * choices; omar lists it, the agent waits, and `omar answer` approves it (the model gets
 * the approval) or keeps it planning (the model gets the refusal).
 */
import { writeFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { describeWithTmux } from '../helpers/tmux-server.js';
import { waitFor } from '../helpers/wait-for.js';
import { dialogHelpers, type DialogRow } from './dialog-helpers.js';
import type { Turn } from './fake-model-server.js';
import { saw } from './fake-model-server.js';
import { backendWorldPerTest } from './harness.js';

/** The plan file path a CLI names to its model in plan mode (claude: ~/.claude/plans/…; gemini: …/plans/). */
const PLANS = /(\/[^\s"\\]*\/plans)(\/[^\s"\\]+\.md)?/;
const APPROVED = /approved/i;
const KEPT = /doesn't want to proceed|rejected|declined|keep planning|cancel/i;
const PLAN = '# Add login rate limiting\n\n1. Count failed logins per IP\n2. Block after 5 in a minute\n3. Test it\n';

const resultOf = (tool: RegExp) => (turn: Turn) => turn.toolResult !== null && tool.test(turn.toolResult.tool);

describeWithTmux('plan approvals: the real CLIs ask to leave plan mode, and omar answers', () => {
  const { current } = backendWorldPerTest();
  const { waitDialog, answer } = dialogHelpers(current);

  it('claude: leaving plan mode without a plan is kept planning; the written plan is shown and approved', async () => {
    const bw = current();
    let planFile = '';
    let afterKeep = '';
    bw.fake.script([
      {
        label: 'task → exit at once',
        when: (turn) => {
          const m = PLANS.exec(turn.raw);
          if (m && !planFile) planFile = m[2] ? `${m[1]}${m[2]}` : `${m[1]}/plan.md`;
          return saw.text('YOUR NAME: w')(turn);
        },
        then: { native: { anthropic: { name: 'ExitPlanMode', args: {} } } },
      },
      {
        label: 'kept → write the plan',
        when: (turn) => {
          // Once: later turns still carry the refusal and the message.
          const kept =
            !afterKeep &&
            ((resultOf(/ExitPlanMode/)(turn) && !APPROVED.test(turn.toolResult!.text)) || /KEEP GOING/.test(turn.raw));
          if (kept) afterKeep = turn.toolResult?.text ?? turn.raw.slice(turn.raw.lastIndexOf('ExitPlanMode'));
          return kept;
        },
        then: { native: { anthropic: { name: 'Write', args: () => ({ file_path: planFile, content: PLAN }) } } },
      },
      {
        label: 'written → exit',
        when: resultOf(/^Write$/),
        then: { native: { anthropic: { name: 'ExitPlanMode', args: {} } } },
      },
      {
        label: 'approved → done',
        when: (turn) => resultOf(/ExitPlanMode/)(turn) && APPROVED.test(turn.toolResult!.text),
        then: { text: 'APPROVED-WORKING' },
      },
    ]);
    bw.watch('omar-agent-0-w', 'claude');
    await bw.world.startDaemon(['--backend', 'sim']);
    await bw.world.omarJson([
      'spawn',
      'w',
      '--backend',
      'claude',
      '--permissions',
      'plan',
      '--task',
      'Plan the rate limit.',
    ]);

    const bare = await waitDialog('claude', 'no "Exit plan mode?"', (d) => d.kind === 'plan');
    if (process.env.OMAR_CAPTURE_FIXTURES)
      writeFileSync(`${process.env.OMAR_CAPTURE_FIXTURES}/claude-plan-exit.txt`, bw.capture('omar-agent-0-w'));
    expect(bare.title).toBe('Approve the plan and leave plan mode?');
    expect(bare.choices.map((c) => c.short)).toEqual(['Approve, ask each time', 'Keep planning']);
    await answer(
      'claude',
      bare,
      bare.choices.find((c) => c.short === 'Keep planning')!,
    );
    // claude stops the turn on a refusal and waits for its person: a message goes on.
    if (!bw.fake.requests.some((r) => r.step === 'kept → write the plan'))
      await bw.world.omarJson(['events', 'schedule', '--to', 'w', '--payload', 'KEEP GOING']);

    const full = await waitDialog(
      'claude',
      'no "Ready to code?"',
      (d) => d.kind === 'plan' && d.fingerprint !== bare.fingerprint,
    );
    expect(afterKeep).toMatch(KEPT);
    expect(full.title).toBe('Approve the plan: Add login rate limiting');
    expect(full.detail).toContain('Block after 5 in a minute');
    expect(full.choices.at(-1)!.short).toBe('Keep planning');
    const approve = full.choices.find((c) => c.short === 'Approve, ask each time');
    expect(approve, JSON.stringify(full.choices)).toBeDefined();
    await answer('claude', full, approve!);
    const done = await waitFor(() => bw.fake.requests.find((r) => r.step === 'approved → done'), {
      timeoutMs: 60_000,
      describe: () => bw.describe(),
    });
    expect(done!.toolResult).toMatch(APPROVED);
    const answered = (await bw.world.omarJson<{ dialogs: DialogRow[] }>(['dialogs', '--all'])).dialogs;
    expect(answered.find((x) => x.title === full.title)).toMatchObject({ kind: 'plan', status: 'answered' });
    // Approved "manually": claude goes on asking before each edit, as config's `ask` would.
    await waitFor(() => /manual mode on/i.test(bw.capture('omar-agent-0-w')), {
      timeoutMs: 30_000,
      describe: () => bw.describe(),
    });
  }, 240_000);

  it('gemini: the written plan is shown and approved', async () => {
    const bw = current();
    let plans = '';
    bw.fake.script([
      {
        label: 'task → write the plan',
        when: (turn) => {
          const m = PLANS.exec(turn.raw);
          if (m && !plans) plans = m[1]!;
          return saw.text('YOUR NAME: w')(turn);
        },
        then: {
          native: {
            gemini: { name: 'write_file', args: () => ({ file_path: `${plans}/rate-limit.md`, content: PLAN }) },
          },
        },
      },
      {
        label: 'written → exit',
        when: resultOf(/write_file/),
        then: { native: { gemini: { name: 'exit_plan_mode', args: { plan_filename: 'rate-limit.md' } } } },
      },
      { label: 'approved → done', when: resultOf(/exit_plan_mode/), then: { text: 'APPROVED-WORKING' } },
    ]);
    bw.watch('omar-agent-0-w', 'gemini');
    await bw.world.startDaemon(['--backend', 'sim']);
    await bw.world.omarJson([
      'spawn',
      'w',
      '--backend',
      'gemini',
      '--permissions',
      'plan',
      '--task',
      'Plan the rate limit.',
    ]);

    const d = await waitDialog('gemini', 'no "Ready to start implementation?"', (x) => x.kind === 'plan');
    expect(d.title).toBe('Approve the plan: Add login rate limiting');
    expect(d.detail).toContain('Count failed logins per IP');
    expect(d.choices.map((c) => c.short)).toEqual(['Approve, accept edits', 'Approve, ask each time', 'Keep planning']);
    await answer('gemini', d, d.choices[1]!);
    const done = await waitFor(() => bw.fake.requests.find((r) => r.step === 'approved → done'), {
      timeoutMs: 60_000,
      describe: () => bw.describe(),
    });
    expect(done!.toolResult).toMatch(APPROVED);
  }, 240_000);
});
