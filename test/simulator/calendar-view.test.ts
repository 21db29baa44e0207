// GET /me/calendarView (imports): the window is required, instances overlap it, pages link on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graph, signedInUser, startTestSimulator, type Simulator } from '../helpers/sim.js';
import { event } from './_delta.js';

const ALICE = 'alice@firm.example';
let sim: Simulator;
let token: string;
beforeAll(async () => {
  sim = await startTestSimulator();
  token = signedInUser(sim, ALICE).token;
  for (let d = 20; d >= 10; d--) sim.control.createEvent(ALICE, event(`Day ${d}`, `2026-02-${d}T09:00:00`, `2026-02-${d}T10:00:00`));
  sim.control.createEvent(ALICE, event('Spans the start', '2026-02-09T23:00:00', '2026-02-10T01:00:00'));
  sim.control.createEvent(ALICE, event('Before', '2026-02-01T09:00:00', '2026-02-01T10:00:00'));
  sim.control.createEvent(ALICE, event('Other calendar', '2026-02-15T12:00:00', '2026-02-15T13:00:00'), { calendar: 'secondary' });
});
afterAll(() => sim.stop());

const view = '/me/calendarView?startDateTime=2026-02-10T00:00:00Z&endDateTime=2026-02-21T00:00:00Z';

describe('calendarView', () => {
  it('requires startDateTime and endDateTime', async () => {
    const res = await graph(sim, token, 'GET', '/me/calendarView?startDateTime=2026-02-10T00:00:00Z');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('ErrorInvalidParameter');
  });

  it('returns primary-calendar instances overlapping the window, in pages linked by an absolute nextLink', async () => {
    const subjects: string[] = [];
    let link: string | undefined = view;
    let pages = 0;
    while (link) {
      const res = await graph(sim, token, 'GET', link, undefined, { Prefer: 'odata.maxpagesize=5' });
      expect(res.body.value.length).toBeLessThanOrEqual(5);
      subjects.push(...res.body.value.map((e: any) => e.subject));
      link = res.body['@odata.nextLink'];
      if (link) expect(link.startsWith(`${sim.url}/v1.0/me/calendarView?`)).toBe(true);
      pages++;
    }
    expect(pages).toBe(3);
    expect(subjects).toEqual(['Spans the start', ...Array.from({ length: 11 }, (_, i) => `Day ${i + 10}`)]);
  });

  it('honours an offset in the window parameters', async () => {
    const q = `startDateTime=${encodeURIComponent('2026-02-20T07:30:00-01:00')}&endDateTime=${encodeURIComponent('2026-02-20T08:30:00-01:00')}`;
    const res = await graph(sim, token, 'GET', `/me/calendarView?${q}`);
    expect(res.body.value.map((e: any) => e.subject)).toEqual(['Day 20']);
  });
});
