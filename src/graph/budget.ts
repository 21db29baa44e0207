// Outlook's request budget per mailbox: 10,000 requests per 10 minutes, every $batch item counted
// (https://learn.microsoft.com/graph/throttling-limits#outlook-service-limits); whether the
// envelope counts is not documented, so it is counted too (docs/graph.md#pacing-to-the-budget).
// A request waits here for room in the window instead of meeting a 429: a sliding window of what
// was spent, as Outlook keeps it. A request in flight counts as spent until its answer arrives,
// and is then dated by the answer, never earlier than Outlook dates it, so the window frees room
// no sooner than Outlook's does. One budget per mailbox per store in the process (`mailboxBudget`),
// shared by every run; what other processes spent comes from the store (`BudgetPersistence`).

import { randomUUID } from 'node:crypto';
import { systemClock, type GraphClock } from './retry.js';

/** [epoch ms, requests]: a moment and what was spent then. */
export type Spend = [at: number, count: number];

/** Where a budget keeps what it spent, so other processes and the next one know. */
export interface BudgetPersistence {
  /** What others (earlier and concurrent processes) spent within the window. */
  load(): Spend[];
  /** Replaces what this budget saved before with `own`; returns the others' spend afresh. */
  save(own: Spend[]): Spend[];
}

export interface Taken {
  /** How long the request waited for room, in ms (0: none). */
  waitedMs: number;
  /** The answer came (or the request failed): date what it spent by now. */
  settle(): void;
}

export const OUTLOOK_REQUESTS_PER_WINDOW = 10_000;
export const OUTLOOK_WINDOW_MS = 600_000;

/**
 * The budget's window: Outlook's 10 minutes. `CASEFLOW_GRAPH_BUDGET_WINDOW_SECONDS` shortens it for
 * the test suite only (a simulator with a window of seconds).
 */
export function budgetWindowFromEnv(env: Record<string, string | undefined>): number {
  const seconds = Number(env.CASEFLOW_GRAPH_BUDGET_WINDOW_SECONDS);
  return Number.isFinite(seconds) && seconds > 0 ? Math.round(seconds * 1000) : OUTLOOK_WINDOW_MS;
}

/** Requests a push of `writes` items costs: the items and one envelope per batch of 20. */
export function writeRequests(writes: number): number {
  return writes + Math.ceil(writes / 20);
}

/** Saves at most once a second (and when a push ends). */
const SAVE_EVERY_MS = 1_000;
/** Entries settled this close together are kept as one (the later time). */
const MERGE_MS = 100;

interface Entry {
  at: number;
  n: number;
}

/** Entries oldest first, with their total. */
class Log {
  entries: Entry[] = [];
  total = 0;

  prune(before: number): void {
    let drop = 0;
    while (drop < this.entries.length && this.entries[drop]!.at <= before) this.total -= this.entries[drop++]!.n;
    if (drop > 0) this.entries.splice(0, drop);
  }

  add(at: number, n: number): void {
    const last = this.entries.at(-1);
    if (last && at - last.at <= MERGE_MS && at >= last.at) {
      last.at = at;
      last.n += n;
    } else {
      this.entries.push({ at, n });
      if (last && at < last.at) this.entries.sort((a, b) => a.at - b.at);
    }
    this.total += n;
  }

  replace(spend: Spend[]): void {
    this.entries = spend.filter(([, n]) => n > 0).map(([at, n]) => ({ at, n })).sort((a, b) => a.at - b.at);
    this.total = this.entries.reduce((sum, e) => sum + e.n, 0);
  }
}

export class RequestBudget {
  private readonly own = new Log();
  private readonly others = new Log();
  private inFlight = 0;
  private readonly queue: object[] = [];
  private readonly listeners = new Set<() => void>();
  private persistence: BudgetPersistence | null = null;
  private onSaveError: (error: unknown) => void = () => {};
  private lastSave = -Infinity;
  private saveTimer: NodeJS.Timeout | null = null;
  /** Names this budget's row in the store. */
  readonly owner = randomUUID();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly clock: GraphClock = systemClock,
  ) {
    if (!(Number.isInteger(limit) && limit >= 1)) throw new RangeError('a request budget is a whole number of at least 1');
    if (!(windowMs > 0)) throw new RangeError('a budget window is longer than 0 ms');
  }

  /**
   * Reads what others spent, and saves this budget's spend there from now on. Attaching again
   * (a later run, a store opened anew) replaces the earlier persistence.
   */
  attach(persistence: BudgetPersistence, onSaveError: (error: unknown) => void = () => {}): void {
    this.persistence = persistence;
    this.onSaveError = onSaveError;
    this.others.replace(persistence.load());
    this.changed();
  }

  /** Requests counted within the window now: this process's (in flight included) and others'. */
  spent(): number {
    this.prune();
    return this.own.total + this.others.total + this.inFlight;
  }

  /**
   * Waits until `cost` requests fit in the window (first come, first served), then counts them
   * as in flight. A cost above the whole budget waits for an empty window. `onWait` hears once,
   * before the wait, how long it is expected to be.
   */
  async take(cost: number, options: { signal?: AbortSignal; onWait?: (ms: number) => void } = {}): Promise<Taken> {
    const n = Math.min(Math.max(1, Math.ceil(cost)), this.limit);
    const started = this.clock.now();
    const ticket = {};
    this.queue.push(ticket);
    let told = false;
    try {
      for (;;) {
        if (this.queue[0] === ticket) {
          const wait = this.waitMs(n);
          if (wait === 0) break;
          if (!told) options.onWait?.(this.estimateMs(n));
          told = true;
          await this.pause(wait, options.signal);
        } else {
          await this.pause(this.windowMs, options.signal);
        }
      }
    } finally {
      this.queue.splice(this.queue.indexOf(ticket), 1);
      this.changed();
    }
    this.inFlight += n;
    let settled = false;
    return {
      waitedMs: this.clock.now() - started,
      settle: () => {
        if (settled) return;
        settled = true;
        this.inFlight -= n;
        this.own.add(this.clock.now(), n);
        this.changed();
        this.saveSoon();
      },
    };
  }

  /**
   * How long until `cost` more requests have gone out, sending each as soon as the window has
   * room: 0 when they fit now. Requests in flight count as spent now.
   */
  estimateMs(cost: number): number {
    this.prune();
    const now = this.clock.now();
    const free = this.limit - this.own.total - this.others.total - this.inFlight;
    if (cost <= free) return 0;
    // Room comes back as entries leave the window; what is sent then leaves it a window later, so
    // the pattern of one window repeats, `limit` requests each time.
    const frees: Entry[] = [...this.own.entries, ...this.others.entries]
      .map((e) => ({ at: e.at + this.windowMs - now, n: e.n }))
      .sort((a, b) => a.at - b.at);
    frees.push({ at: this.windowMs, n: this.inFlight + Math.max(0, free) });
    const remaining = cost - Math.max(0, free);
    const cycles = Math.floor((remaining - 1) / this.limit);
    let left = remaining - cycles * this.limit;
    for (const f of frees) {
      left -= f.n;
      if (left <= 0) return Math.max(1, Math.ceil(cycles * this.windowMs + f.at));
    }
    return (cycles + 1) * this.windowMs;
  }

  /** Saves now what this budget spent (at the end of a push; otherwise at most once a second). */
  flush(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = null;
    if (!this.persistence) return;
    this.prune();
    const now = this.clock.now();
    // By the second, rounded up; what is in flight is dated now.
    const bySecond = new Map<number, number>();
    const put = (at: number, n: number) => {
      const second = Math.ceil(at / 1000) * 1000;
      bySecond.set(second, (bySecond.get(second) ?? 0) + n);
    };
    for (const e of this.own.entries) put(e.at, e.n);
    if (this.inFlight > 0) put(now, this.inFlight);
    this.lastSave = now;
    try {
      this.others.replace(this.persistence.save([...bySecond.entries()]));
      this.changed();
    } catch (error) {
      this.onSaveError(error);
    }
  }

  private saveSoon(): void {
    if (!this.persistence || this.saveTimer) return;
    const due = this.lastSave + SAVE_EVERY_MS - this.clock.now();
    if (due <= 0) {
      this.flush();
      return;
    }
    this.saveTimer = setTimeout(() => this.flush(), due);
    this.saveTimer.unref();
  }

  private prune(): void {
    const before = this.clock.now() - this.windowMs;
    this.own.prune(before);
    this.others.prune(before);
  }

  /** 0 when `n` requests fit now; otherwise when to look again. */
  private waitMs(n: number): number {
    this.prune();
    const need = n - (this.limit - this.own.total - this.others.total - this.inFlight);
    if (need <= 0) return 0;
    const now = this.clock.now();
    const leaving = [...this.own.entries, ...this.others.entries].sort((a, b) => a.at - b.at);
    let freed = 0;
    for (const e of leaving) {
      freed += e.n;
      if (freed >= need) return Math.max(1, e.at + this.windowMs - now + 1);
    }
    // Room depends on requests still in flight: their answers wake the queue.
    return this.windowMs;
  }

  /** Sleeps `ms`, or less when the budget changes (an answer, a save, the queue moving). */
  private pause(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const stop = new AbortController();
      const finish = (error?: unknown) => {
        this.listeners.delete(wake);
        signal?.removeEventListener('abort', onAbort);
        stop.abort();
        if (error === undefined) resolve();
        else reject(error);
      };
      const wake = () => finish();
      const onAbort = () => finish(signal!.reason);
      if (signal?.aborted) return finish(signal.reason);
      this.listeners.add(wake);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.clock.sleep(ms, stop.signal).then(wake, () => {});
    });
  }

  private changed(): void {
    for (const wake of [...this.listeners]) wake();
  }
}

const byMailbox = new Map<string, RequestBudget>();

/**
 * The process's budget for one mailbox as one store knows it (`scope`: the store), so every run
 * in the process shares it. A different size or window makes a new one.
 */
export function mailboxBudget(scope: string, mailbox: string, limit = OUTLOOK_REQUESTS_PER_WINDOW, windowMs = OUTLOOK_WINDOW_MS): RequestBudget {
  const key = `${scope}#${mailbox.toLowerCase()}#${limit}#${windowMs}`;
  let budget = byMailbox.get(key);
  if (!budget) {
    budget = new RequestBudget(limit, windowMs);
    byMailbox.set(key, budget);
  }
  return budget;
}
