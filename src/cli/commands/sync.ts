// `sync --staff E [--allow-deletes]` (Sync now: pull only, SPEC §8) and `daemon --once`
// (one scheduled cycle: both directions, SPEC §11) for one or every eligible staff member.

import { ActionRequiredError, CliError, ExitCode, TransientError } from '../../errors.js';
import { getAccount } from '../../store/accounts.js';
import { assertOutlookEnabled } from '../../store/firm.js';
import { getPrefs } from '../../store/prefs.js';
import { listStaff, requireStaff, type Staff } from '../../store/staff.js';
import { updateSyncState } from '../../store/sync-state.js';
import { runSync, type RunSummary } from '../../sync/run.js';
import type { Context } from '../context.js';
import { list, record, type Output } from '../output.js';
import type { HandlerResult } from '../program.js';
import { email } from './common.js';
import { notConnected, needsReconnect } from '../../auth/tokens.js';
import { runHostFor, runPolicy } from '../wiring.js';

const counts = (c: RunSummary['pulled']) => `${c.created} created, ${c.updated} updated, ${c.deleted} deleted`;

function summaryOutput(s: RunSummary): Output {
  return record(
    [
      ['staff', s.staff],
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
 * `--push-now` (SPEC §7): one cycle for the event's owner at once, so invitations go out without
 * waiting for the schedule. It is the scheduled cycle (Outlook read first, then both sides), so
 * anything else of theirs that was waiting goes out with it.
 */
export async function pushNow(ctx: Context, staff: Staff): Promise<RunSummary> {
  try {
    return await runOne(ctx, staff, true, false, 'manual');
  } catch (error) {
    throw withRetryHint(error, `caseflow-outlook daemon --once --staff ${staff.email}`);
  }
}

async function runOne(ctx: Context, staff: Staff, push: boolean, allowDeletes: boolean, trigger?: 'manual' | 'scheduled'): Promise<RunSummary> {
  const db = ctx.db();
  const prefs = getPrefs(db, staff.id);
  const empty = { staff: staff.email, pulled: { created: 0, updated: 0, deleted: 0 }, pushed: { created: 0, updated: 0, deleted: 0 }, conflicts: 0, skipped: 0, errors: [] };
  if (!prefs.enabled) return { ...empty, note: 'sync is paused for this staff member (prefs --enabled off)' };
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
  try {
    const summary = await runOne(ctx, staff, false, Boolean(opts.allowDeletes));
    return { output: summaryOutput(summary), exitCode: exitCodeOf(summary) };
  } catch (error) {
    throw withRetryHint(error, `caseflow-outlook sync --staff ${staff.email}`);
  }
}

/** Held deletions need a person (--allow-deletes): 3. Items left pending: 4, run again. */
function exitCodeOf(s: RunSummary): number {
  if (s.breaker) return ExitCode.actionRequired;
  return s.errors.length ? ExitCode.transient : ExitCode.ok;
}

function withRetryHint(error: unknown, retry: string): unknown {
  if (error instanceof TransientError) return new TransientError(error.message, { hint: `safe to run again: ${retry}`, cause: error });
  return error;
}

/** One scheduled cycle for one or every eligible staff member; one failure never stops the others. */
export async function daemonOnce(ctx: Context, opts: { staff?: string }): Promise<HandlerResult> {
  const db = ctx.db();
  assertOutlookEnabled(db);
  const targets = opts.staff !== undefined
    ? [requireStaff(db, email(opts.staff, '--staff'))]
    : listStaff(db).filter((s) => {
        const account = getAccount(db, s.id);
        return account !== null && !account.needsReconnect && getPrefs(db, s.id).enabled;
      });
  const summaries: RunSummary[] = [];
  let worst: number = ExitCode.ok;
  const concurrency = ctx.settings['daemon.concurrency'];
  let next = 0;
  const worker = async () => {
    while (next < targets.length) {
      // SPEC §11: on SIGINT/SIGTERM the daemon finishes or abandons safely and exits 0.
      if (ctx.signal.aborted) return;
      const staff = targets[next++]!;
      try {
        const s = await runOne(ctx, staff, true, false);
        summaries.push(s);
        worst = Math.max(worst, exitCodeOf(s));
      } catch (error) {
        if (ctx.signal.aborted) return;
        const e = error instanceof CliError ? error : new CliError('unexpected', (error as Error).message, ExitCode.failure);
        if (opts.staff !== undefined) throw withRetryHint(e, `caseflow-outlook daemon --once --staff ${staff.email}`);
        ctx.log.warn(`${staff.email}: ${e.message}`);
        summaries.push({ staff: staff.email, pulled: { created: 0, updated: 0, deleted: 0 }, pushed: { created: 0, updated: 0, deleted: 0 }, conflicts: 0, skipped: 0, errors: [e.message] });
        worst = Math.max(worst, e.exitCode);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, targets.length)) }, worker));
  if (ctx.signal.aborted) worst = ExitCode.ok;
  summaries.sort((a, b) => a.staff.localeCompare(b.staff));
  if (opts.staff !== undefined) return { output: summaryOutput(summaries[0]!), exitCode: worst };
  return {
    output: list<RunSummary>(
      [
        { header: 'STAFF', value: (s) => s.staff },
        { header: 'PULLED', value: (s) => counts(s.pulled) },
        { header: 'PUSHED', value: (s) => counts(s.pushed) },
        { header: 'CONFLICTS', value: (s) => String(s.conflicts) },
        { header: 'ERRORS', value: (s) => s.errors.join('; '), tone: (s) => (s.errors.length ? 'bad' : undefined) },
      ],
      summaries,
      summaries,
      'no connected staff member with sync enabled',
    ),
    exitCode: worst,
  };
}
