// The firm's app-only connection (at most one) and the staff mailboxes it was refused. No secret
// lives here: the private key stays in its file (or CASEFLOW_APP_CERT) and is read when needed.

import type { Db } from './open.js';

export interface AppConnection {
  clientId: string;
  tenantId: string;
  /** Hex, upper case: SHA-256 (64 digits) or SHA-1 (40). */
  thumbprint: string;
  /** The PEM file holding the private key; null: the key comes from CASEFLOW_APP_CERT. */
  certificatePath: string | null;
  connectedAt: string;
}

interface Row {
  client_id: string;
  tenant_id: string;
  thumbprint: string;
  certificate_path: string | null;
  connected_at: string;
}

export function getAppConnection(db: Db): AppConnection | null {
  const r = db.prepare('SELECT * FROM app_connection WHERE id = 1').get() as Row | undefined;
  if (!r) return null;
  return { clientId: r.client_id, tenantId: r.tenant_id, thumbprint: r.thumbprint, certificatePath: r.certificate_path, connectedAt: r.connected_at };
}

export function saveAppConnection(db: Db, a: AppConnection): void {
  db.prepare(
    `INSERT INTO app_connection (id, client_id, tenant_id, thumbprint, certificate_path, connected_at) VALUES (1, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET client_id = excluded.client_id, tenant_id = excluded.tenant_id, thumbprint = excluded.thumbprint,
       certificate_path = excluded.certificate_path, connected_at = excluded.connected_at`,
  ).run(a.clientId, a.tenantId, a.thumbprint, a.certificatePath, a.connectedAt);
}

export function deleteAppConnection(db: Db): boolean {
  db.prepare('DELETE FROM app_mailbox_denied').run();
  return db.prepare('DELETE FROM app_connection WHERE id = 1').run().changes > 0;
}

export interface MailboxDenied {
  deniedAt: string;
  detail: string;
}

export function getMailboxDenied(db: Db, staffId: number): MailboxDenied | null {
  const r = db.prepare('SELECT denied_at, detail FROM app_mailbox_denied WHERE staff_id = ?').get(staffId) as { denied_at: string; detail: string } | undefined;
  return r ? { deniedAt: r.denied_at, detail: r.detail } : null;
}

/** The first refusal's time stays: status says since when. */
export function markMailboxDenied(db: Db, staffId: number, at: string, detail: string): void {
  db.prepare(
    'INSERT INTO app_mailbox_denied (staff_id, denied_at, detail) VALUES (?, ?, ?) ON CONFLICT (staff_id) DO UPDATE SET detail = excluded.detail',
  ).run(staffId, at, detail);
}

export function clearMailboxDenied(db: Db, staffId: number): void {
  db.prepare('DELETE FROM app_mailbox_denied WHERE staff_id = ?').run(staffId);
}
