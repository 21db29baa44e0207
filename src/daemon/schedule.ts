// When the daemon does what, as pure functions of time (milliseconds) and a random number: the
// next cycle (the interval, with jitter), the backoff of a staff member who keeps failing, and
// when a burst of CaseFlow edits has settled enough to push. No clock, no I/O: tested with a fake
// clock.

/** Each cycle starts the interval after the previous one started, moved by up to this share of it either way. */
export const JITTER = 0.1;
/** Repeated transient failures wait at most this many intervals. */
export const BACKOFF_CAP = 12;
/** A burst of edits that never goes quiet is pushed at the latest this many quiet delays after its first edit. */
export const MAX_QUIET_WAITS = 5;

/** The interval moved at random by up to ±JITTER of it; `random` is in [0, 1). */
export function jittered(intervalMs: number, random: number): number {
  return Math.round(intervalMs * (1 - JITTER + 2 * JITTER * random));
}

/**
 * When the next cycle starts: the jittered interval after this one started, but never sooner than
 * a tenth of the interval after it ended, so a cycle that ran long is not followed at once.
 */
export function nextCycleAt(o: { startedAt: number; endedAt: number; intervalMs: number; random: number }): number {
  return Math.max(o.startedAt + jittered(o.intervalMs, o.random), o.endedAt + Math.round(o.intervalMs * JITTER));
}

export interface Backoff {
  /** Transient failures in a row. */
  failures: number;
  /** Not run again before this (give or take half an interval: cycles carry jitter). */
  until: number;
  lastError: string | null;
}

/** After the n-th failure in a row: the interval times 2^(n-1), at most BACKOFF_CAP intervals. */
export function backoffDelay(failures: number, intervalMs: number): number {
  return intervalMs * Math.min(2 ** Math.max(0, failures - 1), BACKOFF_CAP);
}

/** One more transient failure at `at`. */
export function afterFailure(previous: Backoff | null, at: number, intervalMs: number, error: string | null): Backoff {
  const failures = (previous?.failures ?? 0) + 1;
  return { failures, until: at + backoffDelay(failures, intervalMs), lastError: error };
}

/**
 * Whether a staff member backing off is due again in a cycle starting at `at`. Half an interval
 * of slack: a cycle that comes a little early by its jitter must not push them a whole interval
 * further. One failure alone (until = one interval on) delays nothing beyond the next cycle.
 */
export function due(backoff: Backoff | null, at: number, intervalMs: number): boolean {
  return backoff === null || at >= backoff.until - intervalMs / 2;
}

/** What the store watch has seen: the last data version, and when unpushed changes came. */
export interface Watch {
  version: number;
  /** When the first change not yet pushed was seen (null: none). */
  firstChangeAt: number | null;
  lastChangeAt: number | null;
}

export function watching(version: number): Watch {
  return { version, firstChangeAt: null, lastChangeAt: null };
}

/** The watch after reading the store's data version at `at`. */
export function observe(w: Watch, version: number, at: number): Watch {
  if (version === w.version) return w;
  return { version, firstChangeAt: w.firstChangeAt ?? at, lastChangeAt: at };
}

/**
 * Push time: the store has been quiet for the quiet delay since the last change seen, or a burst
 * has gone on for MAX_QUIET_WAITS quiet delays since its first change. Null when nothing waits.
 */
export function pushAt(w: Watch, quietMs: number): number | null {
  if (w.lastChangeAt === null || w.firstChangeAt === null) return null;
  return Math.min(w.lastChangeAt + quietMs, w.firstChangeAt + MAX_QUIET_WAITS * quietMs);
}
