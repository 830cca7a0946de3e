/**
 * The fault suite (`npm run test:faults`): each test runs a scenario process that owns its own
 * embedded PostgreSQL and runs the hub as a child process, then stops, kills or restarts them.
 * Slow (tens of seconds each), so `npm test` leaves it out and `.ci/run` runs it after `npm test`.
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests/faults'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', {}] },
  setupFiles: ['reflect-metadata'],
  testTimeout: 180000,
  // One scenario at a time: each starts PostgreSQL and a hub, on a machine with 2 shared cores.
  maxWorkers: 1,
};
