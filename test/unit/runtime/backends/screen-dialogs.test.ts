/**
 * Each CLI's detector against screens captured from the real CLIs (pinned versions, driven
 * offline by the scripted fake model; test/fixtures/dialogs/<cli>/).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectClaudeDialog } from '#runtime/backends/claude-dialogs.js';
import { detectCodexDialog } from '#runtime/backends/codex-dialogs.js';
import { detectGeminiDialog } from '#runtime/backends/gemini-dialogs.js';
import { detectOpencodeDialog } from '#runtime/backends/opencode-dialogs.js';
import { lastNumberedMenu, screenLines, shortFor } from '#runtime/backends/screen-menu.js';

const fixture = (cli: string, name: string): string =>
  readFileSync(join(import.meta.dirname, '../../../fixtures/dialogs', cli, `${name}.txt`), 'utf8');
const choicesOf = (d: { choices: readonly { short: string; keys: readonly string[] }[] } | null) =>
  d?.choices.map((c) => [c.short, c.keys.join(' ')]);

describe('claude dialogs', () => {
  it('reads a Bash prompt: the command, and its four choices by number', () => {
    const d = detectClaudeDialog(fixture('claude', 'command'));
    expect(d).toMatchObject({ kind: 'command', title: 'Run: touch allowed.txt' });
    expect(d!.detail).toContain('touch allowed.txt');
    expect(choicesOf(d)).toEqual([
      ['Allow once', '1'],
      ['Always allow', '2'],
      ['Allow, then auto mode', '3'],
      ['Deny', '4'],
    ]);
    expect(d!.choices[2]!.label).toBe('Yes, and switch to auto mode');
  });

  it('reads a file creation with its content, and the session-wide choice', () => {
    const d = detectClaudeDialog(fixture('claude', 'edit-create'));
    expect(d).toMatchObject({ kind: 'edit', title: 'Create notes.md' });
    expect(d!.detail).toContain('first line');
    expect(choicesOf(d)).toEqual([
      ['Allow once', '1'],
      ['Allow for this session', '2'],
      ['Deny', '3'],
    ]);
  });

  it('reads a multiple-choice question, leaving out the choices that need typed text', () => {
    const d = detectClaudeDialog(fixture('claude', 'question'));
    expect(d).toMatchObject({ kind: 'question', title: 'Which database should the service use?' });
    expect(choicesOf(d)).toEqual([
      ['Postgres', '1'],
      ['SQLite', '2'],
    ]);
  });

  it('reads the folder-trust question, whose menu has no numbers', () => {
    const d = detectClaudeDialog(fixture('claude', 'trust'));
    expect(d).toMatchObject({ kind: 'trust' });
    expect(d!.title).toMatch(/^Trust the folder \/tmp\/da-untrusted-\w+\?$/);
    expect(d!.detail).toContain('Quick safety check');
    expect(choicesOf(d)).toEqual([
      ['Trust this folder', 'Down Enter'],
      ['Deny', 'Escape'],
    ]);
  });

  it("reads auto mode's own stop (its text as reported for 2.1.332; 2.1.330 lets the offline classifier through)", () => {
    const screen = [
      '● Bash(npm test)',
      '',
      "  Auto mode can't check actions in this session: the safety classifier is unreachable.",
      '  Enter to stay in auto mode · shift+Tab to leave auto mode',
    ].join('\n');
    const d = detectClaudeDialog(screen);
    expect(d).toMatchObject({ kind: 'mode' });
    expect(d!.title).toMatch(/^Auto mode can't check actions/);
    expect(choicesOf(d)).toEqual([
      ['Stay in auto mode', 'Enter'],
      ['Leave auto mode', 'BTab'],
    ]);
  });

  it('reads a plan approval with the plan, the modes it may go on in, and Escape to keep planning', () => {
    const d = detectClaudeDialog(fixture('claude', 'plan'));
    expect(d).toMatchObject({ kind: 'plan', title: 'Approve the plan: Create hello.txt with a greeting' });
    expect(d!.detail).toBe('Plan\n\n1. Create hello.txt with a greeting\n2. Run ls to check it\n3. Report back');
    // "Tell Claude what to change" needs typed feedback: left out.
    expect(choicesOf(d)).toEqual([
      ['Approve, auto mode', '1'],
      ['Approve, ask each time', '2'],
      ['Keep planning', 'Escape'],
    ]);
  });

  it('reads the short "Exit plan mode?" of a model that wrote no plan', () => {
    const d = detectClaudeDialog(fixture('claude', 'plan-exit'));
    expect(d).toMatchObject({ kind: 'plan', title: 'Approve the plan and leave plan mode?', detail: null });
    expect(choicesOf(d)).toEqual([
      ['Approve, ask each time', '1'],
      ['Keep planning', '2'],
    ]);
  });

  it('sees no dialog once the prompt is answered, nor in a numbered list the model wrote', () => {
    const answered = fixture('claude', 'command').split('Do you want to proceed?')[0]!;
    expect(detectClaudeDialog(answered)).toBeNull();
    expect(detectClaudeDialog('● Steps:\n  1. build\n  2. test\n\n❯ \n  ? for shortcuts')).toBeNull();
  });
});

describe('codex dialogs', () => {
  it("reads a command approval with codex's own shortcut keys", () => {
    const d = detectCodexDialog(fixture('codex', 'command'));
    expect(d).toMatchObject({ kind: 'command', title: 'Run: touch allowed.txt' });
    expect(d!.detail).toContain('Reason: Create allowed.txt in the project');
    expect(choicesOf(d)).toEqual([
      ['Allow once', 'y'],
      ['Always allow', 'p'],
      ['Deny', 'Escape'],
    ]);
  });
  it("reads another MCP server's tool prompt: the call's arguments, choices without their meaning column, digits", () => {
    const d = detectCodexDialog(fixture('codex', 'mcp-tool'));
    expect(d).toMatchObject({
      kind: 'tool',
      title: 'Use add_note of the notes MCP server',
      detail: 'text: remember the milk',
    });
    expect(choicesOf(d)).toEqual([
      ['Allow once', '1'],
      ['Allow for this session', '2'],
      ['Always allow', '3'],
      ['Deny', '4'],
    ]);
  });
});

describe('gemini dialogs', () => {
  it('reads a shell confirmation', () => {
    const d = detectGeminiDialog(fixture('gemini', 'command'));
    expect(d).toMatchObject({ kind: 'command', title: 'Run: touch allowed.txt' });
    expect(choicesOf(d)).toEqual([
      ['Allow once', '1'],
      ['Allow for this session', '2'],
      ['Deny', '3'],
    ]);
  });

  it('reads a web fetch with its URLs', () => {
    const d = detectGeminiDialog(fixture('gemini', 'fetch'));
    expect(d).toMatchObject({ kind: 'fetch', title: 'Fetch https://example.com/docs' });
    expect(d!.detail).toContain('URLs to fetch:');
    expect(choicesOf(d)?.map((c) => c[0])).toEqual(['Allow once', 'Allow for this session', 'Deny']);
  });

  it('sees no dialog in a numbered question the model wrote above the input box', () => {
    const screen =
      '✦ Which one do you want?\n  1. Postgres\n  2. SQLite\n╭────╮\n│ >   Type your message or @path/to/file │\n╰────╯';
    expect(detectGeminiDialog(screen)).toBeNull();
    expect(detectGeminiDialog(fixture('gemini', 'command').replace('? Shell', 'Shell'))).toBeNull();
  });

  it('reads a plan approval with the plan, its two ways on, and Escape to keep planning', () => {
    const d = detectGeminiDialog(fixture('gemini', 'plan'));
    expect(d).toMatchObject({ kind: 'plan', title: 'Approve the plan: Add login rate limiting' });
    expect(d!.detail).toContain('2. Block after 5 in a minute');
    expect(choicesOf(d)).toEqual([
      ['Approve, accept edits', '1'],
      ['Approve, ask each time', '2'],
      ['Keep planning', 'Escape'],
    ]);
  });

  it('reads a file write with its diff, leaving out the external editor', () => {
    const d = detectGeminiDialog(fixture('gemini', 'edit'));
    expect(d).toMatchObject({ kind: 'edit', title: 'Edit notes.md' });
    expect(d!.detail).toContain('first line');
    expect(choicesOf(d)).toEqual([
      ['Allow once', '1'],
      ['Allow for this session', '2'],
      ['Deny', '4'],
    ]);
  });
});

describe('opencode dialogs', () => {
  it('reads a shell permission and its button row', () => {
    const d = detectOpencodeDialog(fixture('opencode', 'command'));
    expect(d).toMatchObject({ kind: 'command', title: 'Run: touch allowed.txt' });
    expect(choicesOf(d)).toEqual([
      ['Allow once', 'Enter'],
      ['Always allow', 'Right Enter'],
      ['Deny', 'Escape'],
    ]);
  });

  it('reads a web fetch permission', () => {
    const d = detectOpencodeDialog(fixture('opencode', 'fetch'));
    expect(d).toMatchObject({ kind: 'fetch', title: 'Fetch https://example.com/docs' });
  });

  it('reads an edit permission with its diff', () => {
    const d = detectOpencodeDialog(fixture('opencode', 'edit'));
    expect(d).toMatchObject({ kind: 'edit', title: 'Edit notes.md' });
    expect(d!.detail).toContain('+ first line');
  });
});

describe('no dialog', () => {
  it.each([
    ['claude', detectClaudeDialog],
    ['codex', detectCodexDialog],
    ['gemini', detectGeminiDialog],
    ['opencode', detectOpencodeDialog],
  ] as const)('%s: on a working or idle screen', (cli, detect) => {
    expect(detect(fixture(cli, 'idle'))).toBeNull();
  });
});

describe('fingerprints and menus', () => {
  it('gives the same prompt the same fingerprint and another prompt another', () => {
    const a = detectClaudeDialog(fixture('claude', 'command'))!;
    expect(detectClaudeDialog(`${fixture('claude', 'command')}\n`)!.fingerprint).toBe(a.fingerprint);
    const other = detectClaudeDialog(fixture('claude', 'command').replaceAll('touch allowed.txt', 'rm -rf build'))!;
    expect(other.title).toBe('Run: rm -rf build');
    expect(other.fingerprint).not.toBe(a.fingerprint);
  });

  it('caps the detail at 1 500 characters', () => {
    const long = fixture('claude', 'command').replace(' touch allowed.txt\n╌', ` ${'x'.repeat(3000)}\n╌`);
    expect(detectClaudeDialog(long)!.detail!.length).toBeLessThanOrEqual(1500);
  });

  it('finds a menu only when it is numbered from 1 and near the bottom', () => {
    expect(lastNumberedMenu(screenLines('Q?\n 2. b\n 3. c'))).toBeNull();
    expect(lastNumberedMenu(screenLines(`Q?\n 1. a\n 2. b\n${'text\n'.repeat(12)}`))).toBeNull();
    expect(lastNumberedMenu(screenLines('Q?\n❯ 1. a\n   more\n  2. b\n footer'))?.options.map((o) => o.text)).toEqual([
      'a',
      'b',
    ]);
  });

  it('names the usual choices plainly', () => {
    expect(
      ['Yes', 'No', 'Reject', "Yes, and don't ask again for npm test commands", 'Allow for this session'].map(shortFor),
    ).toEqual(['Allow once', 'Deny', 'Deny', 'Always allow', 'Allow for this session']);
  });
});
