// One mailbox, one staff member: connecting a second staff member to a Microsoft account that is
// already connected is refused (their events would be copied into one calendar); signing in as
// another address than the staff member's is allowed, with a warning.

import { afterEach, describe, expect, it } from 'vitest';
import { world, type World } from '../helpers/world.js';

const ALICE = 'alice@firm.example';
let w: World;
afterEach(async () => w?.stop());

describe('connect', () => {
  it("refuses a Microsoft account already connected for another staff member, and saves nothing", async () => {
    w = await world([ALICE], {}, { inProcess: true });
    await w.ok(['staff', 'add', '--email', 'bob@firm.example', '--name', 'Bob']);
    w.sim.control.setAutoApprove(ALICE);
    const r = await w.sb.json(['connect', '--staff', 'bob@firm.example']);
    expect(r.code).toBe(2);
    expect(r.body.error.message).toBe(`the Microsoft account ${ALICE} is already connected for ${ALICE}: one mailbox syncs with one staff member; nothing was saved`);
    expect(r.body.error.hint).toBe(`sign in as bob@firm.example's own account, or first: caseflow-outlook disconnect --staff ${ALICE}`);
    expect(await w.ok(['status', '--staff', 'bob@firm.example'])).toMatchObject({ connected: false });
  });

  it('warns when the account signed in is another address than the staff member', async () => {
    w = await world([], {}, { inProcess: true });
    w.sim.control.addUser({ email: 'amoss@firm.onmicrosoft.example', name: 'Alice Moss' });
    await w.ok(['staff', 'add', '--email', ALICE, '--name', 'Alice']);
    w.sim.control.setAutoApprove('amoss@firm.onmicrosoft.example');
    const r = await w.sb.json(['connect', '--staff', ALICE]);
    expect(r.code).toBe(0);
    expect(r.body).toMatchObject({ connected: true, account: 'amoss@firm.onmicrosoft.example', warning: `signed in as amoss@firm.onmicrosoft.example, not ${ALICE}` });
    expect(r.stderr).toContain(`${ALICE} signed in as amoss@firm.onmicrosoft.example: check that this is their own mailbox`);
  });
});
