// The access token a run (or the sign-in of connect) was given is kept, sealed, beside the cache it came from: the next run,
// in a new process, takes it while that cache is unchanged and the token is fresh, and starts no
// sign-in client at all (no metadata read, no token request). Graph refusing it, a cache changed
// meanwhile, or a token copied onto another staff member's row sends the run back to MSAL.

import { afterEach, describe, expect, it } from 'vitest';
import { getAccount } from '../../src/store/accounts.js';
import { openStore } from '../../src/store/open.js';
import { requireStaff } from '../../src/store/staff.js';
import { world, type World } from '../helpers/world.js';

let w: World;
afterEach(async () => w?.stop());

const signInRequests = () => w.sim.control.requestLog().filter((e) => /openid-configuration|\/oauth2\/|discovery/.test(e.path));
const graphRequests = () => w.sim.control.requestLog().filter((e) => !/openid-configuration|\/oauth2\/|discovery/.test(e.path));

/** Runs `daemon --once` as a new process; expects exit 0. */
async function runOnce(): Promise<void> {
  const r = await w.sb.json(['daemon', '--once'], { spawn: true });
  expect(r.code, r.stderr).toBe(0);
}

function row(email: string) {
  const db = openStore(w.sb.db);
  try {
    return getAccount(db, requireStaff(db, email).id)!;
  } finally {
    db.close();
  }
}

describe('the access token kept for the next run', () => {
  it('is taken by a run in a new process: no sign-in request, the cache untouched', async () => {
    w = await world(['alice@firm.example']);
    await runOnce();
    const after = row('alice@firm.example');
    expect(after.freshToken).not.toBeNull();
    w.sim.control.clearRequestLog();
    await runOnce();
    expect(signInRequests()).toEqual([]);
    expect(graphRequests().map((e) => e.kind)).toEqual(['delta']);
    const again = row('alice@firm.example');
    expect(again.tokenCache.equals(after.tokenCache)).toBe(true);
    expect(again.freshToken!.equals(after.freshToken!)).toBe(true);
  });

  it('refused by Graph (expired on its clock), is refreshed once and replaced', async () => {
    w = await world(['alice@firm.example']);
    await runOnce();
    const kept = row('alice@firm.example').freshToken!;
    // Graph's clock moves past the token's hour; the tool's own clock says it is still fresh.
    w.sim.control.advanceClock(3_700);
    w.sim.control.clearRequestLog();
    await runOnce();
    expect(signInRequests().filter((e) => e.kind === 'token')).toHaveLength(1);
    expect(graphRequests().filter((e) => e.status === 401)).toHaveLength(1);
    const replaced = row('alice@firm.example').freshToken!;
    expect(replaced.equals(kept)).toBe(false);
    w.sim.control.clearRequestLog();
    await runOnce();
    expect(signInRequests()).toEqual([]);
  });

  it('copied onto another staff member, is not used: their run signs in as themselves', async () => {
    w = await world(['alice@firm.example', 'bob@firm.example']);
    await runOnce();
    const db = openStore(w.sb.db);
    try {
      const alice = requireStaff(db, 'alice@firm.example');
      const bob = requireStaff(db, 'bob@firm.example');
      db.prepare('UPDATE accounts SET fresh_token = (SELECT fresh_token FROM accounts WHERE staff_id = ?) WHERE staff_id = ?').run(alice.id, bob.id);
    } finally {
      db.close();
    }
    w.sim.control.clearRequestLog();
    await runOnce();
    // Bob's run started MSAL (the sign-in server's metadata) for a token from his own cache, and
    // read his own mailbox; Alice's run took her kept token.
    expect(signInRequests().filter((e) => /openid-configuration/.test(e.path))).toHaveLength(1);
    expect(graphRequests().map((e) => e.mailbox).sort()).toEqual(['alice@firm.example', 'bob@firm.example']);
  });

  it('is the sign-in\'s own after connect: the first run sends no sign-in request; connect --force replaces it', async () => {
    w = await world(['alice@firm.example']);
    const connectedWith = row('alice@firm.example').freshToken;
    expect(connectedWith).not.toBeNull();
    w.sim.control.clearRequestLog();
    await runOnce();
    expect(signInRequests()).toEqual([]);
    expect(graphRequests().map((e) => [e.kind, e.status])).toEqual([['delta', 200]]);
    w.sim.control.setAutoApprove('alice@firm.example');
    const connected = await w.sb.json(['connect', '--staff', 'alice@firm.example', '--force'], { spawn: true });
    expect(connected.code, connected.stderr).toBe(0);
    const replaced = row('alice@firm.example').freshToken;
    expect(replaced).not.toBeNull();
    expect(replaced!.equals(connectedWith!)).toBe(false);
    w.sim.control.clearRequestLog();
    await runOnce();
    expect(signInRequests()).toEqual([]);
    expect(graphRequests().map((e) => e.status)).toEqual([200]);
  });
});

