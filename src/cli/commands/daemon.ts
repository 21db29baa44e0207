// `daemon --once [--staff <email>]`: one scheduled cycle (Outlook read first, then both sides) for one
// or every staff member.

import { ExitCode, UsageError } from '../../errors.js';
import { assertOutlookEnabled } from '../../store/firm.js';
import { listStaff, requireStaff, type Staff } from '../../store/staff.js';
import type { Context } from '../context.js';
import { toCliError } from '../errors.js';
import type { HandlerResult } from '../handler.js';
import { listing } from '../output.js';
import { counts, failed, finished, interrupted, outcomeText, outcomeTone, pausedEntry, standingSkip, summaryOutput, type RunEntry, type Scored } from '../run-entry.js';
import { runOne } from '../sync-runs.js';
import { email } from './common.js';

/**
 * One scheduled cycle for one or every staff member; one failure never stops the others. Every
 * staff member is in the answer: synced, failed (and why), or skipped and why (needs reconnect,
 * paused, not connected), so cron hears about a revoked sign-in on every run, not only the
 * first. Exit code: the worst of them; paused and never-connected staff alone are not a failure.
 */
export async function daemon(ctx: Context, opts: { once?: boolean; staff?: string }): Promise<HandlerResult> {
  if (!opts.once) throw new UsageError('the looping daemon is not available yet: use daemon --once from cron or a systemd timer');
  const db = ctx.db();
  assertOutlookEnabled(db);
  const one = opts.staff !== undefined ? requireStaff(db, email(opts.staff, '--staff')) : null;
  const results: Scored[] = [];
  const targets: Staff[] = [];
  for (const staff of one ? [one] : listStaff(db)) {
    // A named staff member who is not connected or must reconnect is an error (runOne throws it).
    const skip = one ? pausedEntry(db, staff) : standingSkip(db, staff);
    if (skip) {
      if (skip.entry.reason === 'needs-reconnect') ctx.log.warn(`${staff.email}: skipped: ${skip.entry.note}`);
      else ctx.log.info(`${staff.email}: skipped: ${skip.entry.note}`);
      results.push(skip);
    } else targets.push(staff);
  }
  const concurrency = ctx.settings['daemon.concurrency'];
  let next = 0;
  const worker = async () => {
    // On SIGINT/SIGTERM no one new is started; a run in flight stops at its next request and
    // keeps what it wrote (each item is its own transaction; the delta position is not saved).
    while (next < targets.length && !ctx.signal.aborted) {
      const staff = targets[next++]!;
      const retry = `caseflow-outlook daemon --once --staff ${staff.email}`;
      try {
        results.push(finished(staff, await runOne(ctx, staff, { push: true }), retry));
      } catch (error) {
        if (ctx.signal.aborted) {
          results.push(interrupted(staff, true));
          continue;
        }
        if (one) throw error;
        const e = toCliError(error, { command: retry, staff: staff.email });
        ctx.log.warn(`${staff.email}: ${e.message}`);
        results.push(failed(staff, e));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, targets.length)) }, worker));
  if (ctx.signal.aborted) {
    const notStarted = targets.slice(next);
    for (const staff of notStarted) results.push(interrupted(staff, false));
    const stopped = results.filter((r) => r.entry.reason === 'interrupted').length - notStarted.length;
    ctx.log.warn(`interrupted: ${stopped} run(s) in flight stopped, ${notStarted.length} staff member(s) not started; the next run includes them`);
  }
  // The interruption itself is not a failure (exit 0); what finished before it still counts.
  const worst = Math.max(ExitCode.ok, ...results.map((r) => r.exitCode));
  const entries = results.map((r) => r.entry).sort((a, b) => a.staff.localeCompare(b.staff));
  if (one) return { output: summaryOutput(entries[0]!), exitCode: worst };
  const dash = (s: RunEntry, text: string) => (s.outcome === 'skipped' ? '-' : text);
  return {
    output: listing<RunEntry>(
      [
        { header: 'STAFF', value: (s) => s.staff },
        { header: 'PULLED', value: (s) => dash(s, counts(s.pulled)) },
        { header: 'PUSHED', value: (s) => dash(s, counts(s.pushed)) },
        { header: 'CONFLICTS', value: (s) => dash(s, String(s.conflicts)) },
        { header: 'ERRORS', value: (s) => s.errors.join('; '), tone: (s) => (s.errors.length ? 'bad' : undefined) },
        { header: 'OUTCOME', value: outcomeText, tone: outcomeTone },
        { header: 'NOTE', value: (s) => s.note ?? '' },
      ],
      entries,
      entries,
      'no staff members yet: add one with caseflow-outlook staff add --email E --name N',
    ),
    exitCode: worst,
  };
}
