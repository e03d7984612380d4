import { beforeEach, describe, expect, it } from 'vitest';
import { spawnAgent } from '#core/operations/agent-spawn.js';
import { listBackends } from '#core/operations/backends-list.js';
import { logJustification } from '#core/operations/justification-log.js';
import { mcpConfig } from '#core/operations/mcp-config.js';
import { NOTES_MAX_BYTES, saveNotes } from '#core/operations/notes-save.js';
import { completeTask } from '#core/operations/task-complete.js';
import { chatUser, eaAgent, owner, worker } from '../../../fakes/principals.js';
import { createTestServices, type TestServices } from '../../../fakes/services.js';

const code = (c: string) => expect.objectContaining({ code: c });

let t: TestServices;
beforeEach(async () => {
  t = createTestServices();
  await t.call(spawnAgent, owner, { name: 'lead', command: 'sh', task: 'lead the work' });
  await t.call(spawnAgent, worker('lead'), { name: 'dev', command: 'sh', task: 'write the code' });
});

const notices = () =>
  t.store
    .get()
    .events.filter((e) => e.sender === 'omar')
    .map((e) => [e.receiver, e.payload]);

describe('complete_task', () => {
  it('closes the caller’s own task and wakes its parent with [CHILD COMPLETE]', async () => {
    const out = await t.call(completeTask, worker('dev'), { status: 'completed', summary: 'tests pass\nand more' });
    expect(out).toEqual({ task_id: 'task-2', status: 'completed', parent: 'lead', notified: true });
    expect(t.store.get().tasks.find((x) => x.id === 'task-2')).toMatchObject({
      status: 'completed',
      summary: 'tests pass',
      closedAt: expect.any(String),
    });
    expect(notices()).toEqual([['lead', '[CHILD COMPLETE] dev: tests pass']]);
    expect(t.recorder.ofKind('task.closed')[0]).toMatchObject({ agent: 'dev', status: 'completed', by: 'dev' });
    expect(t.scheduler.wakes).toBe(1);
  });

  it('a failed task wakes the parent with [CHILD FAILED]; an agent under ea wakes the EA', async () => {
    await t.call(completeTask, worker('lead'), { status: 'failed', summary: 'the api is down' });
    expect(notices()).toEqual([['ea', '[CHILD FAILED] lead: the api is down']]);
  });

  it('closes a task once, refuses agents without a task, and empty summaries', async () => {
    await t.call(completeTask, worker('dev'), { status: 'completed', summary: 'done' });
    await expect(t.call(completeTask, worker('dev'), { status: 'failed', summary: 'again' })).rejects.toEqual(
      code('CONFLICT'),
    );
    await t.call(spawnAgent, owner, { name: 'idle', command: 'sh' });
    await expect(t.call(completeTask, worker('idle'), { status: 'completed', summary: 'x' })).rejects.toEqual(
      code('TASK_NOT_FOUND'),
    );
    await expect(t.call(completeTask, worker('lead'), { status: 'completed', summary: '   ' })).rejects.toEqual(
      code('INVALID_INPUT'),
    );
  });

  it('an agent closes only its own task (naming another is refused); people must name one; chat cannot', async () => {
    await expect(
      t.call(completeTask, worker('dev'), { status: 'completed', summary: 'mine', name: 'lead' }),
    ).rejects.toMatchObject({ code: 'PERMISSION_DENIED', message: "dev may close only its own task, not lead's." });
    expect(t.store.get().tasks.find((x) => x.agent === 'lead')?.status).toBe('running');
    await expect(
      t.call(completeTask, worker('dev'), { status: 'completed', summary: 'mine', name: 'dev' }),
    ).resolves.toMatchObject({ status: 'completed' });
    await expect(t.call(completeTask, owner, { status: 'completed', summary: 'x' })).rejects.toEqual(
      code('INVALID_INPUT'),
    );
    await expect(
      t.call(completeTask, owner, { status: 'completed', summary: 'by hand', name: 'lead' }),
    ).resolves.toMatchObject({ parent: 'ea' });
    await expect(
      t.call(completeTask, chatUser('admin'), { status: 'completed', summary: 'x', name: 'dev' }),
    ).rejects.toEqual(code('PERMISSION_DENIED'));
  });
});

describe('save_notes', () => {
  it('lets the EA (and the owner) replace the notes, bounded at 64 KB', async () => {
    await t.call(saveNotes, eaAgent(), { notes: 'first' });
    expect(await t.call(saveNotes, eaAgent(), { notes: '# Active\n- project 1' })).toEqual({ ea: 0, bytes: 20 });
    expect(await t.notes.read(0)).toBe('# Active\n- project 1');
    await t.call(saveNotes, owner, { notes: 'by hand' });
    expect(await t.notes.read(0)).toBe('by hand');
    await expect(t.call(saveNotes, eaAgent(), { notes: 'x'.repeat(NOTES_MAX_BYTES + 1) })).rejects.toEqual(
      code('INVALID_INPUT'),
    );
    expect(t.recorder.ofKind('ea.notes_saved')).toHaveLength(3);
  });

  it('is refused to workers and chat users', async () => {
    await expect(t.call(saveNotes, worker('dev'), { notes: 'x' })).rejects.toEqual(code('PERMISSION_DENIED'));
    await expect(t.call(saveNotes, chatUser('admin'), { notes: 'x' })).rejects.toEqual(code('PERMISSION_DENIED'));
  });
});

describe('log_justification', () => {
  it('writes one journal line with the caller as the agent', async () => {
    expect(
      await t.call(logJustification, worker('dev'), { action: 'spawn 3 testers', justification: 'the suite is slow' }),
    ).toEqual({ status: 'logged' });
    expect(t.recorder.ofKind('agent.justification')).toEqual([
      expect.objectContaining({ ea: 0, agent: 'dev', action: 'spawn 3 testers', justification: 'the suite is slow' }),
    ]);
    await expect(t.call(logJustification, worker('dev'), { action: '', justification: 'x' })).rejects.toEqual(
      code('INVALID_INPUT'),
    );
  });
});

describe('list_backends', () => {
  it('reports the catalogue and the default', async () => {
    t.backends.backends = [
      {
        name: 'claude',
        binary: 'claude',
        installed: false,
        version: null,
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
    ];
    t.backends.fallback = 'codex';
    const out = await t.call(listBackends, worker('dev'), {});
    expect(out.default).toBe('codex');
    expect(out.backends.map((b) => [b.name, b.installed])).toEqual([
      ['claude', false],
      ['codex', true],
    ]);
  });
});

describe('mcp_config', () => {
  it('returns an existing agent’s context without a new token', async () => {
    const before = t.contexts.issued.length;
    expect(await t.call(mcpConfig, owner, { name: 'dev' })).toEqual({
      agent: 'dev',
      ea: 0,
      context_path: '/fake/0/dev/context.json',
      created: false,
    });
    expect(t.contexts.issued.length).toBe(before);
  });

  it('registers a new external agent (no pane) under ea', async () => {
    const out = await t.call(mcpConfig, owner, { name: 'my-ide' });
    expect(out).toMatchObject({ agent: 'my-ide', created: true });
    expect(t.store.get().agents.find((a) => a.name === 'my-ide')).toMatchObject({
      kind: 'external',
      parent: 'ea',
      ready: true,
    });
    expect([...t.mux.sessions.keys()].filter((s) => s.includes('my-ide'))).toEqual([]);
    await expect(t.call(mcpConfig, owner, { name: 'bad name' })).rejects.toEqual(code('NAME_INVALID'));
  });

  it('prints the EA’s existing context for `ea`, without a new token or an agent record', async () => {
    const before = t.contexts.issued.length;
    const agents = t.store.get().agents.length;
    await t.store.mutate((s) => {
      s.eas[0]!.manager.tokenHash = 'h';
    });
    expect(await t.call(mcpConfig, owner, { name: 'ea' })).toEqual({
      agent: 'ea',
      ea: 0,
      context_path: '/fake/0/ea/context.json',
      created: false,
    });
    expect(t.contexts.issued.length).toBe(before);
    expect(t.store.get().agents.length).toBe(agents);
  });

  it('says the EA has no context before it ever started', async () => {
    await t.store.mutate((s) => {
      s.eas[0]!.manager.tokenHash = null;
    });
    await expect(t.call(mcpConfig, owner, { name: 'ea' })).rejects.toEqual(code('NOT_FOUND'));
  });

  it('is for people only', async () => {
    await expect(t.call(mcpConfig, worker('dev'), { name: 'x' })).rejects.toEqual(code('PERMISSION_DENIED'));
    await expect(t.call(mcpConfig, eaAgent(), { name: 'x' })).rejects.toEqual(code('PERMISSION_DENIED'));
  });
});
