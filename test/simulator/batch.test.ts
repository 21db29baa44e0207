// $batch (docs/graph.md#json-batching): 20 max, per-item status/headers/body, dependsOn
// and 424, items count against the mailbox's limits, per-item faults with Retry-After.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { graph, signedInUser, startTestSimulator, type Simulator } from '../helpers/sim.js';
import { event } from './_delta.js';

const ALICE = 'alice@firm.example';
let sim: Simulator;
let token: string;
beforeEach(async () => {
  sim = await startTestSimulator();
  token = signedInUser(sim, ALICE).token;
});
afterEach(() => sim.stop());

const create = (id: string, extra: Record<string, unknown> = {}) => ({
  id, method: 'POST', url: '/me/events', headers: { 'Content-Type': 'application/json' },
  body: event(`B${id}`, '2026-03-10T09:00:00', '2026-03-10T10:00:00'), ...extra,
});
const batch = (requests: unknown[]) => graph(sim, token, 'POST', '/$batch', { requests });
const byId = (body: any) => new Map<string, any>(body.responses.map((r: any) => [r.id, r]));

describe('$batch', () => {
  it('answers 200 with one response per item, each with status, headers and body', async () => {
    const existing = sim.control.createEvent(ALICE, event('Old', '2026-03-09T09:00:00', '2026-03-09T10:00:00'));
    const res = await batch([
      create('1'),
      { id: '2', method: 'GET', url: `/me/events/${existing.id}` },
      { id: '3', method: 'DELETE', url: '/me/events/AAMkAnope=' },
    ]);
    expect(res.status).toBe(200);
    const r = byId(res.body);
    expect(r.get('1')).toMatchObject({ status: 201, body: { subject: 'B1' } });
    expect(r.get('1').headers['Content-Type']).toMatch(/^application\/json/);
    expect(r.get('2')).toMatchObject({ status: 200, body: { subject: 'Old' } });
    expect(r.get('3')).toMatchObject({ status: 404, body: { error: { code: 'ErrorItemNotFound' } } });
  });

  it('refuses more than 20 items, and write items without Content-Type', async () => {
    const tooMany = await batch(Array.from({ length: 21 }, (_, i) => ({ id: String(i), method: 'GET', url: '/me/calendar' })));
    expect(tooMany.status).toBe(400);
    const noType = await batch([{ ...create('1'), headers: {} }]);
    expect(noType.status).toBe(400);
    expect(sim.control.events(ALICE)).toHaveLength(0);
  });

  it('runs dependsOn chains in order and answers 424 after a failed dependency', async () => {
    const res = await batch([
      create('1'),
      { ...create('2'), dependsOn: ['1'] },
      { id: '3', method: 'PATCH', url: '/me/events/AAMkAnope=', headers: { 'Content-Type': 'application/json' }, body: { subject: 'x' }, dependsOn: ['2'] },
      { ...create('4'), dependsOn: ['3'] },
    ]);
    const r = byId(res.body);
    expect([r.get('1').status, r.get('2').status, r.get('3').status, r.get('4').status]).toEqual([201, 201, 404, 424]);
    expect(sim.control.events(ALICE).map((e) => e.subject).sort()).toEqual(['B1', 'B2']);
  });

  it('counts independent items as concurrent requests: above 4 they meet MailboxConcurrency 429s', async () => {
    const res = await batch(Array.from({ length: 6 }, (_, i) => create(String(i))));
    const statuses = res.body.responses.map((r: any) => r.status).sort();
    expect(statuses).toEqual([201, 201, 201, 201, 429, 429]);
    const throttled = res.body.responses.find((r: any) => r.status === 429);
    expect(throttled.headers['Retry-After']).toBe('0.01');
    expect(throttled.body.error).toMatchObject({ code: 'ApplicationThrottled', message: 'Application is over its MailboxConcurrency limit.' });
    const m = sim.control.metrics();
    expect(m.byKind.batch).toBe(1);
    expect(m.byKind['batch.item']).toBe(6);
    expect(m.perMailbox[ALICE]).toMatchObject({ requests: 6, throttled: 2, peakInFlight: 4 });
  });

  it('a dependsOn chain of 20 goes through one at a time', async () => {
    const res = await batch(Array.from({ length: 20 }, (_, i) => create(String(i), i ? { dependsOn: [String(i - 1)] } : {})));
    expect(res.body.responses.every((r: any) => r.status === 201)).toBe(true);
    expect(sim.control.metrics().perMailbox[ALICE]?.peakInFlight).toBe(1);
  });

  it('injects faults per item with their own Retry-After, and shuffles responses when seeded', async () => {
    sim.control.setFaults({ seed: 12, random503: 0.5, retryAfterSeconds: 0.25 });
    const res = await batch(Array.from({ length: 4 }, (_, i) => ({ id: String(i), method: 'GET', url: '/me/calendar' })));
    const failed = res.body.responses.filter((r: any) => r.status === 503);
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.length).toBeLessThan(4);
    for (const f of failed) expect(f.headers['Retry-After']).toBe('0.25');
    sim.control.setFaults({ seed: 2, batchShuffle: true });
    const order = (await batch(Array.from({ length: 4 }, (_, i) => ({ id: String(i), method: 'GET', url: '/me/calendar' })))).body.responses.map((r: any) => r.id);
    expect(order).not.toEqual(['0', '1', '2', '3']);
  });

  it('logs each item with its own headers, and whether it asked for immutable ids', async () => {
    await batch([{ id: '1', method: 'GET', url: '/me/calendar', headers: { Prefer: 'IdType="ImmutableId"' } }, { id: '2', method: 'GET', url: '/me/calendar' }]);
    const log = sim.control.requestLog();
    const envelope = log.find((e) => e.kind === 'batch')!;
    const items = log.filter((e) => e.batchSeq === envelope.seq);
    expect(items.map((e) => [e.path, e.immutableId]).sort()).toEqual([['/v1.0/me/calendar', false], ['/v1.0/me/calendar', true]]);
  });
});
