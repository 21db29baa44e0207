// The Graph transport over node:https, against real servers on 127.0.0.1: the simulator over TLS
// for what Graph answers, and small node:http servers for what a network does to an answer
// (compression, a body cut short, silence, a closed idle connection, a redirect).

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { networkFailure } from '../../src/errors.js';
import { RequestBudget } from '../../src/graph/budget.js';
import { createGraphClient } from '../../src/graph/client.js';
import { DEFAULT_RETRY } from '../../src/graph/retry.js';
import { send } from '../../src/graph/transport.js';
import { createLogger } from '../../src/log.js';
import { signedInUser, startTestSimulator, type Simulator } from '../helpers/sim.js';

let sim: Simulator | undefined;
let server: Server | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
  server?.closeAllConnections();
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  server = undefined;
});

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  socket: Socket;
}

/** A plain HTTP server on 127.0.0.1 answering with `answer`; what it was sent is in `seen`. */
async function serve(answer: (req: IncomingMessage, res: ServerResponse, seen: Seen) => void): Promise<{ url: string; seen: Seen[]; connections: () => number }> {
  const seen: Seen[] = [];
  let connections = 0;
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const s = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), socket: req.socket };
      seen.push(s);
      answer(req, res, s);
    });
  });
  server.on('connection', () => (connections += 1));
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, connections: () => connections };
}

describe('the Graph transport', () => {
  it('reads Graph over TLS: status, headers by any case, and the JSON body', async () => {
    sim = await startTestSimulator();
    const { token } = signedInUser(sim, 'alice@firm.example');
    const r = await send({ url: `${sim.url}/v1.0/me/calendar`, method: 'GET', headers: { Authorization: `Bearer ${token}` } });
    expect(r.status).toBe(200);
    expect(r.ok).toBe(true);
    expect(r.headers.get('CONTENT-TYPE')).toMatch(/^application\/json/);
    expect(await r.json()).toMatchObject({ id: expect.any(String) });

    const refused = await send({ url: `${sim.url}/v1.0/me/calendar`, method: 'GET', headers: { Authorization: 'Bearer not-a-token' } });
    expect(refused.status).toBe(401);
    expect(refused.ok).toBe(false);
    expect(await refused.json()).toMatchObject({ error: { code: expect.any(String) } });
  });

  it('sends the body with its length and lower-case header names, asks for compression, and reuses one connection', async () => {
    const s = await serve((_req, res) => res.writeHead(201, { 'Content-Type': 'application/json' }).end('{"ok":true}'));
    const body = JSON.stringify({ subject: 'Hearing – Smith v Jones' });
    const first = await send({ url: `${s.url}/v1.0/$batch`, method: 'POST', headers: { 'Content-Type': 'application/json', Prefer: 'x' }, body });
    expect(first.status).toBe(201);
    expect(await first.json()).toEqual({ ok: true });
    const second = await send({ url: `${s.url}/v1.0/me`, method: 'GET' });
    await second.text();
    expect(s.seen[0]).toMatchObject({ method: 'POST', url: '/v1.0/$batch', body });
    expect(s.seen[0]!.headers).toMatchObject({ 'content-type': 'application/json', prefer: 'x', 'content-length': String(Buffer.byteLength(body)), 'accept-encoding': 'gzip, deflate, br' });
    expect(s.connections()).toBe(1);
  });

  it('decodes gzip, deflate and br answers, and drops a byte-order mark as fetch does', async () => {
    const json = JSON.stringify({ value: [{ subject: 'Ünïcode' }] });
    const encoded: Record<string, Buffer> = { gzip: gzipSync(json), deflate: deflateSync(json), br: brotliCompressSync(json), identity: Buffer.from(`\uFEFF${json}`) };
    const s = await serve((req, res) => {
      const enc = req.url!.slice(1);
      res.writeHead(200, { 'Content-Type': 'application/json', ...(enc === 'identity' ? {} : { 'Content-Encoding': enc }) }).end(encoded[enc]);
    });
    for (const enc of Object.keys(encoded)) {
      const r = await send({ url: `${s.url}/${enc}`, method: 'GET' });
      expect(await r.json(), enc).toEqual({ value: [{ subject: 'Ünïcode' }] });
    }
  });

  it('a body cut short resolves with the status, then fails when read, as a connection reset', async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '100' });
      res.write('{"value":[');
      setImmediate(() => res.socket?.destroy());
    });
    const r = await send({ url: `${s.url}/page`, method: 'GET' });
    expect(r.status).toBe(200);
    const error = await r.json().then(() => null, (e: unknown) => e);
    expect(networkFailure(error)).toMatchObject({ kind: 'reset' });
  });

  it('no answer within the timeout fails with ETIMEDOUT, which reads as a timeout', async () => {
    await serve(() => undefined); // never answers
    const url = `http://127.0.0.1:${(server!.address() as AddressInfo).port}/slow`;
    const error = await send({ url, method: 'GET', timeoutMs: 50 }).then(() => null, (e: unknown) => e);
    expect(error).toMatchObject({ code: 'ETIMEDOUT' });
    expect(networkFailure(error)).toMatchObject({ kind: 'timeout', reason: 'timed out' });
  });

  it('an aborted signal stops the request in flight', async () => {
    const s = await serve(() => undefined);
    const controller = new AbortController();
    const pending = send({ url: `${s.url}/slow`, method: 'GET', signal: controller.signal });
    await new Promise<void>((r) => server!.once('request', () => r()));
    controller.abort(new Error('interrupted'));
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('a refused connection fails with ECONNREFUSED; an unknown protocol is refused before sending', async () => {
    const s = await serve(() => undefined);
    await new Promise((r) => server!.close(r));
    server = undefined;
    const error = await send({ url: `${s.url}/x`, method: 'GET' }).then(() => null, (e: unknown) => e);
    expect(networkFailure(error)).toMatchObject({ kind: 'refused', code: 'ECONNREFUSED' });
    await expect(send({ url: 'ftp://127.0.0.1/x', method: 'GET' })).rejects.toThrow('cannot send a request over ftp:');
  });

  it('after the server closes an idle connection, the next request goes out on a new one', async () => {
    const s = await serve((_req, res) => res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok'));
    expect(await (await send({ url: `${s.url}/a`, method: 'GET' })).text()).toBe('ok');
    const closed = new Promise((r) => s.seen[0]!.socket.once('close', r));
    server!.closeIdleConnections();
    await closed;
    expect(await (await send({ url: `${s.url}/b`, method: 'GET' })).text()).toBe('ok');
    expect(s.connections()).toBe(2);
  });

  it('a kept-alive connection closed as it is reused: sent again at once on a new one; a new connection reset is not', async () => {
    let n = 0;
    const s = await serve((_req, res, seen) => {
      n += 1;
      if (n === 2 || n === 4) seen.socket.destroy(); // the second on the kept connection; the first on a new one
      else res.writeHead(200, { 'Content-Type': 'text/plain' }).end(`answer ${n}`);
    });
    expect(await (await send({ url: `${s.url}/a`, method: 'GET' })).text()).toBe('answer 1');
    expect(await (await send({ url: `${s.url}/b`, method: 'POST', body: '{}' })).text()).toBe('answer 3');
    expect(s.seen.map((x) => x.url)).toEqual(['/a', '/b', '/b']);
    expect(s.connections()).toBe(2);

    server!.closeIdleConnections();
    await new Promise((r) => s.seen[2]!.socket.once('close', r));
    await new Promise((r) => setImmediate(r));
    const error = await send({ url: `${s.url}/c`, method: 'GET' }).then(() => null, (e: unknown) => e);
    expect(networkFailure(error)).toMatchObject({ kind: 'reset' });
    expect(s.seen.map((x) => x.url)).toEqual(['/a', '/b', '/b', '/c']);
  });

  it("a request sent again after a stale kept connection takes room in the mailbox's budget once", async () => {
    let n = 0;
    const s = await serve((_req, res, seen) => {
      n += 1;
      if (n === 2) seen.socket.destroy(); // the second request, on the kept connection
      else res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ id: `calendar-${n}` }));
    });
    const budget = new RequestBudget(10, 60_000);
    const log = createLogger({ verbose: false, json: false, write: () => undefined });
    const client = createGraphClient({ baseUrl: s.url, getAccessToken: async () => 'token', mailbox: 'alice@firm.example', maxInFlight: 4, retry: DEFAULT_RETRY, log, budget });
    expect(await client.api('/me/calendar').get()).toEqual({ id: 'calendar-1' });
    expect(await client.api('/me/calendar').get()).toEqual({ id: 'calendar-3' });
    expect(s.seen).toHaveLength(3);
    expect(budget.spent()).toBe(2);
  });

  it('does not follow a redirect: the answer is the 302 itself, and nothing is sent to where it points', async () => {
    const s = await serve((req, res) => res.writeHead(302, { Location: `${req.url}-elsewhere` }).end());
    const r = await send({ url: `${s.url}/v1.0/me`, method: 'GET', headers: { authorization: 'Bearer secret' } });
    expect(r.status).toBe(302);
    expect(r.headers.get('location')).toBe('/v1.0/me-elsewhere');
    expect(s.seen.map((x) => x.url)).toEqual(['/v1.0/me']);
  });
});
