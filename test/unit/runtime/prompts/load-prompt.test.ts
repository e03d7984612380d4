import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '#core/errors.js';
import {
  loadPromptTemplate,
  packagePromptsDir,
  parsePromptTemplate,
  renderPrompt,
} from '#runtime/prompts/load-prompt.js';

const REPO = fileURLToPath(new URL('../../../../', import.meta.url));

const VALID = [
  '---',
  'name: agent',
  'description: "A test prompt: with a colon"',
  'role: agent',
  '# a comment',
  "placeholders: [AGENT_NAME, 'EA_ID']",
  'tools: [complete_task, schedule_omar_event]',
  '---',
  '',
  '# You are {{AGENT_NAME}} in EA {{ EA_ID }}',
  'Call complete_task; {{AGENT_NAME}} again.',
  '',
].join('\n');

const temps: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'omar-prompts-'));
  temps.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return `${(error as AppError).code}: ${(error as AppError).message}`;
  }
  throw new Error('expected a throw');
}

describe('parsePromptTemplate', () => {
  it('parses the front matter and keeps the body after it', () => {
    const t = parsePromptTemplate(VALID, 'x.md');
    expect(t).toEqual({
      name: 'agent',
      description: 'A test prompt: with a colon',
      role: 'agent',
      placeholders: ['AGENT_NAME', 'EA_ID'],
      tools: ['complete_task', 'schedule_omar_event'],
      body: '# You are {{AGENT_NAME}} in EA {{ EA_ID }}\nCall complete_task; {{AGENT_NAME}} again.\n',
      source: 'x.md',
    });
  });

  it('accepts CRLF line ends, a BOM, and no tools list', () => {
    const text = `\uFEFF${VALID.replace('tools: [complete_task, schedule_omar_event]\n', '').replace(/\n/g, '\r\n')}`;
    const t = parsePromptTemplate(text);
    expect(t.tools).toEqual([]);
    expect(t.body.startsWith('# You are {{AGENT_NAME}}')).toBe(true);
    expect(t.body).not.toContain('\r');
  });

  it.each([
    ['no front matter', '# just a body {{X}}', /does not start with a front matter block/],
    ['an unclosed front matter', '---\nname: agent\n', /does not start with a front matter block/],
    ['a line that is not key: value', VALID.replace('role: agent', 'role agent'), /line 4 is not "key: value"/],
    ['a repeated key', VALID.replace('role: agent', 'role: agent\nrole: ea'), /repeats role/],
    ['an unknown key', VALID.replace('role: agent', 'role: agent\nmodel: opus'), /Unrecognized key/],
    ['a bad role', VALID.replace('role: agent', 'role: boss'), /role:/],
    ['an unknown name', VALID.replace('name: agent', 'name: helper'), /name:/],
    ['a missing description', VALID.replace(/description: .*\n/, ''), /description:/],
    [
      'a lower-case placeholder',
      VALID.replace("'EA_ID'", 'ea_id'),
      /placeholders\.1: placeholders are UPPER_SNAKE_CASE/,
    ],
    ['an unclosed list', VALID.replace('schedule_omar_event]', 'schedule_omar_event'), /must close with \]/],
    ['a tool that is not snake_case', VALID.replace('complete_task,', 'CompleteTask,'), /tools\.0/],
    [
      'an undeclared placeholder',
      VALID.replace('again.', 'again {{PARENT_NAME}}.'),
      /uses \{\{PARENT_NAME\}\}, which placeholders does not declare/,
    ],
    [
      'an unused placeholder',
      VALID.replace("'EA_ID'", "'EA_ID', EA_NAME"),
      /declares EA_NAME, which the body never uses/,
    ],
    [
      'a malformed placeholder',
      VALID.replace('again.', 'again {{agent name}}.'),
      /'\{\{agent name\}\}' is not a placeholder/,
    ],
  ])('rejects %s', (_what, text, pattern) => {
    const message = codeOf(() => parsePromptTemplate(text, 'bad.md'));
    expect(message).toMatch(/^CONFIG_INVALID: The prompt bad\.md is not valid: /);
    expect(message).toMatch(pattern);
  });
});

describe('renderPrompt', () => {
  const template = parsePromptTemplate(VALID, 'x.md');

  it('fills every placeholder and inserts values as they are', () => {
    expect(renderPrompt(template, { AGENT_NAME: 'w-1', EA_ID: 3 })).toBe(
      '# You are w-1 in EA 3\nCall complete_task; w-1 again.\n',
    );
    // A value that looks like a placeholder is not expanded again.
    expect(renderPrompt(template, { AGENT_NAME: '{{EA_ID}}', EA_ID: '$&' })).toBe(
      '# You are {{EA_ID}} in EA $&\nCall complete_task; {{EA_ID}} again.\n',
    );
  });

  it('throws on a missing value and on an unknown key', () => {
    expect(codeOf(() => renderPrompt(template, { AGENT_NAME: 'w-1' }))).toBe(
      'CONFIG_INVALID: Cannot render the prompt x.md: no value for {{EA_ID}}.',
    );
    expect(codeOf(() => renderPrompt(template, { AGENT_NAME: 'w-1', EA_ID: 0, EA_NAME: 'main' }))).toBe(
      'CONFIG_INVALID: Cannot render the prompt x.md: EA_NAME is not a placeholder of it.',
    );
    expect(codeOf(() => renderPrompt(template, { EA_Id: 0, TASK: 'x' }))).toBe(
      'CONFIG_INVALID: Cannot render the prompt x.md: no value for {{AGENT_NAME}}, {{EA_ID}}; EA_Id, TASK are not a placeholder of it.',
    );
  });

  it('renders a plain string by the placeholders it uses', () => {
    expect(renderPrompt('Hi {{NAME}}, {{NAME}}!', { NAME: 'ea' })).toBe('Hi ea, ea!');
    expect(renderPrompt('no placeholders', {})).toBe('no placeholders');
    expect(codeOf(() => renderPrompt('Hi {{NAME}}', {}))).toMatch(/no value for \{\{NAME\}\}/);
    expect(codeOf(() => renderPrompt('Hi {{na me}}', {}))).toMatch(/is not a placeholder/);
  });
});

describe('loadPromptTemplate', () => {
  it('reads <dir>/<name>.md', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'agent.md'), VALID);
    const t = await loadPromptTemplate(dir, 'agent');
    expect(t.name).toBe('agent');
    expect(t.source).toBe(join(dir, 'agent.md'));
  });

  it('refuses a file whose front matter names another prompt', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'executive-assistant.md'), VALID);
    await expect(loadPromptTemplate(dir, 'executive-assistant')).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringMatching(/name: agent, expected executive-assistant/),
    });
  });

  it('says which file is missing', async () => {
    const dir = tempDir();
    await expect(loadPromptTemplate(dir, 'agent')).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: `Cannot read the agent prompt at ${join(dir, 'agent.md')}.`,
    });
  });
});

describe('packagePromptsDir', () => {
  it('finds <package root>/prompts from the source tree', () => {
    expect(packagePromptsDir()).toBe(join(REPO, 'prompts'));
  });

  it.each([
    ['the bundle', ['dist', 'omar.mjs']],
    ['a bundle chunk', ['dist', 'chunks', 'chunk-ABC123.mjs']],
    ['the tsc output', ['dist', 'lib', 'runtime', 'prompts', 'load-prompt.js']],
    ['the source', ['src', 'runtime', 'prompts', 'load-prompt.ts']],
  ])('finds it from %s', (_where, parts) => {
    const root = tempDir();
    mkdirSync(join(root, 'prompts'));
    writeFileSync(join(root, 'package.json'), '{"name":"omar"}');
    writeFileSync(join(root, 'prompts', 'executive-assistant.md'), VALID);
    // A folder on the way up with a package.json but no prompts is not the package root.
    mkdirSync(join(root, parts[0]!), { recursive: true });
    writeFileSync(join(root, parts[0]!, 'package.json'), '{"type":"module"}');
    expect(packagePromptsDir(pathToFileURL(join(root, ...parts)).href)).toBe(join(root, 'prompts'));
  });

  it('throws when no package above has prompts', () => {
    const root = tempDir();
    expect(codeOf(() => packagePromptsDir(pathToFileURL(join(root, 'dist', 'omar.mjs')).href))).toMatch(
      /^CONFIG_INVALID: Cannot find omar's prompts folder above /,
    );
  });
});
