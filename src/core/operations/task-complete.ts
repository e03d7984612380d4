import { z } from 'zod';
import { AppError } from '../errors.js';
import { addNotice } from '../events/new-event.js';
import { defineOperation } from '../operation.js';
import { principalLabel } from '../principal.js';
import { toJsonBlock } from '../surface/code-block.js';
import { findAgent } from '../model/agent-lookup.js';
import { isoNow } from '../model/iso-now.js';
import { shorten } from '../text/shorten.js';

export const completeTask = defineOperation({
  name: 'complete_task',
  summary: 'Close your own task (completed or failed) and wake your parent.',
  description:
    "Call this FIRST when your task is done (status 'completed', with a one-line summary) or cannot be done (status 'failed', with the reason); only then print your final report. omar records the result and wakes your parent with `[CHILD COMPLETE] <you>: <summary>` or `[CHILD FAILED] <you>: <reason>`. Your task can be closed once; your pane stays until your parent kills it.",
  input: z.object({
    status: z.enum(['completed', 'failed']).describe("'completed' or 'failed'."),
    summary: z
      .string()
      .trim()
      .min(1, 'summary is empty')
      .max(4000)
      .describe('One line: what you did (or why it failed).'),
    name: z.string().min(1).optional().describe('Whose task (people only; an agent always closes its own).'),
  }),
  output: z.object({
    task_id: z.string(),
    status: z.enum(['completed', 'failed']),
    parent: z.string(),
    notified: z.boolean(),
  }),
  render: toJsonBlock,
  access: 'agent-self',
  cli: { path: ['task', 'complete'], positional: ['name', 'status', 'summary'], restPositional: true },
  async handler(ctx, input) {
    const caller = ctx.caller;
    if (caller.kind === 'agent' && input.name !== undefined && input.name !== caller.name)
      throw new AppError('PERMISSION_DENIED', `${caller.name} may close only its own task, not ${input.name}'s.`, {
        hint: `Leave 'name' out (it is always you), or ask ${input.name}'s parent to act.`,
        details: { field: 'name', name: input.name },
      });
    const name = caller.kind === 'agent' ? caller.name : input.name;
    if (!name)
      throw new AppError('INVALID_INPUT', 'name is required when you are not an agent.', {
        hint: 'Give the agent whose task to close.',
      });
    const summary = shorten(input.summary, 500, { oneLine: 'first' });
    const { clock, store, recorder, scheduler } = ctx.services;
    const result = await store.mutate((state) => {
      const agent = findAgent(state, ctx.ea, name);
      if (!agent) throw new AppError('AGENT_NOT_FOUND', `No agent '${name}' in EA ${ctx.ea}.`);
      const task = agent.taskId ? state.tasks.find((t) => t.id === agent.taskId) : undefined;
      if (!task)
        throw new AppError('TASK_NOT_FOUND', `${name} has no task to complete.`, {
          hint: 'Agents spawned without a task have nothing to close; just report to your parent with schedule_omar_event.',
        });
      if (task.status !== 'running') {
        throw new AppError('CONFLICT', `${name}'s task ${task.id} is already ${task.status}.`, {
          hint: 'A task is closed once; send further news with schedule_omar_event.',
        });
      }
      const now = isoNow(clock);
      task.status = input.status;
      task.summary = summary;
      task.closedAt = now;
      const text =
        input.status === 'completed' ? `[CHILD COMPLETE] ${name}: ${summary}` : `[CHILD FAILED] ${name}: ${summary}`;
      const notice = addNotice(state, {
        ea: ctx.ea,
        receiver: agent.parent,
        text,
        nowNs: clock.nowNs(),
        createdAt: now,
      });
      return { task: { ...task }, parent: agent.parent, notified: notice !== null };
    });
    recorder.record('task.closed', {
      ea: ctx.ea,
      agent: name,
      task: result.task.id,
      status: result.task.status,
      summary,
      text: result.task.text,
      by: principalLabel(caller),
    });
    scheduler.wake();
    return { task_id: result.task.id, status: input.status, parent: result.parent, notified: result.notified };
  },
});
