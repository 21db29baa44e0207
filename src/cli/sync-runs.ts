// The ways a command starts the engine for one staff member: `sync` (Sync now: pull only),
// `import` (a pull over a window moved back), `daemon --once` (the scheduled cycle) and
// `events add/update --push-now` (that cycle, at once).
// One check before any of them, so all three refuse alike.

import { needsReconnect, notConnected } from '../auth/tokens.js';
import { ActionRequiredError } from '../errors.js';
import { connectionOf } from '../store/connections.js';
import { assertOutlookEnabled } from '../store/firm.js';
import { getPrefs } from '../store/prefs.js';
import type { Staff } from '../store/staff.js';
import { updateSyncState } from '../store/sync-state.js';
import { runSync, type RunSummary } from '../sync/run.js';
import type { Context } from './context.js';
import type { RunProgress } from '../graph/calendar.js';
import { PaceReport } from './pace.js';
import { runPolicy } from './run-policy.js';
import { runHostFor } from './wiring.js';

/**
 * Before any request, and for --push-now before anything is written: the firm is gated in, the
 * staff member is connected (their own sign-in still stands, or the firm's app-only connection); with `events`, their calendar events
 * are synced at all (a push of one event needs that).
 */
export function assertCanSync(ctx: Context, staff: Staff, need: { events?: boolean } = {}): void {
  const db = ctx.db();
  assertOutlookEnabled(db);
  const connection = connectionOf(db, staff.id);
  if (!connection) throw notConnected(staff);
  if (connection.via === 'sign-in' && connection.account.needsReconnect) throw needsReconnect(staff, connection.account.reconnectReason);
  if (!need.events) return;
  const prefs = getPrefs(db, staff.id);
  if (!prefs.enabled || !prefs.events) {
    throw new ActionRequiredError('sync_off', `calendar events are not synced for ${staff.email} (prefs)`, {
      hint: `turn them on with: caseflow-outlook prefs set --staff ${staff.email} --enabled on --events on`,
    });
  }
}

export interface RunOneOptions {
  /** The scheduled cycle (Outlook read first, then both sides); without it a pull only. */
  push: boolean;
  allowDeletes?: boolean;
  /** `import`: what the run brings in is audited as imported. */
  trigger?: 'manual' | 'scheduled' | 'import';
  /** Where the run says how long its writes take when the request budget holds them back (default: the log). */
  progress?: (p: RunProgress) => void;
}

/** One run for one staff member; a paused one is not run, and the summary says how to resume. */
export async function runOne(ctx: Context, staff: Staff, o: RunOneOptions): Promise<RunSummary> {
  const db = ctx.db();
  const prefs = getPrefs(db, staff.id);
  if (!prefs.enabled) {
    const zero = () => ({ created: 0, updated: 0, deleted: 0 });
    const note = `sync is paused (prefs --enabled off); resume with: caseflow-outlook prefs set --staff ${staff.email} --enabled on`;
    return { staff: staff.email, pulled: zero(), pushed: zero(), conflicts: 0, skipped: 0, errors: [], note };
  }
  assertCanSync(ctx, staff);
  const allowDeletes = Boolean(o.allowDeletes);
  if (allowDeletes) updateSyncState(db, staff.id, { allowDeletes: true });
  const host = await runHostFor(ctx, db, staff, ctx.signal, { progress: o.progress ?? new PaceReport(ctx).for(staff), rememberWindow: true });
  return runSync(host, { trigger: o.trigger ?? (o.push ? 'scheduled' : 'manual'), push: o.push, policy: runPolicy(ctx, prefs), allowDeletes });
}

/**
 * `--push-now`: one cycle for the event's owner at once, so invitations go out without waiting
 * for the schedule. It is the scheduled cycle, so anything else of theirs that was waiting goes
 * out with it. Check with `assertCanSync(ctx, staff, { events: true })` before saving the event.
 */
export async function pushNow(ctx: Context, staff: Staff): Promise<RunSummary> {
  return runOne(ctx, staff, { push: true, trigger: 'manual' });
}
