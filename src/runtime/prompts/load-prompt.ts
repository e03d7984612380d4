import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { AppError } from '../../core/errors.js';

/**
 * The EA and agent prompts (docs/architecture.md §8): `prompts/<name>.md`, a front matter
 * block between `---` lines, then the body models read. Placeholders are `{{KEY}}`;
 * the front matter declares them, and rendering fills exactly those.
 */

export const PROMPT_NAMES = ['executive-assistant', 'agent'] as const;
export type PromptName = (typeof PROMPT_NAMES)[number];

/** What the daemon must supply when it renders each prompt. */
export interface EaPromptValues {
  EA_NAME: string;
  EA_ID: number | string;
}
export interface AgentPromptValues {
  AGENT_NAME: string;
  PARENT_NAME: string;
  EA_NAME: string;
  EA_ID: number | string;
}

const PLACEHOLDER_KEY = /^[A-Z][A-Z0-9_]*$/;
const TOOL_NAME = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;
/** Any `{{…}}`: well-formed keys are placeholders, anything else is an error. */
const PLACEHOLDER_USE = /\{\{([^{}]*)\}\}/g;

export const PromptFrontMatterSchema = z.strictObject({
  name: z.enum(PROMPT_NAMES),
  description: z.string().trim().min(1),
  role: z.enum(['ea', 'agent']),
  placeholders: z.array(z.string().regex(PLACEHOLDER_KEY, 'placeholders are UPPER_SNAKE_CASE')),
  /** The omar tools the body names (checked against the registry by the tests). */
  tools: z.array(z.string().regex(TOOL_NAME, 'tools are snake_case tool names')).default([]),
});
export type PromptFrontMatter = z.infer<typeof PromptFrontMatterSchema>;

export interface PromptTemplate extends PromptFrontMatter {
  /** The text after the front matter, placeholders unfilled. */
  body: string;
  /** Where it was read from (for messages). */
  source: string;
}

/** Reads and validates `<dir>/<name>.md`. */
export async function loadPromptTemplate(dir: string, name: PromptName): Promise<PromptTemplate> {
  const path = join(dir, `${name}.md`);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new AppError('CONFIG_INVALID', `Cannot read the ${name} prompt at ${path}.`, {
      hint: 'Reinstall omar, or point it at a folder that has executive-assistant.md and agent.md.',
      cause: error,
      details: { path },
    });
  }
  const template = parsePromptTemplate(text, path);
  if (template.name !== name) {
    throw invalid(path, `its front matter says name: ${template.name}, expected ${name}`);
  }
  return template;
}

/** Parses a prompt file's text: front matter (validated) and body (placeholders checked). */
export function parsePromptTemplate(text: string, source = '<prompt>'): PromptTemplate {
  const normalised = text.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n');
  const match = /^---\n([\s\S]*?)\n---[ \t]*(?:\n|$)/.exec(normalised);
  if (!match) throw invalid(source, 'it does not start with a front matter block between --- lines');
  const raw = parseFrontMatter(match[1]!, source);
  const parsed = PromptFrontMatterSchema.safeParse(raw);
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => `${i.path.join('.') || 'front matter'}: ${i.message}`).join('; ');
    throw invalid(source, why);
  }
  const body = normalised.slice(match[0].length).replace(/^\n+/, '');
  const used = placeholdersIn(body, source);
  const declared = new Set(parsed.data.placeholders);
  const undeclared = [...used].filter((key) => !declared.has(key));
  const unused = [...declared].filter((key) => !used.has(key));
  if (undeclared.length > 0)
    throw invalid(source, `the body uses ${undeclared.map(brace).join(', ')}, which placeholders does not declare`);
  if (unused.length > 0) throw invalid(source, `placeholders declares ${unused.join(', ')}, which the body never uses`);
  return { ...parsed.data, body, source };
}

/**
 * Fills `{{KEY}}` in a template (its body, for a loaded one). The values must cover
 * exactly the placeholders: a missing value or an unknown key throws, so a typo never
 * reaches a model as a literal `{{EA_ID}}`. Values are inserted as is (never re-scanned).
 */
export function renderPrompt(
  template: PromptTemplate | string,
  values: Readonly<Record<string, string | number>>,
): string {
  const body = typeof template === 'string' ? template : template.body;
  const source = typeof template === 'string' ? '<prompt>' : template.source;
  const expected = typeof template === 'string' ? placeholdersIn(body, source) : new Set(template.placeholders);
  const missing = [...expected].filter((key) => !Object.hasOwn(values, key));
  const unknown = Object.keys(values).filter((key) => !expected.has(key));
  if (missing.length > 0 || unknown.length > 0) {
    const parts = [
      ...(missing.length > 0 ? [`no value for ${missing.map(brace).join(', ')}`] : []),
      ...(unknown.length > 0
        ? [`${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not a placeholder of it`]
        : []),
    ];
    throw new AppError('CONFIG_INVALID', `Cannot render the prompt ${source}: ${parts.join('; ')}.`, {
      hint: `Its placeholders are: ${[...expected].join(', ') || 'none'}.`,
      details: { missing, unknown },
    });
  }
  return body.replace(PLACEHOLDER_USE, (_whole, key: string) => String(values[key.trim()]));
}

/**
 * `<package root>/prompts`, found by walking up from a module of this package: works from
 * `src/runtime/prompts/` (tsx, tests), `dist/lib/…` (tsc) and `dist/` or `dist/chunks/`
 * (the bundle). The package root is the first folder with a package.json and a prompts folder.
 */
export function packagePromptsDir(moduleUrl: string = import.meta.url): string {
  const start = dirname(fileURLToPath(moduleUrl));
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, 'prompts');
    if (existsSync(join(dir, 'package.json')) && existsSync(join(candidate, 'executive-assistant.md')))
      return candidate;
    if (dirname(dir) === dir) break;
  }
  throw new AppError('CONFIG_INVALID', `Cannot find omar's prompts folder above ${resolve(start)}.`, {
    hint: 'The package is incomplete: reinstall omar (its prompts/ folder ships beside package.json).',
  });
}

function placeholdersIn(body: string, source: string): Set<string> {
  const keys = new Set<string>();
  for (const m of body.matchAll(PLACEHOLDER_USE)) {
    const key = m[1]!.trim();
    if (!PLACEHOLDER_KEY.test(key)) throw invalid(source, `'${m[0]}' is not a placeholder (use {{UPPER_SNAKE_CASE}})`);
    keys.add(key);
  }
  return keys;
}

/**
 * The small YAML subset the prompt files use: one `key: value` per line, where a value is
 * a scalar (optionally quoted) or a flow list `[a, b, "c"]`. Blank lines and `#` comments
 * are skipped.
 */
function parseFrontMatter(block: string, source: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [index, line] of block.split('\n').entries()) {
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const m = /^([A-Za-z_][A-Za-z0-9_-]*)\s*:\s*(.*)$/.exec(line);
    if (!m) throw invalid(source, `front matter line ${index + 2} is not "key: value"`);
    const key = m[1]!;
    if (Object.hasOwn(out, key)) throw invalid(source, `front matter repeats ${key}`);
    const value = m[2]!.trim();
    if (value.startsWith('[')) {
      if (!value.endsWith(']')) throw invalid(source, `front matter ${key}: a list must close with ] on the same line`);
      const inner = value.slice(1, -1).trim();
      out[key] = inner === '' ? [] : inner.split(',').map((item) => unquote(item.trim()));
    } else {
      out[key] = unquote(value);
    }
  }
  return out;
}

function unquote(value: string): string {
  const m = /^(["'])(.*)\1$/.exec(value);
  return m ? m[2]! : value;
}

function brace(key: string): string {
  return `{{${key}}}`;
}

function invalid(source: string, why: string): AppError {
  return new AppError('CONFIG_INVALID', `The prompt ${source} is not valid: ${why}.`, {
    hint: 'Fix the file: front matter (name, description, role, placeholders, tools) between --- lines, then the body.',
    details: { path: source },
  });
}
