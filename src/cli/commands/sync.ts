// `sync --staff <email> [--allow-deletes]`: Sync now, a pull of Outlook's changes for one staff member.
// CaseFlow's own changes go out on the next scheduled run.

import { InterruptedError } from '../../errors.js';
import { assertOutlookEnabled } from '../../store/firm.js';
import { requireStaff } from '../../store/staff.js';
import type { Context } from '../context.js';
import type { HandlerResult } from '../handler.js';
import { finished, pausedEntry, summaryOutput } from '../run-entry.js';
import { runOne } from '../sync-runs.js';
import { email } from './common.js';

export async function sync(ctx: Context, opts: { staff: string; allowDeletes?: boolean }): Promise<HandlerResult> {
  const db = ctx.db();
  const staff = requireStaff(db, email(opts.staff, '--staff'));
  assertOutlookEnabled(db);
  const paused = pausedEntry(db, staff);
  if (paused) return { output: summaryOutput(paused.entry), exitCode: paused.exitCode };
  try {
    const summary = await runOne(ctx, staff, { push: false, allowDeletes: Boolean(opts.allowDeletes) });
    const { entry, exitCode } = finished(staff, summary, `caseflow-outlook sync --staff ${staff.email}`);
    return { output: summaryOutput(entry), exitCode };
  } catch (error) {
    // Whatever failed once the signal came (a fetch, a write), the signal is why the run stopped.
    if (ctx.signal.aborted && !(error instanceof InterruptedError)) throw new InterruptedError('interrupted', { cause: error });
    throw error;
  }
}
