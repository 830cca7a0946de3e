// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Lint rules that encode the architecture (style.md principle 14). */
export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'jest.config.js', 'eslint.config.mjs', 'coverage/**', '.mash-data/**', 'bench/results/**', '*.js', '*.mjs', 'desk/build/**', 'jest.e2e.config.js', '.stryker-tmp/**', 'reports/**'] },
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
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name='createQueryBuilder']",
          message: 'Raw query builders belong in *.repository.ts files.',
        },
      ],
    },
  },
  {
    files: ['src/config/**', 'tests/**', 'bench/**', 'e2e/**'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    files: ['**/*.repository.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
