import { describe, expect, it } from 'vitest';
import { agentCondition, conditionCounts, healthGlyph, managerCondition, needsAttention } from '#core/chat/glyphs.js';
import type { Agent, Health } from '#core/model/state.js';
import { makeAgent, makeTask } from '#test/fakes/builders.js';
import { makeEa } from './chat-fixtures.js';

const agent = (health: string, partial: Partial<Agent> = {}): Agent =>
  makeAgent('w', { health: health as Health, taskId: 't', ...partial });
const task = (status: 'running' | 'completed' | 'failed' | 'killed') => makeTask('t', 'w', { status });

describe('healthGlyph', () => {
  it('has one glyph per health', () => {
    expect(healthGlyph(agent('running'), task('running'))).toBe('●');
    expect(healthGlyph(agent('idle'), task('running'))).toBe('○');
    expect(healthGlyph(agent('starting'), task('running'))).toBe('◐');
    expect(healthGlyph(agent('stuck'), task('running'))).toBe('⚠');
    expect(healthGlyph(agent('exited'), task('running'))).toBe('✖');
  });

  it('shows what the task became: completed ✔, failed ✖ (even while the pane still runs)', () => {
    expect(healthGlyph(agent('idle'), task('completed'))).toBe('✔');
    expect(healthGlyph(agent('exited'), task('completed'))).toBe('✔');
    expect(healthGlyph(agent('running'), task('failed'))).toBe('✖');
  });

  it('is ⏸ while the daemon says the agent waits on a dialog, or its health says waiting', () => {
    expect(healthGlyph(agent('idle', { statusLine: 'waiting: trust this folder?' }), task('running'))).toBe('⏸');
    expect(healthGlyph(agent('waiting'), undefined)).toBe('⏸');
    expect(healthGlyph(agent('running', { statusLine: 'waiting for CI' }), task('running'))).toBe('●');
  });

  it('works without a task', () => {
    expect(agentCondition(agent('running', { taskId: null }), undefined)).toBe('running');
    expect(agentCondition(agent('exited', { taskId: null }), undefined)).toBe('failed');
  });
});

describe('needsAttention', () => {
  it('is stuck, waiting, a failed task, or a dead pane with its task open', () => {
    expect(needsAttention(agent('stuck'), task('running'))).toBe(true);
    expect(needsAttention(agent('idle', { statusLine: 'waiting: allow?' }), task('running'))).toBe(true);
    expect(needsAttention(agent('running'), task('failed'))).toBe(true);
    expect(needsAttention(agent('exited'), task('running'))).toBe(true);
  });

  it('is not a calm agent, a finished one, or a pane that exited with nothing open', () => {
    expect(needsAttention(agent('running'), task('running'))).toBe(false);
    expect(needsAttention(agent('idle'), task('running'))).toBe(false);
    expect(needsAttention(agent('exited'), task('completed'))).toBe(false);
    expect(needsAttention(agent('exited', { taskId: null }), undefined)).toBe(false);
    expect(needsAttention(agent('exited'), task('killed'))).toBe(false);
  });
});

describe('managerCondition', () => {
  it('is starting until ready, failed when exited, else its health', () => {
    expect(managerCondition(makeEa(0, { health: 'running', ready: false }).manager)).toBe('starting');
    expect(managerCondition(makeEa(0, { health: 'exited' }).manager)).toBe('failed');
    expect(managerCondition(makeEa(0, { health: 'idle' }).manager)).toBe('idle');
    expect(managerCondition(makeEa(0).manager)).toBe('running');
  });
});

describe('conditionCounts', () => {
  it('counts in a fixed order and leaves out what is absent', () => {
    expect(conditionCounts(['stuck', 'running', 'idle', 'running', 'completed'])).toBe('2 ● 1 ○ 1 ⚠ 1 ✔');
    expect(conditionCounts([])).toBe('');
  });
});
