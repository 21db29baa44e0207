// $batch (docs/graph.md#json-batching): 20 max, per-item status/headers/body; fully sequential
// (a dependsOn chain, one item at a time, 424 after a failure) or fully parallel (four at a time),
// never a mix; items count against the mailbox's limits, the envelope against its budget only;
// per-item faults with Retry-After and latency.
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

  it('runs a parallel batch four items at a time: six alone meet no 429', async () => {
    sim.control.setFaults({ batchItemLatencyMs: 20 });
    const res = await batch(Array.from({ length: 6 }, (_, i) => create(String(i))));
    expect(res.body.responses.map((r: any) => r.status)).toEqual([201, 201, 201, 201, 201, 201]);
    const m = sim.control.metrics();
    expect(m.byKind.batch).toBe(1);
    expect(m.byKind['batch.item']).toBe(6);
    expect(m.perMailbox[ALICE]).toMatchObject({ requests: 6, throttled: 0, peakInFlight: 4 });
  });

  it('counts every item against the mailbox in-flight limit: beside two held requests, two of four parallel items get MailboxConcurrency 429s', async () => {
    sim.control.pause();
    const held = [graph(sim, token, 'GET', '/me/calendar'), graph(sim, token, 'GET', '/me/calendar')];
    await sim.control.waitForInFlight(ALICE, 2);
    const pending = batch(Array.from({ length: 4 }, (_, i) => create(String(i))));
    await sim.control.waitForInFlight(ALICE, 4);
    sim.control.resume();
    const res = await pending;
    await Promise.all(held);
    const statuses = res.body.responses.map((r: any) => r.status).sort();
    expect(statuses).toEqual([201, 201, 429, 429]);
    const throttled = res.body.responses.find((r: any) => r.status === 429);
    expect(throttled.headers['Retry-After']).toBe('0.01');
    expect(throttled.body.error).toMatchObject({ code: 'ApplicationThrottled', message: 'Application is over its MailboxConcurrency limit.' });
    expect(sim.control.metrics().perMailbox[ALICE]).toMatchObject({ requests: 6, throttled: 2, peakInFlight: 4 });
  });

  it('a dependsOn chain of 20 goes through one at a time, in array order', async () => {
    sim.control.setFaults({ batchShuffle: false, batchItemLatencyMs: 5 });
    const ids = Array.from({ length: 20 }, (_, i) => String(100 - i)); // ids that do not sort in array order
    const res = await batch(ids.map((id, i) => create(id, i ? { dependsOn: [ids[i - 1]] } : {})));
    expect(res.body.responses.every((r: any) => r.status === 201)).toBe(true);
    expect(sim.control.metrics().perMailbox[ALICE]?.peakInFlight).toBe(1);
    const items = sim.control.requestLog().filter((e) => e.kind === 'event.create');
    expect(items.map((e) => (e.requestBody as { subject: string }).subject)).toEqual(ids.map((id) => `B${id}`));
  });

  it('refuses a batch that is neither fully sequential nor fully parallel, and runs none of it', async () => {
    const partial = await batch([create('1'), { ...create('2'), dependsOn: ['1'] }, create('3')]);
    expect(partial.status).toBe(400);
    expect(partial.body.error).toMatchObject({ code: 'BadRequest', message: 'Batch should be either fully sequential or fully parallel.' });
    // Two chains side by side, or an item depending on one that is not just before it: not a plain chain.
    const twoChains = await batch([create('1'), create('2'), { ...create('3'), dependsOn: ['1'] }, { ...create('4'), dependsOn: ['2'] }]);
    expect(twoChains.status).toBe(400);
    const skipping = await batch([create('1'), { ...create('2'), dependsOn: ['1'] }, { ...create('3'), dependsOn: ['1'] }]);
    expect(skipping.status).toBe(400);
    const twoDeps = await batch([create('1'), { ...create('2'), dependsOn: ['1'] }, { ...create('3'), dependsOn: ['2', '1'] }]);
    expect(twoDeps.status).toBe(400);
    expect(sim.control.events(ALICE)).toHaveLength(0);
    expect(sim.control.metrics().byKind['batch.item']).toBeUndefined();
  });

  it('adds latencyMs to the envelope once and batchItemLatencyMs to each item', async () => {
    sim.control.setFaults({ latencyMs: 60, batchItemLatencyMs: 30 });
    expect(sim.control.faults()).toMatchObject({ latencyMs: 60, batchItemLatencyMs: 30 });
    let started = Date.now();
    await batch(Array.from({ length: 4 }, (_, i) => create(String(i), i ? { dependsOn: [String(i - 1)] } : {})));
    expect(Date.now() - started).toBeGreaterThanOrEqual(60 + 4 * 30 - 5);
    started = Date.now();
    await graph(sim, token, 'GET', '/me/calendar');
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
    expect(() => sim.control.setFaults({ batchItemLatencyMs: -1 })).toThrow(/batchItemLatencyMs/);
    const viaHttp = await fetch(`${sim.url}/_control/faults`, { method: 'PUT', body: JSON.stringify({ batchItemLatencyMs: [5, 1] }) });
    expect(viaHttp.status).toBe(400);
  });

  it('counts the envelope against the budget: a full window refuses it 429 with Retry-After, and none of its items run', async () => {
    sim.control.setLimits({ requestsPerWindow: 6, windowSeconds: 600 });
    const first = await batch([{ id: '1', method: 'GET', url: '/me/calendar' }, { id: '2', method: 'GET', url: '/me/calendar' }]);
    expect(first.status).toBe(200);
    expect(sim.control.budgetSpent(ALICE)).toBe(3);
    for (let i = 0; i < 3; i++) await graph(sim, token, 'GET', '/me/calendar');
    expect(sim.control.budgetSpent(ALICE)).toBe(6);
    const over = await batch([{ id: '1', method: 'GET', url: '/me/calendar' }]);
    expect(over.status).toBe(429);
    expect(over.body.error).toMatchObject({ code: 'ApplicationThrottled' });
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(590);
    const envelope = sim.control.requestLog().filter((e) => e.kind === 'batch').at(-1)!;
    expect(envelope).toMatchObject({ status: 429, throttled: true });
    expect(sim.control.requestLog().filter((e) => e.batchSeq === envelope.seq)).toEqual([]);
  });

  it('an envelope takes no in-flight slot: with four requests held, its items meet 429 inside a 200', async () => {
    sim.control.pause();
    const held = Array.from({ length: 4 }, () => graph(sim, token, 'GET', '/me/calendar'));
    await sim.control.waitForInFlight(ALICE, 4);
    const res = await batch([create('1')]);
    sim.control.resume();
    await Promise.all(held);
    expect(res.status).toBe(200);
    expect(res.body.responses[0]).toMatchObject({ status: 429, body: { error: { message: 'Application is over its MailboxConcurrency limit.' } } });
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
