// One Graph request (top-level or a $batch item) from admission to log entry: mailbox limits,
// the test gate, latency, injected faults, the handler, store-then-fail, metrics.
import { GraphError } from '../mailbox/model.js';
import type { Mailbox } from '../mailbox/mailbox.js';
import type { Directory } from '../mailbox/directory.js';
import type { DeltaEngine } from './delta.js';
import type { Faults } from './faults.js';
import type { Gate, Limiter } from './throttle.js';
import type { RequestLog } from '../request-log.js';
import { redactHeaders } from '../request-log.js';
import { mailboxRef, route } from './router.js';
import { inScope, type AppRegistration } from '../identity/apps.js';
import { malformBody } from '../mailbox/malform.js';
import { parsePrefer, type GraphCall, type GraphEnv, type GraphReply } from './context.js';
import { uuid } from '../random.js';

export interface SimCore {
  base: string;
  directory: Directory;
  delta: DeltaEngine;
  faults: Faults;
  limiter: Limiter;
  gate: Gate;
  log: RequestLog;
  now(): number;
}

/** Who the bearer token stands for: a signed-in user (delegated), or an app on its own (app-only). */
export type Principal =
  | { kind: 'user'; mailbox: Mailbox; scopes: Set<string> }
  | { kind: 'app'; app: AppRegistration; scopes: Set<string> };

const accessDenied = () => new GraphError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');

/**
 * The mailbox a call is about and how it was named, or why the caller may not have it: a user
 * reaches their own mailbox (`/me` or `/users/{their id or email}`); an app reaches
 * `/users/{id}` within its mailbox scope (403 ErrorAccessDenied outside it) and never `/me`.
 */
export function targetOf(core: Pick<SimCore, 'directory'>, principal: Principal, path: string): { mailbox: Mailbox; root: string } | GraphError {
  const ref = mailboxRef(path);
  if (principal.kind === 'user') {
    if (!ref || ref.kind === 'me') return { mailbox: principal.mailbox, root: '/me' };
    const u = principal.mailbox.user;
    if (ref.id.toLowerCase() !== u.email.toLowerCase() && ref.id !== u.oid) return accessDenied();
    return { mailbox: principal.mailbox, root: `/users/${encodeURIComponent(ref.id)}` };
  }
  if (!ref) return new GraphError(400, 'BadRequest', `Resource not found for the segment '${path.split('/').filter(Boolean)[0] ?? ''}'.`);
  if (ref.kind === 'me') return new GraphError(400, 'BadRequest', '/me request is only valid with delegated authentication flow.');
  const mailbox = core.directory.find(ref.id);
  if (!mailbox) return new GraphError(404, 'ErrorInvalidUser', `The requested user '${ref.id}' is invalid.`);
  if (!inScope(principal.app, mailbox.user.email)) return accessDenied();
  return { mailbox, root: `/users/${encodeURIComponent(ref.id)}` };
}

export interface CallResult extends GraphReply {
  /** Close the connection without answering (a dropped connection). */
  drop?: boolean;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The items of one sequential batch, run one after another: when the last one was due to end. */
export interface Chain {
  due: number | null;
}

/**
 * An item of a sequential batch takes its latency counted from when the item before it was due to
 * end, not from when its timer fired: a timer fires a millisecond or so late, and twenty of them in
 * a row would make "20 ms an item" 21. An item that had to wait (for a slot) counts from now.
 */
function sleepInChain(chain: Chain, ms: number): Promise<void> {
  const now = performance.now();
  const from = chain.due !== null && now - chain.due < ms ? chain.due : now;
  chain.due = from + ms;
  return sleep(Math.max(0, chain.due - now));
}

export const JSON_TYPE = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';
const WRITES = new Set(['event.create', 'event.update', 'event.delete']);

export function errorReply(core: { now(): number }, status: number, code: string, message: string, headers: Record<string, string> = {}): CallResult {
  const date = new Date(core.now()).toISOString().replace(/\.\d+Z$/, '');
  return {
    status,
    headers: { 'Content-Type': JSON_TYPE, ...headers },
    body: { error: { code, message, innerError: { date, 'request-id': uuid(), 'client-request-id': uuid() } } },
  };
}

function withType(reply: GraphReply): CallResult {
  return reply.body === undefined ? reply : { ...reply, headers: { 'Content-Type': JSON_TYPE, ...reply.headers } };
}

export async function runGraphCall(
  core: SimCore,
  principal: Principal,
  call: GraphCall,
  meta: { inBatch: boolean; batchSeq?: number; rawPath: string; chain?: Chain },
): Promise<CallResult> {
  const r = route(call.method, call.path);
  const prefs = parsePrefer(call.headers.prefer);
  const seq = core.log.nextSeq();
  const time = new Date(core.now()).toISOString();
  const target = targetOf(core, principal, call.path);
  const email = target instanceof GraphError ? null : target.mailbox.user.email;
  core.log.count(r.kind, email);
  if (meta.inBatch) core.log.count('batch.item', email);
  let reply: CallResult;
  let throttled = false;
  const env: GraphEnv | null =
    target instanceof GraphError
      ? null
      : { base: core.base, mailbox: target.mailbox, root: target.root, directory: core.directory, delta: core.delta, prefs, scopes: principal.scopes, note: {}, now: core.now };
  const admission = email === null ? { ok: true as const } : core.limiter.admit(email);
  if (target instanceof GraphError || env === null || email === null) {
    // Refused before it reached a mailbox: no limit is spent on it.
    const error = target instanceof GraphError ? target : accessDenied();
    reply = errorReply(core, error.status, error.code, error.message, error.headers);
  } else if (!admission.ok) {
    throttled = true;
    core.log.throttled(email);
    const message =
      admission.reason === 'concurrency'
        ? 'Application is over its MailboxConcurrency limit.'
        : `Application is over its MailboxRequests limit (${core.limiter.limits.requestsPerWindow} requests per ${core.limiter.limits.windowSeconds} seconds).`;
    reply = errorReply(core, 429, 'ApplicationThrottled', message, { 'Retry-After': String(admission.retryAfterSeconds ?? core.faults.retryAfter()) });
  } else {
    try {
      core.log.inFlight(email, core.limiter.current(email));
      await core.gate.pass(email);
      const latency = core.faults.latency(meta.inBatch);
      if (latency > 0) await (meta.chain ? sleepInChain(meta.chain, latency) : sleep(latency));
      reply = execute(core, r, env, call, meta.inBatch);
    } finally {
      core.limiter.leave(email);
    }
    if (reply.status === 429) {
      throttled = true;
      core.log.throttled(email);
    }
  }
  core.log.add({
    seq,
    time,
    method: call.method,
    path: meta.rawPath,
    headers: redactHeaders(call.headers),
    requestBody: call.body ?? null,
    status: reply.drop ? 0 : reply.status,
    responseBody: reply.body ?? null,
    responseHeaders: reply.headers ?? {},
    mailbox: email,
    kind: r.kind,
    immutableId: prefs.immutableIds,
    ...(meta.batchSeq !== undefined ? { batchSeq: meta.batchSeq } : {}),
    ...(env?.note.calendar ? { calendar: env.note.calendar } : {}),
    ...(throttled ? { throttled } : {}),
    ...(reply.drop ? { dropped: true } : {}),
  });
  return reply;
}

function execute(core: SimCore, r: ReturnType<typeof route>, env: GraphEnv, call: GraphCall, inBatch: boolean): CallResult {
  const fault = core.faults.pickError();
  const retry = { 'Retry-After': core.faults.retryAfter() };
  if (fault === 'drop') return inBatch ? errorReply(core, 504, 'GatewayTimeout', 'The request timed out.', retry) : { status: 0, drop: true };
  if (fault) return errorReply(core, fault.status, fault.code, fault.message, retry);
  let reply: CallResult;
  try {
    reply = withType(r.run(env, call));
    if (reply.status < 300 && reply.body !== undefined) reply = { ...reply, body: malformBody(env.mailbox, reply.body) };
  } catch (error) {
    if (!(error instanceof GraphError)) throw error;
    reply = errorReply(core, error.status, error.code, error.message, error.headers);
  }
  if (WRITES.has(r.kind) && reply.status < 300) {
    const fail = core.faults.takeStoreThenFail();
    // The write is stored; only the answer is lost (the case transactionId exists for).
    if (fail === 'drop') return { ...errorReply(core, 504, 'GatewayTimeout', 'The request timed out.', retry), drop: true };
    if (fail === '504') return errorReply(core, 504, 'GatewayTimeout', 'The request timed out.', retry);
  }
  return reply;
}
