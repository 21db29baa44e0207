// The request budget on an injected clock: room in a sliding window, first come first served,
// requests in flight never leaving the window before their answer, what others spent, estimates.
import { describe, expect, it } from 'vitest';
import { RequestBudget, writeRequests, type Spend } from '../../../src/graph/budget.js';
import type { GraphClock } from '../../../src/graph/retry.js';

/** A clock that moves only when told; sleepers wake as it passes their time. */
function fakeClock(start = 1_000_000): GraphClock & { advance(ms: number): Promise<void>; sleepers(): number } {
  let now = start;
  let timers: { at: number; wake: () => void }[] = [];
  return {
    now: () => now,
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        const timer = { at: now + ms, wake: resolve };
        timers.push(timer);
        signal?.addEventListener('abort', () => {
          timers = timers.filter((t) => t !== timer);
          reject(signal.reason);
        }, { once: true });
      }),
    async advance(ms) {
      const until = now + ms;
      for (;;) {
        const due = timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        now = Math.max(now, due.at);
        timers = timers.filter((t) => t !== due);
        due.wake();
        await flush();
      }
      now = until;
      await flush();
    },
    sleepers: () => timers.length,
  };
}

const flush = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

/** Resolves the promise's state without waiting for it. */
async function state(p: Promise<unknown>): Promise<'pending' | 'done' | 'failed'> {
  let s: 'pending' | 'done' | 'failed' = 'pending';
  p.then(() => (s = 'done'), () => (s = 'failed'));
  await flush();
  return s;
}

describe('RequestBudget', () => {
  it('lets requests through while the window has room, counting those in flight', async () => {
    const clock = fakeClock();
    const budget = new RequestBudget(10, 1_000, clock);
    const a = await budget.take(4);
    const b = await budget.take(6);
    expect([a.waitedMs, b.waitedMs]).toEqual([0, 0]);
    expect(budget.spent()).toBe(10);
    a.settle();
    b.settle();
    expect(budget.spent()).toBe(10);
    await clock.advance(1_000);
    expect(budget.spent()).toBe(0);
  });

  it('a full window makes the next request wait until the oldest leaves it, and says so once', async () => {
    const clock = fakeClock();
    const budget = new RequestBudget(5, 1_000, clock);
    (await budget.take(5)).settle();
    await clock.advance(200);
    const waits: number[] = [];
    const next = budget.take(1, { onWait: (ms) => waits.push(ms) });
    expect(await state(next)).toBe('pending');
    expect(waits).toEqual([800]);
    await clock.advance(799);
    expect(await state(next)).toBe('pending');
    await clock.advance(2);
    expect(await state(next)).toBe('done');
    expect((await next).waitedMs).toBe(801);
    expect(waits).toHaveLength(1);
  });

  it('a request in flight stays in the window until its answer, then a whole window from the answer', async () => {
    const clock = fakeClock();
    const budget = new RequestBudget(3, 1_000, clock);
    const slow = await budget.take(3);
    await clock.advance(5_000);
    const next = budget.take(1);
    expect(await state(next)).toBe('pending');
    slow.settle();
    await clock.advance(999);
    expect(await state(next)).toBe('pending');
    await clock.advance(2);
    expect(await state(next)).toBe('done');
  });

  it('serves requests in order: a batch waiting for room is not overtaken by a single request', async () => {
    const clock = fakeClock();
    const budget = new RequestBudget(10, 1_000, clock);
    (await budget.take(8)).settle();
    const batch = budget.take(5);
    const single = budget.take(1);
    expect(await state(batch)).toBe('pending');
    expect(await state(single)).toBe('pending');
    await clock.advance(1_001);
    expect(await state(batch)).toBe('done');
    expect(await state(single)).toBe('done');
    expect(budget.spent()).toBe(6);
  });

  it('a cost above the whole budget waits for an empty window instead of forever', async () => {
    const clock = fakeClock();
    const budget = new RequestBudget(5, 1_000, clock);
    (await budget.take(1)).settle();
    const big = budget.take(50);
    expect(await state(big)).toBe('pending');
    await clock.advance(1_001);
    expect(await state(big)).toBe('done');
    expect(budget.spent()).toBe(5);
  });

  it('an aborted wait rejects with the reason and lets the next request go first', async () => {
    const clock = fakeClock();
    const budget = new RequestBudget(2, 1_000, clock);
    (await budget.take(2)).settle();
    const stop = new AbortController();
    const first = budget.take(2, { signal: stop.signal });
    const second = budget.take(1);
    stop.abort(new Error('interrupted'));
    await expect(first).rejects.toThrow('interrupted');
    await clock.advance(1_001);
    expect(await state(second)).toBe('done');
    expect(budget.spent()).toBe(1);
    expect(clock.sleepers()).toBe(0);
  });

  it('counts what others spent (the store) and saves its own by the second, rounded up, in flight included', async () => {
    const clock = fakeClock(10_000_250);
    const saved: Spend[][] = [];
    let others: Spend[] = [[10_000_000 - 400, 7]];
    const budget = new RequestBudget(10, 1_000, clock);
    budget.attach({ load: () => others, save: (own) => (saved.push(own), others) });
    expect(budget.spent()).toBe(7);
    const one = await budget.take(2);
    one.settle();
    expect(saved).toEqual([[[10_001_000, 2]]]);
    const flying = await budget.take(1);
    others = [];
    budget.flush();
    expect(saved.at(-1)).toEqual([[10_001_000, 3]]);
    expect(budget.spent()).toBe(3);
    flying.settle();
    // What others spent leaves the window like the rest: at 10,000,600 here.
    const next = new RequestBudget(10, 1_000, clock);
    next.attach({ load: () => [[10_000_000 - 400, 9]], save: () => [] });
    expect(next.spent()).toBe(9);
    await clock.advance(400);
    expect(next.spent()).toBe(0);
  });

  it('estimates how long a number of requests takes at the budget pace', async () => {
    const clock = fakeClock();
    const budget = new RequestBudget(100, 600_000, clock);
    expect(budget.estimateMs(100)).toBe(0);
    // 100 now, the 101st once they leave the window.
    expect(budget.estimateMs(101)).toBe(600_000);
    expect(budget.estimateMs(250)).toBe(1_200_000);
    (await budget.take(60)).settle();
    await clock.advance(300_000);
    // 40 fit now; the next 10 once the 60 leave, half a window from now.
    expect(budget.estimateMs(50)).toBe(300_000);
    expect(budget.estimateMs(40)).toBe(0);
    expect(budget.estimateMs(141)).toBe(900_000);
  });

  it('counts a push as its items plus one envelope per batch of 20', () => {
    expect([writeRequests(0), writeRequests(1), writeRequests(20), writeRequests(21), writeRequests(1_240)]).toEqual([0, 2, 21, 23, 1_302]);
  });
});
