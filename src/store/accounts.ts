// Connected Microsoft accounts, one per staff member. The token cache column holds ciphertext only.

import type { Db } from './open.js';

export interface Account {
  staffId: number;
  homeAccountId: string;
  username: string;
  tokenCache: Buffer;
  connectedAt: string;
  lastRefreshAt: string;
  needsReconnect: boolean;
  reconnectReason: string | null;
  /** Sealed: the last access token MSAL gave from `tokenCache`, for runs in other processes. */
  freshToken: Buffer | null;
}

interface Row {
  staff_id: number;
  home_account_id: string;
  username: string;
  token_cache: Buffer;
  connected_at: string;
  last_refresh_at: string;
  needs_reconnect: number;
  reconnect_reason: string | null;
  fresh_token: Buffer | null;
}

export function getAccount(db: Db, staffId: number): Account | null {
  const r = db.prepare('SELECT * FROM accounts WHERE staff_id = ?').get(staffId) as Row | undefined;
  if (!r) return null;
  return {
    staffId: r.staff_id,
    homeAccountId: r.home_account_id,
    username: r.username,
    tokenCache: r.token_cache,
    connectedAt: r.connected_at,
    lastRefreshAt: r.last_refresh_at,
    needsReconnect: r.needs_reconnect === 1,
    reconnectReason: r.reconnect_reason,
    freshToken: r.fresh_token,
  };
}

export function saveAccount(db: Db, a: Omit<Account, 'needsReconnect' | 'reconnectReason' | 'freshToken'>): void {
  db.prepare(
    `INSERT INTO accounts (staff_id, home_account_id, username, token_cache, connected_at, last_refresh_at, needs_reconnect, reconnect_reason)
     VALUES (?, ?, ?, ?, ?, ?, 0, NULL)
     ON CONFLICT (staff_id) DO UPDATE SET home_account_id = excluded.home_account_id, username = excluded.username,
       token_cache = excluded.token_cache, connected_at = excluded.connected_at, last_refresh_at = excluded.last_refresh_at,
       needs_reconnect = 0, reconnect_reason = NULL, fresh_token = NULL`,
  ).run(a.staffId, a.homeAccountId, a.username, a.tokenCache, a.connectedAt, a.lastRefreshAt);
}

export function updateTokenCache(db: Db, staffId: number, tokenCache: Buffer, refreshedAt: string | null): void {
  if (refreshedAt) {
    db.prepare('UPDATE accounts SET token_cache = ?, last_refresh_at = ?, fresh_token = NULL WHERE staff_id = ?').run(tokenCache, refreshedAt, staffId);
  } else {
    db.prepare('UPDATE accounts SET token_cache = ?, fresh_token = NULL WHERE staff_id = ?').run(tokenCache, staffId);
  }
}

/**
 * Keeps an access token beside the cache it came from: only while the row still holds that very
 * cache (another process may have replaced it meanwhile).
 */
export function saveFreshToken(db: Db, staffId: number, fromCache: Buffer, sealed: Buffer): void {
  db.prepare('UPDATE accounts SET fresh_token = ? WHERE staff_id = ? AND token_cache = ?').run(sealed, staffId, fromCache);
}

/** Forgets the kept access token (Graph refused it). */
export function forgetFreshToken(db: Db, staffId: number): void {
  db.prepare('UPDATE accounts SET fresh_token = NULL WHERE staff_id = ?').run(staffId);
}

export function markNeedsReconnect(db: Db, staffId: number, reason: string): void {
  db.prepare('UPDATE accounts SET needs_reconnect = 1, reconnect_reason = ? WHERE staff_id = ?').run(reason, staffId);
}

export function deleteAccount(db: Db, staffId: number): boolean {
  return db.prepare('DELETE FROM accounts WHERE staff_id = ?').run(staffId).changes > 0;
}
