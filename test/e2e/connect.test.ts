// End to end: the built CLI against the simulator. connect (auto-approved), status,
// connect again (and --force), disconnect, disconnect again, reconnect; audit rows; prefs; file
// modes. Failures (gate, decline, expiry, Ctrl-C, wrong key) are in connect-failures.test.ts,
// needs-reconnect and the 60-day warning in connect-reconnect.test.ts, secrets in
// connect-secrets.test.ts.

import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandbox } from '../helpers/cli.js';
import { startTestSimulator } from '../helpers/sim.js';
import { accountRows, ALICE, CLIENT_ID, expectOk, runAtCode, setupEnv, syncState, userCodeIn, type Env } from './_connect.js';

// Alice's Microsoft account has another address than her CaseFlow one: status must show the
// account from the ID token, not echo the staff email.
const MS_ALICE = 'alice.moss@firm.example';

describe('connect, status, disconnect, reconnect', () => {
  let env: Env;
  beforeAll(async () => {
    env = await setupEnv();
    env.sim.control.setAutoApprove(MS_ALICE);
  });
  afterAll(() => env.cleanup());

  const deviceCodeRequests = () => env.sim.control.requestLog().filter((e) => e.kind === 'devicecode').length;
  const audit = async () => (await env.sb.json(['audit', '--staff', ALICE])).body as { action: string; kind: string; trigger: string; summary: string; staff: string }[];

  it('status before connecting: not connected, no account', async () => {
    const s = await env.sb.json(['status', '--staff', ALICE]);
    expect(s.code).toBe(0);
    expect(s.body).toMatchObject({ staff: ALICE, connected: false, account: null, needsReconnect: false, warnings: [] });
    expect(accountRows(env.sb.db)).toEqual([]);
  });

  it('connect: device code on stderr, one JSON document on stdout, account stored', async () => {
    const before = Date.now();
    const r = await env.sb.json(['connect', '--staff', ALICE]);
    const after = Date.now();
    expect(r.code, r.stderr).toBe(0);
    expect(r.body).toMatchObject({ staff: ALICE, connected: true, account: MS_ALICE, changed: true });
    const at = Date.parse(r.body.connectedAt);
    expect(at).toBeGreaterThanOrEqual(before - 1000);
    expect(at).toBeLessThanOrEqual(after + 1000);
    // The instruction (URL and code) went to stderr, with the Connected line.
    expect(r.stderr).toContain(`${env.sim.url}/devicelogin`);
    expect(r.stderr).toMatch(/enter the code [A-Z0-9]{6,} to authenticate/);
    expect(r.stderr).toContain(`Connected ${ALICE} as ${MS_ALICE}`);
    expect(r.stdout).not.toContain('devicelogin');
    expect(deviceCodeRequests()).toBe(1);
    const rows = accountRows(env.sb.db);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ username: MS_ALICE, needs_reconnect: 0, connected_at: r.body.connectedAt });
  });

  it('status shows the connected account and since when', async () => {
    const s = await env.sb.json(['status', '--staff', ALICE]);
    expect(s.code).toBe(0);
    const row = accountRows(env.sb.db)[0]!;
    expect(s.body).toMatchObject({ staff: ALICE, connected: true, account: MS_ALICE, connectedSince: row.connected_at, needsReconnect: false, warnings: [] });
    const text = await env.sb.run(['status', '--staff', ALICE]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`connection\tconnected as ${MS_ALICE}\n`);
    expect(text.stdout).toContain(`connected since\t${row.connected_at}\n`);
    const all = await env.sb.run(['status']);
    expect(all.stdout).toMatch(new RegExp(`^${ALICE}\tconnected as ${MS_ALICE}\t`, 'm'));
  });

  it('connect again says already connected, exit 0, asks Microsoft nothing and writes nothing', async () => {
    const requests = env.sim.control.requestLog().length;
    const row = accountRows(env.sb.db)[0]!;
    const r = await env.sb.run(['connect', '--staff', ALICE]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`already connected as ${MS_ALICE}`);
    expect(r.stdout).toContain(`connect --staff ${ALICE} --force`);
    expect(r.stderr).not.toMatch(/enter the code/);
    const j = await env.sb.json(['connect', '--staff', ALICE]);
    expect(j.code).toBe(0);
    expect(j.body).toMatchObject({ connected: true, account: MS_ALICE, connectedAt: row.connected_at, changed: false });
    expect(env.sim.control.requestLog().length).toBe(requests);
    expect(accountRows(env.sb.db)).toEqual([row]);
    expect((await audit()).filter((a) => a.action === 'connect')).toHaveLength(1);
  });

  it('connect --force signs in again: new device code, new cache, new connected-since', async () => {
    const old = accountRows(env.sb.db)[0]!;
    const r = await env.sb.json(['connect', '--staff', ALICE, '--force']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.body).toMatchObject({ connected: true, account: MS_ALICE, changed: true });
    expect(userCodeIn(r.stderr)).not.toBeNull();
    expect(deviceCodeRequests()).toBe(2);
    const row = accountRows(env.sb.db)[0]!;
    expect(row.connected_at).toBe(r.body.connectedAt);
    expect(row.connected_at > old.connected_at).toBe(true);
    expect(Buffer.compare(row.token_cache, old.token_cache)).not.toBe(0);
    expect((await audit()).filter((a) => a.action === 'connect')).toHaveLength(2);
  });

  it('disconnect removes the account and tokens, clears the delta state, says how to revoke in My Apps', async () => {
    await expectOk(env.sb.run(['sync', '--staff', ALICE]), 'sync');
    expect(syncState(env.sb.db).delta_link).not.toBeNull();
    const r = await env.sb.run(['disconnect', '--staff', ALICE]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Disconnected ${ALICE} (${MS_ALICE})`);
    expect(r.stdout).toContain('https://myapps.microsoft.com');
    expect(accountRows(env.sb.db)).toEqual([]);
    const s = await env.sb.json(['status', '--staff', ALICE]);
    expect(s.body).toMatchObject({ connected: false, account: null, connectedSince: null, needsReconnect: false });
    // The delta state goes; the sync window start stays for a later reconnect (links and events stay).
    expect(syncState(env.sb.db)).toMatchObject({ delta_link: null, sync_from: s.body.syncFrom });
    expect(s.body.syncFrom).not.toBeNull();
  });

  it('disconnect again: exit 0, nothing to do, no audit row', async () => {
    const r = await env.sb.run(['disconnect', '--staff', ALICE]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/not connected; nothing to do/);
    const j = await env.sb.json(['disconnect', '--staff', ALICE]);
    expect(j.code).toBe(0);
    expect(j.body).toEqual({ staff: ALICE, connected: false, changed: false });
    expect((await audit()).filter((a) => a.action === 'disconnect')).toHaveLength(1);
  });

  it('reconnect after disconnect works and status is connected again', async () => {
    const r = await env.sb.run(['connect', '--staff', ALICE]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`connection\tConnected as ${MS_ALICE}\n`);
    expect(accountRows(env.sb.db)).toHaveLength(1);
    const s = await env.sb.json(['status', '--staff', ALICE]);
    expect(s.body).toMatchObject({ connected: true, account: MS_ALICE, needsReconnect: false });
  });

  it('audit has a row for each connect and the disconnect, in order', async () => {
    const rows = (await audit()).filter((a) => a.kind === 'account').reverse();
    expect(rows.map((a) => a.action)).toEqual(['connect', 'connect', 'disconnect', 'connect']);
    for (const a of rows) {
      expect(a).toMatchObject({ staff: ALICE, trigger: 'cli', kind: 'account' });
      expect(a.summary).toContain(MS_ALICE);
    }
  });

  it('prefs show and set: toggle tasks off, see it, audit row', async () => {
    const shown = await env.sb.json(['prefs', 'show', '--staff', ALICE]);
    expect(shown.body).toEqual({ staff: ALICE, enabled: true, events: true, tasks: true, deadlines: true });
    const set = await env.sb.json(['prefs', 'set', '--staff', ALICE, '--tasks', 'off']);
    expect(set.code).toBe(0);
    expect(set.body).toEqual({ staff: ALICE, enabled: true, events: true, tasks: false, deadlines: true });
    const text = await env.sb.run(['prefs', 'show', '--staff', ALICE]);
    expect(text.stdout).toContain('tasks with due dates (one-way)\toff\n');
    expect(text.stdout).toContain('calendar events (two-way)\ton\n');
    const s = await env.sb.json(['status', '--staff', ALICE]);
    expect(s.body.prefs).toEqual({ enabled: true, events: true, tasks: false, deadlines: true });
    const rows = (await audit()).filter((a) => a.action === 'prefs.set');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ kind: 'prefs', trigger: 'cli' });
    expect(rows[0]!.summary).toContain('tasks=off');
    const bad = await env.sb.run(['prefs', 'set', '--staff', ALICE, '--tasks', 'maybe']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--tasks');
    const none = await env.sb.run(['prefs', 'set', '--staff', ALICE]);
    expect(none.code).toBe(2);
  });
});

describe('file modes', () => {
  it('the store (in a folder it creates), its WAL and the key file are 0600, the folder 0700, whatever the umask', async () => {
    const sim = await startTestSimulator();
    const base = sandbox();
    const db = join(base.dir, 'nested', 'store.db');
    const sb = sandbox({ ...base.env, CASEFLOW_DB: db, CASEFLOW_AUTHORITY_HOST: sim.url, CASEFLOW_GRAPH_URL: sim.url, CASEFLOW_CLIENT_ID: CLIENT_ID });
    // Children inherit the umask: with none at all, only the code's own modes protect the files.
    const umask = process.umask(0);
    try {
      await expectOk(sb.run(['firm', 'set', '--plan', 'multi-practice', '--outlook-beta', 'on']));
      await expectOk(sb.run(['staff', 'add', '--email', ALICE, '--name', 'Alice']));
      // Approval is given by hand, while the child waits: its WAL and shm files exist then.
      sim.control.addUser({ email: ALICE });
      let walMode = -1;
      let shmMode = -1;
      const r = await runAtCode(sb, ['connect', '--staff', ALICE], (code) => {
        walMode = statSync(`${db}-wal`).mode & 0o777;
        shmMode = statSync(`${db}-shm`).mode & 0o777;
        sim.control.approveDeviceCode(code, ALICE);
      });
      expect(r.code, r.stderr).toBe(0);
      expect(walMode).toBe(0o600);
      expect(shmMode).toBe(0o600);
      expect(statSync(db).mode & 0o777).toBe(0o600);
      expect(statSync(`${db}.key`).mode & 0o777).toBe(0o600);
      expect(statSync(join(base.dir, 'nested')).mode & 0o777).toBe(0o700);
      expect(accountRows(db)).toHaveLength(1);
    } finally {
      process.umask(umask);
      await sim.stop();
      base.cleanup();
    }
  });
});
