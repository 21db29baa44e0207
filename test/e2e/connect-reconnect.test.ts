// End to end: silent token acquisition after connect. Rotated refresh tokens are
// persisted; a refresh that fails for good (revoked) marks that staff member "needs reconnect"
// (exit 3, status shows it) without touching the others; the 60-day inactivity warning (Microsoft
// expires a refresh token after 90 days without use).
//
// The simulator issues 60-second access tokens here: MSAL counts a token within 300 s of expiry
// as stale, so every command refreshes, as it would after an idle spell with real tokens.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountRows, ALICE, BOB, expectOk, setupEnv, staffId, storedSecrets, type Env } from './_connect.js';

const DAY = 86_400_000;

/** Token-endpoint requests with the refresh_token grant since `seq`. */
function refreshRequests(env: Env, since = 0) {
  return env.sim.control.requestLog(since).filter((e) => e.kind === 'token' && (e.requestBody as { grant_type?: string }).grant_type === 'refresh_token');
}

const lastSeq = (env: Env) => env.sim.control.requestLog().at(-1)?.seq ?? 0;

describe('silent tokens and needs-reconnect', () => {
  let env: Env;
  beforeAll(async () => {
    env = await setupEnv({ staff: [ALICE, BOB], accessTokenLifetimeSeconds: 60 });
    env.sim.control.setAutoApprove(ALICE);
    await expectOk(env.sb.run(['connect', '--staff', ALICE]), 'connect alice');
    env.sim.control.setAutoApprove(BOB);
    await expectOk(env.sb.run(['connect', '--staff', BOB]), 'connect bob');
    env.sim.control.setAutoApprove(null);
  });
  afterAll(() => env.cleanup());

  it('each refresh rotates the refresh token and the new one is stored, so the next command works', async () => {
    const first = storedSecrets(env.sb, ALICE);
    expect(first.refreshTokens).toHaveLength(1);
    const since = lastSeq(env);
    await expectOk(env.sb.run(['sync', '--staff', ALICE]), 'sync 1');
    const second = storedSecrets(env.sb, ALICE);
    expect(refreshRequests(env, since).map((e) => e.status)).toEqual([200]);
    expect(second.refreshTokens).toHaveLength(1);
    expect(second.refreshTokens[0]).not.toBe(first.refreshTokens[0]);
    // The simulator accepts each refresh token once: this only passes if the rotated one was saved.
    await expectOk(env.sb.run(['sync', '--staff', ALICE]), 'sync 2');
    expect(refreshRequests(env, since).map((e) => e.status)).toEqual([200, 200]);
    expect(storedSecrets(env.sb, ALICE).refreshTokens[0]).not.toBe(second.refreshTokens[0]);
  });

  it('a revoked user: the command exits 3 at the first failed refresh, and the staff member needs reconnect', async () => {
    env.sim.control.revokeUser(ALICE);
    const since = lastSeq(env);
    const r = await env.sb.run(['sync', '--staff', ALICE]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^error: the Microsoft sign-in of alice@firm\.example has expired or was revoked \(invalid_grant\)\nhint: sign in again: caseflow-outlook connect --staff alice@firm\.example --force\n$/);
    // One refused refresh is final: no retry loop against the token endpoint, no Graph call.
    expect(refreshRequests(env, since).map((e) => e.status)).toEqual([400]);
    expect(env.sim.control.requestLog(since).filter((e) => e.path.startsWith('/v1.0/'))).toEqual([]);
    const row = accountRows(env.sb.db).find((a) => a.staff_id === staffId(env.sb.db, ALICE))!;
    expect(row).toMatchObject({ needs_reconnect: 1, reconnect_reason: 'invalid_grant' });
  });

  it('status shows needs reconnect with a warning; the next command fails fast without asking Microsoft', async () => {
    const s = await env.sb.json(['status', '--staff', ALICE]);
    expect(s.code).toBe(0);
    expect(s.body).toMatchObject({ staff: ALICE, connected: true, account: ALICE, needsReconnect: true });
    expect(s.body.warnings).toEqual([`sign-in expired or revoked: run caseflow-outlook connect --staff ${ALICE} --force`]);
    const text = await env.sb.run(['status', '--staff', ALICE]);
    expect(text.stdout).toContain(`connection\tneeds reconnect (${ALICE})\n`);
    expect(text.stdout).toContain('note\twarning: sign-in expired or revoked');
    const all = await env.sb.json(['status']);
    expect(all.body.map((x: { staff: string; needsReconnect: boolean }) => [x.staff, x.needsReconnect])).toEqual([[ALICE, true], [BOB, false]]);
    const since = lastSeq(env);
    const again = await env.sb.json(['sync', '--staff', ALICE]);
    expect(again.code).toBe(3);
    expect(again.body.error.code).toBe('needs_reconnect');
    expect(env.sim.control.requestLog(since)).toEqual([]);
  });

  it('the other staff member is untouched', async () => {
    const r = await env.sb.run(['sync', '--staff', BOB]);
    expect(r.code, r.stderr).toBe(0);
    const s = await env.sb.json(['status', '--staff', BOB]);
    expect(s.body).toMatchObject({ connected: true, needsReconnect: false, warnings: [] });
  });

  it('connect (no --force needed) repairs it', async () => {
    env.sim.control.setAutoApprove(ALICE);
    const c = await env.sb.json(['connect', '--staff', ALICE]);
    expect(c.code, c.stderr).toBe(0);
    expect(c.body).toMatchObject({ connected: true, changed: true });
    const s = await env.sb.json(['status', '--staff', ALICE]);
    expect(s.body).toMatchObject({ needsReconnect: false, warnings: [] });
    expect((await env.sb.run(['sync', '--staff', ALICE])).code).toBe(0);
  });
});

describe('the 60-day inactivity warning', () => {
  let env: Env;
  let refreshedAt: number;
  beforeAll(async () => {
    env = await setupEnv({ accessTokenLifetimeSeconds: 60 });
    env.sim.control.setAutoApprove(ALICE);
    await expectOk(env.sb.run(['connect', '--staff', ALICE]), 'connect');
    refreshedAt = Date.parse(accountRows(env.sb.db)[0]!.last_refresh_at);
  });
  afterAll(() => env.cleanup());

  const at = (ms: number) => ({ env: { CASEFLOW_NOW: new Date(ms).toISOString() } });

  it('no warning 59 days after the last refresh', async () => {
    const s = await env.sb.json(['status', '--staff', ALICE], at(refreshedAt + 59 * DAY));
    expect(s.body.warnings).toEqual([]);
  });

  it('a warning 61 days after, in status --staff (JSON and text) and in the overview', async () => {
    const when = at(refreshedAt + 61 * DAY);
    const day = new Date(refreshedAt).toISOString().slice(0, 10);
    const warning = `sign-in not refreshed since ${day}: Microsoft expires it after 90 days of inactivity; run caseflow-outlook sync --staff ${ALICE}`;
    const s = await env.sb.json(['status', '--staff', ALICE], when);
    expect(s.body).toMatchObject({ connected: true, needsReconnect: false, warnings: [warning] });
    const text = await env.sb.run(['status', '--staff', ALICE], when);
    expect(text.stdout).toContain(`note\twarning: ${warning}\n`);
    const all = await env.sb.json(['status'], when);
    expect(all.body[0].warnings).toEqual([warning]);
  });

  it('a sync that refreshes the sign-in clears it', async () => {
    const when = at(refreshedAt + 61 * DAY);
    await expectOk(env.sb.run(['sync', '--staff', ALICE], when), 'sync');
    expect(accountRows(env.sb.db)[0]!.last_refresh_at).toBe(new Date(refreshedAt + 61 * DAY).toISOString());
    const s = await env.sb.json(['status', '--staff', ALICE], when);
    expect(s.body.warnings).toEqual([]);
  });
});
