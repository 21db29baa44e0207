// End to end: a sign-in that does not finish leaves nothing behind. The plan gate, a
// declined and an expired device code, Ctrl-C while waiting, and a wrong or missing key.

import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountRows, ALICE, auditActions, expectOk, filesIn, fingerprint, runAtCode, setupEnv, type Env } from './_connect.js';

/** Asserts that a failed connect left the store exactly as it was (and at most the key file beside it). */
function expectNothingStored(env: Env, before: { print: string; files: string[]; audit: string[] }) {
  expect(fingerprint(env.sb.db)).toBe(before.print);
  // The key file may have been made before the sign-in began (a key problem costs nothing then).
  expect(filesIn(env.sb.dir).filter((f) => !before.files.includes(f) && f !== 'store.db.key')).toEqual([]);
  expect(accountRows(env.sb.db)).toEqual([]);
  expect(auditActions(env.sb.db)).toEqual(before.audit);
}

function snapshot(env: Env) {
  const audit = auditActions(env.sb.db); // opens the store: before the fingerprint
  return { print: fingerprint(env.sb.db), files: filesIn(env.sb.dir), audit };
}

describe('the plan gate', () => {
  let env: Env;
  beforeAll(async () => {
    env = await setupEnv({ gate: false });
    env.sim.control.setAutoApprove(ALICE);
  });
  afterAll(() => env.cleanup());

  it('refuses connect with exit 3 on the growth plan, asks Microsoft nothing and writes nothing', async () => {
    const before = snapshot(env);
    const r = await env.sb.run(['connect', '--staff', ALICE]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^error: Outlook sync is not enabled: .*Multi-Practice plan.*growth plan\nhint: .*contact CaseFlow support/);
    expect(r.stdout).toBe('');
    expect(env.sim.control.requestLog()).toEqual([]);
    expectNothingStored(env, before);
    expect(filesIn(env.sb.dir)).not.toContain('store.db.key');
    const j = await env.sb.json(['connect', '--staff', ALICE]);
    expect(j.code).toBe(3);
    expect(j.body.error.code).toBe('feature_not_enabled');
  });

  it('refuses with the beta switched off too, and refuses sync', async () => {
    await expectOk(env.sb.run(['firm', 'set', '--plan', 'multi-practice', '--outlook-beta', 'off']));
    const before = snapshot(env);
    const r = await env.sb.run(['connect', '--staff', ALICE]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/private beta is switched off/);
    const s = await env.sb.run(['sync', '--staff', ALICE]);
    expect(s.code).toBe(3);
    expect(s.stderr).toMatch(/Outlook sync is not enabled/);
    expect(env.sim.control.requestLog()).toEqual([]);
    expectNothingStored(env, before);
    const status = await env.sb.json(['status', '--staff', ALICE]);
    expect(status.body.warnings.join('\n')).toMatch(/not enabled for this firm.*contact support/);
  });
});

describe('before the sign-in starts', () => {
  let env: Env;
  beforeAll(async () => {
    env = await setupEnv();
  });
  afterAll(() => env.cleanup());

  it('no client id: exit 2 naming the setting, nothing asked, nothing written', async () => {
    const before = snapshot(env);
    const r = await env.sb.run(['connect', '--staff', ALICE], { env: { CASEFLOW_CLIENT_ID: '' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: auth\.clientId is not set.*\nhint: set CASEFLOW_CLIENT_ID or auth\.clientId/);
    expect(env.sim.control.requestLog()).toEqual([]);
    expectNothingStored(env, before);
    expect(filesIn(env.sb.dir)).not.toContain('store.db.key');
  });

  it('an unknown staff member: exit 2, nothing asked', async () => {
    const r = await env.sb.run(['connect', '--staff', 'zed@firm.example']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--staff "zed@firm.example" is not a staff member');
    expect(env.sim.control.requestLog()).toEqual([]);
  });
});

describe('a sign-in that does not finish', () => {
  let env: Env;
  beforeAll(async () => {
    env = await setupEnv();
    env.sim.control.addUser({ email: ALICE });
  });
  afterAll(() => env.cleanup());

  it('declined: exit 3, says so, nothing stored', async () => {
    const before = snapshot(env);
    const r = await runAtCode(env.sb, ['connect', '--staff', ALICE], (code) => env.sim.control.declineDeviceCode(code));
    expect(r.userCode).not.toBeNull();
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/error: the sign-in was declined, nothing was saved\nhint: /);
    expect(r.stdout).toBe('');
    expectNothingStored(env, before);
    const s = await env.sb.json(['status', '--staff', ALICE]);
    expect(s.body).toMatchObject({ connected: false, account: null, syncFrom: null });
  });

  it('declined with --json: one error document on stdout', async () => {
    const r = await runAtCode(env.sb, ['--json', 'connect', '--staff', ALICE], (code) => env.sim.control.declineDeviceCode(code));
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout)).toEqual({ error: { code: 'sign_in_declined', message: expect.stringContaining('declined'), hint: expect.any(String) } });
  });

  it('expired: exit 3, says so, nothing stored', async () => {
    const before = snapshot(env);
    // The simulator's clock jumps past the code's 15 minutes while the CLI polls.
    const r = await runAtCode(env.sb, ['connect', '--staff', ALICE], () => env.sim.control.advanceClock(16 * 60));
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/error: the sign-in code expired before it was used, nothing was saved\nhint: /);
    expectNothingStored(env, before);
  });

  it('Ctrl-C while waiting for approval: exit 130, nothing stored, the code never approved', async () => {
    const before = snapshot(env);
    const r = await runAtCode(env.sb, ['connect', '--staff', ALICE], (_code, child) => child.kill('SIGINT'));
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/error: interrupted: sign-in cancelled, nothing was saved/);
    expectNothingStored(env, before);
    const pending = env.sim.control.pendingDeviceCodes().find((c) => c.userCode === r.userCode);
    expect(pending?.status).toBe('pending');
  });

  it('after all that, a sign-in that is approved still works', async () => {
    const r = await runAtCode(env.sb, ['connect', '--staff', ALICE], (code) => env.sim.control.approveDeviceCode(code, ALICE));
    expect(r.code, r.stderr).toBe(0);
    expect(accountRows(env.sb.db)).toHaveLength(1);
    expect(auditActions(env.sb.db).filter((a) => a === 'connect')).toHaveLength(1);
  });
});

describe('the key', () => {
  let env: Env;
  beforeAll(async () => {
    env = await setupEnv();
    env.sim.control.setAutoApprove(ALICE);
    await expectOk(env.sb.run(['connect', '--staff', ALICE]), 'connect');
  });
  afterAll(() => env.cleanup());

  const otherKey = randomBytes(32).toString('base64');

  it('a wrong CASEFLOW_OUTLOOK_KEY is a clear error (exit 3, names the key), not a crash or a reconnect', async () => {
    const row = accountRows(env.sb.db)[0]!;
    const r = await env.sb.run(['sync', '--staff', ALICE], { env: { CASEFLOW_OUTLOOK_KEY: otherKey } });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^error: the saved sign-in of alice@firm\.example cannot be decrypted with this key \(CASEFLOW_OUTLOOK_KEY or the key file beside the store\)\nhint: .*connect --staff alice@firm\.example --force\n$/);
    expect(r.stdout).toBe('');
    // Not marked "needs reconnect", not overwritten: the right key still works.
    expect(accountRows(env.sb.db)).toEqual([row]);
    const j = await env.sb.json(['sync', '--staff', ALICE], { env: { CASEFLOW_OUTLOOK_KEY: otherKey } });
    expect(j.body.error.code).toBe('wrong_key');
    const ok = await env.sb.run(['sync', '--staff', ALICE]);
    expect(ok.code, ok.stderr).toBe(0);
  });

  it('a malformed CASEFLOW_OUTLOOK_KEY is bad input (exit 2) that says what a key looks like', async () => {
    const r = await env.sb.run(['sync', '--staff', ALICE], { env: { CASEFLOW_OUTLOOK_KEY: 'hunter2' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: CASEFLOW_OUTLOOK_KEY must be a 256-bit key: 64 hex characters or 44 base64 characters/);
    expect(r.stderr).not.toContain('hunter2');
  });

  it('a missing key file is exit 3 naming the key file, and its return fixes it', async () => {
    const key = `${env.sb.db}.key`;
    renameSync(key, `${key}.away`);
    try {
      const r = await env.sb.run(['sync', '--staff', ALICE]);
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/^error: no key to decrypt the saved sign-in of alice@firm\.example \(CASEFLOW_OUTLOOK_KEY is unset and the key file is missing\)/);
      expect(existsSync(key)).toBe(false); // not silently replaced by a new key
    } finally {
      renameSync(`${key}.away`, key);
    }
    expect((await env.sb.run(['sync', '--staff', ALICE])).code).toBe(0);
  });

  it('a damaged key file is exit 3 naming the file, for sync and for connect, before any sign-in', async () => {
    const key = `${env.sb.db}.key`;
    const good = readFileSync(key);
    writeFileSync(key, 'not a key\n');
    try {
      const r = await env.sb.run(['sync', '--staff', ALICE]);
      expect(r.code).toBe(3);
      expect(r.stderr.startsWith(`error: key file ${key} does not hold a 256-bit key`), r.stderr).toBe(true);
      expect(r.stderr).toMatch(/\nhint: restore the key file/);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace without --verbose
      const requests = env.sim.control.requestLog().length;
      const c = await env.sb.json(['connect', '--staff', ALICE, '--force']);
      expect(c.code).toBe(3);
      expect(c.body.error.code).toBe('wrong_key');
      expect(c.stderr).not.toMatch(/enter the code/);
      expect(env.sim.control.requestLog().length).toBe(requests);
      expect(readFileSync(key, 'utf8')).toBe('not a key\n'); // never silently replaced
    } finally {
      writeFileSync(key, good);
    }
  });

  it('with CASEFLOW_OUTLOOK_KEY set, no key file is created, and only that key opens the cache', async () => {
    const other = await setupEnv({ sandboxEnv: { CASEFLOW_OUTLOOK_KEY: otherKey } });
    try {
      other.sim.control.setAutoApprove(ALICE);
      await expectOk(other.sb.run(['connect', '--staff', ALICE]), 'connect');
      expect(filesIn(other.sb.dir)).not.toContain('store.db.key');
      expect((await other.sb.run(['sync', '--staff', ALICE])).code).toBe(0);
      const wrong = await other.sb.run(['sync', '--staff', ALICE], { env: { CASEFLOW_OUTLOOK_KEY: randomBytes(32).toString('hex') } });
      expect(wrong.code).toBe(3);
      expect(wrong.stderr).toContain('cannot be decrypted with this key');
    } finally {
      await other.cleanup();
    }
  });
});
