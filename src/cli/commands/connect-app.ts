// `connect --app` and `disconnect --app`: the firm's app-only connection (client credentials with
// the app registration's certificate). Connecting proves the credential with one token request
// and stores where the key is and the certificate's thumbprint, never the key. From then on each
// staff member without a sign-in of their own is synced through `/users/{email}`; `staff add` and
// `prefs set --enabled` decide who. https://learn.microsoft.com/graph/auth-v2-service

import { loadAppCredential } from '../../auth/app-credential.js';
import { acquireAppToken, appClient, type AppTokenOptions } from '../../auth/app-tokens.js';
import { requireClientId } from '../../auth/msal.js';
import { UsageError } from '../../errors.js';
import { getAccount } from '../../store/accounts.js';
import { deleteAppConnection, getAppConnection, saveAppConnection } from '../../store/app-connection.js';
import { assertOutlookEnabled } from '../../store/firm.js';
import { clearInvalidItems } from '../../store/invalid-items.js';
import { inTransaction } from '../../store/open.js';
import { getPrefs } from '../../store/prefs.js';
import { listStaff } from '../../store/staff.js';
import { clearSyncState, getSyncState, updateSyncState } from '../../store/sync-state.js';
import type { Context } from '../context.js';
import { message, record, type Output } from '../output.js';
import { startSyncFrom } from '../wiring.js';
import { auditCli } from './common.js';

/** Authorities that name no tenant: client credentials need the firm's own. */
const NO_TENANT = new Set(['organizations', 'common', 'consumers']);

export const APP_REVOKE_HINT =
  "to revoke the access itself, delete the certificate from the app registration (Certificates & secrets) or remove the app's role assignment in Exchange Online (Remove-ManagementRoleAssignment)";

/** Who the app-only connection syncs (no sign-in of their own, sync enabled) and who keeps their own. */
function staffByWay(ctx: Context): { app: string[]; own: string[]; paused: string[] } {
  const db = ctx.db();
  const out = { app: [] as string[], own: [] as string[], paused: [] as string[] };
  for (const s of listStaff(db)) {
    if (getAccount(db, s.id)) out.own.push(s.email);
    else if (!getPrefs(db, s.id).enabled) out.paused.push(s.email);
    else out.app.push(s.email);
  }
  return out;
}

const list = (emails: string[]) => (emails.length ? emails.join(', ') : 'none');

export async function connectApp(ctx: Context, opts: { force: boolean }): Promise<Output> {
  const db = ctx.db();
  assertOutlookEnabled(db);
  const existing = getAppConnection(db);
  if (existing && !opts.force) {
    return record(
      [
        ['connection', 'the firm is already connected app-only', 'good'],
        ['app', existing.clientId],
        ['tenant', existing.tenantId],
        ['certificate', existing.thumbprint],
        ['connected since', existing.connectedAt],
      ],
      { connected: true, connectedVia: 'app', clientId: existing.clientId, tenantId: existing.tenantId, thumbprint: existing.thumbprint, connectedAt: existing.connectedAt, changed: false },
      ['to connect again (a new certificate, another app): caseflow-outlook connect --app --force'],
    );
  }
  const s = ctx.settings;
  const clientId = requireClientId({ clientId: s['auth.clientId'], tenantId: s['auth.tenantId'], authorityHost: s['auth.authorityHost'] });
  const tenantId = s['auth.tenantId'];
  if (NO_TENANT.has(tenantId.toLowerCase())) {
    throw new UsageError(`app-only mode signs in to your own tenant, and auth.tenantId is "${tenantId}"`, {
      hint: 'set auth.tenantId in the config file to your tenant id (a GUID, Entra ID > Overview) or its domain (firm.onmicrosoft.com)',
    });
  }
  // Every check of the key before any request: a key problem costs nothing.
  const credential = loadAppCredential({ path: s['auth.appCertificatePath'], thumbprint: s['auth.appCertificateThumbprint'], env: ctx.env });
  ctx.notice(`Connecting the firm app-only: app ${clientId}, tenant ${tenantId}, certificate ${credential.thumbprint}.`);
  const o: AppTokenOptions = {
    app: { clientId, tenantId, thumbprint: credential.thumbprint, certificatePath: credential.path },
    authorityHost: s['auth.authorityHost'],
    graphBaseUrl: s['graph.baseUrl'],
    env: ctx.env,
    log: ctx.log,
  };
  await acquireAppToken(await appClient(o, credential), o, true);
  const now = ctx.now().toISOString();
  inTransaction(db, () => {
    saveAppConnection(db, { clientId, tenantId, thumbprint: credential.thumbprint, certificatePath: credential.path, connectedAt: now });
    // As at a connect of their own: only events from the start of today on sync.
    for (const staff of listStaff(db)) if (!getAccount(db, staff.id)) startSyncFrom(db, staff, ctx.now());
    auditCli(ctx, {
      staffId: null,
      staffEmail: null,
      direction: 'none',
      action: 'connect',
      kind: 'app',
      summary: `connected the firm app-only (app ${clientId}, tenant ${tenantId}, certificate ${credential.thumbprint})`,
    });
  });
  const who = staffByWay(ctx);
  const notes = [
    "a mailbox outside the app's RBAC for Applications scope is reported for that staff member at their next sync (status, daemon --once)",
    ...(credential.path === null ? ['the key came from CASEFLOW_APP_CERT: every later command and the daemon need it set the same way'] : []),
    ...(credential.certificate ? [`the certificate expires ${credential.certificate.validTo.slice(0, 10)}: upload its successor to the app registration and connect --app --force before then`] : []),
  ];
  return record(
    [
      ['connection', 'Connected the firm app-only', 'good'],
      ['app', clientId],
      ['tenant', tenantId],
      ['certificate', `${credential.thumbprint}${credential.certificate ? ` (${credential.certificate.subject}, expires ${credential.certificate.validTo})` : ''}`],
      ['private key', credential.path ?? 'CASEFLOW_APP_CERT'],
      ['synced app-only', list(who.app)],
      ['own sign-in (kept)', list(who.own)],
      ...(who.paused.length ? ([['paused', list(who.paused)]] as [string, string][]) : []),
    ],
    {
      connected: true,
      connectedVia: 'app',
      clientId,
      tenantId,
      thumbprint: credential.thumbprint,
      certificatePath: credential.path,
      certificateExpires: credential.certificate?.validTo ?? null,
      connectedAt: now,
      changed: true,
      staff: { app: who.app, ownSignIn: who.own, paused: who.paused },
    },
    notes,
  );
}

export async function disconnectApp(ctx: Context): Promise<Output> {
  const db = ctx.db();
  const stopped = inTransaction(db, () => {
    const app = getAppConnection(db);
    if (!app) return null;
    const served = listStaff(db).filter((s) => !getAccount(db, s.id));
    deleteAppConnection(db);
    // As for a staff member's own disconnect: links and events stay, the delta state goes,
    // syncFrom stays for a later connection.
    for (const staff of served) {
      const { syncFrom } = getSyncState(db, staff.id);
      clearSyncState(db, staff.id);
      clearInvalidItems(db, staff.id);
      if (syncFrom) updateSyncState(db, staff.id, { syncFrom });
    }
    auditCli(ctx, { staffId: null, staffEmail: null, direction: 'none', action: 'disconnect', kind: 'app', summary: `disconnected the firm's app-only connection (app ${app.clientId})` });
    return { app, served: served.map((s) => s.email) };
  });
  if (!stopped) return message("the firm is not connected app-only; nothing to do.", { connected: false, connectedVia: null, changed: false });
  return message(
    `Disconnected the firm's app-only connection (app ${stopped.app.clientId}): ${stopped.served.length} staff member(s) stop syncing (${list(stopped.served)}); those signed in themselves keep syncing. Events stay where they are on both sides.\n${APP_REVOKE_HINT}.`,
    { connected: false, connectedVia: null, clientId: stopped.app.clientId, stopped: stopped.served, changed: true, revoke: APP_REVOKE_HINT },
  );
}
