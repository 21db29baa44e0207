// `sync --staff E [--allow-deletes]` (Sync now: pull only) and `daemon --once` (one scheduled
// cycle: both directions) for one or every staff member.

import { ActionRequiredError, CliError, ExitCode, InterruptedError } from '../../errors.js';
import { getAccount } from '../../store/accounts.js';
import { assertOutlookEnabled } from '../../store/firm.js';
import { getPrefs } from '../../store/prefs.js';
import { listStaff, requireStaff, type Staff } from '../../store/staff.js';
import { updateSyncState } from '../../store/sync-state.js';
import { runSync, type RunSummary } from '../../sync/run.js';
import type { Context } from '../context.js';
import { list, record, type Output, type Tone } from '../output.js';
import type { Db } from '../../store/open.js';
import type { HandlerResult } from '../program.js';
import { email } from './common.js';
import { notConnected, needsReconnect } from '../../auth/tokens.js';
import { runHostFor, runPolicy } from '../wiring.js';
import { toCliError } from '../errors.js';

const counts = (c: RunSummary['pulled']) => `${c.created} created, ${c.updated} updated, ${c.deleted} deleted`;

export type Outcome = 'synced' | 'skipped' | 'failed';
/** Why a staff member was not synced (or not to the end): a stable word for scripts. */
export type Reason = 'needs-reconnect' | 'paused' | 'not-connected' | 'interrupted';

/**
 * A run summary that says what happened to this staff member and, when it was not synced, why
 * (`reason`) and what to run (`note`). A scheduled run has one for every staff member.
 */
export interface RunEntry extends Omit<RunSummary, 'note'> {
  outcome: Outcome;
  reason: Reason | null;
  note: string | null;
}

/** An entry and the exit code it stands for (3 a person must act, 4 run again, ...). */
interface Scored {
  entry: RunEntry;
  exitCode: number;
}

const zero = () => ({ created: 0, updated: 0, deleted: 0 });

function entry(staff: Staff, outcome: Outcome, reason: Reason | null, note: string | null, errors: string[] = []): RunEntry {
  return { staff: staff.email, pulled: zero(), pushed: zero(), conflicts: 0, skipped: 0, errors, outcome, reason, note };
}

/** Why a staff member cannot be synced at all, known before any request; null when they can. */
function standingSkip(db: Db, staff: Staff): Scored | null {
  const e = staff.email;
  if (!getPrefs(db, staff.id).enabled) {
    return { entry: entry(staff, 'skipped', 'paused', `sync is paused (prefs --enabled off); resume with: caseflow-outlook prefs set --staff ${e} --enabled on`), exitCode: ExitCode.ok };
  }
  const account = getAccount(db, staff.id);
  if (!account) {
    return { entry: entry(staff, 'skipped', 'not-connected', `not connected to Microsoft 365; connect with: caseflow-outlook connect --staff ${e}`), exitCode: ExitCode.ok };
  }
  if (account.needsReconnect) return { entry: entry(staff, 'skipped', 'needs-reconnect', reconnectNote(staff, account.reconnectReason)), exitCode: ExitCode.actionRequired };
  return null;
}

function reconnectNote(staff: Staff, why: string | null): string {
  return `the Microsoft sign-in expired or was revoked${why ? ` (${why})` : ''}; sign in again: caseflow-outlook connect --staff ${staff.email} --force`;
}

/** A run that went to its end: synced, or failed for the items it lists under errors. */
function finished(staff: Staff, s: RunSummary): Scored {
  const exitCode = exitCodeOf(s);
  let note = s.note ?? null;
  if (s.breaker) note = `deletions held back; let them through with: caseflow-outlook sync --staff ${staff.email} --allow-deletes`;
  else if (s.errors.length) note = `some items stay pending; safe to run again: caseflow-outlook daemon --once --staff ${staff.email}`;
  return { entry: { ...s, outcome: s.errors.length ? 'failed' : 'synced', reason: null, note }, exitCode };
}

/** A run that stopped on an error: the sign-in refused mid-run, Graph down, the lock busy. */
function failed(staff: Staff, e: CliError): Scored {
  const reason: Reason | null = e.code === 'needs_reconnect' ? 'needs-reconnect' : e.code === 'not_connected' ? 'not-connected' : null;
  const note = reason === 'needs-reconnect' ? reconnectNote(staff, null) : (e.hint ?? null);
  return { entry: entry(staff, 'failed', reason, note, [e.message]), exitCode: e.exitCode };
}

function interrupted(staff: Staff, started: boolean): Scored {
  const note = started
    ? 'interrupted before it finished; what was written is kept and the next run carries on'
    : 'not started: the run was interrupted; the next run includes it';
  return { entry: entry(staff, started ? 'failed' : 'skipped', 'interrupted', note, started ? ['interrupted'] : []), exitCode: ExitCode.ok };
}

function summaryOutput(s: RunEntry): Output {
  return record(
    [
      ['staff', s.staff],
      ['outcome', outcomeText(s), outcomeTone(s)],
      ['pulled', counts(s.pulled)],
      ['pushed', counts(s.pushed)],
      ['conflicts', String(s.conflicts), s.conflicts ? 'warn' : undefined],
      ['skipped', String(s.skipped)],
      ['errors', s.errors.length ? s.errors.join('; ') : 'none', s.errors.length ? 'bad' : undefined],
      ...(s.note ? ([['note', s.note]] as [string, string][]) : []),
    ],
    s,
  );
}

const outcomeText = (s: RunEntry) => (s.reason ? `${s.outcome} (${s.reason})` : s.outcome);
function outcomeTone(s: RunEntry): Tone | undefined {
  if (s.outcome === 'failed' && s.reason !== 'interrupted') return 'bad';
  if (s.reason === 'needs-reconnect') return 'bad';
  return s.outcome === 'skipped' ? 'dim' : undefined;
}

/** Before `events add/update --push-now` writes anything: can this staff member be pushed to now? */
export function assertCanPushNow(ctx: Context, staff: Staff): void {
  const db = ctx.db();
  assertOutlookEnabled(db);
  const account = getAccount(db, staff.id);
  if (!account) throw notConnected(staff);
  if (account.needsReconnect) throw needsReconnect(staff, account.reconnectReason);
  const prefs = getPrefs(db, staff.id);
  if (!prefs.enabled || !prefs.events) {
    throw new ActionRequiredError('sync_off', `calendar events are not synced for ${staff.email} (prefs)`, {
      hint: `turn them on with: caseflow-outlook prefs set --staff ${staff.email} --enabled on --events on`,
    });
  }
}

/**
 * `--push-now`: one cycle for the event's owner at once, so invitations go out without
 * waiting for the schedule. It is the scheduled cycle (Outlook read first, then both sides), so
 * anything else of theirs that was waiting goes out with it.
 */
export async function pushNow(ctx: Context, staff: Staff): Promise<RunSummary> {
  return runOne(ctx, staff, true, false, 'manual');
}

async function runOne(ctx: Context, staff: Staff, push: boolean, allowDeletes: boolean, trigger?: 'manual' | 'scheduled'): Promise<RunSummary> {
  const db = ctx.db();
  const prefs = getPrefs(db, staff.id);
  const empty = { staff: staff.email, pulled: { created: 0, updated: 0, deleted: 0 }, pushed: { created: 0, updated: 0, deleted: 0 }, conflicts: 0, skipped: 0, errors: [] };
  if (!prefs.enabled) return { ...empty, note: `sync is paused (prefs --enabled off); resume with: caseflow-outlook prefs set --staff ${staff.email} --enabled on` };
  const account = getAccount(db, staff.id);
  if (!account) throw notConnected(staff);
  if (account.needsReconnect) throw needsReconnect(staff, account.reconnectReason);
  if (allowDeletes) updateSyncState(db, staff.id, { allowDeletes: true });
  const host = await runHostFor(ctx, db, staff, ctx.signal);
  return runSync(host, { trigger: trigger ?? (push ? 'scheduled' : 'manual'), push, policy: runPolicy(ctx, prefs), allowDeletes });
}

export async function syncCommand(ctx: Context, opts: { staff: string; allowDeletes?: boolean }): Promise<HandlerResult> {
  const db = ctx.db();
  const staff = requireStaff(db, email(opts.staff, '--staff'));
  assertOutlookEnabled(db);
  const paused = pausedEntry(db, staff);
  if (paused) return { output: summaryOutput(paused.entry), exitCode: paused.exitCode };
  try {
    const { entry: done, exitCode } = finished(staff, await runOne(ctx, staff, false, Boolean(opts.allowDeletes)));
    if (done.errors.length && !done.breaker) done.note = `some items stay pending; safe to run again: caseflow-outlook sync --staff ${staff.email}`;
    return { output: summaryOutput(done), exitCode };
  } catch (error) {
    // Whatever failed once the signal came (a fetch, a write), the signal is why the run stopped.
    if (ctx.signal.aborted && !(error instanceof InterruptedError)) throw new InterruptedError('interrupted', { cause: error });
    throw error;
  }
}

/** Paused is not an error for one named staff member: the answer says so (exit 0). */
function pausedEntry(db: Db, staff: Staff): Scored | null {
  const skip = standingSkip(db, staff);
  return skip?.entry.reason === 'paused' ? skip : null;
}

/** Held deletions need a person (--allow-deletes): 3. Items left pending: 4, run again. */
function exitCodeOf(s: RunSummary): number {
  if (s.breaker) return ExitCode.actionRequired;
  return s.errors.length ? ExitCode.transient : ExitCode.ok;
}

/**
 * One scheduled cycle for one or every staff member; one failure never stops the others. Every
 * staff member is in the answer: synced, failed (and why), or skipped and why (needs reconnect,
 * paused, not connected), so cron hears about a revoked sign-in on every run, not only the
 * first. Exit code: the worst of them; paused and never-connected staff alone are not a failure.
 */
export async function daemonOnce(ctx: Context, opts: { staff?: string }): Promise<HandlerResult> {
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
      try {
        results.push(finished(staff, await runOne(ctx, staff, true, false)));
      } catch (error) {
        if (ctx.signal.aborted) {
          results.push(interrupted(staff, true));
          continue;
        }
        if (one) throw error;
        const e = toCliError(error, { command: `caseflow-outlook daemon --once --staff ${staff.email}`, staff: staff.email });
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
    output: list<RunEntry>(
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
