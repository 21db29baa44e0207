import { configDefaults, defineConfig } from 'vitest/config';
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The fault suite runs on its own: npm run test:faults (vitest.faults.config.ts).
    exclude: [...configDefaults.exclude, 'test/faults/**'],
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    // Most tests wait on a server or a child process rather than the CPU: on a 2-core machine the
    // default (one worker) leaves it idle. Four workers keep both cores busy: the suite takes
    // ~35 s, against ~41 s with three and ~70 s with one.
    maxWorkers: 4,
    // A worker keeps the modules it loaded from one test file to the next, instead of loading
    // (and transforming) the whole tree again for each of the ~90 files: about 65 s of the
    // suite's import time. Sound here because no test mocks a module or changes process.env, the
    // one spy on a global (process.exit, in second-signal.test.ts) is restored after each of its
    // tests, and each test keeps its state in its own temp dir and simulator.
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
