// End to end: connect, status, prefs, sync, audit and disconnect, run with --verbose on the happy
// and the failing paths, print no access token, refresh token, ID token or Authorization header;
// the store never holds a token in clear text; sign-in asks for the least-privilege scope only.
//
// The simulator's request log redacts tokens, so the real ones are taken from the CLI's own
// cache: decrypted here with the key file, after every command (refresh tokens rotate).

import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decrypt, loadKey } from '../../src/auth/secrets.js';
import { graph } from '../helpers/sim.js';
import type { CliOptions, CliResult } from '../helpers/cli.js';
import { accountRows, ALICE, runAtCode, setupEnv, staffId, storedSecrets, type Env } from './_connect.js';

/** Byte strings that only a clear-text MSAL cache would put in the store. */
const CACHE_MARKERS = ['"secret"', 'RefreshToken', 'AccessToken', 'IdToken', 'credential_type'];
/** Shapes of secrets, whatever their value: a JWT, a simulator refresh token, a bearer header. */
const SECRET_SHAPES = [/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\./, /\b1\.AR[A-Za-z0-9_-]{20,}/, /bearer\s+[A-Za-z0-9._~+/-]{8,}/i, /\bauthorization["']?\s*[:=]/i];

describe('no token in any output or in the store', () => {
  let env: Env;
  const runs: { args: string[]; result: CliResult }[] = [];
  const tokens = { access: new Set<string>(), refresh: new Set<string>(), id: new Set<string>() };
  const storeLeaks: string[] = [];
  let keyText = '';

  /** Harvests Alice's current tokens (if connected) and checks the raw store bytes for any token seen so far. */
  function inspect(after: string) {
    if (accountRows(env.sb.db).some((a) => a.staff_id === staffId(env.sb.db, ALICE))) {
      const s = storedSecrets(env.sb, ALICE);
      s.accessTokens.forEach((t) => tokens.access.add(t));
      s.refreshTokens.forEach((t) => tokens.refresh.add(t));
      s.idTokens.forEach((t) => tokens.id.add(t));
    }
    for (const file of [env.sb.db, `${env.sb.db}-wal`]) {
      if (!existsSync(file)) continue;
      const bytes = readFileSync(file);
      for (const needle of [...CACHE_MARKERS, ...allTokens()]) if (bytes.includes(needle)) storeLeaks.push(`${after}: ${file} holds ${needle.slice(0, 12)}…`);
    }
    if (existsSync(`${env.sb.db}.key`)) keyText = readFileSync(`${env.sb.db}.key`, 'utf8').trim();
  }

  const allTokens = () => [...tokens.access, ...tokens.refresh, ...tokens.id];

  async function verbose(args: string[], options: CliOptions = {}): Promise<CliResult> {
    const result = await env.sb.run(['--verbose', ...args], options);
    runs.push({ args, result });
    inspect(args.join(' '));
    return result;
  }

  beforeAll(async () => {
    // 60-second access tokens: every command refreshes, so refresh tokens rotate all along.
    env = await setupEnv({ accessTokenLifetimeSeconds: 60 });
    env.sim.control.setAutoApprove(ALICE);
    const expectCode = async (p: Promise<CliResult>, code: number) => {
      const r = await p;
      expect(r.code, `${runs.at(-1)?.args.join(' ')}: ${r.stderr}`).toBe(code);
    };
    await expectCode(verbose(['connect', '--staff', ALICE]), 0);
    // The harvested tokens are the real thing: the access token opens Alice's calendar (and, being
    // least privilege, not her profile).
    const [access] = [...tokens.access];
    expect((await graph(env.sim, access!, 'GET', '/me/calendar')).status).toBe(200);
    expect((await graph(env.sim, access!, 'GET', '/me')).status).toBe(403);
    await expectCode(verbose(['connect', '--staff', ALICE]), 0);
    await expectCode(verbose(['--json', 'connect', '--staff', ALICE, '--force']), 0);
    await expectCode(verbose(['status']), 0);
    await expectCode(verbose(['status', '--staff', ALICE]), 0);
    await expectCode(verbose(['--json', 'status', '--staff', ALICE]), 0);
    await expectCode(verbose(['prefs', 'show', '--staff', ALICE]), 0);
    await expectCode(verbose(['--json', 'prefs', 'set', '--staff', ALICE, '--deadlines', 'off']), 0);
    await expectCode(verbose(['sync', '--staff', ALICE]), 0);
    await expectCode(verbose(['--json', 'sync', '--staff', ALICE]), 0);
    await expectCode(verbose(['audit', '--staff', ALICE]), 0);
    await expectCode(verbose(['sync', '--staff', ALICE], { env: { CASEFLOW_OUTLOOK_KEY: Buffer.alloc(32, 1).toString('base64') } }), 3);
    env.sim.control.revokeUser(ALICE);
    await expectCode(verbose(['sync', '--staff', ALICE]), 3);
    await expectCode(verbose(['--json', 'sync', '--staff', ALICE]), 3);
    await expectCode(verbose(['status', '--staff', ALICE]), 0);
    await expectCode(verbose(['connect', '--staff', ALICE]), 0);
    await expectCode(verbose(['sync', '--staff', ALICE]), 0);
    await expectCode(verbose(['disconnect', '--staff', ALICE]), 0);
    await expectCode(verbose(['--json', 'disconnect', '--staff', ALICE]), 0);
    env.sim.control.setAutoApprove(null);
    for (const act of [(code: string) => env.sim.control.declineDeviceCode(code), (_: string, child: import('node:child_process').ChildProcess) => child.kill('SIGINT')]) {
      const result = await runAtCode(env.sb, ['--verbose', 'connect', '--staff', ALICE], act);
      runs.push({ args: ['connect (interrupted or declined)'], result });
      inspect('connect (interrupted or declined)');
    }
    expect(runs.at(-2)!.result.code).toBe(3);
    expect(runs.at(-1)!.result.code).toBe(130);
    env.sim.control.setAutoApprove(ALICE);
    await expectCode(verbose(['connect', '--staff', ALICE]), 0);
  }, 180_000);
  afterAll(() => env.cleanup());

  it('saw real tokens of every kind, rotating, and verbose output', () => {
    // Four sign-ins plus a refresh per sync: without rotation and harvesting these would be 1.
    expect(tokens.access.size).toBeGreaterThanOrEqual(5);
    expect(tokens.refresh.size).toBeGreaterThanOrEqual(5);
    expect(tokens.id.size).toBeGreaterThanOrEqual(4);
    expect(keyText).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    // --verbose was on: Graph calls were logged (without their headers).
    expect(runs.some((r) => /debug: graph GET \/v1\.0\/me\/calendarView\/delta -> 200/.test(r.result.stderr))).toBe(true);
    // The failing runs printed their stack traces, which pass through the same redaction.
    expect(runs.some((r) => r.result.code === 3 && /\n\s+at /.test(r.result.stderr))).toBe(true);
  });

  it('no token, Authorization header or key in stdout or stderr of any run', () => {
    const leaks: string[] = [];
    for (const { args, result } of runs) {
      for (const [stream, text] of [['stdout', result.stdout], ['stderr', result.stderr]] as const) {
        for (const t of allTokens()) if (text.includes(t)) leaks.push(`${args.join(' ')} ${stream}: token ${t.slice(0, 10)}…`);
        // Half a token is still a leak (e.g. a truncated log line).
        for (const t of allTokens()) if (text.includes(t.slice(-40))) leaks.push(`${args.join(' ')} ${stream}: tail of ${t.slice(0, 10)}…`);
        for (const shape of SECRET_SHAPES) if (shape.test(text)) leaks.push(`${args.join(' ')} ${stream}: ${shape}`);
        if (keyText && text.includes(keyText)) leaks.push(`${args.join(' ')} ${stream}: the store key`);
      }
    }
    expect(leaks).toEqual([]);
  });

  it('the detectors work: they find the tokens in the decrypted cache', () => {
    const row = accountRows(env.sb.db)[0]!;
    const plain = decrypt(row.token_cache, loadKey(env.sb.env, env.sb.db, false)!.key, row.staff_id, ALICE);
    for (const marker of CACHE_MARKERS) expect(plain.includes(marker), marker).toBe(true);
    const current = storedSecrets(env.sb, ALICE);
    for (const t of [...current.accessTokens, ...current.refreshTokens, ...current.idTokens]) expect(plain.includes(t)).toBe(true);
    expect(SECRET_SHAPES[0]!.test(current.accessTokens[0]!)).toBe(true);
    expect(SECRET_SHAPES[1]!.test(current.refreshTokens[0]!)).toBe(true);
    expect(SECRET_SHAPES[2]!.test(`Authorization: Bearer ${current.accessTokens[0]}`)).toBe(true);
    expect(SECRET_SHAPES[3]!.test(`authorization: Bearer ${current.accessTokens[0]}`)).toBe(true);
  });

  it('the store file and its WAL never held a token or a clear-text cache', () => {
    expect(storeLeaks).toEqual([]);
    // The cache column is ciphertext: version byte, then IV, tag and body.
    const row = accountRows(env.sb.db)[0]!;
    expect(row.token_cache[0]).toBe(1);
    expect(row.token_cache.includes('secret')).toBe(false);
  });

  it('sign-in and refresh ask for Calendars.ReadWrite plus openid profile offline_access, nothing else', () => {
    const auth = env.sim.control.requestLog().filter((e) => e.kind === 'devicecode' || e.kind === 'token');
    const grants = auth.map((e) => (e.kind === 'devicecode' ? 'devicecode' : (e.requestBody as { grant_type: string }).grant_type));
    expect(grants).toContain('devicecode');
    expect(grants).toContain('device_code');
    expect(grants).toContain('refresh_token');
    for (const e of auth) {
      expect((e.scope ?? '').split(/\s+/).sort(), `${e.kind} ${e.path}`).toEqual(['Calendars.ReadWrite', 'offline_access', 'openid', 'profile']);
    }
    // And every token the CLI holds was granted only that.
    const claims = JSON.parse(Buffer.from(storedSecrets(env.sb, ALICE).accessTokens[0]!.split('.')[1]!, 'base64url').toString('utf8')) as { scp: string };
    expect(claims.scp.toLowerCase()).toBe('calendars.readwrite');
  });
});
