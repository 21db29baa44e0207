// Per-staff sync bookkeeping: window, delta link, last results, the mass-deletion breaker.

import { addDays, dateInZone, startOfDayUtc } from '../dates.js';
import type { SyncWindow } from '../sync/ports.js';
import { getFirm } from './firm.js';
import type { Db } from './open.js';
import type { Staff } from './staff.js';

export interface SyncState {
  staffId: number;
  syncFrom: string | null;
  deltaLink: string | null;
  windowStart: string | null;
  windowEnd: string | null;
  /** The flows that were on when the delta link was read (`events,tasks,deadlines`). */
  deltaFlows: string | null;
  lastSyncAt: string | null;
  lastSuccessAt: string | null;
  lastError: string | null;
  allowDeletes: boolean;
  breaker: string | null;
  /** When every linked recurring series was last reconciled (their instances read). */
  seriesCheckedAt: string | null;
  /**
   * The last CaseFlow change (sync_changes.seq) the last committed run had read and applied, and
   * the window and settings it read under: a later run under the same reads only what changed
   * after it. null: the next run reads everything.
   */
  changeSeq: number | null;
  changeScope: string | null;
  /** The window worked out for a day (see `syncWindow`), as JSON; null: none kept. */
  windowCache: string | null;
}

export function getSyncState(db: Db, staffId: number): SyncState {
  const r = db.prepare('SELECT * FROM sync_state WHERE staff_id = ?').get(staffId) as Record<string, unknown> | undefined;
  return {
    staffId,
    syncFrom: (r?.sync_from as string | null) ?? null,
    deltaLink: (r?.delta_link as string | null) ?? null,
    windowStart: (r?.window_start as string | null) ?? null,
    windowEnd: (r?.window_end as string | null) ?? null,
    deltaFlows: (r?.delta_flows as string | null) ?? null,
    lastSyncAt: (r?.last_sync_at as string | null) ?? null,
    lastSuccessAt: (r?.last_success_at as string | null) ?? null,
    lastError: (r?.last_error as string | null) ?? null,
    allowDeletes: r?.allow_deletes === 1,
    breaker: (r?.breaker as string | null) ?? null,
    seriesCheckedAt: (r?.series_checked_at as string | null) ?? null,
    changeSeq: (r?.change_seq as number | null) ?? null,
    changeScope: (r?.change_scope as string | null) ?? null,
    windowCache: (r?.window_cache as string | null) ?? null,
  };
}

const COLUMNS: Record<keyof Omit<SyncState, 'staffId'>, string> = {
  syncFrom: 'sync_from',
  deltaLink: 'delta_link',
  windowStart: 'window_start',
  windowEnd: 'window_end',
  deltaFlows: 'delta_flows',
  lastSyncAt: 'last_sync_at',
  lastSuccessAt: 'last_success_at',
  lastError: 'last_error',
  allowDeletes: 'allow_deletes',
  breaker: 'breaker',
  seriesCheckedAt: 'series_checked_at',
  changeSeq: 'change_seq',
  changeScope: 'change_scope',
  windowCache: 'window_cache',
};

export function updateSyncState(db: Db, staffId: number, changes: Partial<Omit<SyncState, 'staffId'>>): void {
  db.prepare('INSERT INTO sync_state (staff_id) VALUES (?) ON CONFLICT (staff_id) DO NOTHING').run(staffId);
  const entries = Object.entries(changes).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return;
  const sets = entries.map(([k]) => `${COLUMNS[k as keyof typeof COLUMNS]} = @${k}`);
  const params: Record<string, unknown> = { staffId };
  for (const [k, v] of entries) params[k] = typeof v === 'boolean' ? +v : v;
  db.prepare(`UPDATE sync_state SET ${sets.join(', ')} WHERE staff_id = @staffId`).run(params);
}

/** CaseFlow's change log keeps what some staff member's next run has still to read. */
export function pruneChanges(db: Db): void {
  db.prepare('DELETE FROM sync_changes WHERE seq <= (SELECT MIN(change_seq) FROM sync_state)').run();
}

/** Forget the sync state of a staff member (disconnect): the next connect starts a fresh round. */
export function clearSyncState(db: Db, staffId: number): void {
  db.prepare('DELETE FROM sync_state WHERE staff_id = ?').run(staffId);
}

export function openConflictCount(db: Db, staffId: number): number {
  return (db.prepare("SELECT COUNT(*) AS n FROM conflicts WHERE staff_id = ? AND status = 'open'").get(staffId) as { n: number }).n;
}

/**
 * The windows worked out today, by syncFrom: a daemon cycle asks for every staff member's, and
 * the zone arithmetic behind one costs more than the rest of the lookup.
 */
let windowsOf: { day: string; today: Day | null; bySyncFrom: Map<string, SyncWindow> } = { day: '', today: null, bySyncFrom: new Map() };

/** A day in the firm's zone: its first instant and the next day's (UTC, ISO). */
interface Day {
  from: string;
  until: string;
}

/** What `syncWindow` keeps in sync_state.window_cache. */
interface WindowCache extends Day {
  key: string;
  window: SyncWindow;
}

/**
 * What a kept window was worked out from. The runtime's time-zone data is part of it: an update
 * can move a zone's offsets (https://nodejs.org/api/process.html#processversions).
 */
const cacheKey = (zone: string, horizonDays: number, syncFrom: string | null): string =>
  JSON.stringify([zone, horizonDays, syncFrom, process.versions.tz ?? '']);

/**
 * The sync window: [syncFrom, today + horizonDays] in the firm's zone, syncFrom being the start of
 * the day of first connect. It rolls forward; an event leaving it is never deleted for that.
 *
 * The first date in a zone costs the runtime its time-zone support (about 20 ms, more than a quiet
 * run's own work), so the window is kept with the day it holds for: a later call on that day,
 * under the same zone, horizon and syncFrom, takes it from the store. `remember` writes it there
 * (the sync run; `status` and `explain` only read it).
 */
export function syncWindow(db: Db, staff: Staff, now: Date, horizonDays: number, o: { remember?: boolean } = {}): SyncWindow {
  const zone = getFirm(db).timeZone;
  const state = getSyncState(db, staff.id);
  const key = cacheKey(zone, horizonDays, state.syncFrom);
  const nowMs = now.getTime();
  const kept = readCache(state.windowCache);
  if (kept && kept.key === key && Date.parse(kept.from) <= nowMs && nowMs < Date.parse(kept.until)) return { ...kept.window };
  const today = dateInZone(nowMs, zone);
  const day = `${zone} ${today} ${horizonDays}`;
  if (windowsOf.day !== day) windowsOf = { day, today: null, bySyncFrom: new Map() };
  let window = windowsOf.bySyncFrom.get(state.syncFrom ?? '');
  if (!window) windowsOf.bySyncFrom.set(state.syncFrom ?? '', (window = windowOn(today, zone, state.syncFrom, horizonDays)));
  if (o.remember) {
    const bounds = (windowsOf.today ??= { from: startOfDayUtc(today, zone), until: startOfDayUtc(addDays(today, 1), zone) });
    const cache: WindowCache = { key, ...bounds, window };
    updateSyncState(db, staff.id, { windowCache: JSON.stringify(cache) });
  }
  return { ...window };
}

/** A kept window, or null when there is none or it does not read as one (worked out again). */
function readCache(text: string | null): WindowCache | null {
  if (!text) return null;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const c = v as Record<string, unknown>;
  const w = c.window as Record<string, unknown> | null | undefined;
  const instant = (x: unknown): x is string => typeof x === 'string' && Number.isFinite(Date.parse(x));
  const date = (x: unknown): x is string => typeof x === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(x);
  if (typeof c.key !== 'string' || !instant(c.from) || !instant(c.until) || typeof w !== 'object' || w === null) return null;
  if (!instant(w.startUtc) || !instant(w.endUtc) || !date(w.startDate) || !date(w.endDate)) return null;
  return { key: c.key, from: c.from, until: c.until, window: { startUtc: w.startUtc, endUtc: w.endUtc, startDate: w.startDate, endDate: w.endDate } };
}

function windowOn(today: string, zone: string, storedSyncFrom: string | null, horizonDays: number): SyncWindow {
  const syncFrom = storedSyncFrom ?? startOfDayUtc(today, zone);
  // The end moves in 30-day steps, not daily: a moved window means a full delta round, which a
  // quiet scheduled run should not pay every midnight. It always reaches at least the horizon.
  const horizonEnd = addDays(today, horizonDays);
  const days = Math.round(Date.parse(`${horizonEnd}T00:00:00Z`) / 86_400_000);
  const endDate = addDays(horizonEnd, (30 - (days % 30)) % 30);
  return { startUtc: syncFrom, endUtc: startOfDayUtc(endDate, zone), startDate: dateInZone(Date.parse(syncFrom), zone), endDate };
}

/** What `moveSyncFromBack` did, so a run that fails can put it back. */
export interface SyncFromMove {
  staffId: number;
  /** The window's start before (a staff member never synced: the start of today). */
  before: string;
  /** The window's start now: the earlier of `before` and the start of the day `days` ago. */
  after: string;
  moved: boolean;
}

/**
 * Import: the sync window starts at the start of the day `days` days ago (firm's zone), or stays
 * where it is if it already starts earlier; it never moves forward. The next run sees a moved
 * window and reads it whole, which brings the older Outlook events in.
 */
export function moveSyncFromBack(db: Db, staff: Staff, days: number, now: Date): SyncFromMove {
  const zone = getFirm(db).timeZone;
  const today = dateInZone(now.getTime(), zone);
  const before = getSyncState(db, staff.id).syncFrom ?? startOfDayUtc(today, zone);
  const target = startOfDayUtc(addDays(today, -days), zone);
  const moved = Date.parse(target) < Date.parse(before);
  if (moved) updateSyncState(db, staff.id, { syncFrom: target });
  return { staffId: staff.id, before, after: moved ? target : before, moved };
}

/** Undoes a move whose run failed, unless something moved the start again since. */
export function putSyncFromBack(db: Db, move: SyncFromMove): void {
  if (!move.moved) return;
  db.prepare('UPDATE sync_state SET sync_from = ? WHERE staff_id = ? AND sync_from = ?').run(move.before, move.staffId, move.after);
}
