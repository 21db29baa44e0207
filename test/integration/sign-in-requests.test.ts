// A run whose access token is still fresh sends no sign-in request: the sign-in server's metadata
// is read once per process, not once per run (a daemon cycle over many staff members used to send
// one request to the sign-in server for each). And a store handle keeps one MSAL client per staff
// member for its life (the daemon's), instead of one per staff member per cycle.

import { afterEach, describe, expect, it } from 'vitest';
import { signInClientCount, tokenSourceFor } from '../../src/auth/tokens.js';
import { createLogger } from '../../src/log.js';
import { deleteAccount, getAccount } from '../../src/store/accounts.js';
import { openStore } from '../../src/store/open.js';
import { requireStaff } from '../../src/store/staff.js';
import { graph } from '../helpers/sim.js';
import { world, type World } from '../helpers/world.js';

let w: World;
afterEach(async () => w?.stop());

const signInRequests = () => w.sim.control.requestLog().filter((e) => /openid-configuration|\/oauth2\/|discovery/.test(e.path));

describe('sign-in requests', () => {
  it('runs of several staff members, one after another in one process, send none while their tokens are fresh', async () => {
    w = await world(['alice@firm.example', 'bob@firm.example', 'carol@firm.example'], {}, { inProcess: true });
    w.sim.control.clearRequestLog();
    for (let i = 0; i < 3; i += 1) await w.ok(['daemon', '--once']);
    expect(signInRequests()).toEqual([]);
    // Every Graph request of a quiet cycle is the one delta request per staff member.
    expect(w.sim.control.requestLog().filter((e) => e.kind === 'delta')).toHaveLength(9);
  });
});

describe('one MSAL client per staff member per process', () => {
  it('a store handle (the daemon holds one) reuses each staff member its client, and never mixes their caches', async () => {
    w = await world(['alice@firm.example', 'bob@firm.example'], {}, { inProcess: true });
    const db = openStore(w.sb.db);
    try {
      // No token kept from connect: the first lookups go through MSAL, one client each.
      db.prepare('UPDATE accounts SET fresh_token = NULL').run();
      const env = { ...process.env, ...w.sb.env };
      const settings = { clientId: env.CASEFLOW_CLIENT_ID!, tenantId: 'organizations', authorityHost: w.sim.url };
      const log = createLogger({ verbose: false, json: false, write: () => undefined });
      const source = (email: string) => tokenSourceFor({ db, staff: requireStaff(db, email), settings, storePath: w.sb.db, env, log, now: () => new Date() });
      const upn = async (email: string) => JSON.parse(Buffer.from((await (await source(email)).getAccessToken()).split('.')[1]!, 'base64url').toString()).upn;
      const before = w.sim.control.requestLog().length;
      for (let cycle = 0; cycle < 5; cycle += 1) {
        expect(await upn('alice@firm.example')).toBe('alice@firm.example');
        expect(await upn('bob@firm.example')).toBe('bob@firm.example');
      }
      expect(signInClientCount(db)).toBe(2);
      // Fresh tokens came from the cache in the store: no sign-in request in ten token lookups.
      expect(w.sim.control.requestLog().slice(before).filter((e) => e.kind === 'token')).toEqual([]);
      // A forced refresh rotates Bob's refresh token through his own client and row, not Alice's.
      const bob = await source('bob@firm.example');
      const refreshed = await bob.getAccessToken({ forceRefresh: true });
      expect(JSON.parse(Buffer.from(refreshed.split('.')[1]!, 'base64url').toString()).upn).toBe('bob@firm.example');
      expect(await upn('alice@firm.example')).toBe('alice@firm.example');
      // Disconnected meanwhile (another process): the kept client holds nothing of theirs any more.
      deleteAccount(db, requireStaff(db, 'bob@firm.example').id);
      await expect(bob.getAccessToken({ forceRefresh: true })).rejects.toMatchObject({ code: 'needs_reconnect' });
      expect(signInClientCount(db)).toBe(2);
    } finally {
      db.close();
    }
  });
});

describe('a fresh access token remembered per staff member', () => {
  it('is taken again while the stored cache is unchanged, and a cache another process changed is read anew', async () => {
    w = await world(['alice@firm.example'], {}, { inProcess: true });
    const db = openStore(w.sb.db);
    try {
      // No token kept from connect: the first lookups go through MSAL, one client each.
      db.prepare('UPDATE accounts SET fresh_token = NULL').run();
      const env = { ...process.env, ...w.sb.env };
      const settings = { clientId: env.CASEFLOW_CLIENT_ID!, tenantId: 'organizations', authorityHost: w.sim.url };
      const log = createLogger({ verbose: false, json: false, write: () => undefined });
      const token = async () => (await tokenSourceFor({ db, staff: requireStaff(db, 'alice@firm.example'), settings, storePath: w.sb.db, env, log, now: () => new Date() })).getAccessToken();
      const calendar = async (t: string) => (await graph(w.sim, t, 'GET', '/me/calendar')).status;
      const stored = () => getAccount(db, requireStaff(db, 'alice@firm.example').id)!.tokenCache;
      const before = stored();
      const first = await token();
      expect(await token()).toBe(first);
      // Reading the cache wrote nothing back: the row is as connect left it.
      expect(stored().equals(before)).toBe(true);
      expect(await calendar(first)).toBe(200);
      // Alice signs in again from another process; her old tokens are revoked meanwhile.
      w.sim.control.revokeUser('alice@firm.example');
      w.sim.control.setAutoApprove('alice@firm.example');
      const connected = await w.sb.json(['connect', '--staff', 'alice@firm.example', '--force'], { spawn: true });
      expect(connected.code, connected.stderr).toBe(0);
      expect(await calendar(first)).toBe(401);
      w.sim.control.clearRequestLog();
      const second = await token();
      expect(second).not.toBe(first);
      expect(await calendar(second)).toBe(200);
      // The new token came from the cache the other process stored, not from the sign-in server.
      expect(signInRequests()).toEqual([]);
    } finally {
      db.close();
    }
  });
});
