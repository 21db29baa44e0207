// End to end: where Conditional Access blocks the device-code flow, `connect` says so with exit 3
// and names the two ways that work (--browser, app-only); `connect --browser` signs in with the
// authorization code and PKCE on a loopback redirect. The test plays the browser: it opens the
// printed URL at the simulator and posts the answer to the loopback address, as the browser's
// form would. Ctrl-C while waiting leaves nothing behind; a $BROWSER is started with the URL.

import type { ChildProcess } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountRows, ALICE, auditActions, BOB, expectOk, fingerprint, setupEnv, storedSecrets, type Env } from './_connect.js';

/** No display, no $BROWSER: the CLI must print the URL and wait, starting nothing. */
const HEADLESS = { DISPLAY: undefined, WAYLAND_DISPLAY: undefined, BROWSER: undefined };

const urlIn = (stderr: string) => /^(https:\/\/127\.0\.0\.1:\d+\/\S+\/oauth2\/v2\.0\/authorize\?\S+)$/m.exec(stderr)?.[1] ?? null;

const decode = (s: string) => s.replace(/&#(\d+);/g, (_x, n) => String.fromCharCode(Number(n)));

/** What a browser does with the sign-in page's answer: post its form to the loopback redirect URI. */
async function playBrowser(url: string, action: 'approve' | 'decline' = 'approve'): Promise<{ status: number; text: string; loopback: string }> {
  const page = await fetch(url, action === 'decline' ? { method: 'POST', body: new URLSearchParams({ action: 'decline' }) } : {});
  const html = await page.text();
  if (!html.includes('<form method="POST"')) throw new Error(`no answer form on the sign-in page (${page.status}): ${html.slice(0, 300)}`);
  const target = decode(/<form[^>]*action="([^"]+)"/.exec(html)?.[1] ?? '');
  const fields = new URLSearchParams();
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) fields.append(m[1]!, decode(m[2]!));
  const answer = await fetch(target, { method: 'POST', body: fields });
  return { status: answer.status, text: await answer.text(), loopback: target };
}

describe('device code refused by Conditional Access', () => {
  let env: Env;
  beforeAll(async () => {
    env = await setupEnv();
    env.sim.control.setAutoApprove(ALICE);
  });
  afterAll(() => env.cleanup());

  it('exit 3 (not "run again"), naming --browser and connect --app; nothing stored', async () => {
    env.sim.control.setConditionalAccess({ blockDeviceCode: true });
    const before = fingerprint(env.sb.db);
    const r = await env.sb.run(['connect', '--staff', ALICE]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(
      `error: Microsoft refused the device-code sign-in of ${ALICE}: your organisation's Conditional Access policy blocks it (AADSTS53003); nothing was saved\n` +
        `hint: sign in with a browser on this machine instead: caseflow-outlook connect --staff ${ALICE} --browser, or have a Microsoft 365 admin connect the whole firm app-only: caseflow-outlook connect --app\n`,
    );
    expect(r.stdout).toBe('');
    expect(accountRows(env.sb.db)).toEqual([]);
    expect(fingerprint(env.sb.db)).toBe(before);
    env.sim.control.setConditionalAccess({ blockDeviceCode: true, errorCode: 50199 });
    const j = await env.sb.json(['connect', '--staff', ALICE]);
    expect(j.code).toBe(3);
    expect(j.body.error).toMatchObject({ code: 'sign_in_blocked' });
    expect(j.body.error.message).toContain('(AADSTS50199)');
    expect(j.body.error.hint).toContain('--browser');
    env.sim.control.setConditionalAccess({ blockDeviceCode: false });
  });
});

/**
 * Runs `connect --browser` headless and calls `onUrl` once, when the sign-in URL is printed, with
 * the child process (to interrupt it, or to kill it when the played browser fails).
 */
function connectInBrowser(sb: Env['sb'], args: string[], onUrl: (url: string, child: ChildProcess) => void) {
  let child: ChildProcess | null = null;
  let seen = false;
  return sb.run([...args, '--browser'], {
    env: HEADLESS,
    onSpawn: (c) => {
      child = c;
    },
    onStderr: (_c, all) => {
      const url = urlIn(all);
      if (url && !seen) {
        seen = true;
        onUrl(url, child!);
      }
    },
  });
}

describe('connect --browser', () => {
  let env: Env;
  beforeAll(async () => {
    env = await setupEnv({ staff: [ALICE, BOB] });
    env.sim.control.setAutoApprove(ALICE);
    // Device codes are blocked: only the browser gets in.
    env.sim.control.setConditionalAccess({ blockDeviceCode: true });
  });
  afterAll(() => env.cleanup());

  it('prints the URL when no browser can be started, waits, and completes when the browser posts the answer back', async () => {
    let played: Promise<Awaited<ReturnType<typeof playBrowser>>> | null = null;
    const r = await connectInBrowser(env.sb, ['--json', 'connect', '--staff', ALICE], (url, child) => {
      // A browser that cannot finish must not leave the CLI waiting for the test's timeout.
      played = playBrowser(url).catch((error) => (child.kill('SIGKILL'), Promise.reject(error)));
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('To sign in, open this page in a browser on this machine');
    expect(r.stderr).not.toContain('A browser was started');
    const browser = await played!;
    expect(browser.status).toBe(200);
    expect(browser.text).toContain('You can close this window');
    expect(browser.loopback).toMatch(/^http:\/\/localhost:\d+$/);
    expect(JSON.parse(r.stdout)).toMatchObject({ staff: ALICE, connected: true, connectedVia: 'sign-in', account: ALICE, changed: true });
    // What went over the wire: PKCE S256 on a loopback redirect, the code redeemed with its verifier.
    const log = env.sim.control.requestLog();
    const authorize = log.find((e) => e.kind === 'authorize')!;
    const q = new URL(authorize.path, 'https://x').searchParams;
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('redirect_uri')).toBe(browser.loopback);
    expect(q.get('response_mode')).toBe('form_post');
    expect(q.get('login_hint')).toBe(ALICE);
    expect(q.get('state')).toBeTruthy();
    const redeemed = log.find((e) => e.kind === 'token' && (e.requestBody as Record<string, string>).grant_type === 'authorization_code')!;
    expect(redeemed.status).toBe(200);
    expect(redeemed.requestBody).toMatchObject({ code: '[redacted]', code_verifier: '[redacted]', redirect_uri: browser.loopback });
    // Stored like a device-code sign-in, and it syncs: a refresh token in the encrypted cache.
    expect(storedSecrets(env.sb, ALICE).refreshTokens).toHaveLength(1);
    expect(auditActions(env.sb.db)).toContain('connect');
    await expectOk(env.sb.run(['sync', '--staff', ALICE]), 'sync');
    // The loopback listener is gone with the command.
    await expect(fetch(browser.loopback)).rejects.toThrow();
  });

  it('Ctrl-C while waiting for the browser: exit 130, nothing stored, the listener closed', async () => {
    const before = fingerprint(env.sb.db);
    let loopback: string | null = null;
    const r = await connectInBrowser(env.sb, ['connect', '--staff', BOB], (url, child) => {
      loopback = new URL(url).searchParams.get('redirect_uri');
      child.kill('SIGINT');
    });
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/interrupted: sign-in cancelled, nothing was saved/);
    expect(fingerprint(env.sb.db)).toBe(before);
    expect(accountRows(env.sb.db).map((a) => a.username)).toEqual([ALICE]);
    await expect(fetch(loopback!)).rejects.toThrow();
  });

  it('declined in the browser: exit 3, nothing stored', async () => {
    env.sim.control.setAutoApprove(null);
    let played: Promise<unknown> | null = null;
    const r = await connectInBrowser(env.sb, ['connect', '--staff', BOB], (url, child) => {
      played = playBrowser(url, 'decline').catch((error) => (child.kill('SIGKILL'), Promise.reject(error)));
    });
    await played;
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^error: the sign-in was declined, nothing was saved\nhint: run connect again and approve the request: caseflow-outlook connect --staff bob@firm\.example --browser$/m);
    expect(accountRows(env.sb.db).map((a) => a.username)).toEqual([ALICE]);
  });

  it('starts $BROWSER with the URL, and the sign-in completes without anyone at the terminal', async () => {
    env.sim.control.setAutoApprove(BOB);
    const script = join(env.sb.dir, 'fake-browser.mjs');
    // A browser that follows the sign-in page's answer to the loopback URI.
    writeFileSync(
      script,
      `#!${process.execPath}\n` +
        'const decode = (s) => s.replace(/&#(\\d+);/g, (_x, n) => String.fromCharCode(Number(n)));\n' +
        'const html = await (await fetch(process.argv[2])).text();\n' +
        'const target = decode(/<form[^>]*action="([^"]+)"/.exec(html)[1]);\n' +
        'const fields = new URLSearchParams();\n' +
        'for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) fields.append(m[1], decode(m[2]));\n' +
        'await fetch(target, { method: "POST", body: fields });\n',
    );
    chmodSync(script, 0o755);
    const r = await env.sb.run(['connect', '--staff', BOB, '--browser'], { spawn: true, env: { ...HEADLESS, BROWSER: script } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('A browser was started with it');
    expect(r.stdout).toContain(`Connected as ${BOB}`);
    expect(accountRows(env.sb.db).map((a) => a.username).sort()).toEqual([ALICE, BOB]);
  });
});
