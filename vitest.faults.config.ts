// `npm run test:faults`: the fault suite (test/faults), kept out of `npm test` for its length:
// the built CLI killed at random points, flaky networks, malformed Graph answers. Seeded; each
// file prints its seed (replay: CASEFLOW_FAULT_SEED=N npm run test:faults). It also runs the
// engine's property test at ten times the histories `npm test` gives it.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts', 'test/unit/sync/engine.property.test.ts'],
    // vitest's env overrides the shell's: a number given on the command line still wins.
    env: { CASEFLOW_PROPERTY_RUNS_ENGINE: process.env.CASEFLOW_PROPERTY_RUNS_ENGINE ?? '3000' },
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 3,
    testTimeout: 240_000,
    hookTimeout: 60_000,
  },
});
