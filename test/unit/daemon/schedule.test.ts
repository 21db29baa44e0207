// The daemon's timing rules as pure functions: jitter, the next cycle, backoff, the quiet delay.

import { describe, expect, it } from 'vitest';
import { afterFailure, backoffDelay, due, jittered, nextCycleAt, observe, pushAt, watching, type Backoff } from '../../../src/daemon/schedule.js';

const I = 300_000; // the default interval, 300 s

describe('jitter and the next cycle', () => {
  it('moves the interval by at most 10% either way, covering the whole range', () => {
    expect(jittered(I, 0)).toBe(270_000);
    expect(jittered(I, 0.5)).toBe(300_000);
    expect(jittered(I, 0.999_999)).toBe(330_000);
    for (let r = 0; r < 1; r += 0.01) {
      const d = jittered(I, r);
      expect(d).toBeGreaterThanOrEqual(270_000);
      expect(d).toBeLessThanOrEqual(330_000);
    }
  });

  it('counts the interval from the start of the cycle, not its end', () => {
    expect(nextCycleAt({ startedAt: 1_000, endedAt: 61_000, intervalMs: I, random: 0.5 })).toBe(301_000);
  });

  it('a cycle that ran past its interval is followed a tenth of the interval after it ended, not at once', () => {
    expect(nextCycleAt({ startedAt: 0, endedAt: 400_000, intervalMs: I, random: 0.5 })).toBe(430_000);
  });
});

describe('backoff after transient failures in a row', () => {
  it('doubles from one interval and stops at twelve intervals', () => {
    expect([1, 2, 3, 4, 5, 6, 20].map((n) => backoffDelay(n, I) / I)).toEqual([1, 2, 4, 8, 12, 12, 12]);
  });

  it('counts failures from the previous backoff and keeps the last error', () => {
    const first = afterFailure(null, 0, I, 'delta: Graph answered 503');
    expect(first).toEqual({ failures: 1, until: I, lastError: 'delta: Graph answered 503' });
    const second = afterFailure(first, I, I, 'delta: Graph answered 504');
    expect(second).toEqual({ failures: 2, until: I + 2 * I, lastError: 'delta: Graph answered 504' });
  });

  it('one failure alone delays nothing: the next cycle, even early by its jitter, runs them', () => {
    const b = afterFailure(null, 0, I, null);
    expect(due(b, jittered(I, 0), I)).toBe(true);
  });

  it('after two failures the next cycle is sat out and the one after runs, whatever the jitter', () => {
    const b: Backoff = afterFailure(afterFailure(null, 0, I, null), 0, I, null);
    expect(due(b, jittered(I, 0.999), I)).toBe(false);
    expect(due(b, jittered(I, 0) + jittered(I, 0), I)).toBe(true);
  });

  it('someone not backing off is always due', () => {
    expect(due(null, 0, I)).toBe(true);
  });
});

describe('the quiet delay before a push', () => {
  it('nothing waits while the data version does not move', () => {
    const w = observe(watching(7), 7, 5_000);
    expect(pushAt(w, 2_000)).toBeNull();
  });

  it('a change is pushed once the store has been quiet for the delay after the last change', () => {
    let w = observe(watching(7), 8, 1_000);
    expect(pushAt(w, 2_000)).toBe(3_000);
    w = observe(w, 9, 2_500);
    expect(pushAt(w, 2_000)).toBe(4_500);
  });

  it('a burst that never settles is pushed at the latest five delays after its first change', () => {
    let w = watching(0);
    for (let t = 1_000, v = 1; t <= 30_000; t += 1_000, v += 1) w = observe(w, v, t);
    expect(pushAt(w, 2_000)).toBe(1_000 + 5 * 2_000);
  });

  it('a quiet delay of 0 pushes as soon as the change is seen', () => {
    expect(pushAt(observe(watching(1), 2, 4_000), 0)).toBe(4_000);
  });
});
