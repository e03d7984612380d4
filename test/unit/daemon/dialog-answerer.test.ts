import { describe, expect, it } from 'vitest';
import { applySightings } from '#core/dialogs/dialog-sightings.js';
import { sessionNameFor } from '#core/model/names.js';
import { operationsByName } from '#core/registry.js';
import { detectSimDialog } from '#runtime/backends/sim-dialogs.js';
import { promptScreen } from '#sim/run-sim.js';
import { owner } from '../../fakes/principals.js';
import { createTestServices, type TestServices } from '../../fakes/services.js';

const CHOICES = ['Allow once', 'Allow for this session', 'Deny'];
const screen = (question: string) => promptScreen(question, CHOICES);

/** A sim agent `w1` whose screen shows a prompt the supervisor has seen (d1). */
async function waitingAgent(): Promise<TestServices> {
  const t = createTestServices();
  await t.call(operationsByName().get('spawn_agent')!, owner, { name: 'w1', backend: 'sim', task: 'prompt' });
  t.mux.setScreen(sessionNameFor(0, 'w1'), screen('Run: npm test'));
  await t.store.mutate((s) =>
    applySightings(
      s,
      [{ ea: 0, agent: 'w1', backend: 'sim', detected: detectSimDialog(screen('Run: npm test').join('\n')) }],
      { nowMs: t.clock.now(), nowNs: t.clock.nowNs(), rules: [] },
    ),
  );
  return t;
}

describe('answering a prompt (the daemon’s answerer, on the fake tmux)', () => {
  it('waits until the prompt is a second old, presses only the choice’s keys, and closes it as answered', async () => {
    const t = await waitingAgent();
    const before = t.clock.now();
    const closed = await t.services.dialogs.answer({ dialog: 1, choice: 2, by: 'Ada', principal: 'chat:slack:U1' });
    expect(t.clock.now() - before).toBeGreaterThanOrEqual(1000);
    expect(t.mux.pressed).toEqual([{ session: sessionNameFor(0, 'w1'), keys: ['3'] }]);
    expect(closed).toMatchObject({ status: 'answered', answer: 'Deny', answeredBy: 'Ada' });
    expect(t.store.get().agents.find((a) => a.name === 'w1')?.health).toBe('running');
    expect(t.recorder.entries.find((e) => e.kind === 'dialog.answer')).toMatchObject({
      agent: 'w1',
      dialog: 'd1',
      choice: 'Deny',
      name: 'Ada',
      by: 'chat:slack:U1',
    });
  });

  it('a prompt no longer on screen types nothing: closed as gone, journaled as stale, refused with CONFLICT', async () => {
    const t = await waitingAgent();
    t.mux.setScreen(sessionNameFor(0, 'w1'), ['· someone answered in the pane', 'sim› ']);
    await expect(t.services.dialogs.answer({ dialog: 1, choice: 0, by: 'Ada' })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: "w1's prompt d1 is no longer on its screen (answered in the terminal, or it moved on).",
    });
    expect(t.mux.pressed).toEqual([]);
    expect(t.store.get().dialogs[0]?.status).toBe('gone');
    expect(t.recorder.entries.some((e) => e.kind === 'dialog.stale')).toBe(true);
  });

  it('another prompt on screen is not answered by mistake', async () => {
    const t = await waitingAgent();
    t.mux.setScreen(sessionNameFor(0, 'w1'), screen('Run: rm -rf /'));
    await expect(t.services.dialogs.answer({ dialog: 1, choice: 0, by: 'Ada' })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    expect(t.mux.pressed).toEqual([]);
  });

  it('a prompt that stays after its keys is DELIVERY_FAILED and stays open', async () => {
    const t = await waitingAgent();
    t.mux.onKeys(sessionNameFor(0, 'w1'), () => undefined); // the CLI ignores the keys
    await expect(t.services.dialogs.answer({ dialog: 1, choice: 0, by: 'Ada' })).rejects.toMatchObject({
      code: 'DELIVERY_FAILED',
    });
    expect(t.store.get().dialogs[0]?.status).toBe('open');
  });

  it('the first answer wins: a second is refused with who answered, and nothing more is pressed', async () => {
    const t = await waitingAgent();
    await t.services.dialogs.answer({ dialog: 1, choice: 0, by: 'Ada' });
    await expect(t.services.dialogs.answer({ dialog: 1, choice: 2, by: 'Bob' })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: "w1's prompt d1 was already answered: Allow once by Ada.",
    });
    expect(t.mux.pressed).toHaveLength(1);
  });
});
