// CaseFlow-side changes waiting to go to Outlook for one staff member, counted the way the next
// scheduled run would see them (the planner's own count): `status` shows it, and the running
// daemon pushes at once for whoever has some.

import type { Db } from '../store/open.js';
import { getPrefs } from '../store/prefs.js';
import type { Staff } from '../store/staff.js';
import { storeInstanceId } from '../store/meta.js';
import { SqliteSyncStore } from '../store/sync-store.js';
import { getSyncState, syncWindow } from '../store/sync-state.js';
import { pendingCount } from '../sync/run.js';
import type { Context } from './context.js';
import { runPolicy } from './run-policy.js';

export type PendingCounter = (db: Db, staff: Staff) => number;

export function pendingFor(ctx: Pick<Context, 'now' | 'settings'>): PendingCounter {
  return (db, staff) => {
    const prefs = getPrefs(db, staff.id);
    const window = syncWindow(db, staff, ctx.now(), ctx.settings['sync.horizonDays']);
    const store = new SqliteSyncStore(db, staff, ctx.now);
    const { changeSeq, changeScope } = getSyncState(db, staff.id);
    return pendingCount({ store, staffId: staff.id, storeId: storeInstanceId(db), window, committed: { changeSeq, changeScope } }, runPolicy(ctx, prefs));
  };
}
