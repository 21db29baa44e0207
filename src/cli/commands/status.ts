// `status [--staff <email>]`: the status JSON has stable field names; `warnings` say what needs a person.

import { getAccount } from '../../store/accounts.js';
import { listInvalidItems } from '../../store/invalid-items.js';
import { getFirm, outlookEnabled } from '../../store/firm.js';
import type { Db } from '../../store/open.js';
import { getPrefs, type Prefs } from '../../store/prefs.js';
import { listStaff, requireStaff, type Staff } from '../../store/staff.js';
import { getSyncState, openConflictCount, syncWindow } from '../../store/sync-state.js';
import type { Context } from '../context.js';
import { listing, record, type Output } from '../output.js';
import { SqliteSyncStore } from '../../store/sync-store.js';
import { pendingCount } from '../../sync/run.js';
import { storeInstanceId } from '../../store/meta.js';
import { runPolicy } from '../run-policy.js';

import { email, yesNo } from './common.js';

export interface StatusJson {
  staff: string;
  connected: boolean;
  account: string | null;
  connectedSince: string | null;
  needsReconnect: boolean;
  prefs: Prefs;
  syncFrom: string | null;
  lastSyncAt: string | null;
  lastSuccessAt: string | null;
  lastError: string | null;
  pending: number;
  openConflicts: number;
  warnings: string[];
}

const DAY = 86_400_000;

export type PendingCounter = (db: Db, staff: Staff) => number;

export function statusOf(db: Db, staff: Staff, now: Date, pending: PendingCounter = () => 0): StatusJson {
  const account = getAccount(db, staff.id);
  const state = getSyncState(db, staff.id);
  const firm = getFirm(db);
  const warnings: string[] = [];
  if (!outlookEnabled(firm)) warnings.push('Outlook sync is not enabled for this firm (Multi-Practice plan with the private beta): contact support');
  if (account?.needsReconnect) warnings.push(`sign-in expired or revoked: run caseflow-outlook connect --staff ${staff.email} --force`);
  if (account && !account.needsReconnect && now.getTime() - Date.parse(account.lastRefreshAt) >= 60 * DAY) {
    // Microsoft expires refresh tokens after 90 days of inactivity:
    // https://learn.microsoft.com/entra/identity-platform/refresh-tokens#token-lifetime
    warnings.push(`sign-in not refreshed since ${account.lastRefreshAt.slice(0, 10)}: Microsoft expires it after 90 days of inactivity; run caseflow-outlook sync --staff ${staff.email}`);
  }
  const failing = (db.prepare('SELECT COUNT(*) AS n FROM links WHERE staff_id = ? AND fail_count >= 3').get(staff.id) as { n: number }).n;
  if (failing > 0) warnings.push(`${failing} item(s) failed to sync three runs in a row: see caseflow-outlook audit --staff ${staff.email} and the last error`);
  for (const bad of listInvalidItems(db, staff.id)) {
    warnings.push(`Outlook event ${bad.outlookId} could not be read since ${bad.firstSeenAt.slice(0, 16)}Z (${bad.problem}); it is skipped and read again every run: fix or delete it in Outlook`);
  }
  const recurring = (db.prepare('SELECT COUNT(*) AS n FROM events WHERE staff_id = ? AND recurrence IS NOT NULL').get(staff.id) as { n: number }).n;
  // Recurring events created in CaseFlow are not pushed; say so where people look.
  if (recurring > 0) warnings.push(`${recurring} recurring event(s) created in CaseFlow are not pushed to Outlook (recurring events sync only when made in Outlook)`);
  if (state.breaker) warnings.push(`deletions held by the mass-deletion breaker: ${state.breaker}; run caseflow-outlook sync --staff ${staff.email} --allow-deletes`);
  return {
    staff: staff.email,
    connected: account !== null,
    account: account?.username ?? null,
    connectedSince: account?.connectedAt ?? null,
    needsReconnect: account?.needsReconnect ?? false,
    prefs: getPrefs(db, staff.id),
    syncFrom: state.syncFrom,
    lastSyncAt: state.lastSyncAt,
    lastSuccessAt: state.lastSuccessAt,
    lastError: state.lastError,
    pending: account ? pending(db, staff) : 0,
    openConflicts: openConflictCount(db, staff.id),
    warnings,
  };
}

function connection(s: StatusJson): string {
  if (!s.connected) return 'not connected';
  return s.needsReconnect ? `needs reconnect (${s.account})` : `connected as ${s.account}`;
}

export async function status(ctx: Context, opts: { staff?: string }): Promise<Output> {
  const db = ctx.db();
  const pending = syncPending(ctx);
  const now = ctx.now();
  if (opts.staff !== undefined) {
    const s = statusOf(db, requireStaff(db, email(opts.staff, '--staff')), now, pending);
    return record(
      [
        ['staff', s.staff],
        ['connection', connection(s), s.connected ? (s.needsReconnect ? 'bad' : 'good') : 'dim'],
        ['connected since', s.connectedSince ?? ''],
        ['sync enabled', yesNo(s.prefs.enabled)],
        ['events / tasks / deadlines', [s.prefs.events, s.prefs.tasks, s.prefs.deadlines].map(yesNo).join(' / ')],
        ['sync from', s.syncFrom ?? ''],
        ['last sync', s.lastSyncAt ?? 'never'],
        ['last success', s.lastSuccessAt ?? 'never'],
        ['last error', s.lastError ?? '', s.lastError ? 'bad' : undefined],
        ['pending', String(s.pending)],
        ['open conflicts', String(s.openConflicts), s.openConflicts ? 'warn' : undefined],
      ],
      s,
      s.warnings.map((w) => `warning: ${w}`),
    );
  }
  const all = listStaff(db).map((staff) => statusOf(db, staff, now, pending));
  return listing<StatusJson>(
    [
      { header: 'STAFF', value: (s) => s.staff },
      { header: 'CONNECTION', value: connection, tone: (s) => (s.connected ? (s.needsReconnect ? 'bad' : 'good') : 'dim') },
      { header: 'ENABLED', value: (s) => yesNo(s.prefs.enabled) },
      { header: 'LAST SYNC', value: (s) => s.lastSyncAt ?? 'never' },
      { header: 'LAST ERROR', value: (s) => s.lastError ?? '', tone: (s) => (s.lastError ? 'bad' : undefined) },
      { header: 'PENDING', value: (s) => String(s.pending) },
      { header: 'CONFLICTS', value: (s) => String(s.openConflicts) },
      // A pipe gets the warnings themselves in the row; a TTY table counts them and lists them
      // after the table, where a long sentence does not stretch every row.
      { header: 'WARNINGS', value: (s) => s.warnings.join(' | '), short: (s) => String(s.warnings.length), tone: (s) => (s.warnings.length ? 'warn' : undefined) },
    ],
    all,
    all,
    'no staff members yet',
    all.flatMap((s) => s.warnings.map((w) => `warning: ${s.staff}: ${w}`)),
  );
}

/** Pending CaseFlow-side changes, counted the way the next scheduled run would see them. */
function syncPending(ctx: Context): PendingCounter {
  return (db, staff) => {
    const prefs = getPrefs(db, staff.id);
    const window = syncWindow(db, staff, ctx.now(), ctx.settings['sync.horizonDays']);
    const store = new SqliteSyncStore(db, staff, ctx.now);
    return pendingCount({ store, staffId: staff.id, storeId: storeInstanceId(db), window }, runPolicy(ctx, prefs));
  };
}
