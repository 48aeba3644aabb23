// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Modules that do I/O, keep time or are random: none of them may be imported by the pure core. */
const ioModules = [
  'fs', 'node:fs', 'fs/promises', 'node:fs/promises', 'child_process', 'node:child_process',
  'net', 'node:net', 'http', 'node:http', 'https', 'node:https', 'os', 'node:os', 'dgram', 'node:dgram',
  'timers', 'node:timers', 'timers/promises', 'node:timers/promises', 'process', 'node:process',
  'readline', 'node:readline', 'worker_threads', 'node:worker_threads',
  'dockerode', 'docker-modem', 'chokidar', 'pino', 'prom-client',
];

export default tseslint.config(
  // The precompiled schema check is ajv's generated JavaScript (scripts/validator-codegen.ts).
  { ignores: ['dist/**', '.bundle-test-*/**', 'node_modules/**', 'coverage/**', '.scratch/**', 'src/core/manifest/*-validator.generated.ts'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true, argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ioModules.map((name) => ({ name, message: 'src/core is pure: do I/O in an adapter and pass data in.' })),
          patterns: [
            {
              group: ['**/adapters/**', '**/cli/**', '**/sandbox/**', '**/controller/**', '**/observability/**'],
              message: 'src/core depends on nothing outside it: dependencies point inward.',
            },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[object.name='Date'][property.name='now']", message: 'src/core has no clock: take the time as an argument.' },
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'src/core has no clock: take the time as an argument.' },
        { selector: "MemberExpression[object.name='Math'][property.name='random']", message: 'src/core is deterministic: no randomness.' },
        { selector: "MemberExpression[object.name='process']", message: 'src/core reads no environment: pass configuration in.' },
      ],
    },
  },
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);
