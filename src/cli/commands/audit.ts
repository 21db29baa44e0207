// `audit [--staff] [--event] [--action] [--limit]`: the audit log, newest first.

import { UsageError } from '../../errors.js';
import { listAudit, type AuditJson } from '../../store/audit.js';
import { requireStaff } from '../../store/staff.js';
import type { Context } from '../context.js';
import { listing, type Output } from '../output.js';
import { email, id as parseId, positiveInt } from './common.js';

export async function audit(ctx: Context, opts: { staff?: string; event?: string; action?: string; limit?: string }): Promise<Output> {
  const db = ctx.db();
  const limit = opts.limit !== undefined ? positiveInt(opts.limit, '--limit', 1, 100_000, 50) : 50;
  const staffId = opts.staff !== undefined ? requireStaff(db, email(opts.staff, '--staff')).id : undefined;
  const eventId = opts.event !== undefined ? parseId(opts.event, '--event') : undefined;
  const action = opts.action !== undefined ? opts.action.trim().toLowerCase() : undefined;
  if (action !== undefined && !/^[a-z-]{1,40}$/.test(action)) {
    throw new UsageError(`--action "${opts.action}" is not an action name (letters and dashes, e.g. delete)`, { hint: 'see the actions in use with: caseflow-outlook audit --limit 50' });
  }
  return listing<AuditJson>(
    [
      { header: 'ID', value: (a) => String(a.id) },
      { header: 'AT', value: (a) => a.at },
      { header: 'STAFF', value: (a) => a.staff ?? '' },
      { header: 'TRIGGER', value: (a) => a.trigger },
      { header: 'DIRECTION', value: (a) => a.direction },
      { header: 'ACTION', value: (a) => a.action },
      { header: 'KIND', value: (a) => a.kind },
      { header: 'EVENT', value: (a) => (a.eventId === null ? '' : String(a.eventId)) },
      { header: 'SUMMARY', value: (a) => a.summary },
    ],
    listAudit(db, { staffId, eventId, action, limit }),
    undefined,
    'no audit rows',
  );
}
