// The authorization code flow with PKCE (the page, the loopback redirect, the token grant that
// checks the verifier), and the Conditional Access switch that refuses device-code sign-ins.
import { createHash, randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestSimulator, type Simulator } from '../helpers/sim.js';

const ALICE = 'alice@firm.example';
const SCOPE = 'Calendars.ReadWrite openid profile offline_access';
const REDIRECT = 'http://localhost:53682';
let sim: Simulator;
beforeEach(async () => {
  sim = await startTestSimulator({ users: [{ email: ALICE, name: 'Alice Adams' }] });
});
afterEach(() => sim.stop());

const pkce = () => {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
};

function authorizeUrl(params: Record<string, string>): string {
  const q = new URLSearchParams({ client_id: 'app', response_type: 'code', redirect_uri: REDIRECT, scope: SCOPE, state: 's1', code_challenge_method: 'S256', ...params });
  return `${sim.url}/organizations/oauth2/v2.0/authorize?${q}`;
}

/** The hidden fields of a form_post answer (what a browser would post to the redirect URI). */
function formFields(html: string): { action: string; fields: Record<string, string> } {
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1] ?? '';
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) fields[m[1]!] = m[2]!.replace(/&#(\d+);/g, (_x, n) => String.fromCharCode(Number(n)));
  return { action: action.replace(/&#(\d+);/g, (_x, n) => String.fromCharCode(Number(n))), fields };
}

const redeem = async (form: Record<string, string>) => {
  const res = await fetch(`${sim.url}/organizations/oauth2/v2.0/token`, {
    method: 'POST',
    body: new URLSearchParams({ client_id: 'app', grant_type: 'authorization_code', redirect_uri: REDIRECT, scope: SCOPE, ...form }),
  });
  return { status: res.status, body: await res.json() };
};

describe('authorization code with PKCE', () => {
  it('shows a sign-in page, redirects with a code on approval, and the code with its verifier gets tokens once', async () => {
    const { verifier, challenge } = pkce();
    const url = authorizeUrl({ code_challenge: challenge, login_hint: ALICE });
    const pageRes = await fetch(url);
    expect(pageRes.status).toBe(200);
    const html = await pageRes.text();
    expect(html).toContain(`<option value="${ALICE}" selected>`);
    const approved = await fetch(url, { method: 'POST', body: new URLSearchParams({ email: ALICE, action: 'approve' }), redirect: 'manual' });
    expect(approved.status).toBe(302);
    const back = new URL(approved.headers.get('location')!);
    expect(back.origin).toBe(REDIRECT);
    expect(back.searchParams.get('state')).toBe('s1');
    const code = back.searchParams.get('code')!;
    const ok = await redeem({ code, code_verifier: verifier });
    expect(ok.status).toBe(200);
    expect(ok.body.refresh_token).toBeTruthy();
    expect(JSON.parse(Buffer.from(ok.body.id_token.split('.')[1], 'base64url').toString()).preferred_username).toBe(ALICE);
    const again = await redeem({ code, code_verifier: verifier });
    expect(again.body).toMatchObject({ error: 'invalid_grant', error_codes: [54005] });
    // Neither the code nor the verifier reach the log.
    const token = sim.control.requestLog().find((e) => e.kind === 'token')!;
    expect(token.requestBody).toMatchObject({ code: '[redacted]', code_verifier: '[redacted]' });
  });

  it('refuses a wrong verifier with invalid_grant AADSTS501481, and the code is spent', async () => {
    const { verifier, challenge } = pkce();
    sim.control.setAutoApprove(ALICE);
    const res = await fetch(authorizeUrl({ code_challenge: challenge }), { redirect: 'manual' });
    const code = new URL(res.headers.get('location')!).searchParams.get('code')!;
    const wrong = await redeem({ code, code_verifier: pkce().verifier });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatchObject({ error: 'invalid_grant', error_codes: [501481] });
    expect(wrong.body.error_description).toMatch(/^AADSTS501481: The Code_Verifier does not match the code_challenge/);
    expect((await redeem({ code, code_verifier: verifier })).body.error_codes).toEqual([54005]);
    const missing = await fetch(authorizeUrl({ code_challenge: challenge }), { redirect: 'manual' });
    const code2 = new URL(missing.headers.get('location')!).searchParams.get('code')!;
    expect((await redeem({ code: code2 })).body.error_codes).toEqual([501481]);
    const code3 = new URL((await fetch(authorizeUrl({ code_challenge: challenge }), { redirect: 'manual' })).headers.get('location')!).searchParams.get('code')!;
    expect((await redeem({ code: code3, code_verifier: verifier, redirect_uri: 'http://localhost:1' })).body.error_codes).toEqual([70000]);
  });

  it('answers form_post with a form for the loopback URI; decline and a missing challenge go back as errors', async () => {
    const { challenge } = pkce();
    sim.control.setAutoApprove(ALICE);
    const res = await fetch(authorizeUrl({ code_challenge: challenge, response_mode: 'form_post' }));
    const { action, fields } = formFields(await res.text());
    expect(action).toBe(REDIRECT);
    expect(fields.state).toBe('s1');
    expect(fields.code).toBeTruthy();
    expect(JSON.parse(Buffer.from(fields.client_info!, 'base64url').toString()).utid).toBe(sim.tenantId);
    sim.control.setAutoApprove(null);
    const declined = await fetch(authorizeUrl({ code_challenge: challenge }), { method: 'POST', body: new URLSearchParams({ action: 'decline' }), redirect: 'manual' });
    expect(new URL(declined.headers.get('location')!).searchParams.get('error')).toBe('access_denied');
    const noPkce = await fetch(authorizeUrl({}), { redirect: 'manual' });
    const err = new URL(noPkce.headers.get('location')!).searchParams;
    expect(err.get('error')).toBe('invalid_request');
    expect(err.get('state')).toBe('s1');
  });

  it('refuses a redirect URI that is not loopback on its own page, never redirecting there', async () => {
    const res = await fetch(authorizeUrl({ code_challenge: pkce().challenge, redirect_uri: 'https://evil.example/cb' }), { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(await res.text()).toContain('AADSTS50011');
  });
});

describe('Conditional Access blocking the device code flow', () => {
  const post = async (path: string, form: Record<string, string>) => {
    const res = await fetch(`${sim.url}${path}`, { method: 'POST', body: new URLSearchParams(form) });
    return { status: res.status, body: await res.json() };
  };

  it('lets the code be entered, then refuses the token with invalid_grant AADSTS53003 (or 50199); off again, sign-in works', async () => {
    expect(sim.control.setConditionalAccess({ blockDeviceCode: true })).toEqual({ blockDeviceCode: true, errorCode: 53003 });
    for (const code of [53003, 50199] as const) {
      sim.control.setConditionalAccess({ blockDeviceCode: true, errorCode: code });
      const dc = await post('/organizations/oauth2/v2.0/devicecode', { client_id: 'app', scope: SCOPE });
      expect(dc.status).toBe(200);
      const poll = () => post('/organizations/oauth2/v2.0/token', { client_id: 'app', grant_type: 'device_code', device_code: dc.body.device_code, scope: SCOPE });
      expect((await poll()).body.error).toBe('authorization_pending');
      sim.control.approveDeviceCode(dc.body.user_code, ALICE);
      const refused = await poll();
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ error: 'invalid_grant', error_codes: [code] });
      expect(refused.body.error_description).toMatch(new RegExp(`^AADSTS${code}: `));
    }
    // Over HTTP too; and a browser sign-in is not affected by it.
    const put = await fetch(`${sim.url}/_control/conditional-access`, { method: 'PUT', body: JSON.stringify({ blockDeviceCode: false }) });
    expect(await put.json()).toEqual({ blockDeviceCode: false, errorCode: 53003 });
    const dc = await post('/organizations/oauth2/v2.0/devicecode', { client_id: 'app', scope: SCOPE });
    sim.control.approveDeviceCode(dc.body.user_code, ALICE);
    const ok = await post('/organizations/oauth2/v2.0/token', { client_id: 'app', grant_type: 'device_code', device_code: dc.body.device_code, scope: SCOPE });
    expect(ok.status).toBe(200);
  });
});
