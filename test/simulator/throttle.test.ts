// Per-mailbox limits: 4 requests in flight (the fifth gets 429 ApplicationThrottled) and the
// 10,000-per-10-minutes budget (scaled down here, on the injectable clock).
import { afterEach, describe, expect, it } from 'vitest';
import { graph, signedInUser, startTestSimulator, type Simulator } from '../helpers/sim.js';

let sim: Simulator | null = null;
afterEach(async () => {
  await sim?.stop();
  sim = null;
});

describe('mailbox concurrency', () => {
  it('answers the fifth concurrent request of a mailbox with 429 MailboxConcurrency; others are not affected', async () => {
    sim = await startTestSimulator();
    const s = sim;
    const alice = signedInUser(s, 'alice@firm.example').token;
    const bob = signedInUser(s, 'bob@firm.example').token;
    s.control.pause();
    const held = Array.from({ length: 4 }, () => graph(s, alice, 'GET', '/me/calendar'));
    await s.control.waitForInFlight('alice@firm.example', 4);
    const bobHeld = graph(s, bob, 'GET', '/me/calendar');
    await s.control.waitForInFlight('bob@firm.example', 1);
    const fifth = await graph(s, alice, 'GET', '/me/calendar');
    expect(fifth.status).toBe(429);
    expect(fifth.body.error).toMatchObject({ code: 'ApplicationThrottled', message: 'Application is over its MailboxConcurrency limit.' });
    expect(Number(fifth.headers.get('retry-after'))).toBeGreaterThan(0);
    s.control.resume();
    expect((await Promise.all(held)).map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect((await bobHeld).status).toBe(200);
    const m = s.control.metrics();
    expect(m.perMailbox['alice@firm.example']).toEqual({ requests: 5, peakInFlight: 4, throttled: 1 });
    expect(m.perMailbox['bob@firm.example']).toEqual({ requests: 1, peakInFlight: 1, throttled: 0 });
    expect(m.throttled).toBe(1);
    expect(s.control.inFlight('alice@firm.example')).toBe(0);
  });
});

describe('holding requests', () => {
  it("pause(email) holds that mailbox's requests in flight and lets the others through", async () => {
    sim = await startTestSimulator();
    const s = sim;
    const alice = signedInUser(s, 'alice@firm.example').token;
    const bob = signedInUser(s, 'bob@firm.example').token;
    s.control.pause('Bob@firm.example');
    const bobHeld = graph(s, bob, 'GET', '/me/calendar');
    await s.control.waitForInFlight('bob@firm.example', 1);
    expect((await graph(s, alice, 'GET', '/me/calendar')).status).toBe(200);
    expect(s.control.inFlight('bob@firm.example')).toBe(1);
    s.control.resume();
    expect((await bobHeld).status).toBe(200);
    expect(s.control.inFlight('bob@firm.example')).toBe(0);
  });
});

describe('request budget', () => {
  it('throttles past the per-window budget until the window moves on, counting throttled requests too', async () => {
    let now = Date.parse('2026-03-01T00:00:00Z');
    sim = await startTestSimulator({ now: () => now, limits: { requestsPerWindow: 3, windowSeconds: 600 } });
    const token = signedInUser(sim).token;
    for (let i = 0; i < 3; i++) expect((await graph(sim, token, 'GET', '/me/calendar')).status).toBe(200);
    now += 1_000;
    const over = await graph(sim, token, 'GET', '/me/calendar');
    expect(over.status).toBe(429);
    expect(over.body.error.code).toBe('ApplicationThrottled');
    expect(Number(over.headers.get('retry-after'))).toBe(599);
    now += 599_000; // the first three left the window; the throttled one has not
    expect((await graph(sim, token, 'GET', '/me/calendar')).status).toBe(200);
    expect((await graph(sim, token, 'GET', '/me/calendar')).status).toBe(200);
    expect((await graph(sim, token, 'GET', '/me/calendar')).status).toBe(429);
  });

  it('answers with a fractional Retry-After: the time until a short window admits again', async () => {
    let now = Date.parse('2026-03-01T00:00:00Z');
    sim = await startTestSimulator({ now: () => now, limits: { requestsPerWindow: 2, windowSeconds: 2 } });
    const token = signedInUser(sim).token;
    expect((await graph(sim, token, 'GET', '/me/calendar')).status).toBe(200);
    now += 250;
    expect((await graph(sim, token, 'GET', '/me/calendar')).status).toBe(200);
    now += 250;
    const over = await graph(sim, token, 'GET', '/me/calendar');
    expect(over.status).toBe(429);
    expect(over.body.error.message).toBe('Application is over its MailboxRequests limit (2 requests per 2 seconds).');
    // The window holds three now (the refused one counts): it admits once the second has left.
    expect(over.headers.get('retry-after')).toBe('1.75');
    now += 1_750;
    expect((await graph(sim, token, 'GET', '/me/calendar')).status).toBe(200);
    expect(sim.control.budgetSpent('alice@firm.example')).toBe(2);
  });

  it('changes the budget while running, in process and over HTTP, and refuses values out of range', async () => {
    let now = Date.parse('2026-03-01T00:00:00Z');
    sim = await startTestSimulator({ now: () => now });
    const s = sim;
    const token = signedInUser(s).token;
    expect(s.control.setLimits({ requestsPerWindow: 1 })).toEqual({ concurrency: 4, requestsPerWindow: 1, windowSeconds: 600 });
    const put = await fetch(`${s.url}/_control/limits`, { method: 'PUT', body: JSON.stringify({ windowSeconds: 1.5 }) });
    expect(await put.json()).toEqual({ concurrency: 4, requestsPerWindow: 1, windowSeconds: 1.5 });
    expect((await graph(s, token, 'GET', '/me/calendar')).status).toBe(200);
    expect((await graph(s, token, 'GET', '/me/calendar')).headers.get('retry-after')).toBe('1.5');
    const budget = await (await fetch(`${s.url}/_control/budget/alice@firm.example`)).json();
    expect(budget).toEqual({ spent: 2, concurrency: 4, requestsPerWindow: 1, windowSeconds: 1.5 });
    expect(() => s.control.setLimits({ windowSeconds: 0 })).toThrow(RangeError);
    expect(() => s.control.setLimits({ requestsPerWindow: 2.5 })).toThrow(RangeError);
    expect((await fetch(`${s.url}/_control/limits`, { method: 'PUT', body: JSON.stringify({ requestsPerWindow: '9' }) })).status).toBe(400);
    expect((await fetch(`${s.url}/_control/limits`, { method: 'PUT', body: JSON.stringify({ requestsPerWindow: 0 }) })).status).toBe(400);
    expect(await (await fetch(`${s.url}/_control/limits`)).json()).toEqual({ concurrency: 4, requestsPerWindow: 1, windowSeconds: 1.5 });
    now += 3_000;
    expect((await graph(s, token, 'GET', '/me/calendar')).status).toBe(200);
  });

  it('uses Outlook limits by default: 4 in flight, 10,000 per 10 minutes', async () => {
    sim = await startTestSimulator();
    const { DEFAULT_LIMITS } = await import('../../src/simulator/graph/throttle.js');
    expect(DEFAULT_LIMITS).toEqual({ concurrency: 4, requestsPerWindow: 10_000, windowSeconds: 600 });
    expect(sim.control.limits()).toEqual(DEFAULT_LIMITS);
  });
});
