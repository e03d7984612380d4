import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_NOTES_BYTES, MEMORY_HEADING, NOTES_HEADING, droppedMarker } from '#core/memory/render-memory.js';
import { OPERATIONS } from '#core/registry.js';
import { defOf } from '#core/surface/zod-introspect.js';
import {
  type AgentPromptValues,
  type EaPromptValues,
  type PromptName,
  type PromptTemplate,
  loadPromptTemplate,
  packagePromptsDir,
  renderPrompt,
} from '#runtime/prompts/load-prompt.js';

/**
 * The shipped prompts against the code: every tool they name must exist (so a renamed
 * operation breaks this test, not a model at 3 a.m.), and the rules that matter most —
 * wake-ups only through schedule_omar_event, complete_task before any announcement —
 * are spelled out.
 */

/** Tools announced for coming issues (e.g. chat_reply), with their parameters; drop an entry once the operation is in the registry. */
const ANNOUNCED_TOOLS: Record<string, readonly string[]> = {};

/** The forms a tool name may take in a CLI's catalogue; the prompts show them as examples. */
const DISCOVERY_PREFIXES = ['mcp__omar__', 'mcp_omar_', 'omar_'] as const;

const MCP_TOOLS = new Set([
  ...OPERATIONS.filter((op) => op.mcp !== false).map((op) => op.name),
  ...Object.keys(ANNOUNCED_TOOLS),
]);
const CLI_ONLY = new Set(OPERATIONS.filter((op) => op.mcp === false).map((op) => op.name));

/** Every field name of the tools' inputs and outputs (nested too): snake_case words a prompt may name that are not tools. */
const FIELD_NAMES = new Set<string>([
  ...Object.values(ANNOUNCED_TOOLS).flat(),
  ...OPERATIONS.flatMap((op) => [...fieldNames(op.input), ...fieldNames(op.output)]),
]);

function fieldNames(schema: unknown, seen = new Set<unknown>()): string[] {
  if (seen.has(schema)) return [];
  seen.add(schema);
  const def = defOf(schema) as
    | {
        type?: string;
        shape?: Record<string, unknown>;
        innerType?: unknown;
        in?: unknown;
        out?: unknown;
        element?: unknown;
        options?: readonly unknown[];
        getter?: () => unknown;
      }
    | undefined;
  if (!def) return [];
  const nested = [
    def.innerType,
    def.in,
    def.out,
    def.element,
    ...(def.options ?? []),
    def.type === 'lazy' ? def.getter?.() : undefined,
  ];
  const own = def.type === 'object' && def.shape ? Object.keys(def.shape) : [];
  const inner = def.type === 'object' && def.shape ? Object.values(def.shape) : [];
  return [...own, ...[...inner, ...nested].filter((s) => s !== undefined).flatMap((s) => fieldNames(s, seen))];
}

const SNAKE_WORD = /(?<![A-Za-z0-9_])[a-z][a-z0-9]*(?:_+[a-z0-9]+)+(?![A-Za-z0-9_])/g;

/** The snake_case words of a text, each classified; discovery forms (mcp__omar__x) count as x. */
function snakeWords(text: string): { tools: Set<string>; fields: Set<string>; unknown: Set<string> } {
  const out = { tools: new Set<string>(), fields: new Set<string>(), unknown: new Set<string>() };
  for (const [word] of text.matchAll(SNAKE_WORD)) {
    const prefix = DISCOVERY_PREFIXES.find((p) => word.startsWith(p) && MCP_TOOLS.has(word.slice(p.length)));
    const name = prefix ? word.slice(prefix.length) : word;
    if (MCP_TOOLS.has(name)) out.tools.add(name);
    else if (FIELD_NAMES.has(name)) out.fields.add(name);
    else out.unknown.add(word);
  }
  return out;
}

/** The text of one `## ` section (up to the next `## ` heading). */
function section(body: string, heading: string): string {
  const start = body.indexOf(`\n## ${heading}\n`);
  expect(start, `section '## ${heading}'`).toBeGreaterThanOrEqual(0);
  const rest = body.slice(start + heading.length + 5);
  const end = rest.search(/\n## /);
  return end < 0 ? rest : rest.slice(0, end);
}

const NAMES: readonly PromptName[] = ['executive-assistant', 'agent'];
const prompts = {} as Record<PromptName, PromptTemplate>;

beforeAll(async () => {
  const dir = packagePromptsDir();
  for (const name of NAMES) prompts[name] = await loadPromptTemplate(dir, name);
});

describe('shipped prompts', () => {
  it('parse, with the roles and placeholders the daemon fills', () => {
    const ea = prompts['executive-assistant'];
    const agent = prompts.agent;
    expect(ea.role).toBe('ea');
    expect(agent.role).toBe('agent');
    const eaValues: EaPromptValues = { EA_NAME: 'main', EA_ID: 0 };
    const agentValues: AgentPromptValues = { AGENT_NAME: 'w-1', PARENT_NAME: 'ea', EA_NAME: 'main', EA_ID: 0 };
    expect([...ea.placeholders].sort()).toEqual(Object.keys(eaValues).sort());
    expect([...agent.placeholders].sort()).toEqual(Object.keys(agentValues).sort());
    const renderedEa = renderPrompt(ea, { ...eaValues });
    const renderedAgent = renderPrompt(agent, { ...agentValues });
    expect(renderedEa).toContain('# You are the Executive Assistant of EA "main" (id 0)');
    expect(renderedAgent).toContain('# You are `w-1`, an agent of omar');
    for (const text of [renderedEa, renderedAgent]) expect(text).not.toMatch(/\{\{|\}\}/);
  });

  it.each(NAMES)('%s: stays focused (a few hundred lines at most)', (name) => {
    expect(prompts[name].body.split('\n').length).toBeLessThan(300);
    expect(prompts[name].description.length).toBeGreaterThan(20);
  });

  it.each(NAMES)('%s: every tool in its front matter exists as an MCP tool', (name) => {
    for (const tool of prompts[name].tools) {
      expect(CLI_ONLY.has(tool), `${name} lists ${tool}, which is CLI-only`).toBe(false);
      expect(MCP_TOOLS.has(tool), `${name} lists ${tool}, which is neither in the registry nor announced`).toBe(true);
    }
  });

  it.each(NAMES)(
    '%s: every tool-like word in the body is a real tool or one of their fields, and the front matter lists exactly the tools named',
    (name) => {
      const words = snakeWords(prompts[name].body);
      expect([...words.unknown], `${name} names snake_case words that are no tool and no field of one`).toEqual([]);
      expect([...words.tools].sort()).toEqual([...prompts[name].tools].sort());
    },
  );

  it('the scanner catches a renamed or invented tool', () => {
    expect([...snakeWords('call `get_agent_status` then `mcp__omar__spawn_agent` with project_id').unknown]).toEqual([
      'get_agent_status',
    ]);
    expect([...snakeWords('`mcp__omar__spawn_agent`, `omar_kill_agent`').tools].sort()).toEqual([
      'kill_agent',
      'spawn_agent',
    ]);
  });

  it.each(NAMES)('%s: explains tool discovery under every prefix', (name) => {
    const text = section(prompts[name].body, 'Tool discovery');
    for (const prefix of DISCOVERY_PREFIXES) expect(text).toContain(`\`${prefix}`);
    expect(text).toMatch(/sub-agents/);
    expect(text).toMatch(/scheduled\s+tasks/);
  });

  it.each([
    ['executive-assistant', '`ea`'],
    ['agent', '`{{AGENT_NAME}}`'],
  ] as const)('%s: wake-ups go only through schedule_omar_event, to itself', (name, self) => {
    const text = section(prompts[name].body, 'Wake-up policy');
    expect(text).toMatch(/^`schedule_omar_event` is the only way to wait\./m);
    expect(text).toContain(`receiver ${self}`);
    expect(text).toContain('Forbidden, always:');
    for (const banned of [
      '`sleep`',
      'polling loops',
      'cron',
      'background process',
      'wake-up, reminder or scheduled-task tools',
    ])
      expect(text).toContain(banned);
    expect(text).toMatch(/end your turn/);
  });

  it('agent: complete_task comes first, the final report only after it returns', () => {
    const body = prompts.agent.body;
    const text = section(body, 'Completion protocol');
    expect(text).toContain('Call `complete_task` FIRST');
    const first = text.indexOf('complete_task');
    expect(first).toBeGreaterThanOrEqual(0);
    expect(first).toBeLessThan(text.indexOf('final report'));
    expect(text).toContain('Only after `complete_task` has returned, print a short final report');
    expect(text).toContain('`status: "completed"`');
    expect(text).toContain('`status: "failed"`');
    expect(text).toMatch(/Do not notify your parent yourself/);
    // Nothing tells an agent to announce completion by hand (the original OMAR's old protocol).
    for (const line of body.split('\n')) {
      expect(line.includes('schedule_omar_event') && /\[CHILD (COMPLETE|FAILED)\]/.test(line), line).toBe(false);
    }
    expect(body).not.toContain('[TASK COMPLETE]');
  });

  it('agent: reads its header, and a PM spawns below itself, kills finished children and never completes its project', () => {
    const body = prompts.agent.body;
    for (const line of ['YOUR NAME: <your name>', 'YOUR PARENT: <who you report to>', 'YOUR TASK: <what you must do>'])
      expect(body).toContain(line);
    expect(body).toContain('Work only on that task.');
    const pm = section(body, 'Working as a project manager');
    expect(pm).toContain('Leave out `parent`: children report to\n   you.');
    expect(pm).toMatch(/kill the child at once:\s+`kill_agent` with `recursive: true`/);
    expect(pm).toContain('Never call `complete_project` on your project');
    expect(section(body, 'Status and justification')).toMatch(/`update_agent_status`[\s\S]*`log_justification`/);
  });

  it('executive-assistant: on [CHILD COMPLETE] it verifies, kills, completes the project, saves notes, then reports', () => {
    const text = section(prompts['executive-assistant'].body, 'When work finishes');
    const order = [
      '**Verify.**',
      '**Kill**',
      '`kill_agent` with `recursive: true`',
      '**Complete the project** with `complete_project`',
      '**Save notes** with `save_notes`',
      '**Report**',
    ];
    const positions = order.map((s) => text.indexOf(s));
    for (const [i, p] of positions.entries()) expect(p, order[i]).toBeGreaterThanOrEqual(0);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it('executive-assistant: knows every message format and notice it receives', () => {
    const text = section(prompts['executive-assistant'].body, 'Messages you receive');
    for (const tag of [
      '[EVENT at t=<ns>]',
      '[CRON at t=<ns>]',
      '[EVENT BATCH at t=<ns>]',
      '`[EVENT] From <sender>: `',
      '`[CRON] From <sender>: `',
      '`From <sender>: <message>`',
    ]) {
      expect(text).toContain(tag);
    }
    for (const notice of [
      '[CHILD COMPLETE] <name>: <summary>',
      '[CHILD FAILED] <name>: <reason>',
      '[CHILD STUCK] <name>: idle <N>s',
      '[DELIVERY FAILED] to <receiver>: <reason>',
      '[EVENT CANCELLED] to <receiver>: <reason>',
    ]) {
      expect(text).toContain(`\`${notice}\``);
    }
    for (const sender of ['`owner`', '`chat:<platform>:<user>`', '`omar`']) expect(text).toContain(sender);
  });

  it('executive-assistant: dispatches through projects, PMs and workers, monitoring cheaply first', () => {
    const body = prompts['executive-assistant'].body;
    const loop = section(body, 'The dispatch loop');
    expect(loop).toMatch(/`log_justification`[\s\S]*`add_project`[\s\S]*`spawn_agent`/);
    expect(loop).toContain('**a PM** for multi-part work');
    expect(loop).toContain('**a worker** for one direct piece of work');
    const monitoring = section(body, 'Monitoring');
    expect(monitoring.indexOf('`get_agent_summary`')).toBeLessThan(monitoring.indexOf('`get_agent` shows'));
  });

  it('executive-assistant: its notes advice matches how the prompt is built', () => {
    const body = prompts['executive-assistant'].body;
    const notes = section(body, 'Your notes');
    expect(notes).toContain('`save_notes` replaces them entirely');
    expect(notes).toContain(`at most the newest ${DEFAULT_MAX_NOTES_BYTES / 1024} KB of your notes`);
    expect(notes).toContain(`\`${droppedMarker(0).replace('0', 'N')}\``);
    for (const keep of ['**Active work**', '**Recurring jobs**', "**The person's preferences**"])
      expect(notes).toContain(keep);
    // The restart section names the sections buildEaPrompt appends.
    const restart = section(body, 'After a restart');
    expect(restart).toContain(`"${MEMORY_HEADING.replace(/^## /, '')}"`);
    expect(NOTES_HEADING).toContain('save_notes');
  });
});
