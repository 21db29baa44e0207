// One cycle over a list of staff members: `daemon --once` runs one, the looping daemon one every
// interval (and a push cycle after CaseFlow edits). Each staff member is skipped for a reason known
// before any request, or run; several run at once, at most `concurrency`. A failure is one staff
// member's result and never stops the others. Once the signal fires no one new starts; a run in
// flight stops at its next request and keeps what it wrote.

export interface CycleWork<S, R> {
  staff: S[];
  /** Why a staff member is left out before any request (paused, needs reconnect, backing off), or null to run them. */
  skip: (s: S) => R | null;
  run: (s: S) => Promise<R>;
  /** What a run that threw becomes; rethrowing stops the cycle (one named staff member). */
  failed: (s: S, error: unknown) => R;
  /** A run the signal stopped (`started`), or one it kept from starting. */
  interrupted: (s: S, started: boolean) => R;
  concurrency: number;
  signal: AbortSignal;
  /** Told of every result as it comes (the daemon logs it and renews its heartbeat). */
  onResult?: (s: S, r: R, how: 'skipped' | 'ran' | 'interrupted') => void;
}

export interface CycleResult<S, R> {
  /** In the order they came: skipped first, then runs as they ended. */
  results: { staff: S; result: R }[];
  /** Runs in flight when the signal came. */
  stopped: number;
  /** Staff members the signal kept from starting. */
  notStarted: number;
  ran: number;
  skipped: number;
}

export async function runCycle<S, R>(w: CycleWork<S, R>): Promise<CycleResult<S, R>> {
  const results: { staff: S; result: R }[] = [];
  const add = (staff: S, result: R, how: 'skipped' | 'ran' | 'interrupted') => {
    results.push({ staff, result });
    w.onResult?.(staff, result, how);
  };
  const targets: S[] = [];
  for (const s of w.staff) {
    const skip = w.skip(s);
    if (skip === null) targets.push(s);
    else add(s, skip, 'skipped');
  }
  let next = 0;
  let stopped = 0;
  const worker = async () => {
    while (next < targets.length && !w.signal.aborted) {
      const s = targets[next++]!;
      let result: R;
      try {
        result = await w.run(s);
      } catch (error) {
        if (w.signal.aborted) {
          stopped += 1;
          add(s, w.interrupted(s, true), 'interrupted');
          continue;
        }
        result = w.failed(s, error);
      }
      add(s, result, 'ran');
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(w.concurrency, targets.length)) }, worker));
  const notStarted = targets.slice(next);
  for (const s of notStarted) add(s, w.interrupted(s, false), 'interrupted');
  return { results, stopped, notStarted: notStarted.length, ran: next - stopped, skipped: w.staff.length - targets.length };
}
