// Event CRUD contract (docs/graph.md#events): shapes, status codes and Graph error bodies.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graph, signedInUser, startTestSimulator, type Simulator } from '../helpers/sim.js';

let sim: Simulator;
let token: string;
beforeAll(async () => {
  sim = await startTestSimulator();
  token = signedInUser(sim).token;
});
afterAll(() => sim.stop());

const meeting = (extra: Record<string, unknown> = {}) => ({
  subject: 'Client call',
  body: { contentType: 'text', content: 'Line one\nLine <two> & more' },
  start: { dateTime: '2026-03-10T09:00:00', timeZone: 'Pacific Standard Time' },
  end: { dateTime: '2026-03-10T10:00:00', timeZone: 'Pacific Standard Time' },
  ...extra,
});

describe('POST /me/events', () => {
  it('answers 201 with the full event, in UTC, body as HTML, with etag = W/"changeKey"', async () => {
    const res = await graph(sim, token, 'POST', '/me/events', meeting({ sensitivity: 'confidential', showAs: 'busy' }));
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const ev = res.body;
    expect(ev['@odata.etag']).toBe(`W/"${ev.changeKey}"`);
    expect(ev.start).toEqual({ dateTime: '2026-03-10T16:00:00.0000000', timeZone: 'UTC' });
    expect(ev.end).toEqual({ dateTime: '2026-03-10T17:00:00.0000000', timeZone: 'UTC' });
    expect(ev.body.contentType).toBe('html');
    expect(ev.body.content).toContain('Line one<br>');
    expect(ev.body.content).toContain('&lt;two&gt; &amp; more');
    expect(ev).toMatchObject({ type: 'singleInstance', seriesMasterId: null, isOrganizer: true, sensitivity: 'confidential', showAs: 'busy' });
    expect(ev.organizer.emailAddress.address).toBe('alice@firm.example');
    expect(ev.iCalUId).toMatch(/^040000008200E00074C5B7101A82E008/);
    expect(ev.createdDateTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$/);
    expect(ev.lastModifiedDateTime).toBe(ev.createdDateTime);
    expect(ev.originalStartTimeZone).toBe('Pacific Standard Time');
  });

  it('keeps the body as sent and returns text when Prefer asks for it', async () => {
    const { body: ev } = await graph(sim, token, 'POST', '/me/events', meeting());
    const asText = await graph(sim, token, 'GET', `/me/events/${ev.id}`, undefined, { Prefer: 'outlook.body-content-type="text"' });
    expect(asText.body.body).toEqual({ contentType: 'text', content: 'Line one\nLine <two> & more' });
    expect(sim.control.event('alice@firm.example', ev.id)?.body).toEqual({ contentType: 'text', content: 'Line one\nLine <two> & more' });
  });

  it('answers in the zone asked for with Prefer outlook.timezone (IANA or Windows names)', async () => {
    const { body: ev } = await graph(sim, token, 'POST', '/me/events', meeting());
    const ny = await graph(sim, token, 'GET', `/me/events/${ev.id}`, undefined, { Prefer: 'outlook.timezone="America/New_York"' });
    expect(ny.body.start).toEqual({ dateTime: '2026-03-10T12:00:00.0000000', timeZone: 'America/New_York' });
    const tokyo = await graph(sim, token, 'GET', `/me/events/${ev.id}`, undefined, { Prefer: 'outlook.timezone="Tokyo Standard Time"' });
    expect(tokyo.body.start.dateTime).toBe('2026-03-11T01:00:00.0000000');
  });

  it('refuses a second POST with the same transactionId: 400 ErrorDuplicateTransactionId', async () => {
    const first = await graph(sim, token, 'POST', '/me/events', meeting({ transactionId: 'tx-dup-1' }));
    expect(first.status).toBe(201);
    expect(first.body.transactionId).toBe('tx-dup-1');
    const second = await graph(sim, token, 'POST', '/me/events', meeting({ transactionId: 'tx-dup-1' }));
    expect(second.status).toBe(400);
    expect(second.body.error.code).toBe('ErrorDuplicateTransactionId');
    expect(sim.control.events('alice@firm.example').filter((e) => e.transactionId === 'tx-dup-1')).toHaveLength(1);
  });

  it('fills onlineMeeting.joinUrl for a Teams meeting, which cannot be turned off', async () => {
    const { body: ev } = await graph(sim, token, 'POST', '/me/events', meeting({ isOnlineMeeting: true, onlineMeetingProvider: 'teamsForBusiness' }));
    expect(ev.onlineMeeting.joinUrl).toMatch(/^https:\/\/teams\.microsoft\.com\/l\/meetup-join\//);
    const off = await graph(sim, token, 'PATCH', `/me/events/${ev.id}`, { isOnlineMeeting: false });
    expect(off.body.isOnlineMeeting).toBe(true);
    expect(off.body.onlineMeeting.joinUrl).toBe(ev.onlineMeeting.joinUrl);
  });

  it('rejects unknown properties, bad enums and unknown zones with Graph error bodies', async () => {
    const typo = await graph(sim, token, 'POST', '/me/events', meeting({ sensitivty: 'private' }));
    expect(typo.status).toBe(400);
    expect(typo.body.error.code).toBe('RequestBodyRead');
    const badEnum = await graph(sim, token, 'POST', '/me/events', meeting({ sensitivity: 'secret' }));
    expect(badEnum.body.error.code).toBe('RequestBodyRead');
    const zone = await graph(sim, token, 'POST', '/me/events', meeting({ start: { dateTime: '2026-03-10T09:00:00', timeZone: 'Mars/Olympus' } }));
    expect(zone.status).toBe(400);
    expect(zone.body.error.code).toBe('TimeZoneNotSupportedException');
  });
});

describe('all-day validation', () => {
  const allDay = (start: string, end: string, zone = 'UTC', endZone = zone) => ({
    subject: 'Filing day', isAllDay: true, start: { dateTime: start, timeZone: zone }, end: { dateTime: end, timeZone: endZone },
  });

  it('accepts midnight to next midnight and keeps the date whatever zone is asked for', async () => {
    const res = await graph(sim, token, 'POST', '/me/events', allDay('2026-03-10T00:00:00', '2026-03-11T00:00:00', 'Europe/London'));
    expect(res.status).toBe(201);
    const view = await graph(sim, token, 'GET', `/me/events/${res.body.id}`, undefined, { Prefer: 'outlook.timezone="Pacific Standard Time"' });
    expect(view.body.start.dateTime).toBe('2026-03-10T00:00:00.0000000');
    expect(view.body.end.dateTime).toBe('2026-03-11T00:00:00.0000000');
  });

  it.each([
    ['not midnight', allDay('2026-03-10T09:00:00', '2026-03-11T00:00:00')],
    ['end not after start', allDay('2026-03-10T00:00:00', '2026-03-10T00:00:00')],
    ['different zones', allDay('2026-03-10T00:00:00', '2026-03-11T00:00:00', 'UTC', 'Europe/Paris')],
  ])('refuses %s with 400 ErrorPropertyValidationFailure', async (_name, body) => {
    const res = await graph(sim, token, 'POST', '/me/events', body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('ErrorPropertyValidationFailure');
  });
});

describe('PATCH, If-Match, DELETE', () => {
  it('changes changeKey and lastModifiedDateTime on every modification', async () => {
    const { body: ev } = await graph(sim, token, 'POST', '/me/events', meeting());
    const a = await graph(sim, token, 'PATCH', `/me/events/${ev.id}`, { subject: 'Renamed' });
    expect(a.status).toBe(200);
    expect(a.body.subject).toBe('Renamed');
    expect(a.body.changeKey).not.toBe(ev.changeKey);
    const b = await graph(sim, token, 'PATCH', `/me/events/${ev.id}`, { subject: 'Renamed' });
    expect(b.body.changeKey).not.toBe(a.body.changeKey);
  });

  it('answers 412 ErrorIrresolvableConflict to a stale If-Match and leaves the event alone', async () => {
    const { body: ev } = await graph(sim, token, 'POST', '/me/events', meeting());
    sim.control.updateEvent('alice@firm.example', ev.id, { subject: 'Edited in Outlook' });
    const stale = await graph(sim, token, 'PATCH', `/me/events/${ev.id}`, { subject: 'Ours' }, { 'If-Match': ev['@odata.etag'] });
    expect(stale.status).toBe(412);
    expect(stale.body.error.code).toBe('ErrorIrresolvableConflict');
    expect(sim.control.event('alice@firm.example', ev.id)?.subject).toBe('Edited in Outlook');
    const current = sim.control.event('alice@firm.example', ev.id)!;
    const fresh = await graph(sim, token, 'PATCH', `/me/events/${ev.id}`, { subject: 'Ours' }, { 'If-Match': current.etag });
    expect(fresh.status).toBe(200);
  });

  it('deletes with 204, then 404 ErrorItemNotFound on GET and on a second DELETE', async () => {
    const { body: ev } = await graph(sim, token, 'POST', '/me/events', meeting());
    expect((await graph(sim, token, 'DELETE', `/me/events/${ev.id}`)).status).toBe(204);
    const get = await graph(sim, token, 'GET', `/me/events/${ev.id}`);
    expect(get.status).toBe(404);
    expect(get.body.error.code).toBe('ErrorItemNotFound');
    const again = await graph(sim, token, 'DELETE', `/me/events/${ev.id}`);
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe('ErrorItemNotFound');
  });

  it('also serves /me/calendar/events and treats ids as case-sensitive', async () => {
    const { body: ev } = await graph(sim, token, 'POST', '/me/calendar/events', meeting());
    expect((await graph(sim, token, 'GET', `/me/calendar/events/${ev.id}`)).status).toBe(200);
    const swapped = ev.id.replace(/[a-z]/, (c: string) => c.toUpperCase());
    expect(swapped).not.toBe(ev.id);
    expect((await graph(sim, token, 'GET', `/me/events/${swapped}`)).status).toBe(404);
  });
});

describe('ids and scopes', () => {
  it('returns different ids with Prefer IdType="ImmutableId"; both resolve the same event', async () => {
    const rest = (await graph(sim, token, 'POST', '/me/events', meeting())).body;
    const imm = await graph(sim, token, 'GET', `/me/events/${rest.id}`, undefined, { Prefer: 'IdType="ImmutableId"' });
    expect(imm.body.id).not.toBe(rest.id);
    expect((await graph(sim, token, 'GET', `/me/events/${imm.body.id}`)).body.id).toBe(rest.id);
    const log = sim.control.requestLog().filter((e) => e.kind === 'event.get');
    expect(log.at(-2)?.immutableId).toBe(true);
    expect(log.at(-1)?.immutableId).toBe(false);
  });

  it('needs Calendars.ReadWrite to write (403) and User.Read for /me', async () => {
    const readOnly = sim.control.issueTokens('alice@firm.example', 'Calendars.Read openid profile offline_access').accessToken;
    const write = await graph(sim, readOnly, 'POST', '/me/events', meeting());
    expect(write.status).toBe(403);
    expect(write.body.error.code).toBe('ErrorAccessDenied');
    const calendarOnly = sim.control.issueTokens('alice@firm.example', 'Calendars.ReadWrite openid profile offline_access').accessToken;
    const me = await graph(sim, calendarOnly, 'GET', '/me');
    expect(me.status).toBe(403);
    expect((await graph(sim, calendarOnly, 'GET', '/me/calendar')).body.isDefaultCalendar).toBe(true);
  });

  it('answers 401 InvalidAuthenticationToken without a token or with an unknown one', async () => {
    const res = await fetch(`${sim.url}/v1.0/me/events`);
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe('InvalidAuthenticationToken');
    expect((await graph(sim, 'nope', 'GET', '/me/events')).status).toBe(401);
  });
});
