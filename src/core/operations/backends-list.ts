import { z } from 'zod';
import { defineOperation } from '../operation.js';
import { toJsonBlock } from '../surface/code-block.js';

export const listBackends = defineOperation({
  name: 'list_backends',
  summary: 'List the agent CLIs omar can run here, and the default.',
  description:
    'Lists the agent backends (claude, codex, gemini, opencode, cursor, custom, sim) with whether each is installed, its version, and which one spawn_agent uses when you give none. Use it before choosing `backend` for spawn_agent. Read-only.',
  input: z.object({}),
  output: z.object({
    default: z.string().nullable(),
    backends: z.array(
      z.object({
        name: z.string(),
        binary: z.string(),
        installed: z.boolean(),
        version: z.string().nullable(),
        verified: z.boolean(),
        install: z.string(),
      }),
    ),
  }),
  render: toJsonBlock,
  access: 'ea-read',
  cli: { path: ['backends'] },
  chat: { path: ['backends'] },
  async handler(ctx) {
    const [backends, fallback] = await Promise.all([
      ctx.services.backends.list(),
      ctx.services.backends.defaultBackend(),
    ]);
    return { default: fallback, backends };
  },
});
