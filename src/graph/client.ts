// The Graph client: @microsoft/microsoft-graph-client with our own middleware chain, because its
// RetryHandler sleeps up to 180 s, never retries batch items, and knows nothing of the mailbox
// concurrency limit or its request budget (docs/graph.md#the-graph-javascript-client). Chain:
// limit+pace+retry -> auth -> log -> send (node:https, src/graph/transport.ts).

import { createRequire } from 'node:module';
import type * as GraphClientPackage from '@microsoft/microsoft-graph-client';
import type { Context as GraphContext, Middleware, MiddlewareOptions } from '@microsoft/microsoft-graph-client';
import { CliError, networkFailure, unreachable } from '../errors.js';
import type { Logger } from '../log.js';
import type { RequestBudget } from './budget.js';
import { mailboxLimiter } from './limiter.js';
import { delayFor, parseRetryAfter, RETRYABLE_STATUS, systemClock, type GraphClock, type RetryPolicy } from './retry.js';
import { send } from './transport.js';

// The two parts used, each from its own file: the package's index loads every upload task and
// middleware it has (44 modules against 28), a cost each run paid before its first request. Through
// `require`, as commander is (src/cli/commander.ts): Node does not parse each file again for its
// named exports on every start.
const required = createRequire(import.meta.url);
const { Client } = required('@microsoft/microsoft-graph-client/lib/src/Client.js') as Pick<typeof GraphClientPackage, 'Client'>;
const { GraphClientError } = required('@microsoft/microsoft-graph-client/lib/src/GraphClientError.js') as Pick<typeof GraphClientPackage, 'GraphClientError'>;

export interface GraphClientOptions {
  /** e.g. https://graph.microsoft.com (the version is appended). */
  baseUrl: string;
  getAccessToken: (options?: { forceRefresh?: boolean }) => Promise<string>;
  /** Key for the in-flight limit: the mailbox (the account's email). */
  mailbox: string;
  maxInFlight: number;
  /**
   * The mailbox's request budget: every request waits for room in it before it is sent. Without
   * one nothing is paced (tests of other things); the CLI always passes the process's.
   */
  budget?: RequestBudget;
  /**
   * A request other than a $batch waits for room in the budget: about how long (once per
   * request). Writes say their own pace, batch by batch (GraphCalendar's `progress`).
   */
  onBudgetWait?: (ms: number) => void;
  retry: RetryPolicy;
  log: Logger;
  signal?: AbortSignal;
  random?: () => number;
  /** What a retry waits on (the system's clock; a test's own). */
  clock?: GraphClock;
}

/**
 * Carries one of our errors out of the middleware chain intact: the Graph client rewraps any other
 * error thrown inside it as a GraphError with status -1, losing its class, hint and cause, but lets
 * a GraphClientError through. GraphCalendar unwraps it.
 */
export class GraphPassThrough extends GraphClientError {
  constructor(readonly error: CliError) {
    super(error.message);
    // GraphClientError's constructor pins its own prototype; restore ours.
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = 'GraphPassThrough';
  }
}

/** The setting a user fixes when Graph cannot be reached. */
const GRAPH_SETTING = 'graph.baseUrl (env CASEFLOW_GRAPH_URL)';

abstract class Link implements Middleware {
  protected next!: Middleware;
  setNext(next: Middleware): void {
    this.next = next;
  }
  abstract execute(context: GraphContext): Promise<void>;
}

function pathOf(request: unknown): string {
  const url = requestUrl(request);
  try {
    return new URL(url).pathname; // never the query: it may be long, and it is nobody's business
  } catch {
    return url.split('?')[0] ?? url;
  }
}

/**
 * What one request spends of the mailbox's budget, for requests that are worth more than one: a
 * $batch costs its items plus the envelope. Pass it with `.middlewareOptions([new RequestCost(n)])`.
 */
export class RequestCost implements MiddlewareOptions {
  constructor(readonly requests: number) {}
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * One slot of the mailbox's in-flight limit per request: a sequential $batch runs its items one at
 * a time, so it holds one slot like any other request (docs/graph.md#json-batching). Then room in
 * the budget, then the request; retried as Retry-After says.
 */
class LimitAndRetry extends Link {
  constructor(private readonly o: GraphClientOptions) {
    super();
  }

  async execute(context: GraphContext): Promise<void> {
    const limiter = mailboxLimiter(this.o.mailbox, this.o.maxInFlight);
    const costed = context.middlewareControl?.getMiddlewareOptions(RequestCost) as RequestCost | undefined;
    const cost = costed?.requests ?? 1;
    const what = () => `graph ${context.options?.method ?? 'GET'} ${pathOf(context.request)}`;
    const clock = this.o.clock ?? systemClock;
    for (let attempt = 0; ; attempt += 1) {
      const release = await limiter.acquire(this.o.signal);
      let networkError: unknown = null;
      let spent: { settle(): void } | null = null;
      try {
        const budget = this.o.budget;
        if (budget) {
          spent = await budget.take(cost, {
            signal: this.o.signal,
            onWait: (ms) => {
              this.o.log.debug(`${what()}: the mailbox's request budget is spent (${budget.spent()} of ${budget.limit} in ${seconds(budget.windowMs)}); waiting about ${seconds(ms)}`);
              // Only a $batch carries its cost.
              if (!costed) this.o.onBudgetWait?.(ms);
            },
          });
        }
        context.response = undefined;
        await this.next.execute(context);
      } catch (error) {
        // A sign-in failure (exit 3) or an interruption is not a network error: never retried.
        if (this.o.signal?.aborted) throw error;
        if (error instanceof CliError) throw new GraphPassThrough(error);
        networkError = error;
      } finally {
        spent?.settle();
        release();
      }
      const last = attempt + 1 >= this.o.retry.maxAttempts;
      if (networkError) {
        if (this.o.signal?.aborted) throw networkError;
        const failure = networkFailure(networkError);
        // A certificate or a host name that does not resolve will not change in a few seconds.
        const hopeless = failure?.kind === 'tls' || failure?.code === 'ENOTFOUND';
        if (last || hopeless) {
          if (!failure) throw networkError;
          throw new GraphPassThrough(unreachable('Microsoft Graph', this.o.baseUrl.replace(/\/+$/, ''), failure, GRAPH_SETTING, networkError));
        }
        const wait = delayFor(attempt, null, this.o.retry, this.o.random);
        this.o.log.debug(`${what()}: connection failed, retrying in ${wait} ms`);
        await clock.sleep(wait, this.o.signal);
        continue;
      }
      const status = context.response?.status ?? 0;
      if (!RETRYABLE_STATUS.has(status) || last) return;
      const retryAfter = parseRetryAfter(context.response?.headers.get('retry-after'), clock.now());
      const wait = delayFor(attempt, retryAfter, this.o.retry, this.o.random);
      this.o.log.debug(`${what()} -> ${status}, retrying in ${wait} ms`);
      // Drain the body so the connection can be reused.
      await context.response?.arrayBuffer().catch(() => undefined);
      await clock.sleep(wait, this.o.signal);
    }
  }
}

export class GraphHostError extends CliError {
  constructor(host: string) {
    super('graph_host', `refused to send the sign-in token to ${host}: it is not the configured graph.baseUrl`, 2, {
      hint: `check that ${GRAPH_SETTING} names the Graph host this mailbox is served from, then run the same command again`,
    });
  }
}

class Auth extends Link {
  constructor(
    private readonly getAccessToken: GraphClientOptions['getAccessToken'],
    private readonly origin: string,
  ) {
    super();
  }

  private async send(context: GraphContext, forceRefresh: boolean): Promise<void> {
    const options = (context.options ??= {});
    // The bearer token goes only to the configured Graph origin, never to a host a link names.
    const url = requestUrl(context.request);
    if (new URL(url).origin !== this.origin) throw new GraphHostError(new URL(url).host);
    const token = await this.getAccessToken({ forceRefresh });
    options.headers = { ...headerRecord(options.headers), authorization: `Bearer ${token}` };
    await this.next.execute(context);
  }

  async execute(context: GraphContext): Promise<void> {
    await this.send(context, false);
    // 401: the cached access token was refused (revoked, or the clock is off). Refresh once; a
    // refresh that fails for good marks the staff member "needs reconnect" (exit 3).
    if (context.response?.status === 401) {
      await context.response.arrayBuffer().catch(() => undefined);
      context.response = undefined;
      await this.send(context, true);
    }
  }
}

class Log extends Link {
  constructor(private readonly log: Logger) {
    super();
  }

  async execute(context: GraphContext): Promise<void> {
    const started = Date.now();
    const method = context.options?.method ?? 'GET';
    try {
      await this.next.execute(context);
      this.log.debug(`graph ${method} ${pathOf(context.request)} -> ${context.response?.status} (${Date.now() - started} ms)`);
    } catch (error) {
      this.log.debug(`graph ${method} ${pathOf(context.request)} -> connection error: ${(error as Error).message}`);
      throw error;
    }
  }
}

/** The request's URL: the Graph client passes a string. */
function requestUrl(request: unknown): string {
  return typeof request === 'string' ? request : String((request as { url?: string }).url ?? '');
}

/**
 * The request's headers, one lower-case name each. The Graph client keeps them in a plain object
 * (GraphRequest copies its own and the call's into one).
 */
function headerRecord(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries((headers ?? {}) as Record<string, unknown>)) {
    if (value !== undefined && value !== null) out[name.toLowerCase()] = String(value);
  }
  return out;
}

class Send extends Link {
  constructor(private readonly signal?: AbortSignal) {
    super();
  }

  /** The request follows the run's signal: an interruption stops it in flight. */
  async execute(context: GraphContext): Promise<void> {
    const options = context.options ?? {};
    const response = await send({
      url: requestUrl(context.request),
      method: options.method ?? 'GET',
      headers: headerRecord(options.headers),
      // The Graph client sends JSON as text.
      ...(options.body === undefined || options.body === null ? {} : { body: options.body as string | Uint8Array }),
      ...(this.signal ? { signal: this.signal } : {}),
    });
    // What the Graph client reads of fetch's Response, and all of it that we do.
    context.response = response as unknown as Response;
  }
}

export function createGraphClient(o: GraphClientOptions): GraphClientPackage.Client {
  return Client.initWithMiddleware({
    baseUrl: `${o.baseUrl.replace(/\/+$/, '')}/`,
    defaultVersion: 'v1.0',
    middleware: [new LimitAndRetry(o), new Auth(o.getAccessToken, new URL(o.baseUrl).origin), new Log(o.log), new Send(o.signal)],
  });
}
