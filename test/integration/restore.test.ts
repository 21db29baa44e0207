// restore: undo a deletion the tool made, on either side, from what the audit log kept, exactly once.

import { afterEach, describe, expect, it } from 'vitest';
import { world, type World } from '../helpers/world.js';

const ALICE = 'alice@firm.example';
let w: World;
afterEach(async () => w?.stop());

const live = () => w.sim.control.events(ALICE, { calendar: 'primary' }).filter((e) => !e.deleted);

describe('restore', () => {
  it('a CaseFlow event the tool deleted after Outlook deleted it comes back with its content, and goes back to Outlook once', async () => {
    w = await world([ALICE], {}, { inProcess: true });
    await w.ok(['events', 'add', '--staff', ALICE, '--title', 'Hearing', '--category', 'Hearing', '--description', 'privileged notes', '--start', '2026-12-01T09:00', '--end', '2026-12-01T10:00', '--location', 'Court 4']);
    await w.ok(['daemon', '--once']);
    w.sim.control.deleteEvent(ALICE, live()[0]!.id);
    const run = await w.ok(['sync', '--staff', ALICE]);
    expect(run).toMatchObject({ pulled: { deleted: 1 }, runId: expect.stringMatching(/^[0-9a-f]{12}$/) });
    const [row] = await w.ok<{ id: number; runId: string; direction: string }[]>(['audit', '--action', 'delete']);
    expect(row).toMatchObject({ runId: run.runId, direction: 'caseflow' });
    const done = await w.ok(['restore', String(row!.id)]);
    expect(done).toEqual([{ auditId: row!.id, staff: ALICE, title: 'Hearing', eventId: expect.any(Number), outcome: 'back in CaseFlow; created again in Outlook at the next run' }]);
    const back = await w.ok(['events', 'show', String(done[0].eventId)]);
    expect(back).toMatchObject({ title: 'Hearing', description: 'privileged notes', location: 'Court 4', category: 'Hearing', confidential: true });
    expect(await w.ok(['daemon', '--once', '--staff', ALICE])).toMatchObject({ pushed: { created: 1 } });
    expect(live().map((e) => e.subject)).toEqual(['Hearing']);
    // Exactly once: a second restore of the same row does nothing.
    const again = await w.ok(['restore', String(row!.id)]);
    expect(again[0].outcome).toBe(`already restored as event ${done[0].eventId}`);
    expect((await w.ok<unknown[]>(['events', 'list']))).toHaveLength(1);
  });

  it('an Outlook meeting the tool deleted after a CaseFlow delete: back in CaseFlow, created anew in Outlook; off a terminal it needs --yes', async () => {
    w = await world([ALICE], {}, { inProcess: true });
    await w.ok(['events', 'add', '--staff', ALICE, '--title', 'Settlement', '--start', '2026-12-02T09:00', '--end', '2026-12-02T10:00', '--attendee', 'dana@client.example']);
    await w.ok(['events', 'add', '--staff', ALICE, '--title', 'Lunch', '--start', '2026-12-03T12:00', '--end', '2026-12-03T13:00']);
    await w.ok(['daemon', '--once']);
    await w.ok(['events', 'delete', '1']);
    await w.ok(['events', 'delete', '2']);
    const run = await w.ok(['daemon', '--once', '--staff', ALICE]);
    expect(run.pushed.deleted).toBe(2);
    expect(live()).toEqual([]);
    const refused = await w.sb.json(['restore', '--run', run.runId]);
    expect(refused.code).toBe(2);
    expect(refused.body.error.message).toContain('their attendees get a new invitation (Settlement)');
    expect(refused.body.error.hint).toBe('to go ahead, run it again with --yes');
    expect(await w.ok(['events', 'list'])).toEqual([]);
    const done = await w.ok<{ title: string; outcome: string }[]>(['restore', '--run', run.runId, '--yes']);
    expect(done.map((r) => r.title).sort()).toEqual(['Lunch', 'Settlement']);
    expect(await w.ok(['daemon', '--once', '--staff', ALICE])).toMatchObject({ pushed: { created: 2 } });
    expect(live().map((e) => e.subject).sort()).toEqual(['Lunch', 'Settlement']);
  });

  it('refuses what is not a deletion, or is older than 30 days', async () => {
    w = await world([ALICE], {}, { inProcess: true });
    await w.ok(['events', 'add', '--staff', ALICE, '--title', 'Gone', '--start', '2026-12-01T09:00', '--end', '2026-12-01T10:00']);
    await w.ok(['daemon', '--once']);
    w.sim.control.deleteEvent(ALICE, live()[0]!.id);
    await w.ok(['sync', '--staff', ALICE]);
    const [del] = await w.ok<{ id: number }[]>(['audit', '--action', 'delete']);
    const [create] = await w.ok<{ id: number }[]>(['audit', '--action', 'create', '--limit', '1']);
    expect((await w.sb.json(['restore', String(create!.id)])).code).toBe(2);
    const late = await w.sb.json(['restore', String(del!.id)], { env: { CASEFLOW_NOW: '2027-01-30T12:00:00.000Z' } });
    expect(late.code).toBe(2);
    expect(late.body.error.message).toContain('more than 30 days ago');
    expect((await w.sb.json(['restore'])).code).toBe(2);
  });
});

describe('restore never makes a thing twice', () => {
  it('leaves an occurrence of an Outlook series, and a meeting someone else organised, to Outlook', async () => {
    w = await world([ALICE], {}, { inProcess: true });
    w.sim.control.addUser({ email: 'carol@client.example', name: 'Carol' });
    const ext = w.sim.control.createEvent('carol@client.example', { subject: 'Pitch', start: { dateTime: '2026-12-04T09:00:00', timeZone: 'UTC' }, end: { dateTime: '2026-12-04T10:00:00', timeZone: 'UTC' }, attendees: [{ emailAddress: { address: ALICE, name: 'Alice' }, type: 'required' }] });
    w.sim.control.respondToInvitation(ALICE, { iCalUId: ext.iCalUId, organizer: 'carol@client.example' }, 'accepted');
    w.sim.control.createEvent(ALICE, { subject: 'Weekly', start: { dateTime: '2026-12-01T10:00:00', timeZone: 'UTC' }, end: { dateTime: '2026-12-01T11:00:00', timeZone: 'UTC' }, recurrence: { pattern: { type: 'weekly', interval: 1, daysOfWeek: ['tuesday'] }, range: { type: 'numbered', startDate: '2026-12-01', numberOfOccurrences: 2 } } });
    await w.ok(['sync', '--staff', ALICE]);
    for (const e of live()) if (e.type !== 'occurrence') w.sim.control.deleteEvent(ALICE, e.id);
    const run = await w.ok(['sync', '--staff', ALICE, '--allow-deletes']);
    expect(run.pulled.deleted).toBe(3);
    const done = await w.ok<{ title: string; outcome: string; eventId: number | null }[]>(['restore', '--run', run.runId, '--yes']);
    expect(done.every((r) => r.eventId === null && r.outcome.startsWith('not restored: '))).toBe(true);
    expect(done.map((r) => r.outcome.split(':')[1]!.trim()).sort()).toEqual(['a meeting that came from Outlook', 'an occurrence of a recurring Outlook series', 'an occurrence of a recurring Outlook series']);
    expect(await w.ok(['events', 'list'])).toEqual([]);
  });
});
