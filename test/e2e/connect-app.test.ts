// End to end: app-only mode. An admin connects the firm with the app registration's certificate;
// the daemon syncs every staff member's mailbox through /users/{email}; one outside the app's RBAC
// for Applications scope is reported for that staff member (exit 3, status warning, JSON), not
// the firm; a staff member's own sign-in wins for them; disconnect --app stops the rest. The key
// file must be private to its owner, and never lands in the store.

import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueAppCertificate } from '../../src/simulator/index.js';
import { sandbox, type Sandbox } from '../helpers/cli.js';
import { startTestSimulator, type Simulator } from '../helpers/sim.js';
import { worldEnv } from '../helpers/world.js';

const ALICE = 'alice@firm.example';
const BOB = 'bob@firm.example';
const CAROL = 'carol@firm.example';
const STAFF = [ALICE, BOB, CAROL];

let sim: Simulator;
let sb: Sandbox;
let cert: { certPem: string; keyPem: string };
let keyFile: string;
let clientId: string;

const json = async <T = any,>(args: string[], env: Record<string, string | undefined> = {}) => sb.json<T>(args, { env });
const ok = async <T = any,>(args: string[]) => {
  const r = await json<T>(args);
  expect(r.code, `${args.join(' ')}\n${r.stderr}\n${r.stdout}`).toBe(0);
  return r.body;
};
const graphPaths = (since = 0) => sim.control.requestLog(since).filter((e) => e.path.startsWith('/v1.0/')).map((e) => e.path);
const tokenRequests = (since = 0) => sim.control.requestLog(since).filter((e) => e.kind === 'token');
const lastSeq = () => sim.control.requestLog().at(-1)?.seq ?? 0;
const appRow = () => {
  const db = new Database(sb.db, { fileMustExist: true });
  try {
    return db.prepare('SELECT * FROM app_connection').get() as Record<string, unknown> | undefined;
  } finally {
    db.close();
  }
};

beforeAll(async () => {
  cert = await issueAppCertificate();
  sim = await startTestSimulator();
  const env = worldEnv(sim);
  clientId = env.CASEFLOW_CLIENT_ID!;
  sb = sandbox(env);
  // Client credentials need the firm's own tenant: in the config file, as an admin would set it.
  const config = join(sb.dir, 'config.json');
  writeFileSync(config, JSON.stringify({ auth: { tenantId: sim.tenantId } }));
  sb.env.CASEFLOW_CONFIG = config;
  keyFile = join(sb.dir, 'app.pem');
  writeFileSync(keyFile, `${cert.keyPem}${cert.certPem}`, { mode: 0o600 });
  chmodSync(keyFile, 0o600);
  sim.control.registerApp({ clientId, certificatePem: cert.certPem, mailboxes: [ALICE, BOB] });
  await ok(['firm', 'set', '--plan', 'multi-practice', '--outlook-beta', 'on', '--time-zone', 'Europe/London']);
  for (const email of STAFF) {
    sim.control.addUser({ email, name: email.split('@')[0]! });
    await ok(['staff', 'add', '--email', email, '--name', email.split('@')[0]!]);
  }
});
afterAll(async () => {
  await sim.stop();
  sb.cleanup();
});

describe('connect --app refuses before asking Microsoft anything', () => {
  it('a key file others can read: exit 2 naming the file and its mode, hint chmod 600, nothing stored', async () => {
    const loose = join(sb.dir, 'loose.pem');
    writeFileSync(loose, `${cert.keyPem}${cert.certPem}`);
    chmodSync(loose, 0o644);
    const since = lastSeq();
    const r = await sb.run(['connect', '--app', '--certificate', loose]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `error: the app certificate file ${loose} can be read by others (mode 0644): it holds the private key that reaches every mailbox in the app's scope\nhint: let only its owner read it: chmod 600 ${loose}\n`,
    );
    const j = await json(['connect', '--app', '--certificate', loose]);
    expect(j.body.error).toMatchObject({ code: 'usage', hint: `let only its owner read it: chmod 600 ${loose}` });
    expect(sim.control.requestLog(since)).toEqual([]);
    expect(appRow()).toBeUndefined();
  });

  it('no key at all, a tenant-less authority, --app with --staff, a key without its certificate or thumbprint', async () => {
    const none = await sb.run(['connect', '--app']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^error: app-only mode needs the certificate credential .*\nhint: .*connect --app --certificate FILE/);
    const orgs = await sb.run(['connect', '--app', '--certificate', keyFile], { env: { CASEFLOW_CONFIG: '' } });
    expect(orgs.code).toBe(2);
    expect(orgs.stderr).toMatch(/^error: app-only mode signs in to your own tenant, and auth\.tenantId is "organizations"\nhint: set auth\.tenantId/);
    const both = await sb.run(['connect', '--app', '--staff', ALICE]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/^error: --app connects the whole firm: it takes no --staff/);
    const bare = join(sb.dir, 'bare.pem');
    writeFileSync(bare, cert.keyPem, { mode: 0o600 });
    const nothumb = await sb.run(['connect', '--app', '--certificate', bare]);
    expect(nothumb.code).toBe(2);
    expect(nothumb.stderr).toMatch(/holds the private key but not the certificate.*\nhint: .*--thumbprint HEX/);
    const badthumb = await sb.run(['connect', '--app', '--certificate', keyFile, '--thumbprint', 'AB'.repeat(20)]);
    expect(badthumb.code).toBe(2);
    expect(badthumb.stderr).toMatch(/^error: auth\.appCertificateThumbprint \((AB){20}\) is not the thumbprint of the certificate in .*\nhint: leave auth\.appCertificateThumbprint out/);
    expect(appRow()).toBeUndefined();
  });

  it('a certificate the app registration does not know: exit 3, nothing stored', async () => {
    const stranger = await issueAppCertificate();
    const file = join(sb.dir, 'stranger.pem');
    writeFileSync(file, `${stranger.keyPem}${stranger.certPem}`, { mode: 0o600 });
    const r = await json(['connect', '--app', '--certificate', file]);
    expect(r.code).toBe(3);
    expect(r.body.error.code).toBe('app_refused');
    expect(r.body.error.message).toMatch(/AADSTS700027/);
    expect(r.body.error.hint).toMatch(/Certificates & secrets.*connect --app --force/);
    expect(appRow()).toBeUndefined();
  });
});

describe('a firm connected app-only', () => {
  it('connect --app: one token request, the key file path and thumbprint stored, never the key', async () => {
    const since = lastSeq();
    const r = await json(['connect', '--app', '--certificate', keyFile]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.body).toMatchObject({ connected: true, connectedVia: 'app', clientId, tenantId: sim.tenantId, certificatePath: keyFile, changed: true, staff: { app: STAFF, ownSignIn: [], paused: [] } });
    expect(r.body.thumbprint).toMatch(/^[0-9A-F]{64}$/);
    expect(tokenRequests(since).map((e) => [e.status, (e.requestBody as Record<string, string>).grant_type])).toEqual([[200, 'client_credentials']]);
    expect(appRow()).toMatchObject({ client_id: clientId, tenant_id: sim.tenantId, thumbprint: r.body.thumbprint, certificate_path: keyFile });
    const keyBody = cert.keyPem.split('\n').slice(1, 3).join('');
    for (const file of [sb.db, `${sb.db}-wal`]) {
      let bytes = '';
      try {
        bytes = readFileSync(file).toString('latin1');
      } catch {
        continue;
      }
      expect(bytes).not.toContain(keyBody.slice(0, 40));
    }
    const again = await json(['connect', '--app', '--certificate', keyFile]);
    expect(again.body).toMatchObject({ connected: true, changed: false });
  });

  it('daemon --once syncs Alice and Bob through /users/{email} and reports Carol, outside the scope, for her alone: exit 3', async () => {
    for (const [who, title] of [[ALICE, 'Alice hearing'], [BOB, 'Bob deposition'], [CAROL, 'Carol meeting']] as const) {
      await ok(['events', 'add', '--staff', who, '--title', title, '--start', '2026-12-01T09:00', '--end', '2026-12-01T10:00']);
    }
    const since = lastSeq();
    const r = await json<any[]>(['daemon', '--once']);
    expect(r.code).toBe(3);
    const by = Object.fromEntries(r.body.map((e) => [e.staff, e]));
    expect(by[ALICE]).toMatchObject({ outcome: 'synced', reason: null, pushed: { created: 1 } });
    expect(by[BOB]).toMatchObject({ outcome: 'synced', reason: null, pushed: { created: 1 } });
    expect(by[CAROL]).toMatchObject({ outcome: 'failed', reason: 'no-access' });
    expect(by[CAROL].errors[0]).toBe(`the firm's app-only connection may not reach the mailbox of ${CAROL} (Graph answered 403 ErrorAccessDenied): it is outside the app's RBAC for Applications scope`);
    expect(by[CAROL].note).toMatch(new RegExp(`add ${CAROL} to the mail-enabled security group .* connect --staff ${CAROL}`));
    expect(sim.control.events(ALICE).map((e) => e.subject)).toEqual(['Alice hearing']);
    expect(sim.control.events(BOB).map((e) => e.subject)).toEqual(['Bob deposition']);
    expect(sim.control.events(CAROL)).toEqual([]);
    // Every request named the mailbox: no /me, which an app token cannot use.
    const paths = graphPaths(since);
    expect(paths.length).toBeGreaterThan(0);
    expect(paths.filter((p) => p.startsWith('/v1.0/me'))).toEqual([]);
    expect(paths.some((p) => p.startsWith('/v1.0/users/alice%40firm.example/calendarView/delta'))).toBe(true);
  });

  it('status says how each one is connected and warns about Carol; sync --staff for her is exit 3', async () => {
    const all = await json<any[]>(['status']);
    expect(all.code).toBe(0);
    const by = Object.fromEntries(all.body.map((s) => [s.staff, s]));
    for (const who of STAFF) expect(by[who]).toMatchObject({ connected: true, connectedVia: 'app', account: who, needsReconnect: false });
    expect(by[CAROL].warnings).toEqual([
      expect.stringMatching(/^the firm's app-only connection cannot reach this mailbox since \S+Z \(Graph answered 403 ErrorAccessDenied\): add carol@firm\.example to the mail-enabled security group of the app's RBAC for Applications scope, or let them sign in: caseflow-outlook connect --staff carol@firm\.example$/),
    ]);
    // Syncing through the firm's connection started at connect --app, at the start of that day.
    for (const who of STAFF) expect(by[who].syncFrom).toBe('2026-11-20T00:00:00.000Z');
    expect(by[ALICE].warnings).toEqual([]);
    expect(by[CAROL].lastError).toMatch(/403 ErrorAccessDenied/);
    const text = await sb.run(['status', '--staff', CAROL]);
    expect(text.stdout).toContain(`connection\tapp-only (the firm's connection), mailbox ${CAROL}\n`);
    const s = await sb.run(['sync', '--staff', CAROL]);
    expect(s.code).toBe(3);
    expect(s.stderr).toMatch(/^error: the firm's app-only connection may not reach the mailbox of carol@firm\.example .*\nhint: have a Microsoft 365 admin add carol@firm\.example/);
    const j = await json(['sync', '--staff', CAROL]);
    expect(j.body.error.code).toBe('mailbox_not_in_scope');
  });

  it('once Carol is in the scope her next run gets through and the warning goes; quiet cycles ask for no new token', async () => {
    sim.control.setAppMailboxes(clientId, [ALICE, BOB, CAROL]);
    const r = await json<any[]>(['daemon', '--once']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.body.find((e) => e.staff === CAROL)).toMatchObject({ outcome: 'synced', pushed: { created: 1 } });
    expect(sim.control.events(CAROL).map((e) => e.subject)).toEqual(['Carol meeting']);
    const s = await json(['status', '--staff', CAROL]);
    expect(s.body.warnings).toEqual([]);
    // The app's token is kept in this process (MSAL's in-memory cache): two more cycles, no sign-in request.
    const since = lastSeq();
    await ok(['daemon', '--once']);
    await ok(['daemon', '--once']);
    expect(tokenRequests(since)).toEqual([]);
  });

  it("a staff member's own sign-in wins for her; disconnect --staff hands her back to the firm's connection", async () => {
    sim.control.setAutoApprove(ALICE);
    const c = await json(['connect', '--staff', ALICE]);
    sim.control.setAutoApprove(null);
    expect(c.code, c.stderr).toBe(0);
    expect(c.body).toMatchObject({ connectedVia: 'sign-in', account: ALICE, replaces: 'app' });
    expect(c.stderr).toContain(`${ALICE} now syncs through their own sign-in instead of the firm's app-only connection.`);
    const since = lastSeq();
    await ok(['daemon', '--once']);
    const paths = graphPaths(since);
    expect(paths.filter((p) => p.startsWith('/v1.0/me/'))).not.toEqual([]);
    expect(paths.filter((p) => p.startsWith('/v1.0/users/alice'))).toEqual([]);
    expect(paths.filter((p) => p.startsWith('/v1.0/users/bob'))).not.toEqual([]);
    const s = await json(['status', '--staff', ALICE]);
    expect(s.body).toMatchObject({ connectedVia: 'sign-in', account: ALICE });
    // The full round through the other way in found the event already linked: no duplicate.
    expect(sim.control.events(ALICE).map((e) => e.subject)).toEqual(['Alice hearing']);
    const d = await json(['disconnect', '--staff', ALICE]);
    expect(d.body).toMatchObject({ connected: true, connectedVia: 'app', changed: true });
    expect((await json(['status', '--staff', ALICE])).body.connectedVia).toBe('app');
  });

  it('disconnect --app: nobody without a sign-in of their own syncs any more; it is idempotent', async () => {
    sim.control.setAutoApprove(BOB);
    await ok(['connect', '--staff', BOB]);
    sim.control.setAutoApprove(null);
    const d = await json(['disconnect', '--app']);
    expect(d.code).toBe(0);
    expect(d.body).toMatchObject({ connected: false, changed: true, stopped: [ALICE, CAROL] });
    expect(appRow()).toBeUndefined();
    const r = await json<any[]>(['daemon', '--once']);
    expect(r.code).toBe(0);
    const by = Object.fromEntries(r.body.map((e) => [e.staff, e]));
    expect(by[ALICE]).toMatchObject({ outcome: 'skipped', reason: 'not-connected' });
    expect(by[BOB]).toMatchObject({ outcome: 'synced' });
    const again = await json(['disconnect', '--app']);
    expect(again.body).toEqual({ connected: false, connectedVia: null, changed: false });
    await ok(['disconnect', '--staff', BOB]);
  });

  it('the key from CASEFLOW_APP_CERT: stored as no path; a later process without it is exit 3 naming it', async () => {
    const pem = `${cert.keyPem}${cert.certPem}`;
    const c = await json(['connect', '--app'], { CASEFLOW_APP_CERT: pem });
    expect(c.code, c.stderr).toBe(0);
    expect(c.body.certificatePath).toBeNull();
    expect(appRow()).toMatchObject({ certificate_path: null });
    // A process of its own (this one keeps the app's client from connect --app).
    const without = await sb.json<any[]>(['daemon', '--once'], { spawn: true, env: { CASEFLOW_APP_CERT: undefined } });
    expect(without.code).toBe(3);
    const alice = without.body.find((e) => e.staff === ALICE);
    expect(alice).toMatchObject({ outcome: 'failed' });
    expect(alice.errors[0]).toMatch(/CASEFLOW_APP_CERT is unset/);
    const withKey = await sb.json<any[]>(['daemon', '--once'], { spawn: true, env: { CASEFLOW_APP_CERT: pem } });
    expect(withKey.code, withKey.stderr).toBe(0);
    expect(withKey.body.find((e) => e.staff === ALICE)).toMatchObject({ outcome: 'synced' });
    await ok(['connect', '--app', '--force', '--certificate', keyFile]);
    expect(appRow()).toMatchObject({ certificate_path: keyFile });
  });
});
