// The looping daemon: a scheduled cycle every interval (with jitter), and between them a watch on
// the store so CaseFlow edits go out within seconds (a push cycle once the edits have settled).
// One cycle at a time. Staff members whose runs keep failing for a transient reason back off.
// Everything around it (the store, Graph, the log, the clock) comes in as ports, so it runs the
// same under a fake clock in tests.

import { afterFailure, due, jittered, nextCycleAt, observe, pushAt, watching, type Backoff } from './schedule.js';

export interface Clock {
  now(): number;
  /** Resolves after `ms`, or at once when the signal fires. */
  wait(ms: number, signal: AbortSignal): Promise<void>;
}

/** Read afresh every turn: SIGHUP may change them. */
export interface LoopSettings {
  intervalMs: number;
  quietMs: number;
  /** How often the store's data version is read. */
  pollMs: number;
}

export type CycleKind = 'scheduled' | 'push';

/** How one staff member fared in a cycle; `transient` failures count towards backing off. */
export interface StaffOutcome {
  staffId: number;
  outcome: 'synced' | 'failed' | 'skipped' | 'interrupted';
  transient: boolean;
  error: string | null;
}

export interface CycleRequest {
  kind: CycleKind;
  number: number;
  startedAt: number;
  /** The backoff of a staff member not due in this cycle; null: run them. */
  backingOff: (staffId: number) => Backoff | null;
}

export interface CycleEnd {
  kind: CycleKind;
  number: number;
  startedAt: number;
  endedAt: number;
  nextCycleAt: number;
  outcomes: StaffOutcome[];
}

export interface LoopPorts {
  clock: Clock;
  /** In [0, 1), for the jitter. */
  random: () => number;
  signal: AbortSignal;
  settings: () => LoopSettings;
  /** Changes when another connection commits to the store (SQLite's `PRAGMA data_version`). */
  storeVersion: () => number;
  /** Runs one cycle; null when a push cycle found no CaseFlow work pending (no request was sent). */
  cycle: (request: CycleRequest) => Promise<StaffOutcome[] | null>;
  ended: (end: CycleEnd) => void;
  backoffChanged: (staffId: number, backoff: Backoff | null) => void;
}

export interface LoopResult {
  scheduled: number;
  pushes: number;
}

/** Runs until the signal fires; a cycle in flight then ends first (its runs stop at their next request). */
export async function runLoop(p: LoopPorts): Promise<LoopResult> {
  const backoffs = new Map<number, Backoff>();
  const counts: LoopResult = { scheduled: 0, pushes: 0 };
  let number = 0;
  let next = p.clock.now(); // the first cycle at once
  let lastStart: number | null = null;
  let nextFor = p.settings().intervalMs;
  let watch = watching(p.storeVersion());
  while (!p.signal.aborted) {
    const s = p.settings();
    const now = p.clock.now();
    if (s.intervalMs !== nextFor && lastStart !== null) {
      // The interval changed (SIGHUP): the next cycle comes by the new one.
      next = Math.max(now, lastStart + jittered(s.intervalMs, p.random()));
      nextFor = s.intervalMs;
    }
    watch = observe(watch, p.storeVersion(), now);
    const push = pushAt(watch, s.quietMs);
    const kind: CycleKind | null = now >= next ? 'scheduled' : push !== null && now >= push ? 'push' : null;
    if (kind === null) {
      await p.clock.wait(Math.max(0, Math.min(next, push ?? Infinity, now + s.pollMs) - now), p.signal);
      continue;
    }
    // Edits committed from now on are seen after this cycle, which may or may not have sent them:
    // the push cycle that follows sends only what is still pending.
    watch = watching(watch.version);
    const startedAt = now;
    const outcomes = await p.cycle({
      kind,
      number: number + 1,
      startedAt,
      backingOff: (id) => {
        const b = backoffs.get(id) ?? null;
        return due(b, startedAt, s.intervalMs) ? null : b;
      },
    });
    const endedAt = p.clock.now();
    if (kind === 'scheduled') {
      lastStart = startedAt;
      next = nextCycleAt({ startedAt, endedAt, intervalMs: s.intervalMs, random: p.random() });
      nextFor = s.intervalMs;
    }
    if (outcomes === null) continue;
    number += 1;
    counts[kind === 'scheduled' ? 'scheduled' : 'pushes'] += 1;
    for (const o of outcomes) {
      if (o.outcome === 'synced') {
        if (backoffs.delete(o.staffId)) p.backoffChanged(o.staffId, null);
      } else if (o.transient) {
        const b = afterFailure(backoffs.get(o.staffId) ?? null, startedAt, s.intervalMs, o.error);
        backoffs.set(o.staffId, b);
        p.backoffChanged(o.staffId, b);
      }
    }
    p.ended({ kind, number, startedAt, endedAt, nextCycleAt: next, outcomes });
  }
  return counts;
}
