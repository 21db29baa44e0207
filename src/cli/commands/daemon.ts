// `daemon --once [--staff <email>]`: one scheduled cycle (Outlook read first, then both sides) for one
// or every staff member; `daemon` without --once loops (daemon-loop.ts). Both run the same cycle
// (src/daemon/cycle.ts) with the same per-staff work (daemon-staff.ts).

import { runCycle } from '../../daemon/cycle.js';
import { ExitCode, UsageError } from '../../errors.js';
import { assertOutlookEnabled } from '../../store/firm.js';
import { listStaff, requireStaff, type Staff } from '../../store/staff.js';
import type { Context } from '../context.js';
import type { HandlerResult } from '../handler.js';
import { PaceReport } from '../pace.js';
import { entriesOutput, summaryOutput } from '../run-entry.js';
import { email } from './common.js';
import { staffWork, takeDaemonLock, type StaffResult } from './daemon-staff.js';

export async function daemon(ctx: Context, opts: { once?: boolean; staff?: string }): Promise<HandlerResult> {
  if (opts.once) return once(ctx, opts);
  if (opts.staff !== undefined) {
    throw new UsageError('--staff needs --once: the looping daemon syncs every staff member', {
      hint: `run one cycle for one staff member with: caseflow-outlook daemon --once --staff ${opts.staff}`,
    });
  }
  const { loop } = await import('./daemon-loop.js');
  return loop(ctx);
}

/**
 * One scheduled cycle for one or every staff member; one failure never stops the others. Every
 * staff member is in the answer: synced, failed (and why), or skipped and why (needs reconnect,
 * paused, not connected), so cron hears about a revoked sign-in on every run, not only the
 * first. Exit code: the worst of them; paused and never-connected staff alone are not a failure.
 */
async function once(ctx: Context, opts: { staff?: string }): Promise<HandlerResult> {
  const db = ctx.db();
  assertOutlookEnabled(db);
  const one = opts.staff !== undefined ? requireStaff(db, email(opts.staff, '--staff')) : null;
  // A whole-firm cycle holds the daemon lock (and leaves its times for monitoring); one named
  // staff member is guarded by their own sync lock alone, as `sync` is.
  const lock = one ? null : takeDaemonLock(ctx, 'once', ctx.settings['sync.intervalSeconds'] * 1000);
  const pace = await PaceReport.onTerminal(ctx);
  try {
    lock?.beat({ lastCycleStartedAt: Date.now() });
    const work = staffWork(ctx, one !== null, pace);
    const done = await runCycle<Staff, StaffResult>({
      staff: one ? [one] : listStaff(db),
      ...work,
      failed: (staff, error) => {
        // A named staff member who is not connected or must reconnect is an error (it throws).
        const r = work.failed(staff, error);
        ctx.log.warn(`${staff.email}: ${r.entry.errors.join('; ')}`);
        return r;
      },
      concurrency: ctx.settings['daemon.concurrency'],
      signal: ctx.signal,
      onResult: (staff, r, how) => {
        if (how !== 'skipped') return;
        if (r.entry.reason === 'needs-reconnect') ctx.log.warn(`${staff.email}: skipped: ${r.entry.note}`);
        else ctx.log.info(`${staff.email}: skipped: ${r.entry.note}`);
      },
    });
    lock?.beat({ lastCycleEndedAt: Date.now(), nextCycleAt: null });
    if (ctx.signal.aborted) {
      ctx.log.warn(`interrupted: ${done.stopped} run(s) in flight stopped, ${done.notStarted} staff member(s) not started; the next run includes them`);
    }
    return answer(done.results.map((r) => r.result), one !== null);
  } finally {
    pace.stop();
    lock?.release();
  }
}

function answer(results: StaffResult[], one: boolean): HandlerResult {
  // The interruption itself is not a failure (exit 0); what finished before it still counts.
  if (one) return { output: summaryOutput(results[0]!.entry), exitCode: Math.max(ExitCode.ok, results[0]!.exitCode) };
  return entriesOutput(results, { pushed: true });
}
