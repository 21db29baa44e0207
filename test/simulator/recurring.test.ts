// Recurring series: expansion into occurrences (calendarView, instances, delta), thin delta
// occurrences, exceptions, deleted occurrences, DST in the series' own zone.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { graph, signedInUser, startTestSimulator, type Simulator } from '../helpers/sim.js';
import { at, deltaRound, windowQuery } from './_delta.js';

const ALICE = 'alice@firm.example';
let sim: Simulator;
let token: string;
beforeEach(async () => {
  sim = await startTestSimulator();
  token = signedInUser(sim, ALICE).token;
});
afterEach(() => sim.stop());

const daily = (count: number) => ({
  subject: 'Stand-up',
  start: at('2026-03-02T09:00:00'),
  end: at('2026-03-02T09:15:00'),
  recurrence: { pattern: { type: 'daily', interval: 1 }, range: { type: 'numbered', startDate: '2026-03-02', numberOfOccurrences: count } },
});

describe('series expansion', () => {
  it('creates a series master and expands it in calendarView, each occurrence with its own iCalUId', async () => {
    const created = await graph(sim, token, 'POST', '/me/events', daily(3));
    expect(created.status).toBe(201);
    expect(created.body.type).toBe('seriesMaster');
    expect(created.body.recurrence.range.recurrenceTimeZone).toBe('UTC');
    const view = await graph(sim, token, 'GET', '/me/calendarView?startDateTime=2026-03-01T00:00:00Z&endDateTime=2026-03-31T00:00:00Z');
    expect(view.body.value.map((e: any) => e.start.dateTime)).toEqual([
      '2026-03-02T09:00:00.0000000', '2026-03-03T09:00:00.0000000', '2026-03-04T09:00:00.0000000',
    ]);
    for (const occ of view.body.value) {
      expect(occ).toMatchObject({ type: 'occurrence', seriesMasterId: created.body.id, subject: 'Stand-up' });
      expect(occ.originalStart).toBe(`${occ.start.dateTime.slice(0, 19)}Z`);
    }
    expect(new Set(view.body.value.map((e: any) => e.iCalUId)).size).toBe(3);
    const inst = await graph(sim, token, 'GET', `/me/events/${created.body.id}/instances?startDateTime=2026-03-03T00:00:00Z&endDateTime=2026-03-10T00:00:00Z`);
    expect(inst.body.value).toHaveLength(2);
  });

  it('keeps wall time across DST in the series zone (weekly, New York)', async () => {
    const series = sim.control.createEvent(ALICE, {
      subject: 'Weekly', start: at('2026-03-02T09:00:00', 'Eastern Standard Time'), end: at('2026-03-02T10:00:00', 'Eastern Standard Time'),
      recurrence: { pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday'] }, range: { type: 'endDate', startDate: '2026-03-02', endDate: '2026-03-16' } },
    });
    const occ = sim.control.instances(ALICE, series.id, '2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z');
    expect(occ.map((o) => o.startUtc)).toEqual(['2026-03-02T14:00:00.000Z', '2026-03-09T13:00:00.000Z', '2026-03-16T13:00:00.000Z']);
  });

  it('refuses patterns it does not simulate instead of mis-expanding them', async () => {
    const res = await graph(sim, token, 'POST', '/me/events', { ...daily(2), recurrence: { pattern: { type: 'absoluteMonthly', dayOfMonth: 2 }, range: { type: 'noEnd', startDate: '2026-03-02' } } });
    expect(res.status).toBe(400);
  });
});

describe('delta with series', () => {
  it('sends thin occurrences, all of a series on one page even above odata.maxpagesize', async () => {
    const series = sim.control.createEvent(ALICE, daily(5));
    const round = await deltaRound(sim, token, windowQuery(), 'outlook.timezone="UTC", IdType="ImmutableId", odata.maxpagesize=2');
    expect(round.pages[0]).toHaveLength(5);
    for (const occ of round.items) {
      expect(Object.keys(occ).sort()).toEqual(['@odata.etag', '@odata.type', 'end', 'id', 'seriesMasterId', 'start', 'type']);
      expect(occ.seriesMasterId).toBe(series.immutableId);
    }
  });

  it('turns an edited occurrence into a full exception and bumps the master; a deleted one is @removed when hiding is off', async () => {
    sim.control.setFaults({ deltaHideCancelledOccurrences: false });
    const series = sim.control.createEvent(ALICE, daily(3));
    const first = await deltaRound(sim, token, windowQuery());
    const [o1, o2] = sim.control.instances(ALICE, series.id, '2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z');
    const ex = sim.control.updateEvent(ALICE, o1!.id, { subject: 'Moved stand-up', start: at('2026-03-02T11:00:00'), end: at('2026-03-02T11:15:00') });
    expect(ex.type).toBe('exception');
    expect(ex.immutableId).toBe(o1!.immutableId);
    expect(sim.control.event(ALICE, series.id)!.changeKey).not.toBe(series.changeKey);
    sim.control.deleteEvent(ALICE, o2!.id);
    const second = await deltaRound(sim, token, first.deltaLink);
    const exception = second.items.find((e) => e.id === o1!.immutableId);
    expect(exception).toMatchObject({ type: 'exception', subject: 'Moved stand-up', seriesMasterId: series.immutableId });
    expect(exception.start.dateTime).toBe('2026-03-02T11:00:00.0000000');
    expect(second.items.find((e) => e.id === o2!.immutableId)?.['@removed']).toEqual({ reason: 'deleted' });
    expect(second.items).toHaveLength(2); // the untouched third occurrence is not repeated
  });

  it('by default, like Outlook, gives no signal for a deleted occurrence or a deleted exception; can include series masters', async () => {
    const series = sim.control.createEvent(ALICE, daily(3));
    sim.control.setFaults({ deltaSeriesMaster: 1 });
    const first = await deltaRound(sim, token, windowQuery());
    expect(first.items.filter((e) => e.type === 'seriesMaster').map((e) => e.id)).toEqual([series.immutableId]);
    const [o1, o2] = sim.control.instances(ALICE, series.id, '2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z');
    sim.control.deleteEvent(ALICE, o1!.id);
    const second = await deltaRound(sim, token, first.deltaLink);
    expect(second.items.some((e) => e['@removed'])).toBe(false);
    // An occurrence edited (an exception, reported) and then deleted: no signal either.
    sim.control.updateEvent(ALICE, o2!.id, { subject: 'Moved stand-up' });
    const third = await deltaRound(sim, token, second.deltaLink);
    expect(third.items.find((e) => e.id === o2!.immutableId)).toMatchObject({ type: 'exception' });
    sim.control.deleteEvent(ALICE, o2!.id);
    const fourth = await deltaRound(sim, token, third.deltaLink);
    expect(fourth.items.some((e) => e['@removed'])).toBe(false);
  });

  it('a deleted series answers 404 on /instances, and so does each of its occurrences', async () => {
    const series = (await graph(sim, token, 'POST', '/me/events', daily(3))).body;
    const window = 'startDateTime=2026-03-01T00:00:00Z&endDateTime=2026-04-01T00:00:00Z';
    const [occ] = (await graph(sim, token, 'GET', `/me/events/${series.id}/instances?${window}`)).body.value;
    expect((await graph(sim, token, 'DELETE', `/me/events/${series.id}`)).status).toBe(204);
    const inst = await graph(sim, token, 'GET', `/me/events/${series.id}/instances?${window}`);
    expect(inst.status).toBe(404);
    expect(inst.body.error.code).toBe('ErrorItemNotFound');
    expect((await graph(sim, token, 'GET', `/me/events/${occ.id}`)).status).toBe(404);
  });

  it('/instances leaves out deleted occurrences and deleted exceptions, and lists a moved one where it now is', async () => {
    const series = sim.control.createEvent(ALICE, daily(4));
    const [o1, o2, o3] = sim.control.instances(ALICE, series.id, '2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z');
    sim.control.deleteEvent(ALICE, o1!.id);
    sim.control.updateEvent(ALICE, o2!.id, { subject: 'Changed' });
    sim.control.deleteEvent(ALICE, o2!.id);
    sim.control.updateEvent(ALICE, o3!.id, { start: at('2026-03-20T15:00:00'), end: at('2026-03-20T15:15:00') });
    const inst = await graph(sim, token, 'GET', `/me/events/${series.immutableId}/instances?startDateTime=2026-03-01T00:00:00Z&endDateTime=2026-04-01T00:00:00Z`, undefined, {
      Prefer: 'IdType="ImmutableId", outlook.timezone="UTC"',
    });
    expect(inst.status).toBe(200);
    const listed = inst.body.value.map((e: any) => [e.id, e.type, e.start.dateTime]);
    expect(listed).toEqual([
      [expect.any(String), 'occurrence', '2026-03-05T09:00:00.0000000'],
      [o3!.immutableId, 'exception', '2026-03-20T15:00:00.0000000'],
    ]);
    expect(listed.map((l: string[]) => l[0])).not.toContain(o1!.immutableId);
    expect(listed.map((l: string[]) => l[0])).not.toContain(o2!.immutableId);
  });

  it('lets Graph PATCH and DELETE address an occurrence by its id', async () => {
    const series = (await graph(sim, token, 'POST', '/me/events', daily(3))).body;
    const occ = (await graph(sim, token, 'GET', `/me/events/${series.id}/instances?startDateTime=2026-03-03T00:00:00Z&endDateTime=2026-03-04T00:00:00Z`)).body.value[0];
    const patched = await graph(sim, token, 'PATCH', `/me/events/${occ.id}`, { subject: 'Only this one' });
    expect(patched.body).toMatchObject({ id: occ.id, type: 'exception', subject: 'Only this one' });
    expect((await graph(sim, token, 'DELETE', `/me/events/${occ.id}`)).status).toBe(204);
    expect((await graph(sim, token, 'GET', `/me/events/${occ.id}`)).status).toBe(404);
    expect(sim.control.event(ALICE, series.id)?.cancelledOccurrences).toEqual(['2026-03-03T09:00:00.000Z']);
  });
});
