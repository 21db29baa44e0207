// `firm show/set`: the plan and the Outlook beta switch that gate Outlook sync, and the time zone.

import { assertTimeZone } from '../../dates.js';
import { UsageError } from '../../errors.js';
import { getFirm, outlookEnabled, PLANS, setFirm, type Firm, type Plan } from '../../store/firm.js';
import { inTransaction } from '../../store/open.js';
import type { Context } from '../context.js';
import { record, type Output } from '../output.js';
import { auditCli, onOff, yesNo } from './common.js';

function firmOutput(firm: Firm): Output {
  return record(
    [
      ['plan', firm.plan],
      ['outlook beta', firm.outlookBeta ? 'on' : 'off'],
      ['time zone', firm.timeZone],
      ['outlook sync available', yesNo(outlookEnabled(firm)), outlookEnabled(firm) ? 'good' : 'warn'],
    ],
    { ...firm, outlookSyncAvailable: outlookEnabled(firm) },
  );
}

export async function show(ctx: Context): Promise<Output> {
  return firmOutput(getFirm(ctx.db()));
}

export async function set(ctx: Context, opts: { plan?: string; outlookBeta?: string; timeZone?: string }): Promise<Output> {
  const changes: Partial<Omit<Firm, 'updatedAt'>> = {};
  if (opts.plan !== undefined) {
    if (!PLANS.includes(opts.plan as Plan)) throw new UsageError(`--plan must be one of ${PLANS.join(', ')} (got "${opts.plan}")`, { hint: 'e.g. --plan multi-practice' });
    changes.plan = opts.plan as Plan;
  }
  if (opts.outlookBeta !== undefined) changes.outlookBeta = onOff(opts.outlookBeta, '--outlook-beta');
  if (opts.timeZone !== undefined) changes.timeZone = assertTimeZone(opts.timeZone, '--time-zone');
  if (Object.keys(changes).length === 0) {
    throw new UsageError('firm set needs at least one of --plan, --outlook-beta, --time-zone', {
      hint: 'e.g. caseflow-outlook firm set --plan multi-practice --outlook-beta on; see the current ones with: caseflow-outlook firm show',
    });
  }
  const db = ctx.db();
  const firm = inTransaction(db, () => {
    const updated = setFirm(db, changes, ctx.now().toISOString());
    auditCli(ctx, {
      staffId: null,
      staffEmail: null,
      direction: 'none',
      action: 'firm.set',
      kind: 'firm',
      summary: `firm settings: ${Object.entries(changes).map(([k, v]) => `${k}=${v}`).join(', ')}`,
    });
    return updated;
  });
  return firmOutput(firm);
}
