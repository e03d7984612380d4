import { readFile } from 'node:fs/promises';
import { AppError, describeIssues } from '../../core/errors.js';
import { AgentContextSchema, type AgentContext } from './agent-contexts.js';

/** An agent's launch context (OMAR_CONTEXT), for `omar` run inside its pane; a clear error when unusable. */
export async function readAgentContext(file: string): Promise<AgentContext> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new AppError('UNAUTHENTICATED', `This pane's agent context ${file} cannot be read (${code}).`, {
      hint: 'omar run inside an agent pane acts as that agent; its context is removed when the agent is killed.',
    });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new AppError('CONFIG_INVALID', `The agent context ${file} is not JSON.`);
  }
  const parsed = AgentContextSchema.safeParse(raw);
  if (!parsed.success)
    throw new AppError(
      'CONFIG_INVALID',
      `The agent context ${file} is not an omar agent context: ${describeIssues(parsed.error.issues)}.`,
    );
  return parsed.data;
}
