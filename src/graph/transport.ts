// Graph requests over node:https rather than fetch. Node loads its fetch (undici) on the first
// request or the first `Headers`: 41-49 ms of CPU on this project's machines, a sixth of a quiet
// run, which sends one request (docs/graph.md#the-transport). What the Graph client reads of an
// answer is a small part of fetch's Response (status, ok, headers.get, json, text, arrayBuffer,
// body): that part is here, with fetch's behaviour where it matters to us:
// - connections are kept alive and reused, each closed before the server's Keep-Alive hint runs out;
// - gzip, deflate and br answers are decoded (what undici asks for and decodes);
// - a redirect is not followed: the bearer token goes only where graph.baseUrl says;
// - the call resolves with the status and headers; a body cut short fails when it is read;
// - no answer within `timeoutMs` (5 minutes, undici's header and body timeouts) fails with ETIMEDOUT.

import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { brotliDecompress, gunzip, inflate } from 'node:zlib';

export interface TransportRequest {
  url: string;
  method: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  signal?: AbortSignal;
  /** With no byte of the answer for this long, the request fails with ETIMEDOUT. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 300_000;

// One pool per process, as fetch keeps one: every client (a daemon cycle makes one per staff
// member) reuses the connections to Graph. A connection idle for a minute is closed, or a second
// before the server's Keep-Alive hint says it will close it (Node applies the hint only below the
// agent's own timeout: https://nodejs.org/api/http.html#agentkeepsocketalivesocket).
const IDLE_MS = 60_000;
const agents = {
  'https:': new HttpsAgent({ keepAlive: true, timeout: IDLE_MS }),
  'http:': new HttpAgent({ keepAlive: true, timeout: IDLE_MS }),
} as const;

/** The answer's headers: read by name, in any case, as fetch's Headers are. */
export class TransportHeaders {
  private readonly map = new Map<string, string>();
  constructor(raw: IncomingMessage['headers']) {
    for (const [name, value] of Object.entries(raw)) {
      if (value !== undefined) this.map.set(name.toLowerCase(), Array.isArray(value) ? value.join(', ') : value);
    }
  }
  get(name: string): string | null {
    return this.map.get(name.toLowerCase()) ?? null;
  }
}

/** An answer whose status and headers have come; its body is read to the end in the background. */
export class TransportResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly headers: TransportHeaders;

  constructor(
    message: IncomingMessage,
    private readonly content: Promise<Buffer>,
  ) {
    this.status = message.statusCode ?? 0;
    this.ok = this.status >= 200 && this.status < 300;
    this.headers = new TransportHeaders(message.headers);
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const b = await this.content;
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  }

  /** UTF-8, a byte-order mark dropped, as fetch decodes. */
  async text(): Promise<string> {
    return new TextDecoder().decode(await this.content);
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  async blob(): Promise<Blob> {
    return new Blob([await this.content], { type: this.headers.get('content-type') ?? '' });
  }

  /** The body as a stream, as fetch gives it for a type it does not parse. */
  get body(): ReadableStream<Uint8Array> {
    const content = this.content;
    return new ReadableStream<Uint8Array>({
      async start(controller) {
        try {
          controller.enqueue(new Uint8Array(await content));
          controller.close();
        } catch (error) {
          controller.error(error);
        }
      },
    });
  }
}

function decode(encoding: string, raw: Buffer): Promise<Buffer> {
  const codec = { gzip: gunzip, 'x-gzip': gunzip, deflate: inflate, br: brotliDecompress }[encoding.trim().toLowerCase()];
  if (!codec) return Promise.resolve(raw);
  return new Promise((resolve, reject) => codec(raw, (error, out) => (error ? reject(error) : resolve(out))));
}

/** Reads the whole body; fails when the connection ends before it does. */
function readBody(message: IncomingMessage): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    message.on('data', (chunk: Buffer) => chunks.push(chunk));
    message.on('error', reject);
    const cut = () => reject(Object.assign(new Error('the connection closed before the answer was complete'), { code: 'ECONNRESET' }));
    message.on('aborted', cut);
    message.on('end', () => (message.complete ? resolve(Buffer.concat(chunks)) : cut()));
    message.on('close', () => (message.complete ? undefined : cut()));
  }).then((raw) => decode(String(message.headers['content-encoding'] ?? ''), raw));
}

/**
 * Sends one request. Rejects with Node's error (its `code` names the failure) when no answer comes.
 * A kept-alive connection the server closed just as it was reused fails before any answer: sent
 * again at once on another connection, as Node's documentation shows
 * (https://nodejs.org/api/http.html#requestreusedsocket). A create is safe to send again (its
 * transactionId), an update too (its If-Match).
 */
export async function send(r: TransportRequest): Promise<TransportResponse> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await sendOnce(r);
    } catch (error) {
      const stale = error instanceof StaleConnection;
      if (!stale) throw error;
      if (attempt >= MAX_STALE_RETRIES || r.signal?.aborted) throw error.cause;
    }
  }
}

const MAX_STALE_RETRIES = 5;

class StaleConnection extends Error {
  constructor(override readonly cause: unknown) {
    super('a kept-alive connection was closed by the server');
  }
}

function sendOnce(r: TransportRequest): Promise<TransportResponse> {
  return new Promise<TransportResponse>((resolve, reject) => {
    let url: URL;
    try {
      url = new URL(r.url);
    } catch {
      reject(new TypeError('the request has no valid URL'));
      return;
    }
    const protocol = url.protocol;
    if (protocol !== 'https:' && protocol !== 'http:') {
      reject(new TypeError(`cannot send a request over ${protocol}`));
      return;
    }
    const body = r.body === undefined ? undefined : typeof r.body === 'string' ? Buffer.from(r.body) : Buffer.from(r.body.buffer, r.body.byteOffset, r.body.byteLength);
    const headers: Record<string, string> = { 'accept-encoding': 'gzip, deflate, br' };
    for (const [name, value] of Object.entries(r.headers ?? {})) headers[name.toLowerCase()] = value;
    if (body) headers['content-length'] = String(body.byteLength);
    const timeoutMs = r.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const req = (protocol === 'https:' ? httpsRequest : httpRequest)(url, {
      method: r.method,
      headers,
      agent: agents[protocol],
      timeout: timeoutMs,
      ...(r.signal ? { signal: r.signal } : {}),
    });
    let answered = false;
    req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer within ${Math.round(timeoutMs / 1000)} s`), { code: 'ETIMEDOUT' })));
    req.on('error', (error: NodeJS.ErrnoException) => {
      const stale = !answered && req.reusedSocket && (error.code === 'ECONNRESET' || error.code === 'EPIPE');
      reject(stale ? new StaleConnection(error) : error);
    });
    req.on('response', (message) => {
      answered = true;
      const content = readBody(message);
      content.catch(() => undefined); // read or not, a body cut short is not an unhandled rejection
      resolve(new TransportResponse(message, content));
    });
    req.end(body);
  });
}
