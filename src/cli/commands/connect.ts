// `connect --staff [--force]` (device-code sign-in) and `disconnect --staff`.

import { UsageError } from '../../errors.js';
import { deviceCodeSignIn } from '../../auth/device-code.js';
import { requireClientId } from '../../auth/msal.js';
import { encrypt, loadKey } from '../../auth/secrets.js';
import { dateInZone, startOfDayUtc } from '../../dates.js';
import { deleteAccount, getAccount, saveAccount } from '../../store/accounts.js';
import { assertOutlookEnabled, getFirm } from '../../store/firm.js';
import { inTransaction } from '../../store/open.js';
import { requireStaff } from '../../store/staff.js';
import { clearSyncState, getSyncState, updateSyncState } from '../../store/sync-state.js';
import { clearInvalidItems } from '../../store/invalid-items.js';
import type { Context } from '../context.js';
import { message, record, type Output } from '../output.js';
import { createSpinner } from '../spinner.js';
import { auditCli, email } from './common.js';

export const REVOKE_HINT = 'to revoke the grant itself, remove the app under My Apps (https://myapps.microsoft.com) or ask your Microsoft 365 admin';

export async function connect(ctx: Context, opts: { staff: string; force?: boolean }): Promise<Output> {
  const db = ctx.db();
  const staff = requireStaff(db, email(opts.staff, '--staff'));
  assertOutlookEnabled(db);
  const existing = getAccount(db, staff.id);
  if (existing && !existing.needsReconnect && !opts.force) {
    return record(
      [
        ['staff', staff.email],
        ['connection', `already connected as ${existing.username}`, 'good'],
        ['connected since', existing.connectedAt],
      ],
      { staff: staff.email, connected: true, account: existing.username, connectedAt: existing.connectedAt, changed: false },
      [`to sign in again: caseflow-outlook connect --staff ${staff.email} --force`],
    );
  }
  const settings = { clientId: ctx.settings['auth.clientId'], tenantId: ctx.settings['auth.tenantId'], authorityHost: ctx.settings['auth.authorityHost'] };
  requireClientId(settings);
  // Make sure the key exists before asking the user to sign in, so a key problem costs nothing.
  const key = loadKey(ctx.env, ctx.settings['store.path'], true)!;
  ctx.notice(`Connecting ${staff.email} to Microsoft 365 (scope: Calendars.ReadWrite).`);
  const spinner = await createSpinner(ctx);
  let signedIn: Awaited<ReturnType<typeof deviceCodeSignIn>>;
  try {
    signedIn = await deviceCodeSignIn({
      settings,
      log: ctx.log,
      signal: ctx.signal,
      onInstruction: (text) => {
        ctx.notice(text);
        spinner.start(`Waiting for ${staff.email} to sign in (Ctrl-C to cancel)`);
      },
    });
  } finally {
    spinner.stop();
  }
  const now = ctx.now().toISOString();
  const firm = getFirm(db);
  // One mailbox, one staff member: two staff records writing to one Outlook calendar would copy
  // each other's events into it and pull them back as each other's.
  const taken = (db.prepare('SELECT s.email FROM accounts a JOIN staff s ON s.id = a.staff_id WHERE a.home_account_id = ? AND a.staff_id != ?').get(signedIn.homeAccountId, staff.id) as
    | { email: string }
    | undefined)?.email;
  if (taken) {
    throw new UsageError(`the Microsoft account ${signedIn.username} is already connected for ${taken}: one mailbox syncs with one staff member; nothing was saved`, {
      hint: `sign in as ${staff.email}'s own account, or first: caseflow-outlook disconnect --staff ${taken}`,
    });
  }
  inTransaction(db, () => {
    saveAccount(db, {
      staffId: staff.id,
      homeAccountId: signedIn.homeAccountId,
      username: signedIn.username,
      tokenCache: encrypt(Buffer.from(signedIn.cache, 'utf8'), key.key, staff.id),
      connectedAt: now,
      lastRefreshAt: now,
    });
    const state = getSyncState(db, staff.id);
    // At first connect only events from the start of today (firm's zone) on sync.
    const syncFrom = state.syncFrom ?? startOfDayUtc(dateInZone(ctx.now().getTime(), firm.timeZone), firm.timeZone);
    // A different Microsoft account means a different mailbox: its delta state does not apply.
    if (existing && existing.homeAccountId !== signedIn.homeAccountId) clearSyncState(db, staff.id);
    updateSyncState(db, staff.id, { syncFrom, lastError: null });
    auditCli(ctx, { staffId: staff.id, staffEmail: staff.email, direction: 'none', action: 'connect', kind: 'account', summary: `connected Microsoft account ${signedIn.username}` });
  });
  ctx.notice(`Connected ${staff.email} as ${signedIn.username}.`);
  // Another address is often right (a tenant's own domain); a stranger's mailbox is not.
  const other = signedIn.username.toLowerCase() !== staff.email.toLowerCase();
  if (other) ctx.log.warn(`${staff.email} signed in as ${signedIn.username}: check that this is their own mailbox; if not, sign in again with: caseflow-outlook connect --staff ${staff.email} --force`);
  return record(
    [
      ['staff', staff.email],
      ['connection', `Connected as ${signedIn.username}`, 'good'],
      ['connected since', now],
    ],
    { staff: staff.email, connected: true, account: signedIn.username, connectedAt: now, changed: true, ...(other ? { warning: `signed in as ${signedIn.username}, not ${staff.email}` } : {}) },
  );
}

export async function disconnect(ctx: Context, opts: { staff: string }): Promise<Output> {
  const db = ctx.db();
  const staff = requireStaff(db, email(opts.staff, '--staff'));
  const now = ctx.now().toISOString();
  const removed = inTransaction(db, () => {
    const account = getAccount(db, staff.id);
    if (!account) return null;
    deleteAccount(db, staff.id);
    // Links and events stay; the delta state goes, syncFrom stays for a later reconnect.
    const { syncFrom } = getSyncState(db, staff.id);
    clearSyncState(db, staff.id);
    clearInvalidItems(db, staff.id);
    if (syncFrom) updateSyncState(db, staff.id, { syncFrom });
    auditCli(ctx, { staffId: staff.id, staffEmail: staff.email, direction: 'none', action: 'disconnect', kind: 'account', summary: `disconnected Microsoft account ${account.username}` });
    return account;
  });
  if (!removed) {
    return message(`${staff.email} is not connected; nothing to do.`, { staff: staff.email, connected: false, changed: false });
  }
  return message(
    `Disconnected ${staff.email} (${removed.username}): tokens removed, sync stopped; events stay where they are on both sides.\n${REVOKE_HINT}.`,
    { staff: staff.email, connected: false, account: removed.username, changed: true, revoke: REVOKE_HINT },
  );
}
