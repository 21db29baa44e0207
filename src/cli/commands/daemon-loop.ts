// `daemon` without --once: the daemon lock, the loop (src/daemon/loop.ts) wired to the store, the
// engine and the log, SIGHUP to re-read the config. Ends on SIGINT/SIGTERM with exit 0.

import { realClock } from '../../daemon/clock.js';
import { runCycle } from '../../daemon/cycle.js';
import { runLoop, type CycleRequest, type LoopSettings, type StaffOutcome } from '../../daemon/loop.js';
import { CliError, ExitCode } from '../../errors.js';
import { saveBackoff } from '../../store/daemon-lock.js';
import { assertOutlookEnabled } from '../../store/firm.js';
import { listStaff, type Staff } from '../../store/staff.js';
import type { Context } from '../context.js';
import { toCliError } from '../errors.js';
import type { HandlerResult } from '../handler.js';
import { pendingFor } from '../pending.js';
import { standingSkip } from '../run-entry.js';
import { daemonLogger, logStaff, type DaemonLogger, type DaemonResult } from './daemon-log.js';
import { checkStoreFile, describeTiming, fileIdentity, POLL_MS, reload, timeScale, timing } from './daemon-settings.js';
import { isTransient, staffWork, takeDaemonLock } from './daemon-staff.js';

export async function loop(ctx: Context): Promise<HandlerResult> {
  const scale = timeScale(ctx.env);
  const db = ctx.db();
  const dataVersion = db.prepare('PRAGMA data_version').pluck();
  assertOutlookEnabled(db);
  const settings = (): LoopSettings => ({
    intervalMs: ctx.settings['sync.intervalSeconds'] * 1000 * scale,
    quietMs: ctx.settings['daemon.quietSeconds'] * 1000 * scale,
    pollMs: POLL_MS * scale,
  });
  const lock = takeDaemonLock(ctx, 'loop', settings().intervalMs);
  const storeFile = fileIdentity(ctx.settings['store.path']);
  const log = daemonLogger(ctx.io, { json: ctx.json || !ctx.io.stdoutIsTTY, verbose: ctx.verbose });
  // The engine's own warnings go where the daemon's lines go.
  ctx.log = log;
  const onHup = () => reload(ctx, log);
  process.on('SIGHUP', onHup);
  log.event('info', 'daemon.start', `daemon started (pid ${process.pid}): a cycle every ${describeTiming(ctx)}`, { pid: process.pid, ...timing(ctx), store: ctx.settings['store.path'] });
  try {
    const pending = pendingFor(ctx);
    const result = await runLoop({
      clock: realClock,
      random: Math.random,
      signal: ctx.signal,
      settings,
      storeVersion: () => dataVersion.get() as number,
      cycle: async (req) => {
        if (req.kind === 'scheduled') checkStoreFile(storeFile);
        try {
          return await cycle(ctx, log, req, (staff) => pending(db, staff) > 0, lock.beat);
        } catch (error) {
          if (error instanceof CliError && FATAL.has(error.code)) throw error;
          // One bad cycle (the store busy past its timeout, a bug) is logged; the next one tries again.
          const e = toCliError(error, { command: 'caseflow-outlook daemon' });
          log.event('error', 'cycle.failed', `cycle ${req.number} (${req.kind}) failed: ${e.message}`, { cycle: req.number, kind: req.kind, code: e.code });
          return [];
        }
      },
      ended: (end) => {
        const n = (o: StaffOutcome['outcome']) => end.outcomes.filter((x) => x.outcome === o).length;
        const tally = { synced: n('synced'), failed: n('failed'), skipped: n('skipped'), interrupted: n('interrupted') };
        const durationMs = end.endedAt - end.startedAt;
        const stopping = ctx.signal.aborted;
        const nextAt = stopping ? null : new Date(end.nextCycleAt).toISOString();
        if (!tryStore(log, 'heartbeat', () => lock.beat({ lastCycleEndedAt: end.endedAt, nextCycleAt: stopping ? null : end.nextCycleAt, intervalMs: settings().intervalMs }), true)) lostLock();
        const next = nextAt ? `; next cycle at ${nextAt}` : '';
        log.event(tally.failed ? 'warn' : 'info', 'cycle.end', `cycle ${end.number} (${end.kind}) ended in ${durationMs} ms: ${tally.synced} synced, ${tally.failed} failed, ${tally.skipped} skipped${tally.interrupted ? `, ${tally.interrupted} interrupted` : ''}${next}`, {
          cycle: end.number,
          kind: end.kind,
          durationMs,
          ...tally,
          nextCycleAt: nextAt,
          memory: memoryFigures(),
        });
      },
      backoffChanged: (staffId, b) => tryStore(log, 'backoff', () => saveBackoff(db, staffId, b && { failures: b.failures, untilMs: b.until, lastError: b.lastError }), undefined),
    });
    log.event('info', 'daemon.stop', `daemon stopped (signal) after ${result.scheduled} scheduled and ${result.pushes} push cycle(s)`, { ...result });
    return { output: null, exitCode: 0 };
  } finally {
    process.removeListener('SIGHUP', onHup);
    lock.release();
  }
}

/** A bookkeeping write the daemon can live without once (the store busy past its timeout): logged, `otherwise` returned. */
function tryStore<T>(log: DaemonLogger, what: string, write: () => T, otherwise: T): T {
  try {
    return write();
  } catch (error) {
    log.event('warn', 'store.busy', `could not record the ${what} in the store this time: ${(error as Error).message}`, { what });
    return otherwise;
  }
}

/** Errors that end the daemon rather than one cycle. */
const FATAL = new Set(['daemon_lock_lost', 'store_replaced']);

/** Another daemon found this one's heartbeat stale and took the store over: this one stops (exit 5). */
function lostLock(): never {
  throw new CliError('daemon_lock_lost', 'another daemon took over this store while this one ran (this one had missed its heartbeats): stopping', ExitCode.busy, {
    hint: 'see which one runs now with: caseflow-outlook status',
  });
}

/**
 * One cycle of the loop, the same per-staff work as `daemon --once`: a scheduled cycle over every
 * staff member, or a push cycle over those with CaseFlow work pending (null when there is none:
 * not one request is sent).
 */
async function cycle(ctx: Context, log: DaemonLogger, req: CycleRequest, hasPending: (s: Staff) => boolean, beat: (t?: { lastCycleStartedAt?: number }) => boolean): Promise<StaffOutcome[] | null> {
  const db = ctx.db();
  const every = listStaff(db);
  const ready = (s: Staff) => standingSkip(db, s) === null && req.backingOff(s.id) === null;
  const staff = req.kind === 'scheduled' ? every : every.filter((s) => ready(s) && hasPending(s));
  if (req.kind === 'push' && staff.length === 0) return null;
  if (!beat({ lastCycleStartedAt: req.startedAt })) lostLock();
  const at = { number: req.number, kind: req.kind };
  log.event('info', 'cycle.start', `cycle ${req.number} (${req.kind}) started: ${staff.length} staff member(s)`, { cycle: req.number, kind: req.kind, staff: staff.length });
  try {
    assertOutlookEnabled(db);
  } catch (error) {
    // The firm was switched off while the daemon ran: nobody is synced until it is back on.
    const e = toCliError(error, { command: 'caseflow-outlook daemon' });
    log.event('error', 'cycle.refused', `cycle ${req.number}: ${e.message}`, { cycle: req.number, kind: req.kind, code: e.code, hint: e.hint });
    return [];
  }
  const work = staffWork(ctx, false);
  const done = await runCycle<Staff, DaemonResult>({
    staff,
    skip: (s) => {
      const standing = work.skip(s);
      if (standing) return standing;
      const backoff = req.backingOff(s.id);
      return backoff ? { staff: s, backoff } : null;
    },
    run: work.run,
    failed: work.failed,
    interrupted: work.interrupted,
    concurrency: ctx.settings['daemon.concurrency'],
    signal: ctx.signal,
    onResult: (s, r) => {
      logStaff(log, at, s, r);
      // A long cycle keeps its heartbeat fresh; a store too busy to take it now is no reason to stop.
      try {
        beat();
      } catch {
        /* the next beat carries it */
      }
    },
  });
  return done.results.map(({ staff: s, result: r }): StaffOutcome => {
    if ('backoff' in r) return { staffId: s.id, outcome: 'skipped', transient: false, error: null };
    const outcome = r.entry.reason === 'interrupted' ? 'interrupted' : r.entry.outcome;
    return { staffId: s.id, outcome, transient: outcome === 'failed' && isTransient(r), error: r.entry.errors.join('; ') || null };
  });
}

/** The process's memory in MiB, for a monitor to watch a daemon that runs for months. */
function memoryFigures(): { rssMiB: number; heapUsedMiB: number; externalMiB: number } {
  const m = process.memoryUsage();
  const mib = (n: number) => Math.round((n / 1048576) * 10) / 10;
  return { rssMiB: mib(m.rss), heapUsedMiB: mib(m.heapUsed), externalMiB: mib(m.external) };
}
