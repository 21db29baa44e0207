// The control API, in process and over HTTP: users with two calendars, acting in Outlook,
// meeting invitations between users, device-code approval, revocation.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { graph, signedInUser, startTestSimulator, type Simulator } from '../helpers/sim.js';
import { event } from './_delta.js';

const ALICE = 'alice@firm.example';
const BOB = 'bob@firm.example';
let sim: Simulator;
beforeEach(async () => {
  sim = await startTestSimulator();
});
afterEach(() => sim.stop());

async function control(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${sim.url}/_control${path}`, {
    method,
    ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

describe('users and calendars', () => {
  it('adds users over HTTP, each with a primary and a secondary calendar', async () => {
    expect((await control('POST', '/users', { email: ALICE, name: 'Alice Adams' })).status).toBe(200);
    expect((await control('GET', '/users')).body.map((u: any) => u.email)).toEqual([ALICE]);
    const token = sim.control.issueTokens(ALICE).accessToken;
    const calendars = await graph(sim, token, 'GET', '/me/calendars');
    expect(calendars.body.value.map((c: any) => c.isDefaultCalendar)).toEqual([true, false]);
    const secondaryId = calendars.body.value[1].id;
    sim.control.createEvent(ALICE, event('Family', '2026-03-10T18:00:00', '2026-03-10T19:00:00'), { calendar: 'secondary' });
    expect((await graph(sim, token, 'GET', '/me/events')).body.value).toEqual([]);
    const other = await graph(sim, token, 'GET', `/me/calendars/${secondaryId}/events`);
    expect(other.body.value.map((e: any) => e.subject)).toEqual(['Family']);
    expect(sim.control.requestLog().at(-1)?.calendar).toBe('secondary');
  });

  it('answers control errors with a status, not a crash', async () => {
    expect((await control('GET', '/mailboxes/nobody@firm.example/events')).status).toBe(404);
    expect((await control('POST', '/users', { email: 'not-an-email' })).status).toBe(400);
    expect((await control('PUT', '/faults', { random429: 3 })).status).toBe(400);
    expect((await control('GET', '/nothing')).status).toBe(404);
  });
});

describe('acting as the user in Outlook (HTTP)', () => {
  it('creates, updates and deletes events; each change bumps changeKey and lastModifiedDateTime', async () => {
    let now = Date.parse('2026-03-01T08:00:00Z');
    await sim.stop();
    sim = await startTestSimulator({ now: () => now, users: [{ email: ALICE, name: 'Alice' }] });
    const created = await control('POST', `/mailboxes/${ALICE}/events`, event('Lunch', '2026-03-10T12:00:00', '2026-03-10T13:00:00'));
    expect(created.body).toMatchObject({ subject: 'Lunch', calendar: 'primary', type: 'singleInstance', deleted: false });
    now += 60_000;
    const updated = await control('PATCH', `/mailboxes/${ALICE}/events/${encodeURIComponent(created.body.id)}`, { subject: 'Long lunch' });
    expect(updated.body.changeKey).not.toBe(created.body.changeKey);
    expect(updated.body.lastModifiedDateTime).toBe('2026-03-01T08:01:00.0000000Z');
    expect((await control('DELETE', `/mailboxes/${ALICE}/events/${encodeURIComponent(created.body.id)}`)).status).toBe(204);
    const all = await control('GET', `/mailboxes/${ALICE}/events?includeDeleted=true`);
    expect(all.body.map((e: any) => [e.subject, e.deleted])).toEqual([['Long lunch', true]]);
  });
});

describe('meeting invitations', () => {
  it('puts an invitation on the attendee calendar (same iCalUId, not organizer); accepting updates both sides', async () => {
    sim.control.addUser({ email: ALICE, name: 'Alice' });
    sim.control.addUser({ email: BOB, name: 'Bob' });
    const alice = sim.control.issueTokens(ALICE).accessToken;
    const meeting = (await graph(sim, alice, 'POST', '/me/events', {
      ...event('Case review', '2026-03-10T15:00:00', '2026-03-10T16:00:00'),
      attendees: [{ type: 'required', emailAddress: { address: BOB, name: 'Bob' } }],
    })).body;
    const [copy] = sim.control.events(BOB);
    expect(copy).toMatchObject({ iCalUId: meeting.iCalUId, isOrganizer: false, showAs: 'tentative', responseStatus: { response: 'notResponded' } });
    expect(copy?.organizer.emailAddress.address).toBe(ALICE);
    const accepted = sim.control.acceptInvitation(BOB, { organizer: ALICE, eventId: meeting.id });
    expect(accepted).toMatchObject({ id: copy?.id, responseStatus: { response: 'accepted' }, showAs: 'busy' });
    expect(accepted.changeKey).not.toBe(copy?.changeKey);
    const organizerSide = sim.control.event(ALICE, meeting.id)!;
    expect(organizerSide.changeKey).not.toBe(meeting.changeKey);
    expect((organizerSide.attendees as any[])[0].status.response).toBe('accepted');
    await graph(sim, alice, 'PATCH', `/me/events/${meeting.id}`, { subject: 'Case review (moved)' });
    expect(sim.control.event(BOB, copy!.id)?.subject).toBe('Case review (moved)');
    await graph(sim, alice, 'DELETE', `/me/events/${meeting.id}`);
    expect(sim.control.event(BOB, copy!.id)).toMatchObject({ isCancelled: true, subject: 'Canceled: Case review (moved)' });
  });
});

describe('sign-in control', () => {
  it('approves a pending device code by user code over HTTP', async () => {
    sim.control.addUser({ email: ALICE, name: 'Alice' });
    const form = (o: Record<string, string>) => ({ method: 'POST', body: new URLSearchParams(o) });
    const dc = await (await fetch(`${sim.url}/organizations/oauth2/v2.0/devicecode`, form({ client_id: 'c', scope: 'Calendars.ReadWrite offline_access' }))).json();
    const pending = await control('GET', '/device-codes');
    expect(pending.body.map((c: any) => c.userCode)).toEqual([dc.user_code]);
    expect((await control('POST', '/device-codes/approve', { userCode: dc.user_code, email: ALICE })).status).toBe(204);
    const tokens = await (await fetch(`${sim.url}/organizations/oauth2/v2.0/token`, form({ client_id: 'c', grant_type: 'device_code', device_code: dc.device_code, scope: 'Calendars.ReadWrite offline_access' }))).json();
    expect(tokens.access_token).toBeTruthy();
    expect((await graph(sim, tokens.access_token, 'GET', '/me/events')).status).toBe(200);
    expect((await control('POST', `/users/${ALICE}/revoke`)).status).toBe(204);
    const revoked = await graph(sim, tokens.access_token, 'GET', '/me/events');
    expect(revoked.status).toBe(401);
    expect(revoked.body.error.code).toBe('InvalidAuthenticationToken');
  });

  it('lets a person approve on the /devicelogin page', async () => {
    sim.control.addUser({ email: ALICE, name: 'Alice' });
    const dc = await (await fetch(`${sim.url}/common/oauth2/v2.0/devicecode`, { method: 'POST', body: new URLSearchParams({ client_id: 'c', scope: 'Calendars.ReadWrite' }) })).json();
    expect(await (await fetch(dc.verification_uri)).text()).toContain(ALICE);
    const page = await fetch(`${sim.url}/devicelogin`, { method: 'POST', body: new URLSearchParams({ user_code: dc.user_code, email: ALICE, action: 'approve' }) });
    expect(page.status).toBe(200);
    expect(sim.control.pendingDeviceCodes()[0]?.status).toBe('approved');
  });

  it('signs in with a token and reads calendars through issueTokens over HTTP', async () => {
    sim.control.addUser({ email: BOB, name: 'Bob' });
    const issued = await control('POST', `/users/${BOB}/tokens`, {});
    expect((await graph(sim, issued.body.accessToken, 'GET', '/me')).body.mail).toBe(BOB);
    signedInUser(sim, ALICE);
    expect(sim.control.users().map((u) => u.email).sort()).toEqual([ALICE, BOB]);
  });
});

describe('HTTP control mirrors the in-process control', () => {
  it('serves faults, clock, pause/resume, in-flight, instances, accept and expire-delta', async () => {
    let now = Date.parse('2026-03-01T00:00:00Z');
    await sim.stop();
    sim = await startTestSimulator({ now: () => now, users: [{ email: ALICE }, { email: BOB }] });
    expect((await control('PUT', '/faults', { seed: 1, random503: 0.5 })).body).toMatchObject({ seed: 1, random503: 0.5 });
    expect((await control('DELETE', '/faults')).status).toBe(204);
    expect((await control('GET', '/faults')).body.random503).toBeUndefined();
    const token = sim.control.issueTokens(ALICE, 'Calendars.ReadWrite offline_access').accessToken;
    await control('POST', '/clock', { advanceSeconds: 3601 });
    expect((await graph(sim, token, 'GET', '/me/events')).status).toBe(401);
    const fresh = sim.control.issueTokens(ALICE).accessToken;
    await control('POST', '/pause');
    const held = graph(sim, fresh, 'GET', '/me/calendar');
    await sim.control.waitForInFlight(ALICE, 1);
    expect((await control('GET', `/in-flight/${ALICE}`)).body).toEqual({ inFlight: 1 });
    await control('POST', '/resume');
    expect((await held).status).toBe(200);
    const series = await control('POST', `/mailboxes/${ALICE}/events`, {
      ...event('Daily', '2026-03-02T09:00:00', '2026-03-02T09:30:00'),
      attendees: [{ emailAddress: { address: BOB } }],
      recurrence: { pattern: { type: 'daily', interval: 2 }, range: { type: 'endDate', startDate: '2026-03-02', endDate: '2026-03-06' } },
    });
    const inst = await control('GET', `/mailboxes/${ALICE}/events/${encodeURIComponent(series.body.id)}/instances?start=2026-03-01T00:00:00Z&end=2026-03-31T00:00:00Z`);
    expect(inst.body.map((o: any) => o.startUtc)).toEqual(['2026-03-02T09:00:00.000Z', '2026-03-04T09:00:00.000Z', '2026-03-06T09:00:00.000Z']);
    const accepted = await control('POST', `/mailboxes/${BOB}/accept`, { iCalUId: series.body.iCalUId });
    expect(accepted.body).toMatchObject({ type: 'seriesMaster', isOrganizer: false, responseStatus: { response: 'accepted' } });
    expect((await control('POST', `/mailboxes/${ALICE}/expire-delta`)).status).toBe(204);
    await control('PUT', '/auto-approve', { email: BOB });
    const dc = await (await fetch(`${sim.url}/common/oauth2/v2.0/devicecode`, { method: 'POST', body: new URLSearchParams({ client_id: 'c', scope: 'Calendars.ReadWrite' }) })).json();
    const poll = () => fetch(`${sim.url}/common/oauth2/v2.0/token`, { method: 'POST', body: new URLSearchParams({ client_id: 'c', grant_type: 'device_code', device_code: dc.device_code }) });
    expect((await poll()).status).toBe(400);
    expect((await poll()).status).toBe(200);
  });
});
