// Outlook's per-app, per-mailbox limits: 4 requests in flight, 10,000 requests per 10 minutes
// (https://learn.microsoft.com/graph/throttling-limits#outlook-service-limits). Throttled requests
// still count against the budget.
// The gate lets a test hold admitted requests in flight and release them on its own signal.
import { EventEmitter } from 'node:events';

export interface Limits {
  concurrency: number;
  requestsPerWindow: number;
  windowSeconds: number;
}

export const DEFAULT_LIMITS: Limits = { concurrency: 4, requestsPerWindow: 10_000, windowSeconds: 600 };

export type Admission = { ok: true } | { ok: false; reason: 'concurrency' | 'budget'; retryAfterSeconds: number | null };

export class Limiter {
  private readonly inFlight = new Map<string, number>();
  private readonly history = new Map<string, number[]>();
  readonly events = new EventEmitter();

  constructor(
    private readonly now: () => number,
    readonly limits: Limits,
  ) {
    this.events.setMaxListeners(0);
  }

  admit(mailbox: string): Admission {
    const key = mailbox.toLowerCase();
    const now = this.now();
    const windowMs = this.limits.windowSeconds * 1000;
    const recent = (this.history.get(key) ?? []).filter((t) => t > now - windowMs);
    recent.push(now);
    this.history.set(key, recent);
    if (recent.length > this.limits.requestsPerWindow) {
      const oldest = recent[recent.length - this.limits.requestsPerWindow] ?? now;
      return { ok: false, reason: 'budget', retryAfterSeconds: Math.max(1, Math.ceil((oldest + windowMs - now) / 1000)) };
    }
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

  /** Resolves once `count` requests of the mailbox are in flight (or rejects after timeoutMs). */
  waitForInFlight(mailbox: string, count: number, timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.current(mailbox) >= count) {
          cleanup();
          resolve();
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out waiting for ${count} requests in flight for ${mailbox}`));
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
  private paused = false;

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  isPaused(): boolean {
    return this.paused;
  }

  pass(): Promise<void> {
    if (!this.paused) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}
