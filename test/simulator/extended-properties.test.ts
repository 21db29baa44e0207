// Tagging events (docs/graph.md#tagging-our-events): stored, filterable by value, never echoed
// unless expanded; plus GET /me/events paging.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graph, signedInUser, startTestSimulator, type Simulator } from '../helpers/sim.js';

const PROP = 'String {66f5a359-4659-4830-9070-00047ec6ac6e} Name CaseFlowId';
let sim: Simulator;
let token: string;
beforeAll(async () => {
  sim = await startTestSimulator();
  token = signedInUser(sim).token;
});
afterAll(() => sim.stop());

const tagged = (value: string, subject = `Event ${value}`) => ({
  subject,
  start: { dateTime: '2026-04-01T09:00:00', timeZone: 'UTC' },
  end: { dateTime: '2026-04-01T10:00:00', timeZone: 'UTC' },
  singleValueExtendedProperties: [{ id: PROP, value }],
});
const filter = (value: string) =>
  `/me/events?$filter=${encodeURIComponent(`singleValueExtendedProperties/Any(ep: ep/id eq '${PROP}' and ep/value eq '${value}')`)}`;
const expand = `$expand=${encodeURIComponent(`singleValueExtendedProperties($filter=id eq '${PROP}')`)}`;

describe('single-value extended properties', () => {
  it('stores the property but never echoes it in POST, GET or list answers', async () => {
    const created = await graph(sim, token, 'POST', '/me/events', tagged('cf-1'));
    expect(created.status).toBe(201);
    expect(created.body.singleValueExtendedProperties).toBeUndefined();
    expect((await graph(sim, token, 'GET', `/me/events/${created.body.id}`)).body.singleValueExtendedProperties).toBeUndefined();
    expect(sim.control.event('alice@firm.example', created.body.id)?.extendedProperties).toEqual([{ id: PROP, value: 'cf-1' }]);
  });

  it('finds the event by value with the Any() filter, and only that one', async () => {
    await graph(sim, token, 'POST', '/me/events', tagged('cf-2'));
    await graph(sim, token, 'POST', '/me/events', tagged('cf-3'));
    const found = await graph(sim, token, 'GET', filter('cf-3'));
    expect(found.status).toBe(200);
    expect(found.body.value.map((e: { subject: string }) => e.subject)).toEqual(['Event cf-3']);
    expect((await graph(sim, token, 'GET', filter('cf-404'))).body.value).toEqual([]);
  });

  it('returns the property with $expand, and omits it on events that lack it', async () => {
    const { body: ev } = await graph(sim, token, 'POST', '/me/events', tagged('cf-4'));
    const read = await graph(sim, token, 'GET', `/me/events/${ev.id}?${expand}`);
    expect(read.body.singleValueExtendedProperties).toEqual([{ id: PROP, value: 'cf-4' }]);
    const both = await graph(sim, token, 'GET', `${filter('cf-4')}&${expand}`);
    expect(both.body.value[0].singleValueExtendedProperties[0].value).toBe('cf-4');
    const { body: plain } = await graph(sim, token, 'POST', '/me/events', { ...tagged('x'), singleValueExtendedProperties: undefined });
    expect((await graph(sim, token, 'GET', `/me/events/${plain.id}?${expand}`)).body.singleValueExtendedProperties).toBeUndefined();
  });

  it('updates the value with PATCH and rejects filters it does not understand', async () => {
    const { body: ev } = await graph(sim, token, 'POST', '/me/events', tagged('cf-5'));
    await graph(sim, token, 'PATCH', `/me/events/${ev.id}`, { singleValueExtendedProperties: [{ id: PROP, value: 'cf-5b' }] });
    expect((await graph(sim, token, 'GET', filter('cf-5b'))).body.value).toHaveLength(1);
    expect((await graph(sim, token, 'GET', filter('cf-5'))).body.value).toHaveLength(0);
    const bad = await graph(sim, token, 'GET', `/me/events?$filter=${encodeURIComponent("contains(subject,'x')")}`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('ErrorInvalidUrlQueryFilter');
  });
});

describe('GET /me/events paging', () => {
  it('pages with $top and an absolute https nextLink', async () => {
    const fresh = await startTestSimulator();
    try {
      const t = signedInUser(fresh, 'bob@firm.example').token;
      for (let i = 0; i < 12; i++) fresh.control.createEvent('bob@firm.example', tagged(`p${i}`));
      const first = await graph(fresh, t, 'GET', '/me/events');
      expect(first.body.value).toHaveLength(10); // Graph's default page size
      const next = first.body['@odata.nextLink'] as string;
      expect(next.startsWith(`${fresh.url}/v1.0/me/events?`)).toBe(true);
      const second = await graph(fresh, t, 'GET', next);
      expect(second.body.value).toHaveLength(2);
      expect(second.body['@odata.nextLink']).toBeUndefined();
      const top = await graph(fresh, t, 'GET', '/me/events?$top=5&$select=subject');
      expect(top.body.value).toHaveLength(5);
      expect(Object.keys(top.body.value[0]).sort()).toEqual(['@odata.etag', 'id', 'subject']);
    } finally {
      await fresh.stop();
    }
  });
});
