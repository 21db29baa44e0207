// Writes to one mailbox in lanes (docs/graph.md#writes-in-lanes): up to `lanes` fully sequential
// $batch requests at once, each a dependsOn chain that Outlook runs one item at a time, so the
// mailbox has one item in flight per lane and the lanes keep it at its limit while there is work.
// Microsoft's advice for one mailbox: one parallel batch at a time, or up to four sequential ones
// in parallel (https://learn.microsoft.com/graph/throttling-limits#outlook-service-limits).
// Batches are cut small enough that every lane has work (a push of 12 goes out as 4 batches of 3),
// and never above 20 items. Near the end, the lanes of one round split what is left so that they
// end together instead of trailing off in batches of one (each batch costs a round trip on top of
// its items): lanes that end a round at the same time share it evenly (45 items left go out as
// batches of 11, 11, 12 and 11), and a lane freed earlier than the others are expected to be takes
// more, by the time it is ahead over the time an item has taken so far. Lanes drift apart over a
// long push, as answers are read in turn: by 100 ms over 12 rounds of 20 on the simulator
// (docs/graph.md#writes-in-lanes). An item answered 429/503/504 waits its own Retry-After (or
// backoff) and goes out again in a later batch, up to the retry bound; the items after it in its
// chain, answered 424 without having run, go out again at once. Answers come back by request id.
// The caller records each batch's items just before they first go out and each final answer as it
// comes, so that work overlaps the batches in flight instead of coming before the first or after
// the last.

import { delayFor, parseRetryAfter, RETRYABLE_STATUS, systemClock, type GraphClock, type RetryPolicy } from './retry.js';

export interface LaneRequest {
  id: string;
}

export interface LaneAnswer {
  id: string;
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export interface LaneOptions<R extends LaneRequest> {
  /** Sequential batches in flight at once: the mailbox's in-flight limit. */
  lanes: number;
  /** Items per batch at most (20; less when the request budget is smaller than a batch). */
  maxBatch: number;
  retry: RetryPolicy;
  random?: () => number;
  signal?: AbortSignal;
  /** What an item waits its Retry-After on (the system's clock; a test's own). */
  clock?: GraphClock;
  /** Sends one fully sequential batch; one answer per request, by id. */
  send(chunk: R[]): Promise<LaneAnswer[]>;
  /** Before each batch: how many items are not written yet (this batch's included). */
  onBatch?(pending: number): void;
  /** Each item that goes out again, and when. */
  onRetry?(answer: LaneAnswer, waitMs: number): void;
  /**
   * Just before items go out for the first time, what must be recorded before they are sent
   * (crash-safe creates). Throwing fails the write before they are sent.
   */
  beforeFirstSend?(requests: R[]): void;
  /**
   * Final answers as they come, each item's once: called after the lanes freed by them have their
   * next batches on the way, so what the caller does with them overlaps the writes in flight.
   * Throwing fails the write, as a batch failing outright does.
   */
  onFinal?(answers: LaneAnswer[]): void;
}

interface Queued<R> {
  request: R;
  index: number;
  attempts: number;
  notBefore: number;
  /** Gone out at least once (an item not run, 424, goes out again without an attempt counted). */
  sent: boolean;
}

/** Every request's final answer, by id. A batch that fails outright fails the whole write, after the others in flight end. */
export async function writeInLanes<R extends LaneRequest>(requests: R[], o: LaneOptions<R>): Promise<Map<string, LaneAnswer>> {
  const results = new Map<string, LaneAnswer>();
  let queue: Queued<R>[] = requests.map((request, index) => ({ request, index, attempts: 0, notBefore: 0, sent: false }));
  // Each batch in flight, with its round, when it started and its size; each free lane, with the
  // round of the batch it ran last (0: none yet). A batch started on a lane is of the lane's next round.
  const running = new Map<Promise<void>, { round: number; startedAt: number; size: number }>();
  // What the batches answered so far took, item by item: when a busy lane is expected to be free.
  let answeredItems = 0;
  let answeredMs = 0;
  const freeLanes: number[] = Array.from({ length: Math.max(1, o.lanes) }, () => 0);
  let inFlightItems = 0;
  let failure: { error: unknown } | null = null;
  let finals: LaneAnswer[] = [];
  let handOverFailed = false;
  const maxBatch = Math.max(1, o.maxBatch);
  const clock = o.clock ?? systemClock;

  const answered = (chunk: Queued<R>[], answers: LaneAnswer[]) => {
    const byId = new Map(answers.map((a) => [a.id, a]));
    const now = clock.now();
    let earlierFailed = false;
    for (const q of chunk) {
      const a = byId.get(q.request.id) ?? { id: q.request.id, status: 503, headers: {}, body: null };
      // 424: not run, because an item before it in its chain failed: it costs no attempt.
      const unrun = a.status === 424 && earlierFailed;
      earlierFailed ||= a.status >= 400;
      if (!RETRYABLE_STATUS.has(a.status) && a.status !== 424) {
        results.set(a.id, a);
        finals.push(a);
        continue;
      }
      if (!unrun) q.attempts += 1;
      if (q.attempts >= o.retry.maxAttempts) {
        results.set(a.id, a);
        finals.push(a);
        continue;
      }
      const wait = unrun ? 0 : delayFor(q.attempts - 1, parseRetryAfter(a.headers['retry-after'], now), o.retry, o.random);
      q.notBefore = now + wait;
      o.onRetry?.(a, wait);
      queue.push(q);
    }
    queue.sort((x, y) => x.index - y.index);
  };

  const start = (chunk: Queued<R>[], round: number) => {
    const first = chunk.filter((q) => !q.sent);
    if (first.length > 0 && o.beforeFirstSend) {
      try {
        o.beforeFirstSend(first.map((q) => q.request));
      } catch (error) {
        failure ??= { error };
        return;
      }
    }
    for (const q of chunk) q.sent = true;
    inFlightItems += chunk.length;
    o.onBatch?.(queue.length + inFlightItems);
    const startedAt = clock.now();
    const p: Promise<void> = o
      .send(chunk.map((q) => q.request))
      .then(
        (answers) => {
          answeredItems += chunk.length;
          answeredMs += Math.max(0, clock.now() - startedAt);
          answered(chunk, answers);
        },
        (error: unknown) => {
          failure ??= { error };
        },
      )
      .finally(() => {
        inFlightItems -= chunk.length;
        running.delete(p);
        freeLanes.push(round);
      });
    running.set(p, { round, startedAt, size: chunk.length });
  };

  /**
   * How many of `ready` items the lane freed now (last on `round`) takes: an even share among it,
   * the other free lanes and the busy lanes still on its round, plus one item for each item's time
   * it is ahead of them on average (a busy lane is expected free once its batch has taken as long
   * an item as the batches answered so far). Its batch then ends about when theirs do.
   */
  const share = (ready: number, round: number, now: number): number => {
    const free: number[] = new Array<number>(1 + freeLanes.length).fill(now);
    const perItemMs = answeredItems > 0 ? answeredMs / answeredItems : 0;
    for (const r of running.values()) if (r.round <= round) free.push(Math.max(now, r.startedAt + r.size * perItemMs));
    const even = ready / free.length;
    if (perItemMs <= 0) return Math.ceil(even);
    const ahead = free.reduce((sum, at) => sum + at, 0) / free.length - now;
    return Math.max(1, Math.round(even + ahead / perItemMs));
  };

  for (;;) {
    const now = clock.now();
    let started = false;
    while (!failure && freeLanes.length > 0) {
      const ready = queue.filter((q) => q.notBefore <= now);
      if (ready.length === 0) break;
      // The free lane furthest behind goes first; what is ready is shared with the other free
      // lanes and with the busy ones still on this lane's round (they end about now).
      freeLanes.sort((a, b) => a - b);
      const round = freeLanes.shift()!;
      const chunk = ready.slice(0, Math.min(maxBatch, share(ready.length, round, now)));
      const taken = new Set(chunk);
      queue = queue.filter((q) => !taken.has(q));
      start(chunk, round + 1);
      started = true;
    }
    // Answers that come after the write failed (a batch failed outright, or could not be recorded)
    // are handed over still, so what they wrote is recorded; unless handing them over is what failed.
    if (finals.length > 0 && !handOverFailed) {
      // A batch started just now is still on its way through the client's middleware (promises,
      // a turn of the event loop or more): let it reach the socket before the store work, which
      // would otherwise hold it back by as long as that work takes.
      if (started) await new Promise<void>((resolve) => setImmediate(resolve));
      const done = finals;
      finals = [];
      try {
        o.onFinal?.(done);
      } catch (error) {
        failure ??= { error };
        handOverFailed = true;
      }
      // A lane freed meanwhile takes its next batch now.
      if (!failure && freeLanes.length > 0 && queue.some((q) => q.notBefore <= clock.now())) continue;
    }
    if (running.size === 0) {
      if (failure) throw (failure as { error: unknown }).error;
      if (queue.length === 0) return results;
    }
    if (o.signal?.aborted) throw o.signal.reason;
    // Until a batch ends, or (with a lane free) the next item may go out again.
    const nextAt = failure || freeLanes.length === 0 ? Infinity : Math.min(...queue.map((q) => q.notBefore));
    const stop = new AbortController();
    let onAbort = () => {};
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(o.signal!.reason);
      o.signal?.addEventListener('abort', onAbort, { once: true });
    });
    aborted.catch(() => undefined);
    try {
      const waits: Promise<unknown>[] = [...running.keys(), aborted];
      if (Number.isFinite(nextAt)) waits.push(clock.sleep(Math.max(0, nextAt - clock.now()), stop.signal).catch(() => undefined));
      await Promise.race(waits);
    } finally {
      o.signal?.removeEventListener('abort', onAbort);
      stop.abort();
    }
  }
}
