// `status [--staff <email>]`: the status JSON has stable field names; `warnings` say what needs a person.
// With the daemon running, each staff member's next run and backoff, and the daemon's heartbeat.

import { getAppConnection, getMailboxDenied } from '../../store/app-connection.js';
import { connectionOf, type ConnectedVia } from '../../store/connections.js';
import { daemonRunning, getBackoff, readDaemon, type DaemonRow } from '../../store/daemon-lock.js';
import { listInvalidItems } from '../../store/invalid-items.js';
import { getFirm, outlookEnabled } from '../../store/firm.js';
import type { Db } from '../../store/open.js';
import { getPrefs, type Prefs } from '../../store/prefs.js';
import { listStaff, requireStaff, type Staff } from '../../store/staff.js';
import { getSyncState, openConflictCount } from '../../store/sync-state.js';
import type { Context } from '../context.js';
import { listing, record, type Output } from '../output.js';
import { paceText, pendingEstimateMs } from '../pace.js';
import { pendingFor, type PendingCounter } from '../pending.js';

import { email, yesNo } from './common.js';

/** The daemon as its lock row tells it: what a monitoring check reads. */
export interface DaemonJson {
  running: boolean;
  pid: number;
  host: string;
  mode: 'loop' | 'once';
  startedAt: string;
  heartbeatAt: string;
  lastCycleStartedAt: string | null;
  lastCycleEndedAt: string | null;
  /** When the next scheduled cycle starts; null when no daemon is running. */
  nextCycleAt: string | null;
}

export interface StatusJson {
  staff: string;
  connected: boolean;
  /** How: their own sign-in (`sign-in`), or the firm's app-only connection (`app`); null: not connected. */
  connectedVia: ConnectedVia | null;
  /** The Microsoft account signed in, or for app-only the mailbox reached (`/users/{email}`). */
  account: string | null;
  connectedSince: string | null;
  needsReconnect: boolean;
  prefs: Prefs;
  syncFrom: string | null;
  lastSyncAt: string | null;
  lastSuccessAt: string | null;
  lastError: string | null;
  pending: number;
  /**
   * When Outlook's request budget for the mailbox holds the pending writes back: about how many
   * seconds they take at its pace. null when the budget has room for them all now.
   */
  pendingEstimateSeconds: number | null;
  openConflicts: number;
  /** When the running daemon next syncs them (null: no daemon runs, or it would skip them). */
  nextRunAt: string | null;
  /** The running daemon backs off from them after transient failures in a row. */
  backoff: { failures: number; until: string; lastError: string | null } | null;
  daemon: DaemonJson | null;
  warnings: string[];
}

const DAY = 86_400_000;

/** The daemon row read once for a status answer; its heartbeat is judged by the real clock. */
export function daemonOf(db: Db, nowMs = Date.now()): DaemonJson | null {
  const row: DaemonRow | null = readDaemon(db);
  if (!row) return null;
  const running = daemonRunning(row, nowMs);
  return {
    running,
    pid: row.pid,
    host: row.host,
    mode: row.mode,
    startedAt: row.startedAt,
    heartbeatAt: row.heartbeatAt,
    lastCycleStartedAt: row.lastCycleStartedAt,
    lastCycleEndedAt: row.lastCycleEndedAt,
    nextCycleAt: running ? row.nextCycleAt : null,
  };
}

/** How long pending writes take at Graph's pace, in seconds (0: not held back by the budget). */
export type PaceEstimate = (db: Db, staff: Staff, pending: number) => number;

export function statusOf(
  db: Db,
  staff: Staff,
  now: Date,
  pending: PendingCounter = () => 0,
  daemon: DaemonJson | null = daemonOf(db),
  pace: PaceEstimate = () => 0,
): StatusJson {
  const connection = connectionOf(db, staff.id);
  const account = connection?.via === 'sign-in' ? connection.account : null;
  const state = getSyncState(db, staff.id);
  const firm = getFirm(db);
  const warnings: string[] = [];
  if (!outlookEnabled(firm)) warnings.push('Outlook sync is not enabled for this firm (Multi-Practice plan with the private beta): contact support');
  if (account?.needsReconnect) {
    const instead = getAppConnection(db) ? ` (or caseflow-outlook disconnect --staff ${staff.email} to leave them to the firm's app-only connection)` : '';
    warnings.push(`sign-in expired or revoked: run caseflow-outlook connect --staff ${staff.email} --force${instead}`);
  }
  const denied = connection?.via === 'app' ? getMailboxDenied(db, staff.id) : null;
  if (denied) {
    warnings.push(
      `the firm's app-only connection cannot reach this mailbox since ${denied.deniedAt.slice(0, 16)}Z (${denied.detail}): add ${staff.email} to the mail-enabled security group of the app's RBAC for Applications scope, or let them sign in: caseflow-outlook connect --staff ${staff.email}`,
    );
  }
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
  const looping = daemon?.running === true && daemon.mode === 'loop';
  const b = looping ? getBackoff(db, staff.id) : null;
  const backoff = b && { failures: b.failures, until: b.until, lastError: b.lastError };
  if (backoff) warnings.push(`the daemon backs off after ${backoff.failures} failed runs in a row and tries again from about ${backoff.until}: ${backoff.lastError ?? 'see the last error'}`);
  const standing = connection !== null && !(account?.needsReconnect ?? false);
  const syncs = standing && getPrefs(db, staff.id).enabled && outlookEnabled(firm);
  const next = looping && syncs ? daemon.nextCycleAt : null;
  const pendingNow = connection ? pending(db, staff) : 0;
  const paceMs = pace(db, staff, pendingNow);
  return {
    staff: staff.email,
    connected: connection !== null,
    connectedVia: connection?.via ?? null,
    account: connection === null ? null : connection.via === 'sign-in' ? connection.account.username : staff.email,
    connectedSince: connection === null ? null : connection.via === 'sign-in' ? connection.account.connectedAt : connection.app.connectedAt,
    needsReconnect: account?.needsReconnect ?? false,
    prefs: getPrefs(db, staff.id),
    syncFrom: state.syncFrom,
    lastSyncAt: state.lastSyncAt,
    lastSuccessAt: state.lastSuccessAt,
    lastError: state.lastError,
    pending: pendingNow,
    pendingEstimateSeconds: paceMs > 0 ? Math.ceil(paceMs / 1000) : null,
    openConflicts: openConflictCount(db, staff.id),
    nextRunAt: next && backoff && backoff.until > next ? backoff.until : next,
    backoff,
    daemon,
    warnings,
  };
}

function connection(s: StatusJson): string {
  if (!s.connected) return 'not connected';
  if (s.connectedVia === 'app') return `app-only (the firm's connection), mailbox ${s.account}`;
  return s.needsReconnect ? `needs reconnect (${s.account})` : `connected as ${s.account}`;
}

export async function status(ctx: Context, opts: { staff?: string }): Promise<Output> {
  const db = ctx.db();
  const pending = pendingFor(ctx);
  const now = ctx.now();
  const daemon = daemonOf(db);
  const pace: PaceEstimate = (d, staff, n) => pendingEstimateMs(ctx, d, staff, n);
  if (opts.staff !== undefined) {
    const s = statusOf(db, requireStaff(db, email(opts.staff, '--staff')), now, pending, daemon, pace);
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
        ['pending', pendingText(s)],
        ['open conflicts', String(s.openConflicts), s.openConflicts ? 'warn' : undefined],
        ['next run', nextRun(s)],
        ['backoff', backoffText(s), s.backoff ? 'warn' : undefined],
        ['daemon', daemonText(s.daemon), s.daemon?.running ? 'good' : 'dim'],
      ],
      s,
      s.warnings.map((w) => `warning: ${w}`),
    );
  }
  const all = listStaff(db).map((staff) => statusOf(db, staff, now, pending, daemon, pace));
  return listing<StatusJson>(
    [
      { header: 'STAFF', value: (s) => s.staff },
      { header: 'CONNECTION', value: connection, tone: (s) => (s.connected ? (s.needsReconnect ? 'bad' : 'good') : 'dim') },
      { header: 'ENABLED', value: (s) => yesNo(s.prefs.enabled) },
      { header: 'LAST SYNC', value: (s) => s.lastSyncAt ?? 'never' },
      { header: 'LAST SUCCESS', value: (s) => s.lastSuccessAt ?? 'never' },
      { header: 'NEXT RUN', value: nextRun },
      { header: 'BACKOFF', value: backoffText, tone: (s) => (s.backoff ? 'warn' : undefined) },
      { header: 'LAST ERROR', value: (s) => s.lastError ?? '', tone: (s) => (s.lastError ? 'bad' : undefined) },
      { header: 'PENDING', value: pendingText, short: (s) => String(s.pending) },
      { header: 'CONFLICTS', value: (s) => String(s.openConflicts) },
      // A pipe gets the warnings themselves in the row; a TTY table counts them and lists them
      // after the table, where a long sentence does not stretch every row.
      { header: 'WARNINGS', value: (s) => s.warnings.join(' | '), short: (s) => String(s.warnings.length), tone: (s) => (s.warnings.length ? 'warn' : undefined) },
    ],
    all,
    all,
    'no staff members yet',
    [
      ...all.flatMap((s) => s.warnings.map((w) => `warning: ${s.staff}: ${w}`)),
      ...all.flatMap((s) => (s.pendingEstimateSeconds === null ? [] : [`${s.staff}: ${paceText(s.pending, s.pendingEstimateSeconds * 1000)}`])),
      `daemon: ${daemonText(daemon)}`,
    ],
  );
}

/** `1240`, or `1,240 writes pending: about 4 min at Graph's pace` when the budget holds them back. */
const pendingText = (s: StatusJson) => (s.pendingEstimateSeconds === null ? String(s.pending) : paceText(s.pending, s.pendingEstimateSeconds * 1000));

const nextRun = (s: StatusJson) => s.nextRunAt ?? (s.daemon?.running && s.daemon.mode === 'loop' ? 'not scheduled' : 'no daemon running');

const backoffText = (s: StatusJson) => (s.backoff ? `${s.backoff.failures} failures, until ${s.backoff.until}` : '');

function daemonText(d: DaemonJson | null): string {
  if (!d) return 'never run on this store';
  const cycles = `last cycle started ${d.lastCycleStartedAt ?? 'never'}, ended ${d.lastCycleEndedAt ?? 'never'}`;
  if (!d.running) return `not running (last: pid ${d.pid} on ${d.host}, ${d.mode === 'once' ? 'daemon --once' : 'daemon'}; ${cycles})`;
  if (d.mode === 'once') return `daemon --once running: pid ${d.pid} on ${d.host}, started ${d.startedAt}`;
  return `running: pid ${d.pid} on ${d.host} since ${d.startedAt}; ${cycles}; next cycle ${d.nextCycleAt ?? 'not yet scheduled'}`;
}

