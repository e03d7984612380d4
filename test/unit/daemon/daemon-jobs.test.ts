import { describe, expect, it } from 'vitest';
import type { ChatConfig } from '#config/config-schema.js';
import type { OmarEvent } from '#core/model/state.js';
import { createDaemonJobRunner, reportScopeOf } from '#daemon/daemon-jobs.js';
import { ensureReportEvent } from '#daemon/ensure-report-event.js';
import { createCronCalculator } from '#runtime/cron/croner-calculator.js';
import { makeEvent } from '../../fakes/builders.js';
import { createTestServices, type TestServices } from '../../fakes/services.js';

const chat = (partial: Partial<ChatConfig> = {}): ChatConfig => ({
  editIntervalSeconds: 2,
  reports: true,
  reportCron: '0 */3 * * *',
  reportTz: null,
  users: [],
  envAdmins: [],
  reportsChannel: {},
  maxFileBytes: 20 * 1024 * 1024,
  slack: { port: 3000, host: '127.0.0.1' },
  discord: { guilds: [], channels: [], adminRoles: [], operatorRoles: [], viewerRoles: [] },
  ...partial,
});

const ensure = (t: TestServices, config: ChatConfig) =>
  ensureReportEvent(
    { store: t.store, cron: createCronCalculator(), clock: t.clock, recorder: t.recorder, logger: t.logger },
    config,
  );
const reportEvents = (t: TestServices) => t.store.get().events.filter((e) => e.receiver === 'omar');

describe('the daemon’s report event', () => {
  it('is one recurring event from omar to omar on report_cron, kept as is on the next start', async () => {
    const t = createTestServices();
    await ensure(t, chat({ reportTz: 'Europe/Paris' }));
    expect(reportEvents(t)).toEqual([
      expect.objectContaining({
        ea: 0,
        sender: 'omar',
        receiver: 'omar',
        payload: 'report',
        status: 'pending',
        recurrence: { cron: '0 */3 * * *', tz: 'Europe/Paris' },
        // 12:00 UTC is 13:00 in Paris: the next is 15:00 Paris, 14:00 UTC.
        t: (BigInt(Date.parse('2026-03-01T14:00:00Z')) * 1_000_000n).toString(),
      }),
    ]);
    const first = reportEvents(t)[0]!;
    await ensure(t, chat({ reportTz: 'Europe/Paris' }));
    expect(reportEvents(t)).toEqual([first]);
    expect(t.recorder.ofKind('chat.report_scheduled')).toHaveLength(1);
  });

  it('is replaced when the cron changed or it failed, and removed when reports are off', async () => {
    const t = createTestServices();
    await ensure(t, chat());
    const old = reportEvents(t)[0]!;
    await ensure(t, chat({ reportCron: '0 9 * * *' }));
    expect(reportEvents(t)).toEqual([
      expect.objectContaining({ recurrence: { cron: '0 9 * * *', tz: null }, payload: 'report' }),
    ]);
    expect(reportEvents(t)[0]!.id).not.toBe(old.id);
    await t.store.mutate((s) => void (s.events[0]!.status = 'failed'));
    await ensure(t, chat({ reportCron: '0 9 * * *' }));
    expect(reportEvents(t).map((e) => e.status)).toEqual(['pending']);
    await ensure(t, chat({ reports: false }));
    expect(reportEvents(t)).toEqual([]);
    expect(t.recorder.ofKind('chat.report_unscheduled')).toHaveLength(3);
  });

  it('leaves the owner’s own report events alone', async () => {
    const t = createTestServices();
    t.store.edit((s) => s.events.push(makeEvent('mine', 'omar', { sender: 'owner', payload: 'report' })));
    await ensure(t, chat({ reports: false }));
    expect(reportEvents(t).map((e) => e.id)).toEqual(['mine']);
  });

  it('a cron that never fires is journaled, not fatal', async () => {
    const t = createTestServices();
    await ensure(t, chat({ reportCron: 'not a cron' }));
    expect(reportEvents(t)).toEqual([]);
    expect(t.recorder.ofKind('chat.report_unscheduled')).toHaveLength(1);
  });
});

describe('the daemon’s job runner', () => {
  it('runs the job the payload names; one naming none fails', async () => {
    const ran: string[] = [];
    const run = createDaemonJobRunner({ report: async (e) => void ran.push(e.id) });
    await run(makeEvent('e1', 'omar', { payload: ' report\n' }));
    expect(ran).toEqual(['e1']);
    await expect(run(makeEvent('e2', 'omar', { payload: 'dance' }))).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: "omar has no job 'dance'.",
    });
  });

  it('reports every EA for the daemon’s own event, the EA it was scheduled in for the owner’s', () => {
    const event = (partial: Partial<OmarEvent>) => makeEvent('r', 'omar', { payload: 'report', ...partial });
    expect(reportScopeOf(event({ sender: 'omar', ea: 2 }))).toEqual({});
    expect(reportScopeOf(event({ sender: 'owner', ea: 2 }))).toEqual({ ea: 2 });
  });
});
