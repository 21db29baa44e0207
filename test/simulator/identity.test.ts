// Identity endpoints with plain fetch: openid configuration, device code grant states, refresh
// rotation, revocation and expiry on the injectable clock, and what the log keeps (and hides).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { graph, startTestSimulator, type Simulator } from '../helpers/sim.js';

const ALICE = 'alice@firm.example';
const SCOPE = 'Calendars.ReadWrite openid profile offline_access';
let sim: Simulator;
let now: number;
beforeEach(async () => {
  now = Date.parse('2026-03-01T00:00:00Z');
  sim = await startTestSimulator({ now: () => now, users: [{ email: ALICE, name: 'Alice Adams' }], accessTokenLifetimeSeconds: 600, deviceCodeLifetimeSeconds: 60 });
});
afterEach(() => sim.stop());

const post = async (path: string, form: Record<string, string>) => {
  const res = await fetch(`${sim.url}${path}`, { method: 'POST', body: new URLSearchParams(form) });
  return { status: res.status, body: await res.json() };
};
const deviceCode = () => post('/organizations/oauth2/v2.0/devicecode', { client_id: 'app', scope: SCOPE });
const poll = (code: string) => post('/organizations/oauth2/v2.0/token', { client_id: 'app', grant_type: 'device_code', device_code: code, scope: SCOPE });
const refresh = (rt: string) => post('/organizations/oauth2/v2.0/token', { client_id: 'app', grant_type: 'refresh_token', refresh_token: rt, scope: SCOPE });
const claims = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString());

async function signIn() {
  const dc = await deviceCode();
  sim.control.approveDeviceCode(dc.body.user_code, ALICE);
  return (await poll(dc.body.device_code)).body;
}

describe('openid configuration', () => {
  it('serves the endpoints MSAL derives devicecode from, for the tenant, organizations and common', async () => {
    for (const tenant of [sim.tenantId, 'organizations', 'common']) {
      const res = await fetch(`${sim.url}/${tenant}/v2.0/.well-known/openid-configuration`);
      const body = await res.json();
      expect(body.token_endpoint).toBe(`${sim.url}/${tenant}/oauth2/v2.0/token`);
      expect(body.device_authorization_endpoint).toBe(`${sim.url}/${tenant}/oauth2/v2.0/devicecode`);
      expect(new URL(body.issuer).host).toBe(new URL(sim.url).host);
    }
    const unknown = await fetch(`${sim.url}/contoso.example/v2.0/.well-known/openid-configuration`);
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).error).toBe('invalid_tenant');
  });
});

describe('device code grant', () => {
  it('answers authorization_pending until approved, then tokens MSAL can cache', async () => {
    const dc = await deviceCode();
    expect(dc.body).toMatchObject({ expires_in: 60, interval: 0.02, verification_uri: `${sim.url}/devicelogin` });
    const pending = await poll(dc.body.device_code);
    expect(pending.status).toBe(400);
    expect(pending.body).toMatchObject({ error: 'authorization_pending', error_codes: [70016] });
    sim.control.approveDeviceCode(dc.body.user_code, ALICE);
    const ok = await poll(dc.body.device_code);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ token_type: 'Bearer', scope: SCOPE, expires_in: 600, ext_expires_in: 600 });
    const id = claims(ok.body.id_token);
    expect(id).toMatchObject({ preferred_username: ALICE, name: 'Alice Adams', tid: sim.tenantId, aud: 'app', iss: `${sim.url}/${sim.tenantId}/v2.0` });
    expect(id.oid).toBe(id.sub);
    expect(JSON.parse(Buffer.from(ok.body.client_info, 'base64url').toString())).toEqual({ uid: id.oid, utid: sim.tenantId });
    expect(ok.body.id_token.split('.')).toHaveLength(3);
  });

  it('answers expired_token once the device code has expired', async () => {
    const dc = await deviceCode();
    now += 61_000;
    expect((await poll(dc.body.device_code)).body.error).toBe('expired_token');
  });

  it('auto-approves the preset user after the first poll answered authorization_pending', async () => {
    sim.control.setAutoApprove('carol@firm.example');
    const dc = await deviceCode();
    expect((await poll(dc.body.device_code)).body.error).toBe('authorization_pending');
    const ok = await poll(dc.body.device_code);
    expect(claims(ok.body.id_token).preferred_username).toBe('carol@firm.example');
  });
});

describe('refresh tokens', () => {
  it('rotate on every use: the new one works, the old one is invalid_grant', async () => {
    const first = await signIn();
    const second = await refresh(first.refresh_token);
    expect(second.status).toBe(200);
    expect(second.body.refresh_token).not.toBe(first.refresh_token);
    expect(second.body.access_token).not.toBe(first.access_token);
    expect((await refresh(first.refresh_token)).body.error).toBe('invalid_grant');
    expect((await refresh(second.body.refresh_token)).status).toBe(200);
  });

  it('die on revocation (and access tokens with them) and after 90 days unused', async () => {
    const a = await signIn();
    sim.control.revokeUser(ALICE);
    expect((await refresh(a.refresh_token)).body).toMatchObject({ error: 'invalid_grant', error_codes: [50173] });
    expect((await graph(sim, a.access_token, 'GET', '/me/events')).status).toBe(401);
    const b = await signIn();
    now += 91 * 86_400_000;
    expect((await refresh(b.refresh_token)).body).toMatchObject({ error: 'invalid_grant', error_codes: [700082] });
  });

  it('issues access tokens that expire on the simulator clock (401 afterwards)', async () => {
    const a = await signIn();
    expect((await graph(sim, a.access_token, 'GET', '/me/events')).status).toBe(200);
    now += 601_000;
    const expired = await graph(sim, a.access_token, 'GET', '/me/events');
    expect(expired.status).toBe(401);
    expect(expired.body.error.message).toMatch(/expired/);
    expect(expired.headers.get('www-authenticate')).toMatch(/^Bearer /);
  });
});

describe('request log for sign-in', () => {
  it('records the scope asked for and never the secrets', async () => {
    const a = await signIn();
    await refresh(a.refresh_token);
    const log = sim.control.requestLog().filter((e) => e.kind === 'token' || e.kind === 'devicecode');
    expect(log.map((e) => e.scope)).toEqual([SCOPE, SCOPE, SCOPE]);
    const text = JSON.stringify(sim.control.requestLog());
    expect(text).not.toContain(a.refresh_token);
    expect(text).not.toContain(a.access_token);
    expect(text).not.toContain(a.id_token);
    expect(log.at(-1)?.mailbox).toBe(ALICE);
  });
});
