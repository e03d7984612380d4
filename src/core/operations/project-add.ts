import { z } from 'zod';
import { conversationHandle } from '../chat/chat-state.js';
import {
  lastConversationOfEa,
  lastUserMention,
  parseConversationHandle,
  requireConversation,
} from '../chat/conversations.js';
import { orgChartDocument } from '../chat/org-chart.js';
import { chartKey, enqueueOutbox } from '../chat/outbox.js';
import type { Project } from '../model/state.js';
import { defineOperation } from '../operation.js';
import { assertSameEa } from '../permissions.js';
import { principalLabel } from '../principal.js';
import { ConversationInput } from '../operation-inputs.js';
import { shorten } from '../text/shorten.js';
import { isoNow } from '../model/iso-now.js';
import { requireEa } from '../model/ea-lookup.js';

export const addProject = defineOperation({
  name: 'add_project',
  summary: 'Register a project (a named bucket of work agents are spawned for).',
  description:
    'Adds a project to your EA and returns its id; pass that id as project_id when spawning agents for it. One project per initiative; ids are never reused. Its org chart is posted to a chat conversation — the one given, else the last one that wrote to the EA — and the person who wrote there last is mentioned when it completes, fails or needs them. Workers cannot add projects: they report to their parent.',
  input: z.object({
    name: z.string().min(1).max(200).describe('Short name of the initiative (one line).'),
    conversation: ConversationInput.optional().describe(
      'The chat conversation (c<N>) the project was asked for in; its chart and updates go there. Default: the last conversation that wrote to the EA.',
    ),
  }),
  output: z.object({ project_id: z.number(), name: z.string(), conversation: z.string().optional() }),
  render: (r) =>
    `Project **${r.project_id}** added: ${r.name}${r.conversation ? ` — its chart goes to ${r.conversation}.` : ''}`,
  access: 'project',
  cli: { path: ['project', 'add'], positional: ['name'], restPositional: true },
  chat: { path: ['project', 'add'], positional: ['name'], restPositional: true },
  async handler(ctx, input) {
    assertSameEa(ctx.caller, ctx.ea, 'add projects');
    const name = shorten(input.name, 200, { oneLine: 'first' });
    const by = principalLabel(ctx.caller);
    const nowIso = isoNow(ctx.services.clock);
    const given = input.conversation === undefined ? undefined : parseConversationHandle(input.conversation);
    const { project, chart } = await ctx.services.store.mutate((state) => {
      requireEa(state, ctx.ea);
      const conversation =
        given === undefined ? lastConversationOfEa(state, ctx.ea) : requireConversation(state, given, ctx.ea);
      const id = state.next.project;
      state.next.project += 1;
      const record: Project = {
        id,
        ea: ctx.ea,
        name,
        status: 'active' as const,
        owner: by,
        createdAt: nowIso,
        conversation: conversation?.id ?? null,
        startedBy: conversation ? lastUserMention(conversation) : null,
      };
      state.projects.push(record);
      const chart = conversation
        ? enqueueOutbox(state, {
            ea: ctx.ea,
            platform: conversation.platform,
            conversation: conversation.id,
            channel: conversation.channel,
            thread: null,
            threadKey: null,
            kind: 'post',
            key: chartKey(id),
            user: null,
            document: orgChartDocument(state, id, ctx.services.clock.now()),
            author: by,
            nowIso,
          })
        : null;
      return { project: record, chart };
    });
    ctx.services.recorder.record('project.added', {
      ea: ctx.ea,
      project: project.id,
      name,
      conversation: project.conversation,
      by,
    });
    if (chart) ctx.services.chat.wake();
    return {
      project_id: project.id,
      name,
      ...(project.conversation === null ? {} : { conversation: conversationHandle(project.conversation) }),
    };
  },
});
