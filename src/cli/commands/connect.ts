// `connect --staff E [--browser] [--force]` (device-code or browser sign-in) and `disconnect
// --staff E`; `connect --app` and `disconnect --app` (the firm's app-only connection) are in
// connect-app.ts.

import { UsageError } from '../../errors.js';
import { browserSignIn } from '../../auth/browser.js';
import { deviceCodeSignIn, type SignedIn } from '../../auth/device-code.js';
import { requireClientId } from '../../auth/msal.js';
import { encrypt, loadKey } from '../../auth/secrets.js';
import { keepSignInToken } from '../../auth/tokens.js';
import { dateInZone, startOfDayUtc } from '../../dates.js';
import { deleteAccount, getAccount, saveAccount } from '../../store/accounts.js';
import { clearMailboxDenied, getAppConnection } from '../../store/app-connection.js';
import { assertOutlookEnabled, getFirm } from '../../store/firm.js';
import { inTransaction } from '../../store/open.js';
import { requireStaff } from '../../store/staff.js';
import { clearSyncState, getSyncState, updateSyncState } from '../../store/sync-state.js';
import { clearInvalidItems } from '../../store/invalid-items.js';
import type { Context } from '../context.js';
import { message, record, type Output } from '../output.js';
import { openBrowser } from '../browser.js';
import { createSpinner } from '../spinner.js';
import { auditCli, email } from './common.js';
import { connectApp, disconnectApp } from './connect-app.js';

export const REVOKE_HINT = 'to revoke the grant itself, remove the app under My Apps (https://myapps.microsoft.com) or ask your Microsoft 365 admin';

/** How long the browser sign-in waits: an authorization code lives 10 minutes. */
const BROWSER_TIMEOUT_MS = 10 * 60_000;

export interface ConnectOptions {
  staff?: string;
  force?: boolean;
  browser?: boolean;
  app?: boolean;
  certificate?: string;
  thumbprint?: string;
}

export async function connect(ctx: Context, opts: ConnectOptions): Promise<Output> {
  if (opts.app) {
    if (opts.staff !== undefined || opts.browser) {
      throw new UsageError('--app connects the whole firm: it takes no --staff and no --browser', {
        hint: 'connect the firm with: caseflow-outlook connect --app, or one staff member with: caseflow-outlook connect --staff E [--browser]',
      });
    }
    return connectApp(ctx, { force: Boolean(opts.force) });
  }
  if (opts.certificate !== undefined || opts.thumbprint !== undefined) {
    throw new UsageError('--certificate and --thumbprint go with --app (the firm\'s app-only connection)', { hint: 'connect the firm with: caseflow-outlook connect --app --certificate FILE' });
  }
  if (opts.staff === undefined) {
    throw new UsageError('connect needs --staff E (that staff member signs in) or --app (an admin connects the whole firm)', {
      hint: 'e.g. caseflow-outlook connect --staff alice@firm.example, or caseflow-outlook connect --app --certificate FILE',
    });
  }
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
  let signedIn: SignedIn;
  try {
    signedIn = opts.browser
      ? await browserSignIn({
          settings,
          staff: staff.email,
          log: ctx.log,
          signal: ctx.signal,
          timeoutMs: BROWSER_TIMEOUT_MS,
          onUrl: (url) => {
            ctx.notice(`To sign in, open this page in a browser on this machine (it answers to http://localhost):\n${url}`);
            if (openBrowser(url, ctx.env)) ctx.notice('A browser was started with it; if none appeared, open the page yourself.');
            spinner.start(`Waiting for ${staff.email} to sign in in the browser (Ctrl-C to cancel)`);
          },
        })
      : await deviceCodeSignIn({
          settings,
          staff: staff.email,
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
    const tokenCache = encrypt(Buffer.from(signedIn.cache, 'utf8'), key.key, staff.id);
    saveAccount(db, { staffId: staff.id, homeAccountId: signedIn.homeAccountId, username: signedIn.username, tokenCache, connectedAt: now, lastRefreshAt: now });
    // The first run takes the token the sign-in gave instead of starting MSAL for it.
    keepSignInToken(db, staff, key.key, settings, tokenCache, signedIn.homeAccountId, signedIn.token);
    const state = getSyncState(db, staff.id);
    // At first connect only events from the start of today (firm's zone) on sync.
    const syncFrom = state.syncFrom ?? startOfDayUtc(dateInZone(ctx.now().getTime(), firm.timeZone), firm.timeZone);
    // A different Microsoft account means a different mailbox: its delta state does not apply.
    if (existing && existing.homeAccountId !== signedIn.homeAccountId) clearSyncState(db, staff.id);
    updateSyncState(db, staff.id, { syncFrom, lastError: null });
    clearMailboxDenied(db, staff.id);
    auditCli(ctx, { staffId: staff.id, staffEmail: staff.email, direction: 'none', action: 'connect', kind: 'account', summary: `connected Microsoft account ${signedIn.username}${opts.browser ? ' (browser sign-in)' : ''}` });
  });
  ctx.notice(`Connected ${staff.email} as ${signedIn.username}.`);
  // Their own sign-in wins over the firm's app-only connection from now on.
  const overApp = !existing && getAppConnection(db) !== null;
  if (overApp) ctx.notice(`${staff.email} now syncs through their own sign-in instead of the firm's app-only connection.`);
  // Another address is often right (a tenant's own domain); a stranger's mailbox is not.
  const other = signedIn.username.toLowerCase() !== staff.email.toLowerCase();
  if (other) ctx.log.warn(`${staff.email} signed in as ${signedIn.username}: check that this is their own mailbox; if not, sign in again with: caseflow-outlook connect --staff ${staff.email} --force`);
  return record(
    [
      ['staff', staff.email],
      ['connection', `Connected as ${signedIn.username}`, 'good'],
      ['connected since', now],
    ],
    {
      staff: staff.email,
      connected: true,
      connectedVia: 'sign-in',
      account: signedIn.username,
      connectedAt: now,
      changed: true,
      ...(overApp ? { replaces: 'app' } : {}),
      ...(other ? { warning: `signed in as ${signedIn.username}, not ${staff.email}` } : {}),
    },
  );
}

export async function disconnect(ctx: Context, opts: { staff?: string; app?: boolean }): Promise<Output> {
  if (opts.app) {
    if (opts.staff !== undefined) throw new UsageError('--app disconnects the whole firm: it takes no --staff', { hint: 'run one of: caseflow-outlook disconnect --app, caseflow-outlook disconnect --staff E' });
    return disconnectApp(ctx);
  }
  if (opts.staff === undefined) {
    throw new UsageError('disconnect needs --staff E (that staff member\'s sign-in) or --app (the firm\'s app-only connection)', { hint: 'e.g. caseflow-outlook disconnect --staff alice@firm.example' });
  }
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
  const app = getAppConnection(db) !== null;
  if (!removed) {
    const text = app ? `${staff.email} has no sign-in of their own to remove (the firm's app-only connection syncs them; disconnect --app stops that); nothing to do.` : `${staff.email} is not connected; nothing to do.`;
    return message(text, app ? { staff: staff.email, connected: true, connectedVia: 'app', changed: false } : { staff: staff.email, connected: false, changed: false });
  }
  if (app) {
    return message(
      `Disconnected ${staff.email} (${removed.username}): tokens removed; the firm's app-only connection syncs them from now on (disconnect --app stops that). Events stay where they are on both sides.\n${REVOKE_HINT}.`,
      { staff: staff.email, connected: true, connectedVia: 'app', account: removed.username, changed: true, revoke: REVOKE_HINT },
    );
  }
  return message(
    `Disconnected ${staff.email} (${removed.username}): tokens removed, sync stopped; events stay where they are on both sides.\n${REVOKE_HINT}.`,
    { staff: staff.email, connected: false, connectedVia: null, account: removed.username, changed: true, revoke: REVOKE_HINT },
  );
}
