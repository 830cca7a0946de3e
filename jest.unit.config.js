/**
 * The fast tests beside the code (src/**), without the embedded PostgreSQL of jest.config.js: what
 * the mutation run (stryker.config.mjs, issue 18) runs for every mutant. A test here that needs the
 * database belongs in tests/ instead; one that tried would fail for want of MASH_TEST_SERVER_URL.
 */
const base = require('./jest.config');

module.exports = {
  testEnvironment: base.testEnvironment,
  roots: ['<rootDir>/src'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  transform: base.transform,
  setupFiles: base.setupFiles,
  testTimeout: 10000,
};
