// @ts-check
/**
 * Mutation testing of the security core (issue 18): would the fast tests beside the code notice a
 * change to the access policy or the audit event? `npm run test:mutation`; docs/security.md
 * "Mutation testing (issue 18)" lists what is mutated, what is left out and why, and the survivors.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'jest',
  jest: {
    configFile: 'jest.unit.config.js',
    // Only the tests beside the security core count: a mutant some other unit happens to notice is
    // not a test of the core.
    config: { testMatch: ['<rootDir>/src/access-policy/**/*.test.ts', '<rootDir>/src/audit/**/*.test.ts'] },
    // A static mutant (in a module-level table: the default policy, the entry-point rules, the
    // relationship sources) re-runs the test files that import its file, not all of them.
    enableFindRelatedTests: true,
  },
  checkers: [],
  mutate: [
    'src/access-policy/**/*.ts',
    '!src/access-policy/**/*.test.ts',
    // The vocabulary's name lists are `as const`: a name changed or dropped fails the typecheck at
    // every use. Its role sets are plain `Role[]` and decide who may do what: they live in
    // role-sets.ts (re-exported by the vocabulary), mutated whole by the glob above.
    '!src/access-policy/vocabulary.ts',
    'src/audit/audit-builder.ts',
    'src/audit/audit-event.ts',
  ],
  coverageAnalysis: 'perTest',
  concurrency: 2,
  // On a loaded machine a static mutant's run of every test takes seconds: a short timeout would
  // count it as killed (a time-out is "detected") when nothing failed.
  timeoutMS: 20000,
  incremental: true,
  incrementalFile: 'stryker.incremental.json',
  thresholds: { high: 95, low: 90, break: 85 },
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
