// What this store's processes spent of Outlook's request budget, per mailbox (migration 8): the
// persistence of src/graph/budget.ts. One small row per process and mailbox, written at most once a
// second; reads and writes are one statement each.

import type { BudgetPersistence, Spend } from '../graph/budget.js';
import type { Db } from './open.js';

function parse(text: string): Spend[] {
  try {
    const value: unknown = JSON.parse(text);
    if (!Array.isArray(value)) return [];
    return value.filter((e): e is Spend => Array.isArray(e) && e.length === 2 && Number.isFinite(e[0]) && Number.isInteger(e[1]) && e[1] > 0);
  } catch {
    return [];
  }
}

/** Every process's spend on a mailbox within the window (`except` one owner), oldest first. */
export function spentOn(db: Db, mailbox: string, windowMs: number, nowMs: number, except = ''): Spend[] {
  const rows = db
    .prepare('SELECT spent FROM graph_budget WHERE mailbox = ? AND owner <> ? AND updated_ms > ?')
    .pluck()
    .all(mailbox.toLowerCase(), except, nowMs - windowMs) as string[];
  return rows.flatMap(parse).filter(([at]) => at > nowMs - windowMs).sort((a, b) => a[0] - b[0]);
}

export function budgetPersistence(db: Db, mailbox: string, owner: string, windowMs: number, nowMs: () => number = Date.now): BudgetPersistence {
  const key = mailbox.toLowerCase();
  const upsert = db.prepare(`
    INSERT INTO graph_budget (mailbox, owner, spent, updated_ms) VALUES (?, ?, ?, ?)
    ON CONFLICT (mailbox, owner) DO UPDATE SET spent = excluded.spent, updated_ms = excluded.updated_ms`);
  const stale = db.prepare('DELETE FROM graph_budget WHERE mailbox = ? AND updated_ms <= ?');
  return {
    load: () => spentOn(db, key, windowMs, nowMs(), owner),
    save: (own) => {
      const now = nowMs();
      db.transaction(() => {
        stale.run(key, now - windowMs);
        upsert.run(key, owner, JSON.stringify(own), now);
      })();
      return spentOn(db, key, windowMs, now, owner);
    },
  };
}
