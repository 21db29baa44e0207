// Replies to invitations, through the CLI against the simulator: a declined invitation is not in
// the staff member's CaseFlow calendar; declining one already pulled removes their link (the event
// stays for the others); tentative and accepted ones sync.

import { afterEach, describe, expect, it } from 'vitest';
import { world, type World } from '../helpers/world.js';

const ALICE = 'alice@firm.example';
const BOB = 'bob@firm.example';
let w: World;
afterEach(async () => w?.stop());

const links = async (staff: string) => {
  const Database = (await import('better-sqlite3')).default;
  const db = new Database(w.sb.db, { readonly: true });
  const rows = db.prepare('SELECT l.role, l.local_id AS eventId FROM links l JOIN staff s ON s.id = l.staff_id WHERE s.email = ?').all(staff);
  db.close();
  return rows;
};

describe('replies to invitations', () => {
  it("a colleague's meeting Bob declines (kept in his calendar) loses only Bob's link; the event stays for Alice", async () => {
    w = await world([ALICE, BOB], {}, { inProcess: true });
    await w.ok(['events', 'add', '--staff', ALICE, '--title', 'Strategy', '--start', '2026-12-02T15:00', '--end', '2026-12-02T16:00', '--attendee', BOB]);
    await w.ok(['daemon', '--once']);
    const meeting = w.sim.control.events(ALICE, { calendar: 'primary' })[0]!;
    w.sim.control.respondToInvitation(BOB, { iCalUId: meeting.iCalUId, organizer: ALICE }, 'accepted');
    await w.ok(['daemon', '--once']);
    expect(await links(BOB)).toEqual([{ role: 'attendee', eventId: 1 }]);
    w.sim.control.respondToInvitation(BOB, { iCalUId: meeting.iCalUId }, 'declined', { keepInCalendar: true });
    await w.ok(['daemon', '--once']);
    expect(await links(BOB)).toEqual([]);
    const events = await w.ok<{ title: string; staff: string }[]>(['events', 'list']);
    expect(events.map((e) => [e.title, e.staff])).toEqual([['Strategy', ALICE]]);
  });

  it('an outside invitation: declined before the run is never created; tentative comes in; declining it later removes it', async () => {
    w = await world([ALICE, BOB], {}, { inProcess: true });
    // An organiser outside the firm: their invitations land in Bob's mailbox.
    w.sim.control.addUser({ email: 'carol@client.example', name: 'Carol' });
    const ext = (subject: string, day: number) =>
      w.sim.control.createEvent('carol@client.example', { subject, start: { dateTime: `2026-12-0${day}T09:00:00`, timeZone: 'UTC' }, end: { dateTime: `2026-12-0${day}T10:00:00`, timeZone: 'UTC' }, attendees: [{ emailAddress: { address: BOB, name: 'Bob' }, type: 'required' }] });
    const declined = ext('Pitch (declined)', 3);
    const tentative = ext('Review (tentative)', 4);
    w.sim.control.respondToInvitation(BOB, { iCalUId: declined.iCalUId, organizer: 'carol@client.example' }, 'declined', { keepInCalendar: true });
    w.sim.control.respondToInvitation(BOB, { iCalUId: tentative.iCalUId, organizer: 'carol@client.example' }, 'tentativelyAccepted');
    await w.ok(['sync', '--staff', BOB]);
    expect((await w.ok<{ title: string }[]>(['events', 'list', '--staff', BOB])).map((e) => e.title)).toEqual(['Review (tentative)']);
    // Declining as Outlook does by default takes the copy out of Bob's calendar.
    w.sim.control.respondToInvitation(BOB, { iCalUId: tentative.iCalUId }, 'declined');
    const run = await w.ok(['sync', '--staff', BOB]);
    expect(run).toMatchObject({ pulled: { deleted: 1 } });
    expect(await w.ok(['events', 'list', '--staff', BOB])).toEqual([]);
  });
});
