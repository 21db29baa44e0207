// The write lanes on a virtual clock, against a mailbox that runs each fully sequential batch on
// one of four slots: a round trip, then its items one after another. Slots that take longer over
// each batch (on Graph: answers read in turn by the client, a busy front end) make the lanes drift
// apart over a long push; the last round is split so that the lanes still end together.

import { describe, expect, it } from 'vitest';
import type { GraphClock } from '../../../src/graph/retry.js';
import { writeInLanes, type LaneAnswer } from '../../../src/graph/write-lanes.js';

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

interface Batch {
  slot: number;
  size: number;
  startedAt: number;
  endedAt: number;
}

/**
 * A mailbox of `slotExtraMs.length` slots on a clock of its own: a batch of n items ends after
 * `roundTripMs + n * itemMs` plus its slot's extra, on the lowest free slot. Never more batches at
 * once than slots (the lanes' own limit), or the test fails.
 */
function virtualMailbox(o: { roundTripMs: number; itemMs: number; slotExtraMs: number[] }) {
  let now = 0;
  const events: { at: number; fire: () => void }[] = [];
  const busy = o.slotExtraMs.map(() => false);
  const batches: Batch[] = [];
  const clock: GraphClock = {
    now: () => now,
    sleep: (ms) => new Promise<void>((resolve) => events.push({ at: now + ms, fire: resolve })),
  };
  const send = (chunk: { id: string }[]): Promise<LaneAnswer[]> => {
    const slot = busy.indexOf(false);
    if (slot < 0) throw new Error('more batches in flight than the mailbox has slots');
    busy[slot] = true;
    const batch: Batch = { slot, size: chunk.length, startedAt: now, endedAt: now + o.roundTripMs + chunk.length * o.itemMs + o.slotExtraMs[slot]! };
    batches.push(batch);
    return new Promise((resolve) =>
      events.push({
        at: batch.endedAt,
        fire: () => {
          busy[slot] = false;
          resolve(chunk.map((r) => ({ id: r.id, status: 201, headers: {}, body: {} })));
        },
      }),
    );
  };
  /** Runs the write to its end, moving the clock from one event to the next. */
  const run = async <T,>(write: Promise<T>): Promise<T> => {
    let done = false;
    const result = write.finally(() => (done = true));
    for (;;) {
      await flush();
      await flush();
      if (done) return result;
      events.sort((a, b) => a.at - b.at);
      const next = events.shift();
      if (!next) throw new Error('the write waits on nothing');
      now = Math.max(now, next.at);
      next.fire();
    }
  };
  return { clock, send, run, batches, now: () => now };
}

const requests = (n: number) => Array.from({ length: n }, (_, i) => ({ id: String(i + 1) }));
const retry = { maxAttempts: 3, baseMs: 10, maxDelayMs: 100, maxRetryAfterMs: 1000 };

describe('the last round of a push', () => {
  it('lanes drifted apart still end together: a lane ahead takes more of what is left', async () => {
    // 3 ms a batch more on each slot than the one before: after 12 rounds the fourth slot is
    // about 110 ms behind the first, as answers read in turn drift apart on a real push.
    const m = virtualMailbox({ roundTripMs: 50, itemMs: 20, slotExtraMs: [0, 3, 6, 9] });
    const answers = await m.run(writeInLanes(requests(1000), { lanes: 4, maxBatch: 20, retry, clock: m.clock, send: m.send }));
    expect(answers.size).toBe(1000);
    expect(m.batches.reduce((n, b) => n + b.size, 0)).toBe(1000);
    const lastOfSlot = [0, 1, 2, 3].map((slot) => m.batches.filter((b) => b.slot === slot).at(-1)!);
    const starts = lastOfSlot.map((b) => b.startedAt);
    const ends = lastOfSlot.map((b) => b.endedAt);
    // The lanes came to the last round about 100 ms apart...
    expect(Math.max(...starts) - Math.min(...starts)).toBeGreaterThanOrEqual(100);
    // ...and ended it within two items' time of each other (an item is 20 ms), because the slots
    // ahead took more of what was left.
    expect(Math.max(...ends) - Math.min(...ends)).toBeLessThanOrEqual(40);
    expect(lastOfSlot.map((b) => b.size)).toEqual([...lastOfSlot.map((b) => b.size)].sort((a, b) => b - a));
    expect(lastOfSlot[0]!.size).toBeGreaterThan(lastOfSlot[3]!.size);
    // No tail of small batches: every batch but the four last has 20 items.
    expect(m.batches.slice(0, -4).every((b) => b.size === 20)).toBe(true);
  });

  it('lanes that keep pace share what is left evenly: 125 go out as four of 20, then 11, 11, 12 and 11', async () => {
    const m = virtualMailbox({ roundTripMs: 50, itemMs: 20, slotExtraMs: [0, 0, 0, 0] });
    await m.run(writeInLanes(requests(125), { lanes: 4, maxBatch: 20, retry, clock: m.clock, send: m.send }));
    expect(m.batches.map((b) => b.size)).toEqual([20, 20, 20, 20, 11, 11, 12, 11]);
    expect(m.now()).toBe(50 + 20 * 20 + 50 + 12 * 20);
  });
});
