// How a staff member's mailbox is reached: their own sign-in (delegated), or the firm's app-only
// connection (`/users/{email}`). Their own sign-in wins, even one that must be renewed: it is
// reported as such rather than quietly replaced by the firm's.

import { getAccount, type Account } from './accounts.js';
import { getAppConnection, type AppConnection } from './app-connection.js';
import type { Db } from './open.js';

export type Connection = { via: 'sign-in'; account: Account } | { via: 'app'; app: AppConnection };
export type ConnectedVia = Connection['via'];

export function connectionOf(db: Db, staffId: number): Connection | null {
  const account = getAccount(db, staffId);
  if (account) return { via: 'sign-in', account };
  const app = getAppConnection(db);
  return app ? { via: 'app', app } : null;
}

/** Whether the mailbox can be synced now: a standing sign-in of their own, or the firm's connection. */
export function standingConnection(db: Db, staffId: number): boolean {
  const c = connectionOf(db, staffId);
  return c !== null && !(c.via === 'sign-in' && c.account.needsReconnect);
}
