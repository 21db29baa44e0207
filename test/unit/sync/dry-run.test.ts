// plan: the next run, planned and not carried out, over the memory ports (which pass the same
// contract suites as SQLite and Graph): it writes nothing anywhere, and the run then does what it said.

import { describe, expect, it } from 'vitest';
import { planRun } from '../../../src/sync/dry-run.js';
import { runSync } from '../../../src/sync/run.js';
import { memoryWorld } from '../../support/memory-host.js';
import { content } from './fixtures.js';

const POLICY = { events: true, tasks: true, deadlines: true, maxDeletes: 2, sensitivity: 'confidential' as const, protectedTitle: 'keep' as const };
const when = (day: number) => ({ start: { dateTime: `2026-12-0${day}T12:00:00.0000000`, timeZone: 'UTC' }, end: { dateTime: `2026-12-0${day}T13:00:00.0000000`, timeZone: 'UTC' } });

describe('plan (dry run)', () => {
  it('says what each side would get, writes nothing, and the next run does exactly that', async () => {
    const w = memoryWorld();
    const lunch = w.store.addItem({ kind: 'event', content: content({ title: 'Lunch', attendees: [] }), confidential: false, protected: false });
    await runSync(w.host, { trigger: 'scheduled', push: true, policy: POLICY, allowDeletes: false });
    // Since: a CaseFlow meeting with an attendee, an edit, and an Outlook event.
    w.store.addItem({ kind: 'event', content: content({ title: 'Settlement', attendees: [{ email: 'dana@client.example', name: 'Dana', type: 'required' }] }), confidential: false, protected: false });
    w.store.editItem('event', lunch.id, { ...lunch.content, location: 'Cafe' });
    w.calendar.userCreate({ subject: 'Dentist', ...when(4) });
    const storeBefore = JSON.stringify([w.store.links(), w.store.items(), w.store.auditRows()]);
    const stateBefore = JSON.stringify(w.state);
    const writesBefore = w.calendar.writes.length;

    const report = await planRun(w.host, { push: true, policy: POLICY, allowDeletes: false });
    expect(report.outlook.create.map((i) => i.title)).toEqual(['Settlement']);
    expect(report.outlook.update.map((i) => i.title)).toEqual(['Lunch']);
    expect(report.caseflow.create.map((i) => i.title)).toEqual(['Dentist']);
    expect(report.invitations).toEqual([{ title: 'Settlement', sends: 'invitation', to: ['dana@client.example'] }]);
    expect(report).toMatchObject({ fullRound: false, conflicts: [], breaker: null, unconfirmedCreates: 0 });
    // Nothing written anywhere: no Graph write, no delta link saved, the store as it was.
    expect(w.calendar.writes.length).toBe(writesBefore);
    expect(JSON.stringify(w.state)).toBe(stateBefore);
    expect(JSON.stringify([w.store.links(), w.store.items(), w.store.auditRows()])).toBe(storeBefore);
    // A second plan says the same; the run then does it.
    expect(await planRun(w.host, { push: true, policy: POLICY, allowDeletes: false })).toEqual(report);
    const done = await runSync(w.host, { trigger: 'scheduled', push: true, policy: POLICY, allowDeletes: false });
    expect(done).toMatchObject({ pushed: { created: 1, updated: 1, deleted: 0 }, pulled: { created: 1, updated: 0, deleted: 0 } });
  });

  it('shows the deletions the breaker would hold back, with their titles and the cancellations', async () => {
    const w = memoryWorld();
    for (const title of ['A', 'B', 'C']) w.store.addItem({ kind: 'event', content: content({ title, attendees: [{ email: 'x@client.example', name: 'X', type: 'required' }] }), confidential: false, protected: false });
    await runSync(w.host, { trigger: 'scheduled', push: true, policy: POLICY, allowDeletes: false });
    for (const i of w.store.items()) w.store.removeItem(i.kind, i.id);
    const held = await planRun(w.host, { push: true, policy: POLICY, allowDeletes: false });
    expect(held.breaker).toMatchObject({ side: 'outlook', wouldDelete: 3, limit: 2 });
    expect(held.outlook.delete).toEqual([]);
    expect(held.skipped).toContainEqual({ reason: 'breaker', text: expect.stringContaining('breaker'), count: 3 });
    const allowed = await planRun(w.host, { push: true, policy: POLICY, allowDeletes: true });
    expect(allowed.outlook.delete.map((i) => i.title)).toEqual(['A', 'B', 'C']);
    expect(allowed.invitations.map((i) => i.sends)).toEqual(['cancellation', 'cancellation', 'cancellation']);
  });
});
