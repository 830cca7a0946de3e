// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * One door to the data (ADR 011): SQL and the data source only in the places that own them. A
 * service asks its viewer-bound repositories (`ctx.data.…`); nothing else runs a query.
 */
const ONE_DOOR = [
  {
    selector: "CallExpression[callee.property.name='query']",
    message: 'SQL belongs in a *.repository.ts file (ask ctx.data.…), in src/db/ or in the audit store (ADR 011).',
  },
  {
    selector: 'CallExpression[callee.property.name=/^(createQueryBuilder|getRepository)$/]',
    message: 'Query builders and TypeORM repositories belong in *.repository.ts files or src/db/ (ADR 011).',
  },
  {
    selector: "MemberExpression[property.name='manager']",
    message: "The data source's manager is not a way round the repositories (ADR 011).",
  },
  {
    selector: "MemberExpression[property.name='dataSource']",
    message:
      'Only src/db/, the context factory and the listed system paths hold the data source; use ctx.data (ADR 011).',
  },
];

/** Where SQL and the data source are allowed (ADR 011). Keep the system list short; each line says why. */
const DATA_OWNERS = [
  'src/db/**',
  '**/*.repository.ts',
  'src/audit/audit-store.ts',
  'src/audit/audit-writer.ts',
  // The door itself: the context factory hands the data source to the request's data set.
  'src/context/context-factory.ts',
  'src/context/data-set.ts',
];
const SYSTEM_PATHS = [
  // Composition root: builds the hub and hands the data source to its parts (limiter, readiness, metrics);
  // only server.ts and main.ts, not the rest of src/app/ (schema, plugins, subscriptions ask ctx.data).
  'src/app/server.ts',
  'src/main.ts',
  // Operator commands and the fictional demo seeder: run as the system, not as a viewer.
  'src/cli/**',
  'src/demo/**',
  // The LISTEN/NOTIFY channel every hub process shares.
  'src/events/**',
  // Information governance reads the whole audit store (access log, export, archive, verification, anchor):
  // it is the feature layer above the audit core, one folder.
  'src/governance/**',
  // Partnership-wide counts and gauges: never a person's row, never one viewer's scope.
  'src/metrics/**',
  // System watches over the whole partnership (read volume, serving roles).
  'src/break-glass/read-volume-watch.ts',
  'src/break-glass/serving-role-watch.ts',
  'src/break-glass/breach-watch.ts',
];

/** Lint rules that encode the architecture (docs/architecture.md). */
export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      'jest.config.js',
      'eslint.config.mjs',
      'coverage/**',
      '.mash-data/**',
      'bench/results/**',
      '*.js',
      '*.mjs',
      'desk/build/**',
      'jest.e2e.config.js',
      '.stryker-tmp/**',
      'reports/**',
      'bench/peer/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // An un-awaited audit write is a silent hole in the audit trail.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration through src/config only.' },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: { 'no-restricted-syntax': ['error', ...ONE_DOOR] },
  },
  {
    files: ['src/config/**', 'tests/**', 'bench/**', 'e2e/**'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    files: [...DATA_OWNERS, ...SYSTEM_PATHS],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
