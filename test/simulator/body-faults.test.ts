// Broken answer bodies (faults corruptBody, corruptBatchItem, corruptMode): a 2xx answer that is
// an HTML page or JSON cut short, status and Content-Type intact; errors are never broken.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signedInUser, startTestSimulator, type Simulator } from '../helpers/sim.js';

const ALICE = 'alice@firm.example';
let sim: Simulator;
let token: string;
beforeEach(async () => {
  sim = await startTestSimulator();
  token = signedInUser(sim, ALICE).token;
});
afterEach(() => sim.stop());

async function raw(method: string, path: string, body?: unknown): Promise<{ status: number; type: string | null; text: string }> {
  const res = await fetch(`${sim.url}/v1.0${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

const parses = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

const EVENT = { subject: 'x', start: { dateTime: '2026-12-01T09:00:00', timeZone: 'UTC' }, end: { dateTime: '2026-12-01T10:00:00', timeZone: 'UTC' } };

describe('broken answer bodies', () => {
  it('non-json: a 200 whose body is an HTML page, JSON content type kept', async () => {
    sim.control.setFaults({ corruptBody: 1, corruptMode: 'non-json' });
    const r = await raw('GET', '/me/calendar');
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/application\/json/);
    expect(r.text).toMatch(/^<html>/);
  });

  it('truncated: the JSON cut short, so it no longer parses; a write is still stored', async () => {
    sim.control.setFaults({ corruptBody: 1, corruptMode: 'truncated', seed: 3 });
    const r = await raw('POST', '/me/events', EVENT);
    expect(r.status).toBe(201);
    expect(parses(r.text)).toBe(false);
    expect(r.text.startsWith('{')).toBe(true);
    expect(sim.control.events(ALICE)).toHaveLength(1);
  });

  it('leaves error answers whole, and is off by default', async () => {
    sim.control.setFaults({ corruptBody: 1 });
    const missing = await raw('GET', '/me/events/nope');
    expect(missing.status).toBe(404);
    expect(parses(missing.text)).toBe(true);
    sim.control.clearFaults();
    expect(parses((await raw('GET', '/me/calendar')).text)).toBe(true);
  });

  it('corruptBatchItem breaks one item body into a string inside a whole envelope', async () => {
    sim.control.setFaults({ corruptBatchItem: 1, corruptMode: 'non-json' });
    const r = await raw('POST', '/$batch', {
      requests: [
        { id: '1', method: 'POST', url: '/me/events', headers: { 'Content-Type': 'application/json' }, body: EVENT },
        { id: '2', method: 'GET', url: '/me/events/nope' },
      ],
    });
    expect(r.status).toBe(200);
    const responses = (JSON.parse(r.text) as { responses: { id: string; status: number; body: unknown }[] }).responses;
    const byId = new Map(responses.map((x) => [x.id, x]));
    expect(byId.get('1')).toMatchObject({ status: 201, body: expect.stringMatching(/^<html>/) });
    expect(byId.get('2')).toMatchObject({ status: 404, body: { error: { code: expect.any(String) } } });
  });

  it('refuses a probability out of range and an unknown mode', () => {
    expect(() => sim.control.setFaults({ corruptBody: 2 })).toThrow(/probability/);
    expect(() => sim.control.setFaults({ corruptMode: 'gzip' as never })).toThrow(/corruptMode/);
  });
});
