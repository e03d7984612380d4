import { beforeEach, describe, expect, it } from 'vitest';
import { sessionNameFor } from '#core/model/names.js';
import { spawnAgent } from '#core/operations/agent-spawn.js';
import { owner, worker } from '../../../fakes/principals.js';
import { createTestServices, type TestServices } from '../../../fakes/services.js';

const code = (c: string) => expect.objectContaining({ code: c });

let t: TestServices;
beforeEach(() => {
  t = createTestServices();
  t.backends.backends = [
    {
      name: 'claude',
      binary: 'claude',
      installed: true,
      version: '2.1.330',
      verified: true,
      install: 'npm i -g @anthropic-ai/claude-code',
    },
    {
      name: 'codex',
      binary: 'codex',
      installed: true,
      version: '0.169.0',
      verified: true,
      install: 'npm i -g @openai/codex',
    },
    {
      name: 'gemini',
      binary: 'gemini',
      installed: false,
      version: null,
      verified: true,
      install: 'npm i -g @google/gemini-cli',
    },
  ];
  t.backends.fallback = 'claude';
});

const header = () => t.store.get().events.filter((e) => e.format === 'raw');

describe('spawn_agent with a backend', () => {
  it('uses the default backend, launches its plan, and queues the header for when it is ready', async () => {
    const out = await t.call(spawnAgent, owner, { name: 'w1', task: 'write "docs"\nthen stop' });
    expect(out).toMatchObject({ agent_name: 'w1', backend: 'claude' });
    expect(t.launcher.prepared).toEqual([
      expect.objectContaining({
        role: 'worker',
        ea: 0,
        name: 'w1',
        backend: 'claude',
        parent: 'ea',
        workdir: '/fake/work',
        contextPath: '/fake/0/w1/context.json',
      }),
    ]);
    const sess = t.mux.sessions.get(sessionNameFor(0, 'w1'))!;
    expect(sess.command).toBe('claude --agent w1');
    expect(sess.env).toMatchObject({
      FAKE_BACKEND: 'claude',
      OMAR_AGENT: 'w1',
      OMAR_CONTEXT: '/fake/0/w1/context.json',
    });
    const agent = t.store.get().agents[0]!;
    expect(agent).toMatchObject({ backend: 'claude', ready: false, health: 'running' });
    expect(header()).toEqual([
      expect.objectContaining({
        sender: 'omar',
        receiver: 'w1',
        payload: 'YOUR NAME: w1\nYOUR PARENT: ea\nYOUR TASK: write "docs"\n│ then stop',
      }),
    ]);
    expect(t.launcher.watched).toEqual([{ ea: 0, name: 'w1', markers: ['claude ready'], awaitsHello: true }]);
    expect(t.scheduler.wakes).toBe(1);
  });

  it('puts the prompt before the header for a CLI without a prompt option', async () => {
    t.launcher.firstMessage = 'You are an omar agent.';
    await t.call(spawnAgent, owner, { name: 'w1', backend: 'codex', task: 'go' });
    expect(header()[0]!.payload).toBe('You are an omar agent.\n\n---\n\nYOUR NAME: w1\nYOUR PARENT: ea\nYOUR TASK: go');
  });

  it('gives no header without a task (but still the prompt when the CLI needs it)', async () => {
    await t.call(spawnAgent, owner, { name: 'a' });
    expect(header()).toEqual([]);
    t.launcher.firstMessage = 'prompt';
    await t.call(spawnAgent, owner, { name: 'b' });
    expect(header().map((e) => e.payload)).toEqual(['prompt']);
  });

  it('a worker’s child names the worker as its parent in the header', async () => {
    await t.call(spawnAgent, owner, { name: 'lead', task: 'lead' });
    await t.call(spawnAgent, worker('lead'), { name: 'dev', task: 'code' });
    expect(header().find((e) => e.receiver === 'dev')!.payload).toContain('YOUR PARENT: lead');
  });

  it('passes model and reasoning effort; refuses reasoning effort outside codex and model with a raw command', async () => {
    await t.call(spawnAgent, owner, { name: 'c', backend: 'codex', model: 'gpt-5.1-codex', reasoning_effort: 'high' });
    expect(t.launcher.prepared.at(-1)).toMatchObject({
      backend: 'codex',
      model: 'gpt-5.1-codex',
      reasoningEffort: 'high',
    });
    await expect(t.call(spawnAgent, owner, { name: 'd', backend: 'claude', reasoning_effort: 'high' })).rejects.toEqual(
      code('INVALID_INPUT'),
    );
    await expect(t.call(spawnAgent, owner, { name: 'e', command: 'sh', model: 'x' })).rejects.toEqual(
      code('INVALID_INPUT'),
    );
    await expect(t.call(spawnAgent, owner, { name: 'f', backend: 'claude', model: 'bad model;rm' })).rejects.toEqual(
      code('INVALID_INPUT'),
    );
  });

  it('refuses a backend that is not installed, naming how to install it', async () => {
    const error = await t.call(spawnAgent, owner, { name: 'g', backend: 'gemini' }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'BACKEND_UNAVAILABLE',
      hint: expect.stringContaining('npm i -g @google/gemini-cli'),
    });
    expect(t.store.get().agents).toEqual([]);
  });

  it('rolls everything back when the launch cannot be prepared', async () => {
    t.launcher.failNext = new Error('disk full');
    await expect(t.call(spawnAgent, owner, { name: 'w1', task: 'x' })).rejects.toThrow('disk full');
    expect(t.store.get().agents).toEqual([]);
    expect(t.store.get().tasks).toEqual([]);
    expect(t.store.get().events).toEqual([]);
    expect(t.mux.sessions.has(sessionNameFor(0, 'w1'))).toBe(false);
  });

  it('a raw command is ready at once and gets no header even with a task', async () => {
    await t.call(spawnAgent, owner, { name: 'r', command: 'bash', task: 'recorded only' });
    expect(t.store.get().agents[0]).toMatchObject({ backend: 'raw', ready: true, command: 'bash' });
    expect(header()).toEqual([]);
  });
});
