// The daemon's loop under a fake clock: waiting moves time on at once, a cycle takes the time
// the test gives it. The store's data version is a function of that time.

import { describe, expect, it } from 'vitest';
import { runLoop, type CycleEnd, type CycleRequest, type LoopPorts, type LoopSettings, type StaffOutcome } from '../../../src/daemon/loop.js';
import type { Backoff } from '../../../src/daemon/schedule.js';

const I = 300_000;

interface Script {
  settings?: LoopSettings;
  random?: () => number;
  /** The store's data version at a time (another connection's commits). */
  version?: (t: number) => number;
  /** What a cycle does (it may move the clock on); stops the loop when it returns 'stop'. */
  cycle?: (req: CycleRequest, clock: { t: number }) => StaffOutcome[] | null | 'stop';
  /** Stop after this many cycles that ran. */
  cycles?: number;
}

async function drive(s: Script) {
  const clock = { t: 0 };
  const controller = new AbortController();
  const requests: CycleRequest[] = [];
  const ends: CycleEnd[] = [];
  const backoffs: [number, Backoff | null][] = [];
  const settings = s.settings ?? { intervalMs: I, quietMs: 2_000, pollMs: 1_000 };
  let ran = 0;
  const ports: LoopPorts = {
    clock: {
      now: () => clock.t,
      wait: async (ms) => {
        clock.t += ms;
      },
    },
    random: s.random ?? (() => 0.5),
    signal: controller.signal,
    settings: () => settings,
    storeVersion: () => (s.version ?? (() => 0))(clock.t),
    cycle: async (req) => {
      requests.push(req);
      const out = s.cycle ? s.cycle(req, clock) : [];
      if (out === 'stop') {
        controller.abort();
        return [];
      }
      if (out !== null && ++ran >= (s.cycles ?? Infinity)) controller.abort();
      return out;
    },
    ended: (e) => ends.push(e),
    backoffChanged: (id, b) => backoffs.push([id, b]),
  };
  const result = await runLoop(ports);
  return { result, requests, ends, backoffs, clock, settings };
}

const gaps = (ts: number[]) => ts.slice(1).map((t, i) => t - ts[i]!);

describe('scheduled cycles', () => {
  it('the first cycle starts at once, then one every interval, each moved by at most 10%', async () => {
    let n = 0;
    const randoms = [0, 0.999, 0.25, 0.75, 0.5];
    const { requests } = await drive({ random: () => randoms[n++ % randoms.length]!, cycles: 6 });
    expect(requests.map((r) => r.kind)).toEqual(Array(6).fill('scheduled'));
    expect(requests[0]!.startedAt).toBe(0);
    expect(gaps(requests.map((r) => r.startedAt))).toEqual([270_000, 329_940, 285_000, 315_000, 300_000]);
  });

  it('each end reports the cycle, its duration and when the next one starts', async () => {
    const { ends } = await drive({
      cycle: (_r, clock) => {
        clock.t += 4_000;
        return [{ staffId: 1, outcome: 'synced', transient: false, error: null }];
      },
      cycles: 2,
    });
    expect(ends.map((e) => [e.number, e.kind, e.endedAt - e.startedAt, e.nextCycleAt])).toEqual([
      [1, 'scheduled', 4_000, 300_000],
      [2, 'scheduled', 4_000, 600_000],
    ]);
  });

  it('a longer interval read after a SIGHUP applies from the next cycle on', async () => {
    const settings = { intervalMs: I, quietMs: 2_000, pollMs: 1_000 };
    const { requests } = await drive({
      settings,
      cycle: (req) => {
        if (req.number === 2) settings.intervalMs = 60_000;
        return [];
      },
      cycles: 4,
    });
    expect(gaps(requests.map((r) => r.startedAt))).toEqual([300_000, 60_000, 60_000]);
  });

  it('stops when the signal comes while it waits, starting nothing after', async () => {
    const controller = new AbortController();
    let cycles = 0;
    const result = await runLoop({
      clock: {
        now: () => 0,
        wait: async () => controller.abort(),
      },
      random: () => 0.5,
      signal: controller.signal,
      settings: () => ({ intervalMs: I, quietMs: 2_000, pollMs: 1_000 }),
      storeVersion: () => 0,
      cycle: async () => {
        cycles += 1;
        return [];
      },
      ended: () => {},
      backoffChanged: () => {},
    });
    expect(cycles).toBe(1);
    expect(result).toEqual({ scheduled: 1, pushes: 0 });
  });
});

describe('prompt pushes of CaseFlow edits', () => {
  it('a burst of edits goes out in one push cycle, the quiet delay after the last edit, long before the interval', async () => {
    // Edits commit at 10.0 s, 10.5 s and 11.2 s; polled every second.
    const version = (t: number) => [10_000, 10_500, 11_200].filter((at) => t >= at).length;
    const { requests } = await drive({
      version,
      cycle: (req) => (req.kind === 'push' ? 'stop' : []),
    });
    expect(requests.map((r) => [r.kind, r.startedAt])).toEqual([
      ['scheduled', 0],
      // The third edit is seen at the 12 s poll; quiet for 2 s after that.
      ['push', 14_000],
    ]);
  });

  it('edits that never stop are pushed at the latest five quiet delays after the first is seen', async () => {
    const { requests } = await drive({ version: (t) => Math.floor(t / 1_000), cycle: (req) => (req.kind === 'push' ? 'stop' : []) });
    expect(requests.map((r) => [r.kind, r.startedAt])).toEqual([
      ['scheduled', 0],
      ['push', 1_000 + 10_000],
    ]);
  });

  it('an edit committed while a cycle runs is looked at after it; a push with nothing pending is not a cycle', async () => {
    const { requests, ends, result } = await drive({
      version: (t) => (t >= 3_000 ? 1 : 0),
      cycle: (req, clock) => {
        if (req.kind === 'scheduled') {
          if (req.number === 2) return 'stop';
          clock.t += 5_000; // the edit commits during the first cycle
          return [];
        }
        return null; // the first cycle had sent it already
      },
    });
    expect(requests.map((r) => [r.kind, r.number, r.startedAt])).toEqual([
      ['scheduled', 1, 0],
      ['push', 2, 7_000],
      ['scheduled', 2, 300_000],
    ]);
    expect(ends.map((e) => e.kind)).not.toContain('push');
    expect(result).toEqual({ scheduled: 2, pushes: 0 });
  });

  it('the store read between cycles is the data version only: no cycle while it stays the same', async () => {
    const { requests } = await drive({ version: () => 42, cycles: 3 });
    expect(requests.every((r) => r.kind === 'scheduled')).toBe(true);
  });
});

describe('backing off a staff member whose runs keep failing', () => {
  /** Staff 1 fails transiently on every run until `healAt`; records the cycles that ran them. */
  async function failing(healAt: number, cycles: number, transient = true) {
    const ranIn: number[] = [];
    const run = await drive({
      cycle: (req) => {
        if (req.backingOff(1)) return [{ staffId: 1, outcome: 'skipped', transient: false, error: null }];
        ranIn.push(req.number);
        const healed = req.number >= healAt;
        return [{ staffId: 1, outcome: healed ? 'synced' : 'failed', transient: !healed && transient, error: healed ? null : 'delta: Graph answered 503' }];
      },
      cycles,
    });
    return { ranIn, ...run };
  }

  it('sits out 0, 1, 3, 7 and then at most 11 cycles (12 intervals) between tries', async () => {
    const { ranIn } = await failing(Infinity, 60);
    expect(ranIn).toEqual([1, 2, 4, 8, 16, 28, 40, 52]);
  });

  it('a success resets it: the next cycle runs them again, and the store is told', async () => {
    const { ranIn, backoffs } = await failing(16, 20);
    expect(ranIn).toEqual([1, 2, 4, 8, 16, 17, 18, 19, 20]);
    expect(backoffs.map(([, b]) => b?.failures ?? null)).toEqual([1, 2, 3, 4, null]);
    expect(backoffs[3]![1]).toMatchObject({ until: 7 * I + 8 * I, lastError: 'delta: Graph answered 503' });
  });

  it('a failure a person must fix (needs reconnect, held deletions) is not backed off from', async () => {
    const { ranIn, backoffs } = await failing(Infinity, 5, false);
    expect(ranIn).toEqual([1, 2, 3, 4, 5]);
    expect(backoffs).toEqual([]);
  });
});
