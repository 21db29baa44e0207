// A flaky network over many cycles: seeded random 429s, 503s, 504s and dropped connections on
// about a quarter of Graph requests (batch items included), writes stored whose answer is lost,
// and shuffled, duplicated delta pages. Edits keep coming on both sides; the firm must converge
// with the faults still on, with no duplicate, no lost edit and never more than 4 requests in
// flight per mailbox.

import { afterAll, describe, expect, it } from 'vitest';
import { faultSeed, firm, type Firm } from './_firm.js';

const STAFF = ['alice@firm.example', 'bob@firm.example', 'carol@firm.example'];
const CYCLES = Number(process.env.CASEFLOW_FAULT_CYCLES ?? 60);

let f: Firm | undefined;
afterAll(async () => f?.stop());

describe('a flaky network', () => {
  it(`${CYCLES} cycles with ~25% of requests failing converge, creating nothing twice`, async () => {
    const seed = faultSeed('network');
    f = await firm(STAFF, seed);
    const { w, rng } = f;
    const codes = new Map<number, number>();
    let converged = 0;
    for (let cycle = 0; cycle < CYCLES; cycle += 1) {
      await f.edit({ max: 4 });
      w.sim.control.setFaults({
        seed: seed + cycle,
        random429: 0.1,
        random503: 0.07,
        random504: 0.05,
        dropConnection: 0.04,
        storeThenFail: Math.floor(rng() * 3),
        storeThenFailMode: rng() < 0.5 ? 'drop' : '504',
        deltaShuffle: true,
        deltaDuplicate: 0.1,
        latencyMs: [0, 3],
        retryAfterSeconds: 0.01,
      });
      const r = await w.sb.json(['daemon', '--once']);
      codes.set(r.code, (codes.get(r.code) ?? 0) + 1);
      expect([0, 4], `cycle ${cycle} (seed ${seed}): exit ${r.code}: ${r.stderr}\n${r.stdout.slice(0, 2000)}`).toContain(r.code);
      if (cycle % 6 === 5 || cycle === CYCLES - 1) {
        // With the faults still on, a few more runs bring both sides in step.
        let runs = 0;
        for (let code = -1; code !== 0 && runs < 6; runs += 1) {
          code = (await w.sb.json(['daemon', '--once'])).code;
          expect([0, 4], `cycle ${cycle} (seed ${seed}): a run to converge exited ${code}`).toContain(code);
        }
        // One more: what the last run wrote comes back as an echo, and is recognised as ours.
        expect((await w.sb.json(['daemon', '--once'])).code).not.toBe(1);
        const faults = w.sim.control.faults();
        w.sim.control.clearFaults();
        const settled = await w.ok<{ errors: string[] }[]>(['daemon', '--once']);
        expect(settled.flatMap((s) => s.errors), `cycle ${cycle} (seed ${seed}): errors once the network is well`).toEqual([]);
        await f.learnIds();
        await f.check(`cycle ${cycle}`);
        w.sim.control.setFaults(faults);
        converged += 1;
      }
    }
    const m = w.sim.control.metrics();
    console.log(`network: exit codes ${JSON.stringify(Object.fromEntries(codes))}, ${m.throttled} throttled of ${m.total} requests, ${converged} checkpoints converged, ${f.items.size} items`);
    for (const email of STAFF) expect(m.perMailbox[email]!.peakInFlight, `${email}: requests in flight (seed ${seed})`).toBeLessThanOrEqual(4);
    expect(m.throttled).toBeGreaterThan(0);
    expect(f.items.size).toBeGreaterThan(30);
  });
});
