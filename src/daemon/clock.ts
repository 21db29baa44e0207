// The real clock for the daemon's loop. Its schedule runs on wall time whatever CASEFLOW_NOW says
// (that variable fixes the sync engine's idea of today, for tests and demos).

import type { Clock } from './loop.js';

export const realClock: Clock = {
  now: () => Date.now(),
  wait: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
    }),
};
