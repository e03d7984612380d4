import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { invokeOperation } from '#core/invoke-operation.js';
import type { AnyOperation, Surface } from '#core/operation.js';
import { OPERATIONS, operationsByName } from '#core/registry.js';
import { applySightings } from '#core/dialogs/dialog-sightings.js';
import { sessionNameFor } from '#core/model/names.js';
import { detectSimDialog } from '#runtime/backends/sim-dialogs.js';
import { promptScreen } from '#sim/run-sim.js';
import { DEFAULT_PROMPT } from '#sim/task-protocol.js';
import { owner } from '../../fakes/principals.js';
import { createTestServices } from '../../fakes/services.js';

function inputFields(op: AnyOperation): string[] {
  expect(op.input, `${op.name}: input must be a z.object`).toBeInstanceOf(z.ZodObject);
  return Object.keys((op.input as z.ZodObject).shape);
}

const surfaces = (op: AnyOperation): Array<[string, Surface]> => [
  ...(op.cli ? [['cli', op.cli] as [string, Surface]] : []),
  ...(op.chat ? [['chat', op.chat] as [string, Surface]] : []),
];

describe('operation registry', () => {
  it('has unique snake_case names', () => {
    const names = OPERATIONS.map((op) => op.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/);
    expect(operationsByName().size).toBe(OPERATIONS.length);
  });

  it.each(OPERATIONS.map((op) => [op.name, op] as const))(
    '%s has a one-line summary and a description',
    (_name, op) => {
      expect(op.summary.trim().length).toBeGreaterThan(10);
      expect(op.summary).not.toContain('\n');
      expect(op.description.trim().length).toBeGreaterThan(op.summary.length / 2);
    },
  );

  it.each(OPERATIONS.map((op) => [op.name, op] as const))(
    '%s: surface fields exist in its input schema',
    (_name, op) => {
      const fields = inputFields(op);
      for (const [where, surface] of surfaces(op)) {
        expect(surface.path.length, `${op.name} ${where} path`).toBeGreaterThan(0);
        for (const word of surface.path) expect(word).toMatch(/^[a-z][a-z-]*$/);
        for (const field of surface.positional ?? [])
          expect(fields, `${op.name} ${where} positional ${field}`).toContain(field);
        for (const [flag, spec] of Object.entries(surface.flags ?? {})) {
          expect(flag).toMatch(/^[a-z][a-z0-9-]*$/);
          expect(fields, `${op.name} ${where} --${flag}`).toContain(spec.field);
        }
        for (const field of Object.keys(surface.defaults ?? {}))
          expect(fields, `${op.name} ${where} default ${field}`).toContain(field);
        if (surface.restPositional)
          expect(
            surface.positional?.length ?? 0,
            `${op.name} ${where} restPositional needs a positional`,
          ).toBeGreaterThan(0);
        // Defaults must themselves be valid input values.
        if (surface.defaults) {
          for (const [field, value] of Object.entries(surface.defaults)) {
            expect(
              (op.input as z.ZodObject).shape[field]!.safeParse(value).success,
              `${op.name} ${where} default ${field}`,
            ).toBe(true);
          }
        }
      }
    },
  );

  it.each(['cli', 'chat'] as const)('no two operations share a %s path', (where) => {
    const seen = new Map<string, string>();
    for (const op of OPERATIONS) {
      const surface = op[where];
      if (!surface) continue;
      const key = surface.path.join(' ');
      expect(seen.get(key), `${op.name} and ${seen.get(key)} both use '${key}'`).toBeUndefined();
      seen.set(key, op.name);
    }
  });

  it('gives CLI and chat the same grammar where both exist', () => {
    for (const op of OPERATIONS) {
      if (!op.cli || !op.chat) continue;
      const grammar = (x: Surface) => ({
        path: x.path,
        positional: x.positional ?? [],
        rest: x.restPositional ?? false,
        flags: Object.keys(x.flags ?? {}).sort(),
      });
      expect(grammar(op.chat), op.name).toEqual(grammar(op.cli));
    }
  });

  it('has the command tree of docs/contracts.md §1 (so far)', () => {
    const paths = OPERATIONS.flatMap((op) => (op.cli ? [op.cli.path.join(' ')] : []));
    for (const path of [
      'spawn',
      'list',
      'tree',
      'peek',
      'send',
      'kill',
      'project add',
      'project list',
      'project complete',
      'ea list',
      'ea create',
      'ea use',
      'ea delete',
      'log',
      'whoami',
      'status',
      'down',
    ]) {
      expect(paths).toContain(path);
    }
  });

  it('keeps CLI-only operations off MCP and chat', () => {
    for (const op of OPERATIONS.filter((o) => o.mcp === false)) expect(op.chat, op.name).toBeUndefined();
    expect(
      OPERATIONS.filter((o) => o.mcp === false)
        .map((o) => o.name)
        .sort(),
    ).toEqual(['get_status', 'mcp_config', 'receive_chat_message', 'shutdown']);
  });
});

/**
 * Every operation, once, through invokeOperation (which checks the output against the
 * operation's own schema). A new operation must add a row here, in an order where every row succeeds.
 */
type SmokeInput = Record<string, unknown> | ((outputs: ReadonlyMap<string, unknown>) => Record<string, unknown>);

const SMOKE: Record<string, SmokeInput> = {
  spawn_agent: { name: 'smoke', command: 'sh', task: 'smoke test', project_id: 1 },
  list_agents: {},
  get_tree: {},
  get_agent: { name: 'smoke', lines: 5 },
  get_agent_summary: { name: 'smoke' },
  send_input: { name: 'smoke', text: 'hello', enter: true },
  update_agent_status: { name: 'smoke', status: 'testing' },
  log_justification: { action: 'smoke', justification: 'the smoke test runs every operation' },
  complete_task: { name: 'smoke', status: 'completed', summary: 'smoke done' },
  save_notes: { notes: '# notes\nsmoke' },
  list_backends: {},
  mcp_config: { name: 'outsider' },
  schedule_omar_event: { receiver: 'smoke', payload: 'smoke event', delay_seconds: '60' },
  list_events: { all: true, receiver: 'smoke' },
  cancel_event: (outputs) => ({ event_id: (outputs.get('schedule_omar_event') as { id: string }).id }),
  kill_agent: { name: 'smoke', recursive: true },
  add_project: { name: 'second project' },
  list_projects: {},
  complete_project: { project_id: 1 },
  list_eas: {},
  get_active_ea: {},
  create_ea: { name: 'smoke-ea', description: 'for the smoke test' },
  switch_ea: { ea_id: 'smoke-ea' },
  delete_ea: { ea_id: 'smoke-ea' },
  receive_chat_message: {
    platform: 'slack',
    channel: 'C1',
    thread: null,
    message_id: '1.000',
    direct: false,
    user_id: 'U1',
    user_name: 'Alice',
    text: 'smoke message',
  },
  chat_reply: { conversation: 'c1', text: 'smoke reply' },
  slack_reply: { channel: 'C1', thread_ts: '1.000', text: 'smoke reply' },
  request_approval: { question: 'smoke?', timeout_seconds: 60 },
  list_approvals: { all: true },
  answer_approval: (outputs) => ({
    approval_id: (outputs.get('request_approval') as { approval_id: string }).approval_id,
    option: 'Approve',
  }),
  list_dialogs: { all: true },
  answer_dialog: { name: 'asker', choice: 'Allow once' },
  allow_chat_user: { user: 'slack:U1', role: 'operator' },
  list_chat_users: {},
  deny_chat_user: { user: 'slack:U1' },
  list_outbox: { all: true },
  retry_outbox: { outbox_id: 'o1' },
  drop_outbox: { outbox_id: 'o1' },
  read_log: { since: '1d', limit: 10 },
  get_report: { all: true },
  whoami: {},
  get_status: {},
  shutdown: {},
};

describe('every operation', () => {
  it('has a smoke row', () => {
    expect(Object.keys(SMOKE).sort()).toEqual(OPERATIONS.map((op) => op.name).sort());
  });

  it('runs through invokeOperation and returns output its schema accepts', async () => {
    const t = createTestServices();
    const ops = operationsByName();
    await t.call(ops.get('add_project')!, owner, { name: 'first project' });
    // A sim agent whose screen shows its prompt, seen by the supervisor: answer_dialog has something to answer.
    await t.call(ops.get('spawn_agent')!, owner, { name: 'asker', backend: 'sim', task: 'prompt' });
    t.mux.setScreen(sessionNameFor(0, 'asker'), promptScreen(DEFAULT_PROMPT.question, [...DEFAULT_PROMPT.choices]));
    await t.store.mutate((s) =>
      applySightings(
        s,
        [
          {
            ea: 0,
            agent: 'asker',
            backend: 'sim',
            detected: detectSimDialog(promptScreen(DEFAULT_PROMPT.question, [...DEFAULT_PROMPT.choices]).join('\n')),
          },
        ],
        { nowMs: t.clock.now(), nowNs: t.clock.nowNs(), rules: [] },
      ),
    );
    // The rows run in the order written: spawn before the reads, kill before complete, create before switch/delete.
    const outputs = new Map<string, unknown>();
    for (const [name, row] of Object.entries(SMOKE)) {
      const op = ops.get(name)!;
      const input = typeof row === 'function' ? row(outputs) : row;
      const out = await invokeOperation(op, t.services, { caller: owner, input });
      expect(op.output.safeParse(out).success, name).toBe(true);
      outputs.set(name, out);
    }
  });
});
