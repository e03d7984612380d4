import { isAbsolute } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { errorMessage } from '../core/errors.js';

export const SIM_USAGE = [
  'usage: node sim.mjs --context FILE --omar-argv JSON [--role worker|ea] [--name NAME] [--receipts DIR] [--probe]',
  '  --context FILE    the agent launch context written by the omar daemon',
  '  --omar-argv JSON  argv that runs omar, as a JSON array, e.g. ["/usr/bin/node","/x/dist/mcp-server.mjs"];',
  '                    the sim starts `<argv> mcp-server --context FILE` as its MCP server',
  '  --role ROLE       worker (default): runs the task protocol of its header; ea: answers plain requests',
  '  --name NAME       shown in the banner, and names the receipts file',
  '  --receipts DIR    append one JSON line per message received to DIR/<name>.jsonl (benchmarks)',
  '  --probe           connect, call whoami once, print `PROBE OK <ms>`, then idle until killed',
].join('\n');

const SimArgsSchema = z.object({
  context: z.string().min(1, '--context FILE is required'),
  omarArgv: z.array(z.string().min(1)).min(1, '--omar-argv must name at least the program'),
  role: z.enum(['worker', 'ea']),
  name: z.string(),
  /** Where to write a receipt of every message received (absolute), or null. */
  receipts: z.string().refine(isAbsolute, 'expected an absolute path').nullable(),
  probe: z.boolean(),
});
export type SimArgs = z.infer<typeof SimArgsSchema>;

export type ParsedSimArgs = { ok: true; args: SimArgs } | { ok: false; error: string } | { ok: 'help' };

export function parseSimArgs(argv: readonly string[]): ParsedSimArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        context: { type: 'string' },
        'omar-argv': { type: 'string' },
        role: { type: 'string', default: 'worker' },
        name: { type: 'string' },
        receipts: { type: 'string' },
        probe: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    return { ok: false, error: errorMessage(error) };
  }
  if (values.help === true) return { ok: 'help' };
  let omarArgv: unknown;
  try {
    omarArgv = JSON.parse(String(values['omar-argv'] ?? ''));
  } catch {
    return {
      ok: false,
      error:
        values['omar-argv'] === undefined
          ? '--omar-argv JSON is required'
          : '--omar-argv is not JSON (expected an array of strings)',
    };
  }
  const role = values.role === 'ea' ? 'ea' : values.role;
  const parsed = SimArgsSchema.safeParse({
    context: values.context ?? '',
    omarArgv,
    role,
    name: typeof values.name === 'string' && values.name !== '' ? values.name : role === 'ea' ? 'ea' : 'worker',
    receipts: typeof values.receipts === 'string' ? values.receipts : null,
    probe: values.probe === true,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path[0] === 'omarArgv' ? '--omar-argv' : `--${String(issue.path[0] ?? '')}`;
    return {
      ok: false,
      error: issue.message.startsWith('--')
        ? issue.message
        : `${field}: ${issue.message.replace(/^Invalid (input|option): /, '')}`,
    };
  }
  return { ok: true, args: parsed.data };
}

/** argv of the agent's MCP server. */
export function mcpServerArgv(args: Pick<SimArgs, 'omarArgv' | 'context'>): string[] {
  return [...args.omarArgv, 'mcp-server', '--context', args.context];
}
