// What a daemon cycle does for each staff member, the same for `daemon --once` and the looping
// daemon: the reason to skip them known before any request, their run (the scheduled cycle:
// Outlook read first, then both sides, under their sync lock), and what a failure or an
// interruption becomes. Also the daemon lock both take.

import { hostname } from 'node:os';
import type { CycleWork } from '../../daemon/cycle.js';
import { CliError, ExitCode } from '../../errors.js';
import { acquireDaemonLock, type DaemonLock, type DaemonMode } from '../../store/daemon-lock.js';
import type { Staff } from '../../store/staff.js';
import type { Context } from '../context.js';
import { toCliError } from '../errors.js';
import { failed, finished, interrupted, pausedEntry, standingSkip, type Scored } from '../run-entry.js';
import { PaceReport } from '../pace.js';
import { runOne } from '../sync-runs.js';

/** A staff member's result, with Graph's request-id when a failed answer carried one. */
export interface StaffResult extends Scored {
  requestId?: string | null;
}

export const retryCommand = (staff: Staff) => `caseflow-outlook daemon --once --staff ${staff.email}`;

/**
 * The per-staff part of a cycle. `named`: one staff member asked for by name (`--once --staff`),
 * for whom not connected or needing reconnect is an error of the command, not a skip. `pace`:
 * where a run says how long its writes take when the request budget holds them back.
 */
export function staffWork(ctx: Context, named: boolean, pace: PaceReport = new PaceReport(ctx)): Pick<CycleWork<Staff, StaffResult>, 'skip' | 'run' | 'failed' | 'interrupted'> {
  const db = ctx.db();
  return {
    skip: (staff) => (named ? pausedEntry(db, staff) : standingSkip(db, staff)),
    run: async (staff) => {
      try {
        return finished(staff, await runOne(ctx, staff, { push: true, progress: pace.for(staff) }), retryCommand(staff));
      } finally {
        pace.done(staff);
      }
    },
    failed: (staff, error) => {
      if (named) throw error;
      return { ...failed(staff, toCliError(error, { command: retryCommand(staff), staff: staff.email })), requestId: requestIdOf(error) };
    },
    interrupted,
  };
}

/** A failure worth backing off from: Graph or the network (4), or something unexpected (1). */
export const isTransient = (r: Scored) => r.exitCode === ExitCode.transient || r.exitCode === ExitCode.failure;

/** Graph's `request-id` of the answer behind an error, anywhere along its causes (support asks for it). */
export function requestIdOf(error: unknown): string | null {
  const seen = new Set<unknown>();
  for (let e = error; e !== null && typeof e === 'object' && !seen.has(e); e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    const id = (e as { requestId?: unknown }).requestId;
    if (typeof id === 'string' && id !== '') return id;
  }
  return null;
}

/**
 * The store's daemon lock, or exit 5 naming the daemon that holds it. `daemon --once` for the
 * whole firm takes it too: two whole-firm cycles at once would only fight over every staff member.
 */
export function takeDaemonLock(ctx: Context, mode: DaemonMode, intervalMs: number): DaemonLock {
  const got = acquireDaemonLock(ctx.db(), { mode, intervalMs, nowMs: Date.now() });
  if (!('heldBy' in got)) return got;
  const h = got.heldBy;
  const where = h.host === hostname() ? '' : ` on host ${h.host}`;
  const what = h.mode === 'loop' ? 'a daemon is already running' : 'a daemon --once cycle is already running';
  throw new CliError('daemon_running', `${what} on this store: pid ${h.pid}${where}, started ${h.startedAt}, last heartbeat ${h.heartbeatAt}`, ExitCode.busy, {
    hint:
      h.mode === 'loop'
        ? `it syncs every staff member already; see how it is doing with: caseflow-outlook status (to replace it, stop pid ${h.pid}${where} first)`
        : `wait for it to finish (pid ${h.pid}${where}), then run the same command again`,
  });
}
