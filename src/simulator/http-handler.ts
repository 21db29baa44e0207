// Front door of the HTTPS server: /_control, /devicelogin, the authorization page, the identity
// endpoints and Graph v1.0 (bearer token -> a user or an app). Every non-control request lands in the request log.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { identityRoute, type IdentityEnv } from './identity/endpoints.js';
import { handleControl } from './control/http.js';
import { deviceLoginPage } from './identity/device-login.js';
import { batchMailbox, runBatch } from './graph/batch.js';
import { errorReply, JSON_TYPE, runGraphCall, type CallResult, type Principal, type SimCore } from './graph/pipeline.js';
import { authorizePage } from './identity/authorize.js';
import { redactForm, redactHeaders, redactTokenResponse } from './request-log.js';
import { route } from './graph/router.js';
import { answerText } from './graph/body-faults.js';
import { parsePrefer } from './graph/context.js';
import type { TokenStore } from './identity/tokens.js';
import type { SimulatorControl } from './control/in-process.js';

const MAX_BODY = 8 * 1024 * 1024;

export interface HandlerDeps {
  core: SimCore;
  identity: IdentityEnv;
  tokens: TokenStore;
  control: SimulatorControl;
  /** Called after sign-in traffic (tokens may have changed: persist them). */
  changed(): void;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const out: Record<string, string> = { 'Cache-Control': 'no-cache', 'request-id': crypto.randomUUID(), ...headers };
  if (body === undefined || status === 204) {
    res.writeHead(status, out).end();
    return;
  }
  if (typeof body === 'string') {
    res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', ...out }).end(body);
    return;
  }
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...out }).end(JSON.stringify(body));
}

function headersOf(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

export function createHandler(deps: HandlerDeps) {
  const { core } = deps;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', core.base);
    const method = (req.method ?? 'GET').toUpperCase();
    let raw: string;
    try {
      raw = await readBody(req);
    } catch {
      send(res, 413, { error: { code: 'RequestEntityTooLarge', message: 'The request body is too large.' } });
      return;
    }
    if (url.pathname.startsWith('/_control/')) {
      let body: unknown;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        send(res, 400, { error: { code: 'ControlError', message: 'invalid JSON' } });
        return;
      }
      const reply = await handleControl(deps.control, method, url.pathname, url.searchParams, body);
      send(res, reply.status, reply.body);
      return;
    }
    if (url.pathname.toLowerCase() === '/devicelogin') {
      const page = deviceLoginPage(deps.control, method, new URLSearchParams(raw));
      send(res, page.status, page.html);
      return;
    }
    const authorize = /^\/([^/]+)\/oauth2\/v2\.0\/authorize$/i.exec(url.pathname);
    if (authorize && (method === 'GET' || method === 'POST')) {
      const form = new URLSearchParams(method === 'POST' ? raw : '');
      const seq = core.log.nextSeq();
      const page = authorizePage(deps.identity, authorize[1] as string, method, url.searchParams, form);
      core.log.count('authorize', page.mailbox);
      core.log.add({
        seq, time: new Date(core.now()).toISOString(), method, path: url.pathname + url.search, headers: redactHeaders(req.headers),
        requestBody: redactForm(form), status: page.status, responseBody: null, responseHeaders: page.headers, mailbox: page.mailbox, kind: 'authorize', immutableId: false,
      });
      deps.changed();
      if (page.html === null) res.writeHead(page.status, { 'Cache-Control': 'no-cache', ...page.headers }).end();
      else send(res, page.status, page.html, page.headers);
      return;
    }
    if (url.pathname.startsWith('/v1.0/') || url.pathname === '/v1.0') {
      await graph(deps, req, res, url, method, raw);
      return;
    }
    const id = identityRoute(method, url.pathname);
    if (id) {
      const form = new URLSearchParams(raw);
      const seq = core.log.nextSeq();
      const reply = id.handle(deps.identity, form);
      core.log.count(id.kind, reply.mailbox ?? null);
      core.log.add({
        seq, time: new Date(core.now()).toISOString(), method, path: url.pathname + url.search, headers: redactHeaders(req.headers),
        requestBody: redactForm(form), status: reply.status, responseBody: redactTokenResponse(reply.body), responseHeaders: {},
        mailbox: reply.mailbox ?? null, kind: id.kind, immutableId: false, ...(reply.scope !== undefined ? { scope: reply.scope } : {}),
      });
      deps.changed();
      send(res, reply.status, reply.body);
      return;
    }
    send(res, 404, { error: { code: 'NotFound', message: `Nothing is served at ${url.pathname}.` } });
  };
}

async function graph(deps: HandlerDeps, req: IncomingMessage, res: ServerResponse, url: URL, method: string, raw: string): Promise<void> {
  const { core } = deps;
  const path = url.pathname.slice('/v1.0'.length) || '/';
  const headers = headersOf(req);
  const rawPath = url.pathname + url.search;
  let body: unknown;
  let parseError: CallResult | null = null;
  let mailboxEmail: string | null = null;
  const isBatch = path.toLowerCase() === '/$batch' && method === 'POST';
  const kind = isBatch ? 'batch' : route(method, path).kind;
  const seq = core.log.nextSeq();
  const auth = authenticate(deps, headers.authorization);
  try {
    body = raw ? JSON.parse(raw) : undefined;
  } catch {
    body = raw;
    parseError = errorReply(core, 400, 'BadRequest', 'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.');
  }
  let reply: CallResult;
  if (typeof auth === 'string') {
    reply = errorReply(core, 401, 'InvalidAuthenticationToken', auth, {
      'WWW-Authenticate': `Bearer realm="", authorization_uri="${core.base}/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"`,
    });
  } else {
    mailboxEmail = isBatch ? batchMailbox(core, auth, body) : auth.kind === 'user' ? auth.mailbox.user.email : null;
    if (parseError) reply = parseError;
    else if (isBatch) reply = await runBatch(core, auth, mailboxEmail, body, seq);
    else {
      finish(core, res, await runGraphCall(core, auth, { method, path, query: url.searchParams, headers, body }, { inBatch: false, rawPath }));
      return;
    }
  }
  core.log.count(kind, mailboxEmail);
  core.log.add({
    seq, time: new Date(core.now()).toISOString(), method, path: rawPath, headers: redactHeaders(headers), requestBody: body ?? null,
    status: reply.drop ? 0 : reply.status, responseBody: reply.body ?? null, responseHeaders: reply.headers ?? {}, mailbox: mailboxEmail, kind,
    immutableId: parsePrefer(headers.prefer).immutableIds, ...(isBatch && reply.status === 429 ? { throttled: true } : {}), ...(reply.drop ? { dropped: true } : {}),
  });
  finish(core, res, reply);
}

function finish(core: SimCore, res: ServerResponse, reply: CallResult): void {
  if (reply.drop) {
    res.socket?.destroy();
    return;
  }
  const headers = { ...(reply.headers ?? {}) };
  if (reply.body !== undefined) headers['Content-Type'] = headers['Content-Type'] ?? JSON_TYPE;
  res.writeHead(reply.status, { 'Cache-Control': 'no-cache', 'request-id': crypto.randomUUID(), ...headers });
  res.end(reply.body === undefined ? undefined : answerText(core.faults.bodyFaults(), core.faults.rng, reply.status, reply.body));
}

function authenticate(deps: HandlerDeps, header: string | undefined): Principal | string {
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  if (!m) return 'Access token is empty.';
  const record = deps.tokens.authenticate(m[1] as string);
  if (record === 'expired') return 'Lifetime validation failed, the token is expired.';
  if (record === 'unknown') return 'Access token validation failure. Invalid audience.';
  if (record.app !== undefined) {
    const app = deps.identity.apps.get(record.app);
    if (!app) return 'Access token validation failure. The application does not exist.';
    return { kind: 'app', app, scopes: record.scopes };
  }
  const mailbox = record.email === null ? undefined : deps.core.directory.get(record.email);
  if (!mailbox) return 'Access token validation failure. The user does not exist.';
  return { kind: 'user', mailbox, scopes: record.scopes };
}
