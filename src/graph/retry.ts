// Honour Retry-After (seconds, possibly fractional) on 429/503/504; otherwise exponential backoff
// with full jitter; never retry at once, as throttled requests still count against the limits
// (https://learn.microsoft.com/graph/throttling, docs/graph.md#retry-after-and-backoff).
// Bounded, and the bounds can be shortened for tests.

export interface RetryPolicy {
  maxAttempts: number;
  baseMs: number;
  maxDelayMs: number;
  /** Upper bound on an honoured Retry-After, so one answer cannot park a run for hours. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 8, baseMs: 500, maxDelayMs: 30_000, maxRetryAfterMs: 120_000 };

export function retryPolicyFromEnv(env: Record<string, string | undefined>): RetryPolicy {
  const base = Number(env.CASEFLOW_RETRY_BASE_MS);
  if (!Number.isFinite(base) || base <= 0) return DEFAULT_RETRY;
  return { ...DEFAULT_RETRY, baseMs: base, maxDelayMs: Math.max(base, base * 60) };
}

export const RETRYABLE_STATUS = new Set([429, 503, 504]);

/** Retry-After in milliseconds: delta-seconds (fractional allowed) or an HTTP date. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | null {
  if (value === null || value === undefined || value.trim() === '') return null;
  const seconds = Number(value.trim());
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(value);
  if (!Number.isNaN(date)) return Math.max(0, date - nowMs);
  return null;
}

/** Full-jitter exponential backoff: uniform in [base, min(max, base * 2^attempt)]. */
export function backoffMs(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseMs * 2 ** attempt);
  return Math.round(policy.baseMs + random() * Math.max(0, cap - policy.baseMs));
}

export function delayFor(attempt: number, retryAfterMs: number | null, policy: RetryPolicy, random: () => number = Math.random): number {
  if (retryAfterMs !== null) return Math.min(Math.max(retryAfterMs, 1), policy.maxRetryAfterMs);
  return backoffMs(attempt, policy, random);
}

/** The time the Graph layer measures waits by and sleeps on: the system's, or a test's. */
export interface GraphClock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Sleeps, waking early with the signal's reason when it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export const systemClock: GraphClock = { now: () => Date.now(), sleep };
