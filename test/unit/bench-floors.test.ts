// The floors `npm run bench` sets its figures beside (scripts/bench/floors.mjs): Graph's limits
// turned into the least time each piece of work could take on the simulated network.
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module of the bench, without types
import { budgetFloorMs, daemonFloor, naiveFloor, pullFloor, pushFloor, pushRequests, quietFloor } from '../../scripts/bench/floors.mjs';

const NET = { requestMs: 50, itemMs: 20 };

describe('bench floors', () => {
  it('a push of 1,000 is bound by its items: 4 in flight at 20 ms each', () => {
    const f = pushFloor(1000, NET);
    expect(f).toMatchObject({ ms: 5000, bound: 'items', requests: 1051, budgetMs: 0 });
    expect(f.roundTripsMs).toBe(625);
  });

  it('a push of 10,000 needs 10,501 requests: past the budget, it waits for the 10-minute window', () => {
    expect(pushRequests(10_000)).toBe(10_501);
    const f = pushFloor(10_000, NET);
    expect(f.bound).toBe('budget');
    // The window, then the leftover creates (all but the envelopes and the delta read) 4 at a time.
    expect(f.ms).toBe(600_000 + ((501 - 24 - 1) * 20) / 4);
    expect(pushFloor(10_000, { ...NET, windowSeconds: 60 }).ms).toBe(60_000 + 2380);
  });

  it('the budget costs nothing while the requests fit in it', () => {
    expect(budgetFloorMs(10_000, 123)).toBe(0);
    expect(budgetFloorMs(20_001, 5, { budget: 10_000, windowSeconds: 600 })).toBe(2 * 600_000 + 5);
  });

  it('pulls, quiet runs, daemon cycles and the naive script', () => {
    expect(pullFloor(10_000, NET)).toEqual({ ms: 2000, requests: 40 });
    expect(quietFloor(NET)).toEqual({ ms: 50, requests: 1 });
    expect(daemonFloor(1000, 16, NET)).toEqual({ ms: 3150, requests: 1000 });
    expect(naiveFloor(1000, NET).ms).toBe(12_500);
    expect(naiveFloor(10_000, NET).ms).toBe(125_000);
  });
});
