// Facts about the store itself, kept in the store (so a backup carries them).

import type { Db } from './open.js';

/**
 * This store's instance id: 32 hex digits created once, with the store. It is part of every tag
 * and transactionId the tool puts into Outlook, so a different store never takes our events for
 * its own, and a copy restored from a backup still knows them. See docs/identity.md.
 */
export function storeInstanceId(db: Db): string {
  const row = db.prepare(`SELECT value FROM store_meta WHERE key = 'instance_id'`).get() as { value: string } | undefined;
  if (!row) throw new Error('the store has no instance id (store_meta): was it migrated?');
  return row.value;
}
