// The daemon lock: one row naming the daemon that runs on this store (pid, host, heartbeat, its
// cycle times), so a second one refuses to start and a monitoring check can read how it is doing.
// A row whose process is gone (same host), or whose heartbeat is older than three of its
// intervals, is free to take over. Also the staff members the daemon is backing off from.
// Times here are the real clock's (milliseconds since the epoch), never a clock fixed for tests.

import { hostname } from 'node:os';
import { alive } from './lock.js';
import type { Db } from './open.js';

/** A heartbeat older than this many of the holder's intervals means the holder is gone. */
export const STALE_INTERVALS = 3;

export type DaemonMode = 'loop' | 'once';

export interface DaemonRow {
  pid: number;
  host: string;
  mode: DaemonMode;
  startedAt: string;
  heartbeatAt: string;
  intervalMs: number;
  lastCycleStartedAt: string | null;
  lastCycleEndedAt: string | null;
  nextCycleAt: string | null;
  stoppedAt: string | null;
}

export interface BackoffRow {
  staffId: number;
  failures: number;
  until: string;
  lastError: string | null;
}


const iso = (ms: number) => new Date(ms).toISOString();

export function readDaemon(db: Db): DaemonRow | null {
  const r = db.prepare('SELECT * FROM daemon_lock WHERE id = 1').get() as Record<string, unknown> | undefined;
  if (!r) return null;
  return {
    pid: r.pid as number,
    host: r.host as string,
    mode: r.mode as DaemonMode,
    startedAt: r.started_at as string,
    heartbeatAt: r.heartbeat_at as string,
    intervalMs: r.interval_ms as number,
    lastCycleStartedAt: (r.last_cycle_started_at as string | null) ?? null,
    lastCycleEndedAt: (r.last_cycle_ended_at as string | null) ?? null,
    nextCycleAt: (r.next_cycle_at as string | null) ?? null,
    stoppedAt: (r.stopped_at as string | null) ?? null,
  };
}

/**
 * Whether the daemon a row names is still running: not stopped, its heartbeat younger than three
 * of its intervals, and, on this host, its process alive. The one rule `status` and the lock use.
 */
export function daemonRunning(row: DaemonRow | null, nowMs: number, isAlive: (pid: number) => boolean = alive): boolean {
  if (!row || row.stoppedAt !== null) return false;
  if (nowMs - Date.parse(row.heartbeatAt) > STALE_INTERVALS * row.intervalMs) return false;
  return row.host !== hostname() || isAlive(row.pid);
}

export interface DaemonLock {
  /** Renews the heartbeat, with the cycle times that changed; false when another daemon took the lock over. */
  beat(times?: { lastCycleStartedAt?: number; lastCycleEndedAt?: number; nextCycleAt?: number | null; intervalMs?: number }, nowMs?: number): boolean;
  /** Marks the row stopped (it stays, for its last cycle times) and forgets the backoffs. */
  release(nowMs?: number): void;
}

export interface AcquireOptions {
  mode: DaemonMode;
  intervalMs: number;
  nowMs: number;
  pid?: number;
  host?: string;
  isAlive?: (pid: number) => boolean;
}

/**
 * Takes the daemon lock, or returns the row of the daemon that holds it. A row naming this very
 * process is a leftover of an earlier life of the same pid (a container's pid 1): taken over.
 */
export function acquireDaemonLock(db: Db, o: AcquireOptions): DaemonLock | { heldBy: DaemonRow } {
  const pid = o.pid ?? process.pid;
  const host = o.host ?? hostname();
  const startedAt = iso(o.nowMs);
  return db
    .transaction((): DaemonLock | { heldBy: DaemonRow } => {
      const row = readDaemon(db);
      const ours = row !== null && row.pid === pid && row.host === host;
      if (row && !ours && daemonRunning(row, o.nowMs, o.isAlive)) return { heldBy: row };
      db.prepare(
        `INSERT INTO daemon_lock (id, pid, host, mode, started_at, heartbeat_at, interval_ms, last_cycle_started_at, last_cycle_ended_at, next_cycle_at, stopped_at)
         VALUES (1, @pid, @host, @mode, @startedAt, @startedAt, @intervalMs, NULL, NULL, NULL, NULL)
         ON CONFLICT (id) DO UPDATE SET pid = @pid, host = @host, mode = @mode, started_at = @startedAt, heartbeat_at = @startedAt,
           interval_ms = @intervalMs, last_cycle_started_at = NULL, last_cycle_ended_at = NULL, next_cycle_at = NULL, stopped_at = NULL`,
      ).run({ pid, host, mode: o.mode, startedAt, intervalMs: Math.round(o.intervalMs) });
      db.prepare('DELETE FROM daemon_backoff').run();
      const where = 'WHERE id = 1 AND pid = ? AND host = ? AND started_at = ?';
      const owner = [pid, host, startedAt];
      return {
        beat: (times = {}, nowMs = Date.now()) => {
          const fields: [string, unknown][] = [['heartbeat_at', iso(nowMs)]];
          if (times.lastCycleStartedAt !== undefined) fields.push(['last_cycle_started_at', iso(times.lastCycleStartedAt)]);
          if (times.lastCycleEndedAt !== undefined) fields.push(['last_cycle_ended_at', iso(times.lastCycleEndedAt)]);
          if (times.nextCycleAt !== undefined) fields.push(['next_cycle_at', times.nextCycleAt === null ? null : iso(times.nextCycleAt)]);
          if (times.intervalMs !== undefined) fields.push(['interval_ms', Math.round(times.intervalMs)]);
          const sets = fields.map(([column]) => `${column} = ?`).join(', ');
          return db.prepare(`UPDATE daemon_lock SET ${sets} ${where}`).run(...fields.map(([, v]) => v), ...owner).changes === 1;
        },
        release: (nowMs = Date.now()) => {
          db.transaction(() => {
            const done = db.prepare(`UPDATE daemon_lock SET stopped_at = ?, next_cycle_at = NULL ${where}`).run(iso(nowMs), ...owner);
            if (done.changes === 1) db.prepare('DELETE FROM daemon_backoff').run();
          }).immediate();
        },
      };
    })
    .immediate();
}

export function saveBackoff(db: Db, staffId: number, entry: { failures: number; untilMs: number; lastError: string | null } | null): void {
  if (entry === null) {
    db.prepare('DELETE FROM daemon_backoff WHERE staff_id = ?').run(staffId);
    return;
  }
  db.prepare(
    `INSERT INTO daemon_backoff (staff_id, failures, until, last_error) VALUES (@staffId, @failures, @until, @lastError)
     ON CONFLICT (staff_id) DO UPDATE SET failures = @failures, until = @until, last_error = @lastError`,
  ).run({ staffId, failures: entry.failures, until: iso(entry.untilMs), lastError: entry.lastError === null ? null : entry.lastError.slice(0, 2000) });
}

export function getBackoff(db: Db, staffId: number): BackoffRow | null {
  const r = db.prepare('SELECT * FROM daemon_backoff WHERE staff_id = ?').get(staffId) as Record<string, unknown> | undefined;
  return r ? { staffId, failures: r.failures as number, until: r.until as string, lastError: (r.last_error as string | null) ?? null } : null;
}
