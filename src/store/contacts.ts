// People outside the firm, with any number of emails, for attendee matching.

import type { Db } from './open.js';

export interface Contact {
  id: number;
  name: string;
  emails: string[];
  createdAt: string;
}

export function addContact(db: Db, name: string, emails: string[], now: string): Contact {
  const id = Number(db.prepare('INSERT INTO contacts (name, created_at) VALUES (?, ?)').run(name, now).lastInsertRowid);
  const insert = db.prepare('INSERT INTO contact_emails (contact_id, email, position) VALUES (?, ?, ?)');
  emails.forEach((email, i) => insert.run(id, email, i));
  return { id, name, emails, createdAt: now };
}

export function listContacts(db: Db): Contact[] {
  const rows = db.prepare('SELECT id, name, created_at FROM contacts ORDER BY name, id').all() as {
    id: number;
    name: string;
    created_at: string;
  }[];
  const emails = db.prepare('SELECT contact_id, email FROM contact_emails ORDER BY contact_id, position').all() as {
    contact_id: number;
    email: string;
  }[];
  const byContact = new Map<number, string[]>();
  for (const e of emails) byContact.set(e.contact_id, [...(byContact.get(e.contact_id) ?? []), e.email]);
  return rows.map((r) => ({ id: r.id, name: r.name, emails: byContact.get(r.id) ?? [], createdAt: r.created_at }));
}

export type EmailOwner = { type: 'staff'; id: number; name: string } | { type: 'contact'; id: number; name: string };

/** Who an email belongs to: a staff member, or a contact by any of their emails (case-insensitive). */
export function ownerOfEmail(db: Db, email: string): EmailOwner | null {
  const staff = db.prepare('SELECT id, name FROM staff WHERE email = ?').get(email) as { id: number; name: string } | undefined;
  if (staff) return { type: 'staff', ...staff };
  const contact = db
    .prepare('SELECT c.id, c.name FROM contact_emails e JOIN contacts c ON c.id = e.contact_id WHERE e.email = ? ORDER BY c.id LIMIT 1')
    .get(email) as { id: number; name: string } | undefined;
  return contact ? { type: 'contact', ...contact } : null;
}
