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
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'src/core never reads the process: pass values in.' },
      ],
    },
  },
);
