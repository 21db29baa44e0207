// Injected faults on Graph (never on /_control): seeded random 429/503/504 with fractional
// Retry-After, latency, dropped connections, and store-then-fail (what transactionId is for).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { graph, signedInUser, startTestSimulator, type Simulator } from '../helpers/sim.js';
import { event } from './_delta.js';

const ALICE = 'alice@firm.example';
const PROP = 'String {66f5a359-4659-4830-9070-00047ec6ac6e} Name CaseFlowId';
let sim: Simulator;
let token: string;
beforeEach(async () => {
  sim = await startTestSimulator();
  token = signedInUser(sim, ALICE).token;
});
afterEach(() => sim.stop());

async function statuses(n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await graph(sim, token, 'GET', '/me/calendar')).status);
  return out;
}

describe('random errors', () => {
  it('are reproducible from a seed and carry a fractional Retry-After', async () => {
    const faults = { seed: 42, random429: 0.3, random503: 0.2, random504: 0.2, retryAfterSeconds: 0.125 };
    sim.control.setFaults(faults);
    const a = await statuses(20);
    sim.control.setFaults(faults);
    const b = await statuses(20);
    expect(a).toEqual(b);
    expect(new Set(a)).toEqual(new Set([200, 429, 503, 504]));
    sim.control.setFaults({ random429: 1, retryAfterSeconds: 2.128 });
    const res = await graph(sim, token, 'GET', '/me/calendar');
    expect(res.headers.get('retry-after')).toBe('2.128');
    expect(res.body.error.code).toBe('ApplicationThrottled');
    expect(sim.control.metrics().throttled).toBeGreaterThan(0);
  });

  it('leave the control API alone', async () => {
    sim.control.setFaults({ dropConnection: 1, random503: 1 });
    const res = await fetch(`${sim.url}/_control/users`);
    expect(res.status).toBe(200);
  });
});

describe('latency and dropped connections', () => {
  it('delays answers by latencyMs (fixed or a [min, max] range)', async () => {
    for (const latencyMs of [40, [40, 60] as [number, number]]) {
      sim.control.setFaults({ latencyMs });
      const started = performance.now();
      expect((await graph(sim, token, 'GET', '/me/calendar')).status).toBe(200);
      expect(performance.now() - started).toBeGreaterThanOrEqual(35);
    }
    expect(() => sim.control.setFaults({ latencyMs: -1 })).toThrow(RangeError);
  });

  it('drops the connection without an answer', async () => {
    sim.control.setFaults({ dropConnection: 1 });
    await expect(graph(sim, token, 'GET', '/me/calendar')).rejects.toThrow();
    expect(sim.control.requestLog().at(-1)).toMatchObject({ kind: 'calendar', dropped: true, status: 0 });
  });
});

describe('store then fail', () => {
  const body = (value: string) => ({ ...event('Pushed', '2026-03-10T09:00:00', '2026-03-10T10:00:00'), transactionId: `tx-${value}`, singleValueExtendedProperties: [{ id: PROP, value }] });

  it('stores the write, answers 504; the retry hits ErrorDuplicateTransactionId and the tag finds the event', async () => {
    sim.control.setFaults({ storeThenFail: 1 });
    const first = await graph(sim, token, 'POST', '/me/events', body('cf-1'));
    expect(first.status).toBe(504);
    expect(sim.control.events(ALICE)).toHaveLength(1);
    const retry = await graph(sim, token, 'POST', '/me/events', body('cf-1'));
    expect(retry.status).toBe(400);
    expect(retry.body.error.code).toBe('ErrorDuplicateTransactionId');
    const filter = encodeURIComponent(`singleValueExtendedProperties/Any(ep: ep/id eq '${PROP}' and ep/value eq 'cf-1')`);
    expect((await graph(sim, token, 'GET', `/me/events?$filter=${filter}`)).body.value).toHaveLength(1);
    expect(sim.control.faults().storeThenFail).toBe(0);
  });

  it('can drop the connection after storing instead', async () => {
    sim.control.setFaults({ storeThenFail: 1, storeThenFailMode: 'drop' });
    await expect(graph(sim, token, 'POST', '/me/events', body('cf-2'))).rejects.toThrow();
    expect(sim.control.events(ALICE).map((e) => e.transactionId)).toEqual(['tx-cf-2']);
    expect((await graph(sim, token, 'POST', '/me/events', body('cf-3'))).status).toBe(201);
  });
});
