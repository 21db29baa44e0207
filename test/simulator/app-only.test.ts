// App-only access: the client-credentials grant with a certificate assertion (msal-node's
// ConfidentialClientApplication, and hand-made assertions for what MSAL never sends), then
// /users/{id}/... calendar routes within the app's mailbox scope (403 ErrorAccessDenied outside
// it), inside $batch and through delta links.
import { createHash, createPrivateKey, sign, X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfidentialClientApplication } from '@azure/msal-node';
import { issueAppCertificate } from '../../src/simulator/index.js';
import { graph, msalAuthorityOptions, startTestSimulator, type Simulator } from '../helpers/sim.js';

const APP = '3d1f6a2b-8c4e-4b7a-9e5d-1a2b3c4d5e6f';
const ALICE = 'alice@firm.example';
const BOB = 'bob@firm.example';
const CAROL = 'carol@firm.example';

let sim: Simulator;
let cert: { certPem: string; keyPem: string };
let other: { certPem: string; keyPem: string };
let sha256: string;
beforeAll(async () => {
  [cert, other] = await Promise.all([issueAppCertificate(), issueAppCertificate()]);
  sha256 = createHash('sha256').update(new X509Certificate(cert.certPem).raw).digest('hex');
  sim = await startTestSimulator({ users: [{ email: ALICE }, { email: BOB }, { email: CAROL }] });
  sim.control.registerApp({ clientId: APP, certificatePem: cert.certPem, mailboxes: [ALICE, BOB] });
});
afterAll(() => sim.stop());

const tokenEndpoint = () => `${sim.url}/${sim.tenantId}/oauth2/v2.0/token`;

function cca(keyPem = cert.keyPem, thumbprint = sha256) {
  return new ConfidentialClientApplication({
    auth: { clientId: APP, ...msalAuthorityOptions(sim, sim.tenantId), clientCertificate: { thumbprintSha256: thumbprint, privateKey: keyPem } },
  });
}

async function appToken(): Promise<string> {
  const r = await cca().acquireTokenByClientCredential({ scopes: [`${sim.url}/.default`], skipCache: true });
  return r!.accessToken;
}

/** A client assertion signed by hand (PS256, x5t#S256), with claims to spoil. */
function assertion(claims: Record<string, unknown> = {}, keyPem = cert.keyPem, thumb = sha256): string {
  const now = Math.floor(Date.now() / 1000);
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const head = b64({ alg: 'PS256', typ: 'JWT', 'x5t#S256': Buffer.from(thumb, 'hex').toString('base64url') });
  const body = b64({ aud: tokenEndpoint(), iss: APP, sub: APP, exp: now + 600, nbf: now, jti: 'x', ...claims });
  const sig = sign('sha256', Buffer.from(`${head}.${body}`), { key: createPrivateKey(keyPem), padding: 6, saltLength: 32 }).toString('base64url');
  return `${head}.${body}.${sig}`;
}

async function credentials(form: Record<string, string>) {
  const res = await fetch(tokenEndpoint(), {
    method: 'POST',
    body: new URLSearchParams({
      client_id: APP, grant_type: 'client_credentials', scope: `${sim.url}/.default`,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', ...form,
    }),
  });
  return { status: res.status, body: await res.json() };
}

describe('client credentials with a certificate', () => {
  it('msal-node gets an app-only token: roles, no user, no refresh or ID token; the log hides the assertion', async () => {
    sim.control.clearRequestLog();
    const r = await cca().acquireTokenByClientCredential({ scopes: [`${sim.url}/.default`] });
    expect(r?.account).toBeNull();
    const claims = JSON.parse(Buffer.from(r!.accessToken.split('.')[1]!, 'base64url').toString());
    expect(claims).toMatchObject({ appid: APP, roles: ['Calendars.ReadWrite'], idtyp: 'app' });
    expect(claims.upn).toBeUndefined();
    const call = sim.control.requestLog().find((e) => e.kind === 'token')!;
    expect(call.status).toBe(200);
    const sent = call.requestBody as Record<string, string>;
    expect(sent.grant_type).toBe('client_credentials');
    expect(sent.client_assertion).toBe('[redacted]');
    expect((call.responseBody as Record<string, unknown>).refresh_token).toBeUndefined();
    expect(JSON.stringify(sim.control.requestLog())).not.toContain(r!.accessToken);
  });

  it('accepts a hand-made assertion and refuses each spoiled one with its AADSTS code', async () => {
    expect((await credentials({ client_assertion: assertion() })).status).toBe(200);
    const cases: [string, Record<string, string>, number][] = [
      ['signed by another key', { client_assertion: assertion({}, other.keyPem) }, 700027],
      ['an unregistered thumbprint', { client_assertion: assertion({}, cert.keyPem, 'ab'.repeat(32)) }, 700027],
      ['for another audience', { client_assertion: assertion({ aud: 'https://elsewhere.example/token' }) }, 700023],
      ['for another client', { client_assertion: assertion({ iss: 'someone', sub: 'someone' }) }, 700021],
      ['expired', { client_assertion: assertion({ exp: Math.floor(Date.now() / 1000) - 3600 }) }, 700024],
      ['not a JWT', { client_assertion: 'garbage' }, 50027],
    ];
    for (const [what, form, code] of cases) {
      const r = await credentials(form);
      expect(r.status, what).toBe(401);
      expect(r.body, what).toMatchObject({ error: 'invalid_client', error_codes: [code] });
      expect(r.body.error_description, what).toMatch(new RegExp(`^AADSTS${code}: `));
    }
    const unknown = await credentials({ client_id: 'not-registered', client_assertion: assertion() });
    expect(unknown.body).toMatchObject({ error: 'unauthorized_client', error_codes: [700016] });
    const scope = await credentials({ client_assertion: assertion(), scope: 'Calendars.ReadWrite' });
    expect(scope.body).toMatchObject({ error: 'invalid_scope', error_codes: [1002012] });
  });

  it('msal-node with the wrong private key is refused with invalid_client', async () => {
    await expect(cca(other.keyPem).acquireTokenByClientCredential({ scopes: [`${sim.url}/.default`] })).rejects.toMatchObject({ errorCode: 'invalid_client' });
  });
});

describe('/users/{id} calendar routes with the mailbox scope', () => {
  it('reaches mailboxes in scope by email or object id, and answers 403 ErrorAccessDenied outside it', async () => {
    const token = await appToken();
    sim.control.createEvent(ALICE, { subject: 'Hearing', start: { dateTime: '2026-12-01T09:00:00', timeZone: 'UTC' }, end: { dateTime: '2026-12-01T10:00:00', timeZone: 'UTC' } });
    const listed = await graph(sim, token, 'GET', `/users/${encodeURIComponent(ALICE)}/events`);
    expect(listed.status).toBe(200);
    expect(listed.body.value.map((e: { subject: string }) => e.subject)).toEqual(['Hearing']);
    const bobOid = sim.control.users().find((u) => u.email === BOB)!.oid;
    const created = await graph(sim, token, 'POST', `/users/${bobOid}/events`, {
      subject: 'Deposition', start: { dateTime: '2026-12-02T09:00:00', timeZone: 'UTC' }, end: { dateTime: '2026-12-02T10:00:00', timeZone: 'UTC' },
    });
    expect(created.status).toBe(201);
    expect(sim.control.events(BOB).map((e) => e.subject)).toEqual(['Deposition']);

    const denied = await graph(sim, token, 'GET', `/users/${encodeURIComponent(CAROL)}/calendarView/delta?startDateTime=2026-11-01T00:00:00Z&endDateTime=2027-01-01T00:00:00Z`);
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('ErrorAccessDenied');
    const nobody = await graph(sim, token, 'GET', '/users/nobody%40firm.example/events');
    expect(nobody.status).toBe(404);
    expect(nobody.body.error.code).toBe('ErrorInvalidUser');
    const me = await graph(sim, token, 'GET', '/me/events');
    expect(me.status).toBe(400);
    expect(me.body.error.message).toMatch(/only valid with delegated authentication/);
    // The log names the mailbox a request reached, none for one refused before it reached one.
    const log = sim.control.requestLog().filter((e) => e.path.includes('/users/'));
    expect(log.find((e) => e.path.includes('carol'))?.mailbox).toBeNull();
    expect(log.find((e) => e.method === 'POST')?.mailbox).toBe(BOB);
  });

  it('a scope change applies at once; a user token reaches only its own /users/{id}', async () => {
    const token = await appToken();
    sim.control.setAppMailboxes(APP, [ALICE, BOB, CAROL]);
    expect((await graph(sim, token, 'GET', `/users/${encodeURIComponent(CAROL)}/events`)).status).toBe(200);
    // Over the HTTP control API as well.
    const put = await fetch(`${sim.url}/_control/apps/${APP}/mailboxes`, { method: 'PUT', body: JSON.stringify({ mailboxes: [ALICE, BOB] }) });
    expect((await put.json()).mailboxes).toEqual([ALICE, BOB]);
    expect((await graph(sim, token, 'GET', `/users/${encodeURIComponent(CAROL)}/events`)).status).toBe(403);
    const listed = await (await fetch(`${sim.url}/_control/apps`)).json();
    expect(listed).toEqual([expect.objectContaining({ clientId: APP, thumbprintSha256: sha256.toUpperCase(), roles: ['Calendars.ReadWrite'] })]);
    const alice = sim.control.issueTokens(ALICE).accessToken;
    expect((await graph(sim, alice, 'GET', `/users/${encodeURIComponent(ALICE)}/events`)).status).toBe(200);
    const other = await graph(sim, alice, 'GET', `/users/${encodeURIComponent(BOB)}/events`);
    expect(other.status).toBe(403);
    expect(other.body.error.code).toBe('ErrorAccessDenied');
  });

  it('delta links keep the /users/{id} path, and $batch items reach each their own mailbox', async () => {
    const token = await appToken();
    const path = `/users/${encodeURIComponent(ALICE)}/calendarView/delta?startDateTime=2026-11-01T00:00:00Z&endDateTime=2027-01-01T00:00:00Z`;
    const first = await graph(sim, token, 'GET', path);
    expect(first.status).toBe(200);
    const link = first.body['@odata.deltaLink'] as string;
    expect(link.startsWith(`${sim.url}/v1.0/users/${encodeURIComponent(ALICE)}/calendarView/delta?`)).toBe(true);
    sim.control.createEvent(ALICE, { subject: 'Later', start: { dateTime: '2026-12-05T09:00:00', timeZone: 'UTC' }, end: { dateTime: '2026-12-05T10:00:00', timeZone: 'UTC' } });
    const next = await graph(sim, token, 'GET', link);
    expect(next.status).toBe(200);
    expect(next.body.value.map((e: { subject: string }) => e.subject)).toEqual(['Later']);

    const event = { subject: 'Batch', start: { dateTime: '2026-12-09T09:00:00', timeZone: 'UTC' }, end: { dateTime: '2026-12-09T10:00:00', timeZone: 'UTC' } };
    const batch = await graph(sim, token, 'POST', '/$batch', {
      requests: [
        { id: '1', method: 'POST', url: `/users/${encodeURIComponent(ALICE)}/events`, headers: { 'Content-Type': 'application/json' }, body: event },
        { id: '2', method: 'POST', url: `/users/${encodeURIComponent(CAROL)}/events`, headers: { 'Content-Type': 'application/json' }, body: event },
        { id: '3', method: 'GET', url: '/me/events' },
      ],
    });
    expect(batch.status).toBe(200);
    const status = Object.fromEntries(batch.body.responses.map((r: { id: string; status: number }) => [r.id, r.status]));
    expect(status).toEqual({ '1': 201, '2': 403, '3': 400 });
    expect(sim.control.events(CAROL).filter((e) => e.subject === 'Batch')).toEqual([]);
    expect(sim.control.events(ALICE).filter((e) => e.subject === 'Batch')).toHaveLength(1);
  });
});
