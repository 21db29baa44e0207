// Malformed events on demand: Graph serves one event's JSON rewritten wherever it hands it out,
// until the test clears it; the stored event and its changeKey stay as they were.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { graph, signedInUser, startTestSimulator, type Simulator } from '../helpers/sim.js';
import { deltaRound, event, PREFER, windowQuery } from './_delta.js';

const ALICE = 'alice@firm.example';
let sim: Simulator;
let token: string;
beforeEach(async () => {
  sim = await startTestSimulator();
  token = signedInUser(sim, ALICE).token;
});
afterEach(() => sim.stop());

const read = (id: string) => graph(sim, token, 'GET', `/me/events/${encodeURIComponent(id)}`, undefined, { Prefer: PREFER });

describe('malformEvent', () => {
  it('rewrites the event in delta pages and single reads, and leaves the other events alone', async () => {
    const bad = sim.control.createEvent(ALICE, event('Bad', '2026-03-10T09:00:00', '2026-03-10T10:00:00'));
    const good = sim.control.createEvent(ALICE, event('Good', '2026-03-11T09:00:00', '2026-03-11T10:00:00'));
    sim.control.malformEvent(ALICE, bad.immutableId, { drop: ['start'], set: { subject: 42, 'end.dateTime': 'garbage', attendees: 'x', isAllDay: 'yes' } });

    const round = await deltaRound(sim, token, windowQuery());
    const served = round.items.find((e) => e.id === bad.immutableId);
    expect(served).not.toHaveProperty('start');
    expect(served).toMatchObject({ subject: 42, end: { dateTime: 'garbage', timeZone: 'UTC' }, attendees: 'x', isAllDay: 'yes' });
    expect(round.items.find((e) => e.id === good.immutableId)).toMatchObject({ subject: 'Good', isAllDay: false, attendees: [] });

    const single = await read(bad.immutableId);
    expect(single.status).toBe(200);
    expect(single.body.subject).toBe(42);
    expect(single.body).not.toHaveProperty('start');
    // The REST id names the same event.
    expect((await read(bad.id)).body.subject).toBe(42);

    // Nothing was stored: the mailbox still holds the event whole, with its changeKey.
    expect(sim.control.event(ALICE, bad.id)).toMatchObject({ subject: 'Bad', changeKey: bad.changeKey });
  });

  it('reaches lists and write answers, batch items included', async () => {
    const bad = sim.control.createEvent(ALICE, event('Bad', '2026-03-10T09:00:00', '2026-03-10T10:00:00'));
    sim.control.malformEvent(ALICE, bad.id, { set: { subject: 7 } });
    const list = await graph(sim, token, 'GET', '/me/events', undefined, { Prefer: PREFER });
    expect(list.body.value.map((e: { subject: unknown }) => e.subject)).toEqual([7]);

    const batch = await graph(sim, token, 'POST', '/$batch', {
      requests: [{ id: '1', method: 'PATCH', url: `/me/events/${bad.immutableId}`, headers: { 'Content-Type': 'application/json', Prefer: PREFER }, body: { location: { displayName: 'Court 2' } } }],
    });
    expect(batch.body.responses[0]).toMatchObject({ status: 200, body: { subject: 7, location: { displayName: 'Court 2' } } });
    // The PATCH itself was stored; only what Graph says about the event is rewritten.
    expect(sim.control.event(ALICE, bad.id)).toMatchObject({ subject: 'Bad', location: { displayName: 'Court 2' } });
  });

  it('can drop the id, so a delta page carries an entry without one', async () => {
    const bad = sim.control.createEvent(ALICE, event('Bad', '2026-03-10T09:00:00', '2026-03-10T10:00:00'));
    sim.control.malformEvent(ALICE, bad.id, { drop: ['id'] });
    const round = await deltaRound(sim, token, windowQuery());
    expect(round.items).toHaveLength(1);
    expect(round.items[0]).not.toHaveProperty('id');
    expect(round.items[0].subject).toBe('Bad');
  });

  it('once cleared, reads are whole again and the next delta round does not report the event', async () => {
    const bad = sim.control.createEvent(ALICE, event('Bad', '2026-03-10T09:00:00', '2026-03-10T10:00:00'));
    sim.control.malformEvent(ALICE, bad.id, { set: { 'start.dateTime': 'garbage' } });
    const first = await deltaRound(sim, token, windowQuery());
    expect(first.items[0].start.dateTime).toBe('garbage');
    sim.control.clearMalformed(ALICE, bad.id);
    expect((await read(bad.immutableId)).body.start.dateTime).toBe('2026-03-10T09:00:00.0000000');
    expect((await deltaRound(sim, token, first.deltaLink)).items).toEqual([]);
  });

  it('leaves @removed entries as they are', async () => {
    const bad = sim.control.createEvent(ALICE, event('Bad', '2026-03-10T09:00:00', '2026-03-10T10:00:00'));
    const first = await deltaRound(sim, token, windowQuery());
    sim.control.malformEvent(ALICE, bad.id, { drop: ['id'], set: { subject: 1 } });
    // Moved out of the window: the event still exists, and the delta reports a removal.
    sim.control.updateEvent(ALICE, bad.id, { start: { dateTime: '2026-05-10T09:00:00', timeZone: 'UTC' }, end: { dateTime: '2026-05-10T10:00:00', timeZone: 'UTC' } });
    const second = await deltaRound(sim, token, first.deltaLink);
    expect(second.items).toEqual([{ '@odata.type': '#microsoft.graph.event', id: bad.immutableId, '@removed': { reason: 'deleted' } }]);
  });

  it('is driven over the HTTP control API too, and refuses what it cannot apply', async () => {
    const bad = sim.control.createEvent(ALICE, event('Bad', '2026-03-10T09:00:00', '2026-03-10T10:00:00'));
    const control = (method: string, path: string, body?: unknown) =>
      fetch(`${sim.url}/_control/mailboxes/${ALICE}${path}`, {
        method,
        ...(body === undefined ? {} : { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }),
      });
    expect((await control('PUT', `/events/${encodeURIComponent(bad.id)}/malformed`, { set: { isAllDay: 'yes' } })).status).toBe(204);
    expect((await read(bad.id)).body.isAllDay).toBe('yes');
    expect((await control('DELETE', `/events/${encodeURIComponent(bad.id)}/malformed`)).status).toBe(204);
    expect((await read(bad.id)).body.isAllDay).toBe(false);

    expect((await control('PUT', `/events/${encodeURIComponent(bad.id)}/malformed`, {})).status).toBe(400);
    expect((await control('PUT', `/events/${encodeURIComponent(bad.id)}/malformed`, { drop: 'start' })).status).toBe(400);
    expect((await control('PUT', '/events/nope/malformed', { drop: ['start'] })).status).toBe(404);

    sim.control.malformEvent(ALICE, bad.id, { drop: ['start'] });
    expect((await control('DELETE', '/malformed')).status).toBe(204);
    expect((await read(bad.id)).body.start).toBeDefined();
  });
});
