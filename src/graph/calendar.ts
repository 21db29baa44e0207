// The RemoteCalendar port over Microsoft Graph v1.0 (docs/graph.md): delta rounds with the Prefer
// headers on every page, single reads, the extended-property lookup, $batch writes with per-item
// Retry-After, and calendarView for imports.

import type { Client, GraphError } from '@microsoft/microsoft-graph-client';
import { CliError, TransientError } from '../errors.js';
import type { Logger } from '../log.js';
import {
  DeltaExpiredError,
  InvalidItemError,
  type DeltaPage,
  type GraphEventJson,
  type InvalidItem,
  type RemoteCalendar,
  type WriteHooks,
  type WriteOp,
  type WriteOutcome,
} from '../sync/ports.js';
import { SignInRefused } from '../sync/errors.js';
import { writeRequests, type RequestBudget } from './budget.js';
import { GraphPassThrough, RequestCost } from './client.js';
import { RETRYABLE_STATUS, type GraphClock, type RetryPolicy } from './retry.js';
import { writeInLanes } from './write-lanes.js';
import { validateEvent } from './validate.js';

/**
 * The single-value extended property that carries our tag (never change the GUID):
 * https://learn.microsoft.com/graph/api/resources/extended-properties-overview
 */
export const CASEFLOW_ID_PROPERTY_ID = 'String {6f1c2a4e-8b3d-4c7a-9e21-5d0b7c3f8a19} Name CaseFlowId';

/** One request of a $batch (relative to the version root, e.g. `/me/events/{id}`). */
interface WriteRequest {
  id: string;
  method: 'POST' | 'PATCH' | 'DELETE';
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
}

interface WriteResult {
  id: string;
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

function graphCode(body: unknown): string {
  const code = (body as { error?: { code?: unknown } } | null)?.error?.code;
  return typeof code === 'string' ? code : '';
}

/** A domain write as Graph wants it: https://learn.microsoft.com/graph/api/user-post-events */
function requestFor(op: WriteOp, id: string, root = '/me'): WriteRequest {
  if (op.op === 'create') {
    const body = { ...op.payload, transactionId: op.transactionId, singleValueExtendedProperties: [{ id: CASEFLOW_ID_PROPERTY_ID, value: op.tag }] };
    return { id, method: 'POST', url: `${root}/events`, headers: {}, body };
  }
  const url = `${root}/events/${encodeURIComponent(op.id)}`;
  const headers: Record<string, string> = op.ifMatch ? { 'If-Match': `W/"${op.ifMatch}"` } : {};
  return op.op === 'update' ? { id, method: 'PATCH', url, headers, body: op.payload } : { id, method: 'DELETE', url, headers };
}

/** Graph's answer to one write, in the engine's words. */
function outcomeOf(op: WriteOp, r: WriteResult): WriteOutcome {
  if (r.status >= 200 && r.status < 300) return { status: 'ok', event: op.op === 'delete' ? null : (r.body as GraphEventJson) };
  const code = graphCode(r.body);
  const detail = `${r.status}${code ? ` ${code}` : ''}`;
  // A stale If-Match has been seen as 412 ErrorIrresolvableConflict.
  if (r.status === 412) return { status: 'preconditionFailed' };
  if (r.status === 404) return { status: 'notFound' };
  if (r.status === 400 && code === 'ErrorDuplicateTransactionId') return { status: 'duplicate' };
  if (RETRYABLE_STATUS.has(r.status) || r.status === 424) return { status: 'throttled', detail };
  return { status: 'failed', detail };
}

/**
 * Prefer headers are not carried by delta links, so every page sends them again
 * (docs/graph.md#rounds-and-links).
 */
export function preferHeader(pageSize?: number): string {
  const parts = ['outlook.timezone="UTC"', 'IdType="ImmutableId"', 'outlook.body-content-type="text"'];
  if (pageSize) parts.unshift(`odata.maxpagesize=${pageSize}`);
  return parts.join(', ');
}

const EXPIRED_CODES = new Set(['syncstatenotfound', 'resyncrequired', 'syncstateinvalid']);
const BATCH_MAX = 20;

export interface CalendarOptions {
  client: Client;
  retry: RetryPolicy;
  /** Requests in flight per mailbox; batch items count too (docs/graph.md#json-batching). */
  maxInFlight: number;
  /** The mailbox's request budget (the one the client paces to): sizes batches, estimates how long writes take. */
  budget?: RequestBudget;
  /** While writes wait on the budget: how many are left and about how long they take. */
  progress?: (p: WriteProgress) => void;
  log: Logger;
  signal?: AbortSignal;
  /** Set by the token source when sign-in failed for good: rethrown instead of a GraphError. */
  fatal: () => Error | null;
  /** The staff member whose mailbox this is, named in the errors a person reads. */
  staff?: string;
  /**
   * Whose calendar: `/me` (the signed-in user, the default) or `/users/{id or userPrincipalName}`
   * (app-only access): https://learn.microsoft.com/graph/api/user-list-events
   */
  root?: string;
  random?: () => number;
  /** What items answered 429 wait their Retry-After on (the system's clock; a test's own). */
  clock?: GraphClock;
}

export interface WriteProgress {
  pending: number;
  etaMs: number;
}

/** A request other than a write waits for room in the mailbox's budget, about this long. */
export interface BudgetWait {
  waitingMs: number;
}

/** What a run says while Outlook's request budget holds it back. */
export type RunProgress = WriteProgress | BudgetWait;

function isGraphError(e: unknown): e is GraphError {
  return typeof e === 'object' && e !== null && 'statusCode' in e;
}

export class GraphCalendar implements RemoteCalendar {
  private readonly root: string;

  constructor(private readonly o: CalendarOptions) {
    this.root = o.root ?? '/me';
  }

  /** Runs one Graph call, turning failures into the errors the engine understands. */
  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw this.translate(what, error);
    }
  }

  private translate(what: string, error: unknown): Error {
    const fatal = this.o.fatal();
    if (fatal) return fatal;
    if (this.o.signal?.aborted) return this.o.signal.reason instanceof Error ? this.o.signal.reason : new Error('aborted');
    if (error instanceof GraphPassThrough) return error.error;
    if (error instanceof CliError || error instanceof DeltaExpiredError) return error;
    if (isGraphError(error)) {
      const status = error.statusCode;
      const code = error.code ?? '';
      if (status === 410 || EXPIRED_CODES.has(code.toLowerCase())) return new DeltaExpiredError(code || 'Gone');
      // Still 401 after a forced token refresh: the grant no longer covers the calendar.
      if (status === 401) return new SignInRefused(what, status, code, this.o.staff);
      // No HTTP answer at all, for a reason Node did not name (the middleware names the ones it knows).
      if (status <= 0) {
        return new GraphCallError(`${what}: no answer from Microsoft Graph (${error.message || code || 'no response'})`, status, code, NO_ANSWER_HINT);
      }
      // A success the SDK could not parse (an HTML page, a body cut short): say so, not "200 SyntaxError".
      if (status >= 200 && status < 300) return new GraphCallError(`${what}: Graph answered ${status} with a body that is not JSON`, status, code, undefined, error.requestId ?? null);
      return new GraphCallError(`${what}: Graph answered ${status}${code ? ` ${code}` : ''}`, status, code, undefined, error.requestId ?? null);
    }
    return new GraphCallError(`${what}: ${(error as Error)?.message ?? String(error)}`, -1, '', NO_ANSWER_HINT);
  }

  async deltaStart(startUtc: string, endUtc: string, pageSize: number): Promise<DeltaPage> {
    return this.call('delta', async () =>
      page(await this.o.client.api(`${this.root}/calendarView/delta`).query({ startDateTime: startUtc, endDateTime: endUtc }).header('Prefer', preferHeader(pageSize)).get()),
    );
  }

  async deltaNext(link: string, pageSize: number): Promise<DeltaPage> {
    return this.call('delta', async () => page(await this.o.client.api(link).header('Prefer', preferHeader(pageSize)).get()));
  }

  async getEvent(id: string): Promise<GraphEventJson | null> {
    let res: unknown;
    try {
      res = await this.call('read event', () => this.o.client.api(`${this.root}/events/${encodeURIComponent(id)}`).header('Prefer', preferHeader()).get());
    } catch (error) {
      if (error instanceof GraphCallError && error.status === 404) return null;
      throw error;
    }
    const checked = validateEvent(res);
    // The id asked for, even when the answer carries none: it is the one to read again.
    if (!checked.ok) throw new InvalidItemError({ id, problem: checked.problem });
    return checked.event;
  }

  async findByTag(value: string): Promise<GraphEventJson | null> {
    const filter = `singleValueExtendedProperties/Any(ep: ep/id eq '${CASEFLOW_ID_PROPERTY_ID}' and ep/value eq '${value.replace(/'/g, "''")}')`;
    const res = await this.call('find event by CaseFlow id', () => this.o.client.api(`${this.root}/events`).filter(filter).header('Prefer', preferHeader()).get());
    const found = listOf(res, 'find event by CaseFlow id');
    if (found.length === 0) return null;
    const checked = validateEvent(found[0]);
    if (!checked.ok) throw new InvalidItemError({ id: checked.id, problem: checked.problem });
    return checked.event;
  }

  /** Entries that fail validation are left out, each named in a warning. */
  async calendarView(startUtc: string, endUtc: string): Promise<GraphEventJson[]> {
    const out: GraphEventJson[] = [];
    let res = await this.call('calendar view', () =>
      this.o.client.api(`${this.root}/calendarView`).query({ startDateTime: startUtc, endDateTime: endUtc }).header('Prefer', preferHeader(100)).get(),
    );
    for (let pages = 0; ; pages += 1) {
      for (const raw of listOf(res, 'calendar view')) {
        const checked = validateEvent(raw);
        if (checked.ok) out.push(checked.event);
        else this.o.log.warn(`calendar view: Outlook event ${checked.id ?? '(no id)'} left out: ${checked.problem}`);
      }
      const next = (res as Record<string, unknown>)['@odata.nextLink'];
      if (typeof next !== 'string' || pages > 1000) return out;
      res = await this.call('calendar view', () => this.o.client.api(next).header('Prefer', preferHeader(100)).get());
    }
  }

  /**
   * A series' instances over a window (https://learn.microsoft.com/graph/api/event-list-instances),
   * all pages; 404 means the series is gone. Entries that fail validation are left out, each named
   * in a warning (the caller reads by id what it expected and did not find).
   */
  async instances(seriesMasterId: string, startUtc: string, endUtc: string): Promise<GraphEventJson[] | null> {
    const what = 'series instances';
    const out: GraphEventJson[] = [];
    let res: unknown;
    try {
      res = await this.call(what, () =>
        this.o.client.api(`${this.root}/events/${encodeURIComponent(seriesMasterId)}/instances`).query({ startDateTime: startUtc, endDateTime: endUtc }).header('Prefer', preferHeader(100)).get(),
      );
    } catch (error) {
      if (error instanceof GraphCallError && error.status === 404) return null;
      throw error;
    }
    // Pages seen: a list that repeats a link or pages past 1,000 is not believed to end.
    const seen = new Set<string>();
    for (;;) {
      for (const raw of listOf(res, what)) {
        const checked = validateEvent(raw);
        if (checked.ok) out.push(checked.event);
        else this.o.log.warn(`${what}: Outlook event ${checked.id ?? '(no id)'} left out: ${checked.problem}`);
      }
      const next = (res as Record<string, unknown>)['@odata.nextLink'];
      if (typeof next !== 'string') return out;
      if (seen.has(next) || seen.size >= 1_000) {
        throw new GraphCallError(`${what}: Graph kept sending pages (${seen.size + 1}) without an end`, 502, 'InvalidAnswer', 'run the sync again');
      }
      seen.add(next);
      res = await this.call(what, () => this.o.client.api(next).header('Prefer', preferHeader(100)).get());
    }
  }

  /**
   * Writes in lanes (write-lanes.ts): up to `maxInFlight` sequential $batch requests at once, items
   * answered 429/503/504 sent again after their own Retry-After, up to the retry bound; what is
   * still failing is returned with its status for the caller to keep pending. One outcome per op,
   * in the order of `ops` (the ops of one call are independent of each other).
   */
  async write(ops: WriteOp[], hooks: WriteHooks = {}): Promise<WriteOutcome[]> {
    const requests = ops.map((op, i) => requestFor(op, String(i + 1), this.root));
    // Request ids are the op's index + 1.
    const indexOf = (id: string) => Number(id) - 1;
    const outcomes: WriteOutcome[] = [];
    const settle = (a: WriteResult) => (outcomes[indexOf(a.id)] = outcomeOf(ops[indexOf(a.id)]!, a));
    const budget = this.o.budget;
    try {
      const answers = await writeInLanes(requests, {
        lanes: this.o.maxInFlight,
        // A batch costs its items and its envelope, and must fit in the budget.
        maxBatch: Math.min(BATCH_MAX, Math.max(1, (budget?.limit ?? BATCH_MAX + 1) - 1)),
        retry: this.o.retry,
        ...(this.o.random ? { random: this.o.random } : {}),
        ...(this.o.signal ? { signal: this.o.signal } : {}),
        ...(this.o.clock ? { clock: this.o.clock } : {}),
        send: (chunk) => this.batch(chunk),
        onBatch: (pending) => {
          const etaMs = budget?.estimateMs(writeRequests(pending)) ?? 0;
          if (etaMs > 0) this.o.progress?.({ pending, etaMs });
        },
        onRetry: (a, wait) => this.o.log.debug(`graph $batch: item ${a.id} answered ${a.status}, sent again in ${wait} ms`),
        ...(hooks.beforeSend ? { beforeFirstSend: (chunk: WriteRequest[]) => hooks.beforeSend!(chunk.map((r) => indexOf(r.id))) } : {}),
        ...(hooks.settled ? { onFinal: (answers: WriteResult[]) => hooks.settled!(answers.map((a) => ({ index: indexOf(a.id), outcome: settle(a) }))) } : {}),
      });
      return requests.map((r, i) => outcomes[i] ?? settle(answers.get(r.id)!));
    } finally {
      budget?.flush();
    }
  }

  /** One fully sequential batch: each item depends on the one before it, so Outlook runs them one at a time. */
  private async batch(chunk: WriteRequest[]): Promise<WriteResult[]> {
    const body = {
      requests: chunk.map((r, i) => ({
        id: r.id,
        method: r.method,
        url: r.url,
        headers: { 'Content-Type': 'application/json', Prefer: preferHeader(), ...r.headers },
        ...(r.body === undefined ? {} : { body: r.body }),
        ...(i > 0 ? { dependsOn: [chunk[i - 1]!.id] } : {}),
      })),
    };
    const res = (await this.call('$batch', () => this.o.client.api('/$batch').middlewareOptions([new RequestCost(chunk.length + 1)]).post(body))) as { responses?: unknown } | null;
    const sent = new Map(chunk.map((r) => [r.id, r]));
    const byId = new Map<string, WriteResult>();
    for (const raw of Array.isArray(res?.responses) ? res.responses : []) {
      const answer = this.batchAnswer(raw, sent);
      if (answer) byId.set(answer.id, answer);
    }
    // An item missing from the answer (or unreadable) is treated as unavailable, so it is retried.
    return chunk.map((r) => byId.get(r.id) ?? { id: r.id, status: 503, body: null, headers: {} });
  }

  /**
   * One item of a $batch answer, checked. A 2xx POST or PATCH answers with the event itself, which
   * the engine reads as the truth of what it wrote: when that event fails validation the item is
   * answered 502 InvalidAnswer instead (never retried: the write itself may have been done), so
   * the item stays pending and the next run finds the event again by its tag or its delta entry.
   */
  private batchAnswer(raw: unknown, sent: Map<string, WriteRequest>): WriteResult | null {
    if (typeof raw !== 'object' || raw === null) return null;
    const item = raw as { id?: unknown; status?: unknown; body?: unknown; headers?: unknown };
    const request = typeof item.id === 'string' ? sent.get(item.id) : undefined;
    const status = item.status;
    if (!request || typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) return null;
    const headers: Record<string, string> = {};
    if (typeof item.headers === 'object' && item.headers !== null && !Array.isArray(item.headers)) {
      for (const [k, v] of Object.entries(item.headers)) headers[k.toLowerCase()] = String(v);
    }
    if (status >= 200 && status < 300 && request.method !== 'DELETE') {
      const checked = validateEvent(item.body);
      if (!checked.ok) {
        this.o.log.warn(`$batch: Graph's answer to ${request.method} ${request.url.split('/').slice(0, 3).join('/')} failed validation: ${checked.problem}`);
        return { id: request.id, status: 502, body: { error: { code: `InvalidAnswer (${checked.problem})` } }, headers };
      }
      return { id: request.id, status, body: checked.event, headers };
    }
    return { id: request.id, status, body: item.body ?? null, headers };
  }
}

/** The `value` list of a collection answer; an answer without one is a failed call. */
function listOf(res: unknown, what: string): unknown[] {
  const value = (res as { value?: unknown } | null)?.value;
  if (!Array.isArray(value)) throw new GraphCallError(`${what}: Graph answered without a list of events`, 502, 'InvalidAnswer');
  return value;
}

const NO_ANSWER_HINT = 'check graph.baseUrl (env CASEFLOW_GRAPH_URL) and the network, then run the same command again';

/** A Graph call that failed after retries. Without a hint of its own, the CLI says to run the command again. */
export class GraphCallError extends TransientError {
  constructor(
    message: string,
    readonly status: number,
    readonly graphCode: string,
    hint?: string,
    /** Graph's `request-id` of the failed answer, for Microsoft support (the daemon logs it). */
    readonly requestId: string | null = null,
  ) {
    super(message, { hint });
    this.name = 'GraphCallError';
  }
}

/**
 * A delta page, every entry validated. A page without its list of entries cannot be trusted to
 * have said nothing: the round fails (and is not committed) rather than lose what it held.
 */
function page(res: unknown): DeltaPage {
  const r = (res ?? {}) as Record<string, unknown>;
  const value: GraphEventJson[] = [];
  const invalid: InvalidItem[] = [];
  for (const raw of listOf(res, 'delta')) {
    const checked = validateEvent(raw, { delta: true });
    if (checked.ok) value.push(checked.event);
    else invalid.push({ id: checked.id, problem: checked.problem });
  }
  const out: DeltaPage = { value };
  if (invalid.length > 0) out.invalid = invalid;
  if (typeof r['@odata.nextLink'] === 'string') out.nextLink = r['@odata.nextLink'];
  if (typeof r['@odata.deltaLink'] === 'string') out.deltaLink = r['@odata.deltaLink'];
  return out;
}
