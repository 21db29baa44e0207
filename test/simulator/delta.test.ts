// calendarView delta rounds (docs/graph.md#delta-query-on-the-calendar-view), single events.
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

describe('delta requests', () => {
  it('requires startDateTime and endDateTime on the first request', async () => {
    const res = await graph(sim, token, 'GET', '/me/calendarView/delta');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('ErrorInvalidParameter');
  });

  it.each(['$select=subject', '$expand=attachments', "$filter=subject eq 'x'", '$orderby=start/dateTime', '$search="x"'])(
    'rejects %s with 400',
    async (option) => {
      const res = await graph(sim, token, 'GET', `${windowQuery()}&${option}`);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('ErrorInvalidUrlQuery');
    },
  );

  it('pages with opaque absolute https links that freeze the window', async () => {
    for (let i = 0; i < 5; i++) sim.control.createEvent(ALICE, event(`E${i}`, `2026-03-0${i + 2}T09:00:00`, `2026-03-0${i + 2}T10:00:00`));
    const round = await deltaRound(sim, token, windowQuery(), 'outlook.timezone="UTC", odata.maxpagesize=2');
    expect(round.pages.map((p) => p.length)).toEqual([2, 2, 1]);
    for (const link of round.links) expect(link).toMatch(new RegExp(`^${sim.url}/v1\\.0/me/calendarView/delta\\?\\$skiptoken=[\\w-]+$`));
    expect(round.deltaLink).toMatch(new RegExp(`^${sim.url}/v1\\.0/me/calendarView/delta\\?\\$deltatoken=[\\w-]+$`));
    expect(round.deltaLink).not.toContain('2026');
    expect(round.items.map((e) => e.subject).sort()).toEqual(['E0', 'E1', 'E2', 'E3', 'E4']);
    const quiet = await deltaRound(sim, token, round.deltaLink);
    expect(quiet.items).toEqual([]);
  });

  it('reports changes, deletions, and events that left or were created outside the window as @removed', async () => {
    const keep = sim.control.createEvent(ALICE, event('Keep', '2026-03-10T09:00:00', '2026-03-10T10:00:00'));
    const gone = sim.control.createEvent(ALICE, event('Gone', '2026-03-11T09:00:00', '2026-03-11T10:00:00'));
    const moves = sim.control.createEvent(ALICE, event('Moves', '2026-03-12T09:00:00', '2026-03-12T10:00:00'));
    const first = await deltaRound(sim, token, windowQuery());
    expect(first.items).toHaveLength(3);

    sim.control.updateEvent(ALICE, keep.id, { subject: 'Kept and renamed' });
    sim.control.deleteEvent(ALICE, gone.id);
    sim.control.updateEvent(ALICE, moves.id, { start: { dateTime: '2026-06-01T09:00:00', timeZone: 'UTC' }, end: { dateTime: '2026-06-01T10:00:00', timeZone: 'UTC' } });
    const outside = sim.control.createEvent(ALICE, event('Outside', '2026-07-01T09:00:00', '2026-07-01T10:00:00'));
    const second = await deltaRound(sim, token, first.deltaLink);

    const removed = second.items.filter((e) => e['@removed']);
    expect(removed.map((e) => e.id).sort()).toEqual([gone.immutableId, moves.immutableId, outside.immutableId].sort());
    for (const r of removed) expect(r).toEqual({ '@odata.type': '#microsoft.graph.event', id: r.id, '@removed': { reason: 'deleted' } });
    const changed = second.items.filter((e) => !e['@removed']);
    expect(changed.map((e) => e.subject)).toEqual(['Kept and renamed']);
    expect(changed[0]['@odata.etag']).toBe(`W/"${changed[0].changeKey}"`);
  });

  it('never lets extended properties or secondary-calendar events into the delta', async () => {
    sim.control.createEvent(ALICE, { ...event('Tagged', '2026-03-10T09:00:00', '2026-03-10T10:00:00'), singleValueExtendedProperties: [{ id: 'String {66f5a359-4659-4830-9070-00047ec6ac6e} Name CaseFlowId', value: 'x' }] });
    sim.control.createEvent(ALICE, event('Family dinner', '2026-03-10T18:00:00', '2026-03-10T20:00:00'), { calendar: 'secondary' });
    const round = await deltaRound(sim, token, windowQuery());
    expect(round.items.map((e) => e.subject)).toEqual(['Tagged']);
    expect(round.items[0].singleValueExtendedProperties).toBeUndefined();
  });

  it('answers in the mailbox zone (not UTC) on a page sent without outlook.timezone', async () => {
    sim.control.createEvent(ALICE, event('Nine UTC', '2026-03-10T09:00:00', '2026-03-10T10:00:00'));
    const utc = await deltaRound(sim, token, windowQuery());
    expect(utc.items[0].start).toEqual({ dateTime: '2026-03-10T09:00:00.0000000', timeZone: 'UTC' });
    const forgot = await deltaRound(sim, token, windowQuery(), 'odata.maxpagesize=50');
    expect(forgot.items[0].start).toEqual({ dateTime: '2026-03-10T02:00:00.0000000', timeZone: 'Pacific Standard Time' });
  });

  it('honours IdType per page: REST ids on a page that omits it', async () => {
    const ev = sim.control.createEvent(ALICE, event('Ids', '2026-03-10T09:00:00', '2026-03-10T10:00:00'));
    expect((await deltaRound(sim, token, windowQuery())).items[0].id).toBe(ev.immutableId);
    expect((await deltaRound(sim, token, windowQuery(), 'outlook.timezone="UTC"')).items[0].id).toBe(ev.id);
  });

  it('answers 410 SyncStateNotFound to any older link once the mailbox state expired', async () => {
    for (let i = 0; i < 3; i++) sim.control.createEvent(ALICE, event(`E${i}`, '2026-03-10T09:00:00', '2026-03-10T10:00:00'));
    const round = await deltaRound(sim, token, windowQuery(), 'odata.maxpagesize=1');
    sim.control.expireDeltaTokens(ALICE);
    for (const link of [round.deltaLink, round.links[0]]) {
      const res = await graph(sim, token, 'GET', link!, undefined, { Prefer: PREFER });
      expect(res.status).toBe(410);
      expect(res.body.error.code).toBe('SyncStateNotFound');
    }
    const fresh = await deltaRound(sim, token, windowQuery());
    expect(fresh.items).toHaveLength(3);
  });

  it("does not accept another mailbox's links", async () => {
    const round = await deltaRound(sim, token, windowQuery());
    const bob = signedInUser(sim, 'bob@firm.example').token;
    expect((await graph(sim, bob, 'GET', round.deltaLink)).status).toBe(410);
  });
});
