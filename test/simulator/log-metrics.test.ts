// The request log (everything a test may assert was or was not sent) and the metrics.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { graph, signedInUser, startTestSimulator, type Simulator } from '../helpers/sim.js';
import { event, windowQuery } from './_delta.js';

const ALICE = 'alice@firm.example';
let sim: Simulator;
let token: string;
beforeEach(async () => {
  sim = await startTestSimulator();
  token = signedInUser(sim, ALICE).token;
});
afterEach(() => sim.stop());

describe('request log', () => {
  it('keeps method, path+query, headers without Authorization, bodies, status, mailbox and kind', async () => {
    const body = { ...event('Secret matter', '2026-03-10T09:00:00', '2026-03-10T10:00:00'), body: { contentType: 'text', content: 'privileged description' } };
    const created = await graph(sim, token, 'POST', '/me/events', body, { Prefer: 'IdType="ImmutableId"', 'X-Trace': 'abc' });
    await graph(sim, token, 'GET', '/me/events?$top=1');
    const [post, list] = sim.control.requestLog();
    expect(post).toMatchObject({ method: 'POST', path: '/v1.0/me/events', status: 201, mailbox: ALICE, kind: 'event.create', immutableId: true, calendar: 'primary' });
    expect(post?.requestBody).toEqual(body);
    expect((post?.responseBody as any).id).toBe(created.body.id);
    expect(post?.headers['x-trace']).toBe('abc');
    expect(post?.headers.authorization).toBeUndefined();
    expect(JSON.stringify(sim.control.requestLog())).not.toContain(token);
    expect(list).toMatchObject({ method: 'GET', path: '/v1.0/me/events?$top=1', kind: 'event.list' });
    // What a confidentiality test would check: the description reached Graph in this request.
    expect(sim.control.requestLog().some((e) => JSON.stringify(e.requestBody).includes('privileged description'))).toBe(true);
  });

  it('can be read from a sequence number on and cleared (also over HTTP)', async () => {
    await graph(sim, token, 'GET', '/me/calendar');
    const mark = sim.control.requestLog().at(-1)!.seq;
    await graph(sim, token, 'GET', '/me/events');
    expect(sim.control.requestLog(mark).map((e) => e.kind)).toEqual(['event.list']);
    const viaHttp = await (await fetch(`${sim.url}/_control/log?since=${mark}`)).json();
    expect(viaHttp.map((e: any) => e.kind)).toEqual(['event.list']);
    await fetch(`${sim.url}/_control/log`, { method: 'DELETE' });
    expect(sim.control.requestLog()).toEqual([]);
  });
});

describe('metrics', () => {
  it('count requests by kind and per mailbox, and reset', async () => {
    const ev = (await graph(sim, token, 'POST', '/me/events', event('A', '2026-03-10T09:00:00', '2026-03-10T10:00:00'))).body;
    await graph(sim, token, 'GET', `/me/events/${ev.id}`);
    await graph(sim, token, 'PATCH', `/me/events/${ev.id}`, { subject: 'B' });
    await graph(sim, token, 'GET', '/me/events');
    await graph(sim, token, 'GET', windowQuery());
    await graph(sim, token, 'DELETE', `/me/events/${ev.id}`);
    const m = sim.control.metrics();
    expect(m.byKind).toMatchObject({ 'event.create': 1, 'event.get': 1, 'event.update': 1, 'event.list': 1, delta: 1, 'event.delete': 1 });
    expect(m.perMailbox[ALICE]).toMatchObject({ requests: 6, peakInFlight: 1, throttled: 0 });
    const viaHttp = await (await fetch(`${sim.url}/_control/metrics`)).json();
    expect(viaHttp.byKind.delta).toBe(1);
    sim.control.resetMetrics();
    expect(sim.control.metrics()).toEqual({ byKind: {}, perMailbox: {}, throttled: 0, total: 0 });
  });
});
