// The per-staff sync lock: `sync`, `import`, `conflicts resolve` and the daemon never
// run the same staff member at once. Held in the store so it works across processes; a lock
// whose process is gone (same host) or whose lease ran out is taken over.

import { hostname } from 'node:os';
import type { Db } from './open.js';

const LEASE_MS = 30 * 60_000;

export interface LockHandle {
  owner: string;
  /** Extends the lease; a long run calls it between its steps. */
  renew(): void;
  release(): void;
}

/** Whether a process of this host is alive (EPERM: alive, another user's). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock, or returns who holds it. */
export function acquireLock(db: Db, staffId: number, now: Date): LockHandle | { heldBy: string } {
  const owner = `${hostname()}:${process.pid}:${now.getTime()}`;
  return db
    .transaction((): LockHandle | { heldBy: string } => {
      db.prepare('INSERT INTO sync_state (staff_id) VALUES (?) ON CONFLICT (staff_id) DO NOTHING').run(staffId);
      const row = db.prepare('SELECT lock_owner, lock_expires_at FROM sync_state WHERE staff_id = ?').get(staffId) as {
        lock_owner: string | null;
        lock_expires_at: string | null;
      };
      if (row.lock_owner) {
        const [host, pid] = row.lock_owner.split(':');
        const expired = !row.lock_expires_at || Date.parse(row.lock_expires_at) < now.getTime();
        const orphan = host === hostname() && !alive(Number(pid));
        if (!expired && !orphan) return { heldBy: row.lock_owner };
      }
      db.prepare('UPDATE sync_state SET lock_owner = ?, lock_expires_at = ? WHERE staff_id = ?').run(
        owner,
        new Date(now.getTime() + LEASE_MS).toISOString(),
        staffId,
      );
      return {
        owner,
        renew: () => {
          db.prepare('UPDATE sync_state SET lock_expires_at = ? WHERE staff_id = ? AND lock_owner = ?').run(
            new Date(Date.now() + LEASE_MS).toISOString(),
            staffId,
            owner,
          );
        },
        release: () => {
          db.prepare('UPDATE sync_state SET lock_owner = NULL, lock_expires_at = NULL WHERE staff_id = ? AND lock_owner = ?').run(staffId, owner);
        },
      };
    })
    .immediate();
}
