// Outlook's per-app, per-mailbox limits: 4 requests in flight, 10,000 requests per 10 minutes
// (https://learn.microsoft.com/graph/throttling-limits#outlook-service-limits). Throttled requests
// still count against the budget. The budget's window and size can be changed while running
// (options, CLI flags, the control API) so tests of pacing stay short.
// The gate lets a test hold admitted requests in flight and release them on its own signal.
import { EventEmitter } from 'node:events';

export interface Limits {
  concurrency: number;
  requestsPerWindow: number;
  /** Fractional seconds allowed (tests use windows of a second or two). */
  windowSeconds: number;
}

export const DEFAULT_LIMITS: Limits = { concurrency: 4, requestsPerWindow: 10_000, windowSeconds: 600 };

export type Admission = { ok: true } | { ok: false; reason: 'concurrency' | 'budget'; retryAfterSeconds: number | null };

/** Checks a partial set of limits, throwing RangeError (the control API answers 400). */
export function checkLimits(limits: Partial<Limits>): Partial<Limits> {
  const { concurrency, requestsPerWindow, windowSeconds } = limits;
  if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1)) throw new RangeError('concurrency is a whole number of at least 1');
  if (requestsPerWindow !== undefined && !(Number.isInteger(requestsPerWindow) && requestsPerWindow >= 1)) {
    throw new RangeError('requestsPerWindow is a whole number of at least 1');
  }
  if (windowSeconds !== undefined && !(typeof windowSeconds === 'number' && Number.isFinite(windowSeconds) && windowSeconds > 0)) {
    throw new RangeError('windowSeconds is a number of seconds above 0');
  }
  return limits;
}

/** A mailbox's requests within the window, oldest first (a queue with a moving head). */
class Spent {
  private times: number[] = [];
  private head = 0;

  count(since: number): number {
    while (this.head < this.times.length && this.times[this.head]! <= since) this.head++;
    if (this.head > 4096 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
    return this.times.length - this.head;
  }

  push(t: number): void {
    this.times.push(t);
  }

  /** The n-th newest request (1 = the newest). */
  fromEnd(n: number): number {
    return this.times[this.times.length - n] ?? 0;
  }
}

export class Limiter {
  private readonly inFlight = new Map<string, number>();
  private readonly spent = new Map<string, Spent>();
  readonly events = new EventEmitter();
  limits: Limits;

  constructor(
    private readonly now: () => number,
    limits: Limits,
  ) {
    this.limits = { ...limits };
    this.events.setMaxListeners(0);
  }

  setLimits(changes: Partial<Limits>): Limits {
    checkLimits(changes);
    const defined = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
    this.limits = { ...this.limits, ...defined };
    return { ...this.limits };
  }

  /**
   * Counts one request against the mailbox's budget (it counts even when refused). Refused when
   * the window already holds the budget; Retry-After is the time until the window admits again.
   */
  spend(mailbox: string): Admission {
    const key = mailbox.toLowerCase();
    const now = this.now();
    const windowMs = this.limits.windowSeconds * 1000;
    let spent = this.spent.get(key);
    if (!spent) {
      spent = new Spent();
      this.spent.set(key, spent);
    }
    const before = spent.count(now - windowMs);
    spent.push(now);
    const limit = this.limits.requestsPerWindow;
    if (before < limit) return { ok: true };
    // The window admits again once it holds fewer than `limit`: when the limit-th newest request
    // (this one included, since refused requests count) has left it.
    const filling = spent.fromEnd(limit);
    const waitMs = Math.max(1, Math.ceil(filling + windowMs - now));
    return { ok: false, reason: 'budget', retryAfterSeconds: waitMs / 1000 };
  }

  /** A request that runs: counted against the budget, then against the in-flight limit. */
  admit(mailbox: string): Admission {
    const budget = this.spend(mailbox);
    if (!budget.ok) return budget;
    const key = mailbox.toLowerCase();
    if ((this.inFlight.get(key) ?? 0) >= this.limits.concurrency) return { ok: false, reason: 'concurrency', retryAfterSeconds: null };
    this.inFlight.set(key, (this.inFlight.get(key) ?? 0) + 1);
    this.events.emit('change');
    return { ok: true };
  }

  leave(mailbox: string): void {
    const key = mailbox.toLowerCase();
    this.inFlight.set(key, Math.max(0, (this.inFlight.get(key) ?? 0) - 1));
    this.events.emit('change');
  }

  current(mailbox: string): number {
    return this.inFlight.get(mailbox.toLowerCase()) ?? 0;
  }

  /** Requests of the mailbox within the current window (throttled ones included). */
  spentInWindow(mailbox: string): number {
    return this.spent.get(mailbox.toLowerCase())?.count(this.now() - this.limits.windowSeconds * 1000) ?? 0;
  }

  /** Resolves once `count` requests of the mailbox are in flight (or rejects after timeoutMs). */
  waitForInFlight(mailbox: string, count: number, timeoutMs = 10_000): Promise<void> {
    return this.waitUntil(() => this.current(mailbox) >= count, `${count} requests in flight for ${mailbox}`, timeoutMs);
  }

  /** Resolves once no request of the mailbox is in flight: what was admitted has been answered. */
  waitForIdle(mailbox: string, timeoutMs = 10_000): Promise<void> {
    return this.waitUntil(() => this.current(mailbox) === 0, `no request in flight for ${mailbox}`, timeoutMs);
  }

  private waitUntil(done: () => boolean, what: string, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (done()) {
          cleanup();
          resolve();
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out waiting for ${what}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.events.off('change', check);
      };
      this.events.on('change', check);
      check();
    });
  }
}

export class Gate {
  private waiters: (() => void)[] = [];
  private all = false;
  private readonly mailboxes = new Set<string>();

  /** Holds every mailbox's admitted requests, or one mailbox's. */
  pause(mailbox?: string): void {
    if (mailbox === undefined) this.all = true;
    else this.mailboxes.add(mailbox.toLowerCase());
  }

  resume(): void {
    this.all = false;
    this.mailboxes.clear();
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  pass(mailbox: string): Promise<void> {
    if (!this.all && !this.mailboxes.has(mailbox.toLowerCase())) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}
