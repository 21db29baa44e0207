// A run whose access token is still fresh sends no sign-in request: the sign-in server's metadata
// is read once per process, not once per run (a daemon cycle over many staff members used to send
// one request to the sign-in server for each).

import { afterEach, describe, expect, it } from 'vitest';
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
