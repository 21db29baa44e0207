// `import --staff E|--all --days 30|90`: past Outlook events into CaseFlow. Import has no path of
// its own through the engine: the staff member's sync window is moved back (never forward) to
// the start of the day `--days` ago, then one pull-only run with trigger `import` (the one `sync`
// makes) finds the window moved, reads it whole and brings the older events in, each audited as
// imported. From then on they are ordinary two-way events, inside the window. Run again, the
// window stays where it is and the run is an ordinary one: nothing new.

import { dateInZone } from '../../dates.js';
import { ExitCode, InterruptedError, UsageError } from '../../errors.js';
import { recordAudit } from '../../store/audit.js';
import { assertOutlookEnabled, getFirm } from '../../store/firm.js';
import { inTransaction } from '../../store/open.js';
import { getPrefs } from '../../store/prefs.js';
import { listStaff, requireStaff, type Staff } from '../../store/staff.js';
import { moveSyncFromBack, putSyncFromBack } from '../../store/sync-state.js';
import type { RunSummary } from '../../sync/run.js';
import type { Context } from '../context.js';
import { toCliError } from '../errors.js';
import type { HandlerResult } from '../handler.js';
import { entriesOutput, failed, finished, standingSkip, summaryOutput, type RunEntry, type Scored } from '../run-entry.js';
import { createSpinner, type Spinner } from '../spinner.js';
import { assertCanSync, runOne } from '../sync-runs.js';
import { email } from './common.js';

/** How far back an import may reach, in days: a hard cap. */
export const IMPORT_DAYS = [30, 90] as const;

interface ImportOptions {
  staff?: string;
  all?: boolean;
  days?: string;
}

export async function importEvents(ctx: Context, opts: ImportOptions): Promise<HandlerResult> {
  const example = opts.all ? 'caseflow-outlook import --all' : `caseflow-outlook import --staff ${opts.staff?.trim() || 'alice@firm.example'}`;
  if (opts.staff !== undefined && opts.all) {
    throw new UsageError('give either --staff E or --all, not both', { hint: `e.g. caseflow-outlook import --staff ${opts.staff.trim()} --days 30, or caseflow-outlook import --all --days 30` });
  }
  if (opts.staff === undefined && !opts.all) {
    throw new UsageError('import needs --staff E (one staff member) or --all (every connected one)', {
      hint: 'e.g. caseflow-outlook import --all --days 30; list staff with: caseflow-outlook staff list',
    });
  }
  const days = parseDays(opts.days, example);
  if (opts.all) return importAll(ctx, days);

  const db = ctx.db();
  const staff = requireStaff(db, email(opts.staff!, '--staff'));
  // Gate, connection, sign-in and prefs first: a refused import writes nothing.
  assertOutlookEnabled(db);
  assertCanSync(ctx, staff, { events: true });
  const spinner = await createSpinner(ctx);
  spinner.start(`Importing Outlook events of ${staff.email} from the last ${days} days`);
  try {
    const scored = await importOne(ctx, staff, days);
    settle(spinner, scored);
    return { output: summaryOutput(scored.entry), exitCode: scored.exitCode };
  } catch (error) {
    spinner.stop();
    // Whatever failed once the signal came (a fetch, a write), the signal is why the run stopped.
    if (ctx.signal.aborted && !(error instanceof InterruptedError)) throw new InterruptedError('interrupted', { cause: error });
    throw error;
  }
}

function parseDays(raw: string | undefined, example: string): number {
  const cap = '90 days is the hard cap; contact support for older events';
  const hint = `e.g. ${example} --days 90`;
  if (raw === undefined) throw new UsageError(`--days is required: ${IMPORT_DAYS.join(' or ')} (${cap})`, { hint });
  const days = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (!(IMPORT_DAYS as readonly number[]).includes(days)) throw new UsageError(`--days must be ${IMPORT_DAYS.join(' or ')} (got "${raw}"): ${cap}`, { hint });
  return days;
}

/**
 * One staff member: the window moved back, then the pull. A run that fails puts the window back
 * where it was, so running the same import again does the same thing (what it had already
 * brought in stays, and is linked: it comes in once).
 */
async function importOne(ctx: Context, staff: Staff, days: number): Promise<Scored> {
  const db = ctx.db();
  const move = inTransaction(db, () => moveSyncFromBack(db, staff, days, ctx.now()));
  let summary: RunSummary;
  try {
    summary = await runOne(ctx, staff, { push: false, trigger: 'import' });
  } catch (error) {
    putSyncFromBack(db, move);
    throw error;
  }
  const zone = getFirm(db).timeZone;
  const from = dateInZone(Date.parse(move.after), zone);
  if (move.moved) {
    recordAudit(
      db,
      {
        staffId: staff.id,
        staffEmail: staff.email,
        trigger: 'import',
        direction: 'none',
        action: 'window.extend',
        kind: 'sync',
        summary: `sync window moved back to ${from} (was ${dateInZone(Date.parse(move.before), zone)}): import of the last ${days} days`,
      },
      ctx.now().toISOString(),
    );
  }
  const scored = finished(staff, summary, `caseflow-outlook import --staff ${staff.email} --days ${days}`);
  if (scored.entry.note !== null) return scored;
  const note = move.moved
    ? `the sync window now starts ${from}: events from then on sync both ways`
    : `the sync window already starts ${from}: nothing older to bring in`;
  return { ...scored, entry: { ...scored.entry, note } };
}

const imported = (e: RunEntry) => `${e.pulled.created} event${e.pulled.created === 1 ? '' : 's'} imported`;

function settle(spinner: Spinner, s: Scored): void {
  if (s.exitCode === ExitCode.ok) spinner.succeed(`${s.entry.staff}: ${imported(s.entry)}`);
  else spinner.fail(`${s.entry.staff}: ${imported(s.entry)}, with errors`);
}

/** Connected, but calendar events are not synced: nothing an import could bring in. */
function eventsOff(ctx: Context, staff: Staff): Scored | null {
  if (getPrefs(ctx.db(), staff.id).events) return null;
  const zero = () => ({ created: 0, updated: 0, deleted: 0 });
  const note = `calendar events are not synced (prefs --events off); turn them on with: caseflow-outlook prefs set --staff ${staff.email} --events on`;
  return { entry: { staff: staff.email, pulled: zero(), pushed: zero(), conflicts: 0, skipped: 0, errors: [], outcome: 'skipped', reason: 'paused', note, runId: null }, exitCode: ExitCode.ok };
}

/**
 * Every connected staff member whose sync is on, one after another; one failure never stops the
 * others. Every staff member is in the answer (imported, failed and why, or skipped and why, as
 * `daemon --once` reports them); the exit code is the worst of them.
 */
async function importAll(ctx: Context, days: number): Promise<HandlerResult> {
  const db = ctx.db();
  assertOutlookEnabled(db);
  const results: Scored[] = [];
  const targets: Staff[] = [];
  for (const staff of listStaff(db)) {
    const skip = standingSkip(db, staff) ?? eventsOff(ctx, staff);
    if (!skip) targets.push(staff);
    else {
      if (skip.entry.reason === 'needs-reconnect') ctx.log.warn(`${staff.email}: skipped: ${skip.entry.note}`);
      else ctx.log.info(`${staff.email}: skipped: ${skip.entry.note}`);
      results.push(skip);
    }
  }
  const spinner = await createSpinner(ctx);
  let done = 0;
  try {
    for (const staff of targets) {
      if (ctx.signal.aborted) break;
      spinner.start(`Importing Outlook events of ${staff.email} from the last ${days} days (${done + 1} of ${targets.length})`);
      try {
        const scored = await importOne(ctx, staff, days);
        settle(spinner, scored);
        results.push(scored);
      } catch (error) {
        spinner.stop();
        if (ctx.signal.aborted) break;
        const e = toCliError(error, { command: `caseflow-outlook import --staff ${staff.email} --days ${days}`, staff: staff.email });
        ctx.log.warn(`${staff.email}: ${e.message}`);
        results.push(failed(staff, e));
      }
      done += 1;
    }
  } finally {
    spinner.stop();
  }
  if (ctx.signal.aborted) {
    throw new InterruptedError(`interrupted: ${done} of ${targets.length} staff member(s) imported; what they brought in is kept`, {
      hint: `safe to run again (what came in comes in once): caseflow-outlook import --all --days ${days}`,
    });
  }
  return entriesOutput(results, { pushed: false });
}
