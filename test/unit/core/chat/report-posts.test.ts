import { describe, expect, it } from 'vitest';
import {
  DEFAULT_REPORT_WINDOW_MS,
  eventsDueSoon,
  queueReport,
  reportHasNews,
  reportSinceMs,
  reportTargets,
} from '#core/chat/report-posts.js';
import { textDocument } from '#core/chat/document.js';
import { makeAgent, makeEvent } from '#test/fakes/builders.js';
import { at, chatState, makeEa, ms } from './chat-fixtures.js';

const ns = (msValue: number): string => (BigInt(msValue) * 1_000_000n).toString();

describe('report posts', () => {
  it('goes to each reports channel (every EA), else to each EA’s most recent conversation', () => {
    const state = chatState();
    state.eas.push(makeEa(1));
    state.conversations.push(
      { ...state.conversations[0]!, id: 2, channel: 'C2', thread: '222.2', lastActivityAt: at(5) },
      { ...state.conversations[0]!, id: 3, ea: 1, platform: 'discord', channel: 'D1', thread: null },
    );
    expect(reportTargets(state, { slack: 'C-reports', discord: 'D-reports' })).toEqual([
      { platform: 'discord', channel: 'D-reports', thread: null, conversation: null, ea: null },
      { platform: 'slack', channel: 'C-reports', thread: null, conversation: null, ea: null },
    ]);
    expect(reportTargets(state, {})).toEqual([
      { platform: 'slack', channel: 'C2', thread: '222.2', conversation: 2, ea: 0 },
      { platform: 'discord', channel: 'D1', thread: null, conversation: 3, ea: 1 },
    ]);
    expect(reportTargets(state, {}, 1)).toEqual([
      { platform: 'discord', channel: 'D1', thread: null, conversation: 3, ea: 1 },
    ]);
    state.conversations = [];
    expect(reportTargets(state, {})).toEqual([]);
  });

  it('queues the parent with a key of its own and the charts in its thread', () => {
    const state = chatState();
    state.next.outbox = 7;
    const target = { platform: 'slack', channel: 'C-reports', thread: null, conversation: null, ea: null };
    const report = { parent: textDocument('omar report'), thread: [textDocument('chart 1'), textDocument('chart 2')] };
    const { key, items } = queueReport(state, target, report, at(1));
    expect(key).toBe('report:7');
    expect(items.map((o) => [o.id, o.kind, o.key, o.threadKey, o.thread, o.document.text, o.author])).toEqual([
      [7, 'post', 'report:7', null, null, 'omar report', 'omar'],
      [8, 'post', null, 'report:7', null, 'chart 1', 'omar'],
      [9, 'post', null, 'report:7', null, 'chart 2', 'omar'],
    ]);
    expect(queueReport(state, target, report, at(2)).key).toBe('report:10');
  });

  it('counts the events due by an hour from now (overdue too), not first messages nor the daemon’s own jobs', () => {
    const state = chatState();
    state.events.push(
      makeEvent('a', 'w1', { t: ns(ms(10)) }),
      makeEvent('b', 'w1', { t: ns(ms(60)) }),
      makeEvent('c', 'w1', { t: ns(ms(61)) }),
      makeEvent('d', 'omar', { t: ns(ms(5)), sender: 'omar', payload: 'report' }),
      makeEvent('e', 'w1', { t: ns(ms(5)), ea: 1 }),
      makeEvent('f', 'w1', { t: ns(ms(5)), status: 'failed' }),
      makeEvent('g', 'w2', { t: ns(ms(-5)) }),
      makeEvent('h', 'w3', { t: ns(ms(0)), format: 'raw' }),
    );
    expect(eventsDueSoon(state, ms(0))).toBe(4);
    expect(eventsDueSoon(state, ms(0), 0)).toBe(3);
  });

  it('looks back to the last report (its event remembers it), else three hours', () => {
    const state = chatState();
    expect(reportSinceMs(state, ms(600))).toBe(ms(600) - DEFAULT_REPORT_WINDOW_MS);
    state.events.push(
      makeEvent('r', 'omar', { sender: 'omar', payload: 'report', recurrence: { cron: '0 * * * *', tz: null } }),
    );
    expect(reportSinceMs(state, ms(600))).toBe(ms(600) - DEFAULT_REPORT_WINDOW_MS);
    state.events[0]!.deliveredAt = at(420);
    expect(reportSinceMs(state, ms(600))).toBe(ms(420));
  });

  it('has news when there are agents, approvals waiting, or tasks that ended', () => {
    const state = chatState();
    expect(reportHasNews(state, [])).toBe(false);
    expect(reportHasNews(state, [{ ts: at(1), kind: 'task.closed', ea: 0, status: 'completed' }])).toBe(true);
    expect(reportHasNews(state, [{ ts: at(1), kind: 'event.delivered', ea: 0 }])).toBe(false);
    state.agents.push(makeAgent('w1', { ea: 1 }));
    expect(reportHasNews(state, [], 0)).toBe(false);
    expect(reportHasNews(state, [], 1)).toBe(true);
  });
});
