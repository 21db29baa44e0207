// The built CLI killed (SIGKILL) at random points of its pushes and pulls, then run again to the
// end: no duplicate in Outlook, no lost edit on either side. Real processes; the kill point is a
// random delay after spawn, and for a third of the kills the simulator first holds a request in
// flight so that its write lands after the process is gone (an answer nobody reads).

import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { faultSeed, firm, type Firm } from './_firm.js';

const STAFF = ['alice@firm.example', 'bob@firm.example'];
const KILLS = Number(process.env.CASEFLOW_FAULT_KILLS ?? 80);

let f: Firm | undefined;
afterAll(async () => f?.stop());

describe('killed runs', () => {
  it(`${KILLS} SIGKILLs during daemon --once, the looping daemon and sync, each followed by a run to the end`, async () => {
    const seed = faultSeed('kill');
    f = await firm(STAFF, seed);
    const { w, rng } = f;
    // A little latency spreads a run over enough time for kills to land inside it.
    w.sim.control.setFaults({ latencyMs: [2, 10], seed, retryAfterSeconds: 0.01 });
    let landed = 0;
    let withWrites = 0;
    let whileHeld = 0;
    let lastRunMs = 900;
    const where: string[] = [];
    for (let round = 0; landed < KILLS && round < KILLS * 3; round += 1) {
      const log = await f.edit({ max: 4 });
      // Mostly scheduled runs; some pulls alone; now and then the looping daemon (its cycles a
      // hundred times faster), which only a kill ends.
      const which = rng();
      const looping = which >= 0.9;
      const args = which < 0.65 ? ['daemon', '--once'] : looping ? ['daemon', '--interval', '30'] : ['sync', '--staff', STAFF[Math.floor(rng() * STAFF.length)]!];
      // About half the kills come on the k-th Graph request the simulator sees (mid-pull, mid-batch),
      // half after a random time (start-up, between requests, the store's commits at the end).
      const changes = log.filter((l) => l.startsWith('caseflow')).length;
      const onRequest = rng() < 0.55 ? 1 + Math.floor(rng() ** 0.6 * (STAFF.length + 2 + changes * 1.5)) : null;
      const delay = Math.floor(rng() * lastRunMs * 1.1);
      const hold = rng() < 0.33;
      const before = w.sim.control.metrics();
      let child: ChildProcess | undefined;
      const started = Date.now();
      const run = w.sb.run(args, { onSpawn: (c) => (child = c), ...(looping ? { env: { CASEFLOW_DAEMON_TIME_SCALE: '0.01' } } : {}) });
      let exited = false;
      void run.then(() => (exited = true));
      let sampler: NodeJS.Timeout | undefined;
      const point =
        onRequest === null
          ? new Promise<void>((resolve) => setTimeout(resolve, delay))
          : new Promise<void>((resolve) => {
              // The request log has no event: sample the simulator's request count each millisecond.
              sampler = setInterval(() => {
                if (w.sim.control.metrics().total - before.total >= onRequest) resolve();
              }, 1);
            });
      await Promise.race([point, run]);
      clearInterval(sampler);
      if (!exited) {
        if (hold) {
          // Hold what arrives next at the server, kill while it is held, then let it finish.
          w.sim.control.pause();
          await Promise.race([run, Promise.any(STAFF.map((s) => w.sim.control.waitForInFlight(s, 1, 3000))).catch(() => undefined)]);
        }
        child!.kill('SIGKILL');
      }
      const r = await run;
      w.sim.control.resume();
      const after = w.sim.control.metrics();
      const writes = ['event.create', 'event.update', 'event.delete'].reduce((n, k) => n + (after.byKind[k] ?? 0) - (before.byKind[k] ?? 0), 0);
      const requests = after.total - before.total;
      const killed = r.code === 128;
      if (killed) {
        landed += 1;
        if (writes > 0) withWrites += 1;
        if (hold) whileHeld += 1;
        where.push(`${looping ? 'loop' : args[0]}@${onRequest === null ? `${delay}ms` : `req${onRequest}`}:${requests}req/${writes}w${hold ? '/held' : ''}`);
      } else {
        lastRunMs = Math.max(300, Date.now() - started);
        expect([0, 4], `round ${round} (seed ${seed}): ${args.join(' ')} ran to its end: ${r.stderr}`).toContain(r.code);
      }
      // Run to the end: a scheduled run takes over the dead process's locks, pushes and pulls.
      const codes: number[] = [];
      for (let i = 0; i < 3; i += 1) {
        const again = await w.sb.json(['daemon', '--once']);
        codes.push(again.code);
        expect(again.code, `round ${round} (seed ${seed}) after ${where.at(-1) ?? 'a finished run'}: run again: ${again.stderr}\n${again.stdout.slice(0, 2000)}`).not.toBe(1);
        if (again.code === 0 && i > 0) break;
      }
      expect(codes.at(-1), `round ${round} (seed ${seed}): the run after the kill ends well (${codes.join(', ')})`).toBe(0);
      await f.learnIds();
      await f.check(`round ${round} after ${killed ? `a kill at ${where.at(-1)}` : 'a run that finished'} [${log.join('; ')}]`);
    }
    console.log(`kill: ${landed} kills landed (${withWrites} after writes had started, ${whileHeld} with a request held): ${where.join(' ')}`);
    expect(landed).toBeGreaterThanOrEqual(KILLS);
    // The kills must land inside pushes, not only before the first request.
    expect(withWrites).toBeGreaterThanOrEqual(Math.floor(KILLS / 5));
    expect(f.items.size).toBeGreaterThan(20);
  });
});
