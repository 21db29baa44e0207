// `contacts add` / `contacts list`: people outside the firm, any number of emails each.

import { UsageError } from '../../errors.js';
import { addContact, listContacts, type Contact } from '../../store/contacts.js';
import { inTransaction } from '../../store/open.js';
import type { Context } from '../context.js';
import { listing, record, type Output } from '../output.js';
import { auditCli, email, text } from './common.js';

export async function add(ctx: Context, opts: { name: string; email: string; altEmail?: string[] }): Promise<Output> {
  const name = text(opts.name, '--name', { required: true, max: 200 });
  const emails = [email(opts.email, '--email'), ...(opts.altEmail ?? []).map((e) => email(e, '--alt-email'))];
  const unique = [...new Set(emails)];
  if (unique.length !== emails.length) {
    throw new UsageError('--email and --alt-email must all be different addresses', { hint: 'give each address once (case does not count): --email for the main one, --alt-email for each other' });
  }
  const db = ctx.db();
  const contact = inTransaction(db, () => {
    const created = addContact(db, name, unique, ctx.now().toISOString());
    auditCli(ctx, { staffId: null, staffEmail: null, direction: 'none', action: 'contact.add', kind: 'contact', summary: `contact added: ${name}` });
    return created;
  });
  return record([['id', String(contact.id)], ['name', contact.name], ['emails', contact.emails.join(', ')]], contact);
}

export async function list(ctx: Context): Promise<Output> {
  return listing<Contact>(
    [
      { header: 'ID', value: (c) => String(c.id) },
      { header: 'NAME', value: (c) => c.name },
      { header: 'EMAILS', value: (c) => c.emails.join(', ') },
    ],
    listContacts(ctx.db()),
    undefined,
    'no contacts yet',
  );
}
