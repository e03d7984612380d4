// Lint rules: typescript-eslint's recommended set, plus the one architectural rule
// that matters most: src/core is pure (no I/O, no SDKs) — see docs/architecture.md §8.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const IO_MODULES = [
  'node:child_process',
  'node:fs',
  'node:fs/promises',
  'node:net',
  'node:http',
  'node:https',
  'node:os',
  'node:process',
  'child_process',
  'fs',
  'net',
  'http',
  'os',
  'execa',
  'lowdb',
  'lowdb/node',
  'pino',
  'smol-toml',
  'marked',
  'marked-terminal',
  '@slack/bolt',
  'discord.js',
  '@modelcontextprotocol/sdk',
];

const PLATFORM_SDKS = ['@slack/bolt', '@slack/web-api', '@slack/socket-mode', 'discord.js'];
const OWN_SDK = {
  console: [],
  slack: ['@slack/bolt', '@slack/web-api', '@slack/socket-mode'],
  discord: ['discord.js'],
};
/** omar's adapter and entry-point folders, seen from src/bridges/<x>/. */
const ADAPTER_DIRS = ['**/runtime/**', '**/daemon/**', '**/cli/**', '**/mcp/**', '**/sim/**', '**/config/**'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'test/bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: IO_MODULES.map((name) => ({
            name,
            message: 'src/core is pure: put I/O in an adapter under src/runtime and pass it in through a port.',
          })),
          patterns: [
            {
              group: ['**/bridges/**', '**/runtime/**', '**/daemon/**', '**/cli/**', '**/mcp/**', '**/sim/**'],
              message: 'src/core depends on nothing of omar but itself: the chat core and the adapters depend on it.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'src/core never reads the process: pass values in.' },
      ],
    },
  },
  {
    // The chat core runs inside the daemon but knows no platform and no adapter: it works through src/core's ports.
    files: ['src/bridges/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: PLATFORM_SDKS.map((name) => ({ name, message: 'The chat core never imports a platform SDK.' })),
          patterns: [
            {
              group: [...ADAPTER_DIRS, '../console/**', '../slack/**', '../discord/**'],
              message: 'The chat core uses src/core only (ports, operations, chat documents).',
            },
          ],
        },
      ],
    },
  },
  // A bridge (console, slack, discord) maps one platform onto the chat core: it imports the chat core
  // (src/bridges/core and the pure src/core/chat, text, surface, errors) and its own SDK, nothing else of omar.
  ...['console', 'slack', 'discord'].map((platform) => ({
    files: [`src/bridges/${platform}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: PLATFORM_SDKS.filter((sdk) => !OWN_SDK[platform].includes(sdk)).map((name) => ({
            name,
            message: `The ${platform} bridge uses only its own platform's SDK.`,
          })),
          patterns: [
            {
              group: [
                // The terminal is the console's platform: it shares the CLI's terminal renderers (cli/render).
                ...(platform === 'console'
                  ? [...ADAPTER_DIRS.filter((dir) => dir !== '**/cli/**'), '**/cli/*.js', '**/cli/commands/**']
                  : ADAPTER_DIRS),
                '**/core/operations/**',
                '**/core/model/**',
                '**/core/lifecycle/**',
                ...['console', 'slack', 'discord'].filter((p) => p !== platform).map((p) => `../${p}/**`),
              ],
              message:
                'A bridge imports only the chat core and its own SDK; it never touches the store or the runtime.',
            },
          ],
        },
      ],
    },
  })),
);
