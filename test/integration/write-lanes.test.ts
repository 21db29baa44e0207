// Writes at Graph's floor (docs/graph.md#writes-in-lanes): the real GraphCalendar against the
// simulator, which runs a sequential batch one item at a time and counts every item against the
// mailbox's 4 in flight and its budget. Four lanes keep four items in flight with no 429; reads
// beside a push share the four slots; an item throttled inside a batch waits its own Retry-After
// while the rest go on; past the budget, requests wait for the window instead of meeting 429s;
// a budget another app spent is met as 429s, each waited out as its Retry-After says.
import { afterEach, describe, expect, it } from 'vitest';
import { RequestBudget } from '../../src/graph/budget.js';
import { GraphCalendar, type WriteProgress } from '../../src/graph/calendar.js';
import { createGraphClient } from '../../src/graph/client.js';
import { DEFAULT_RETRY, type GraphClock, type RetryPolicy } from '../../src/graph/retry.js';
import { createLogger } from '../../src/log.js';
import type { WriteOp } from '../../src/sync/ports.js';
import { payload } from '../contract/remote-calendar.contract.js';
import { graph, startTestSimulator, type Simulator } from '../helpers/sim.js';

const ALICE = 'alice@firm.example';
const RETRY: RetryPolicy = { maxAttempts: 8, baseMs: 5, maxDelayMs: 50, maxRetryAfterMs: 5_000 };

let sim: Simulator;
let token: string;
let logLines: string[];
afterEach(() => sim?.stop());

interface Setup {
  budget?: RequestBudget;
  progress?: (p: WriteProgress) => void;
  onBudgetWait?: (ms: number) => void;
  /** The time of the simulator and of the tool's waits (the system's by default). */
  clock?: GraphClock;
  retry?: RetryPolicy;
  maxInFlight?: number;
}

async function setup(o: Setup = {}): Promise<GraphCalendar> {
  sim = await startTestSimulator({ faults: { batchShuffle: false }, ...(o.clock ? { now: o.clock.now } : {}) });
  sim.control.addUser({ email: ALICE, name: 'Alice' });
  token = sim.control.issueTokens(ALICE).accessToken;
  logLines = [];
  const log = createLogger({ verbose: true, json: true, write: (line) => logLines.push(line) });
  // A mailbox of its own per test: the in-flight limiter is per process and per mailbox.
  const { budget, progress, onBudgetWait, clock, retry = RETRY, maxInFlight = 4 } = o;
  const client = createGraphClient({ baseUrl: sim.url, getAccessToken: async () => token, mailbox: ALICE, maxInFlight, retry, log, ...(budget ? { budget } : {}), ...(onBudgetWait ? { onBudgetWait } : {}), ...(clock ? { clock } : {}) });
  return new GraphCalendar({ client, retry, maxInFlight, log, fatal: () => null, ...(budget ? { budget } : {}), ...(progress ? { progress } : {}), ...(clock ? { clock } : {}) });
}

/**
 * Time that passes only in sleeps: each sleep ends on the next turn of the event loop, the clock
 * moved on to its wake-up time. `slept`: how long each sleep asked for.
 */
function virtualClock(start: number): GraphClock & { slept: number[] } {
  let now = start;
  const slept: number[] = [];
  return {
    now: () => now,
    slept,
    sleep: (ms, signal) => {
      if (signal?.aborted) return Promise.reject(signal.reason);
      slept.push(ms);
      const wake = now + ms;
      return new Promise((resolve) => setImmediate(() => resolve(void (now = Math.max(now, wake)))));
    },
  };
}

const tx = (n: number) => `${String(n).padStart(8, '0')}-aaaa-4bbb-8ccc-${String(n).padStart(12, '0')}`;
const tag = (n: number) => `cfo1:${'b'.repeat(32)}:event:${String(n).padStart(32, '0')}`;
const creates = (n: number): WriteOp[] =>
  Array.from({ length: n }, (_, i) => ({ op: 'create', payload: payload(`E${i}`, 1 + (i % 28)), transactionId: tx(i), tag: tag(i) }));

const subjects = () => sim.control.events(ALICE).map((e) => e.subject as string);
const throttledEntries = () => sim.control.requestLog().filter((e) => e.throttled || e.status === 429);
const subjectOf = (body: unknown) => (body as { subject?: string } | null)?.subject;

describe('writes in lanes', () => {
  it('a push of 200 keeps exactly four items in flight, meets no 429, and answers in the order of the ops', async () => {
    const calendar = await setup();
    sim.control.setFaults({ batchShuffle: false, batchItemLatencyMs: 2 });
    const outcomes = await calendar.write(creates(200));
    expect(outcomes.map((o) => (o.status === 'ok' ? o.event?.subject : o.status))).toEqual(creates(200).map((_, i) => `E${i}`));
    expect(new Set(subjects()).size).toBe(200);
    expect(subjects()).toHaveLength(200);
    const m = sim.control.metrics().perMailbox[ALICE]!;
    expect(m).toMatchObject({ requests: 200, peakInFlight: 4, throttled: 0 });
    expect(throttledEntries()).toEqual([]);
    // Every batch a plain chain, never above 20 items.
    const envelopes = sim.control.requestLog().filter((e) => e.kind === 'batch');
    for (const e of envelopes) {
      const items = (e.requestBody as { requests: { id: string; dependsOn?: string[] }[] }).requests;
      expect(items.length).toBeLessThanOrEqual(20);
      items.forEach((item, i) => expect(item.dependsOn).toEqual(i === 0 ? undefined : [items[i - 1]!.id]));
      expect(e.status).toBe(200);
    }
  });

  it('a small push uses all four lanes: 12 writes go out as four batches of three', async () => {
    const calendar = await setup();
    await calendar.write(creates(12));
    const sizes = sim.control.requestLog().filter((e) => e.kind === 'batch').map((e) => (e.requestBody as { requests: unknown[] }).requests.length);
    expect(sizes).toEqual([3, 3, 3, 3]);
  });

  it('the last round ends together: 125 writes go out as four batches of 20, then 12, 11, 11 and 11', async () => {
    const calendar = await setup();
    // Items take long enough that the four lanes of a round end close together, as on Graph.
    sim.control.setFaults({ batchShuffle: false, batchItemLatencyMs: 3 });
    await calendar.write(creates(125));
    const sizes = sim.control.requestLog().filter((e) => e.kind === 'batch').map((e) => (e.requestBody as { requests: unknown[] }).requests.length);
    // Each batch costs a round trip on top of its items: no tail of batches of one or two.
    expect(sizes.slice(0, 4)).toEqual([20, 20, 20, 20]);
    expect(sizes.slice(4).sort((a, b) => b - a)).toEqual([12, 11, 11, 11]);
    expect(subjects()).toHaveLength(125);
  });

  it('each batch is recorded just before it goes out and its answers as they come, while later batches are still on the way', async () => {
    const calendar = await setup();
    sim.control.setFaults({ batchShuffle: false, batchItemLatencyMs: 2 });
    const ops = creates(125);
    const steps: { step: 'send' | 'done'; indices: number[]; inOutlook: Set<string> }[] = [];
    const held = () => new Set(subjects());
    await calendar.write(ops, {
      beforeSend: (indices) => steps.push({ step: 'send', indices, inOutlook: held() }),
      settled: (done) => steps.push({ step: 'done', indices: done.map((d) => d.index), inOutlook: held() }),
    });
    const sends = steps.filter((s) => s.step === 'send');
    const dones = steps.filter((s) => s.step === 'done');
    // Recorded before Outlook has it; told once Outlook has it.
    for (const s of sends) for (const i of s.indices) expect(s.inOutlook.has(`E${i}`)).toBe(false);
    for (const s of dones) for (const i of s.indices) expect(s.inOutlook.has(`E${i}`)).toBe(true);
    expect(sends.flatMap((s) => s.indices).sort((a, b) => a - b)).toEqual([...ops.keys()]);
    expect(dones.flatMap((s) => s.indices).sort((a, b) => a - b)).toEqual([...ops.keys()]);
    // One call a batch: the 4 of the first round, then each later batch sent as a lane frees.
    expect(sends.map((s) => s.indices.length).slice(0, 4)).toEqual([20, 20, 20, 20]);
    expect(sends).toHaveLength(8);
    // The answers of the first round are handed over before the last batches go out.
    expect(steps.findIndex((s) => s.step === 'done')).toBeLessThan(steps.findLastIndex((s) => s.step === 'send'));
  });

  it('a batch whose recording fails is not sent; the batches in flight land and are handed over, and the write fails', async () => {
    const calendar = await setup();
    sim.control.setFaults({ batchShuffle: false, batchItemLatencyMs: 2 });
    const refused = new Error('disk full');
    let batches = 0;
    const told: number[] = [];
    await expect(
      calendar.write(creates(125), {
        beforeSend: () => {
          batches += 1;
          if (batches === 6) throw refused;
        },
        settled: (done) => told.push(...done.map((d) => d.index)),
      }),
    ).rejects.toBe(refused);
    // Five batches went out, landed and were handed over; the sixth never left, nor did any after it.
    expect(batches).toBe(6);
    expect(new Set(told).size).toBe(told.length);
    expect(told.length).toBeGreaterThan(80);
    expect(told.length).toBeLessThan(125);
    expect(subjects().sort()).toEqual(told.map((i) => `E${i}`).sort());
  });

  it('reads of the same mailbox beside a push share its four slots: still no 429', async () => {
    const calendar = await setup();
    sim.control.setFaults({ batchShuffle: false, batchItemLatencyMs: 2, latencyMs: 1 });
    const existing = sim.control.createEvent(ALICE, { subject: 'Read me', start: { dateTime: '2026-12-02T09:00:00', timeZone: 'UTC' }, end: { dateTime: '2026-12-02T10:00:00', timeZone: 'UTC' } });
    let reads = 0;
    let pushing = true;
    const reader = async () => {
      while (pushing) {
        expect((await calendar.getEvent(existing.immutableId))?.subject).toBe('Read me');
        reads += 1;
      }
    };
    const push = calendar.write(creates(100)).finally(() => (pushing = false));
    await Promise.all([push, reader(), reader(), reader()]);
    expect(reads).toBeGreaterThan(3);
    expect((await push).every((o) => o.status === 'ok')).toBe(true);
    expect(sim.control.metrics().perMailbox[ALICE]).toMatchObject({ peakInFlight: 4, throttled: 0 });
    expect(throttledEntries()).toEqual([]);
  });

  it('an item throttled inside a batch waits its own Retry-After while the items after it go out again at once', async () => {
    const calendar = await setup();
    sim.control.setFaults({ seed: 5, random429: 0.1, retryAfterSeconds: 0.3, batchShuffle: false });
    const outcomes = await calendar.write(creates(60));
    expect(outcomes.every((o) => o.status === 'ok')).toBe(true);
    expect(subjects().sort()).toEqual(creates(60).map((_, i) => `E${i}`).sort());
    const log = sim.control.requestLog().filter((e) => e.kind === 'event.create');
    const throttled = log.filter((e) => e.status === 429);
    expect(throttled.length).toBeGreaterThan(0);
    for (const t of throttled) {
      const at = Date.parse(t.time);
      const subject = subjectOf(t.requestBody);
      const again = log.find((e) => e.seq > t.seq && subjectOf(e.requestBody) === subject)!;
      expect(Date.parse(again.time) - at).toBeGreaterThanOrEqual(300);
    }
    // While the first throttled item waits, the others are written: the lanes do not stall.
    const first = throttled[0]!;
    const meanwhile = log.filter((e) => e.seq > first.seq && Date.parse(e.time) < Date.parse(first.time) + 300 && e.status === 201);
    expect(meanwhile.length).toBeGreaterThan(0);
    // The items after a throttled one in its chain answered 424 and went out again without waiting.
    const unrun = sim.control.requestLog().flatMap((e) =>
      e.kind === 'batch' ? ((e.responseBody as { responses: { id: string; status: number }[] }).responses ?? []).filter((r) => r.status === 424) : [],
    );
    expect(unrun.length).toBeGreaterThan(0);
  });

  it('paces to the budget: a push larger than the window waits for room, with no 429, and says how long', async () => {
    const budget = new RequestBudget(50, 1_000);
    const progress: WriteProgress[] = [];
    const calendar = await setup({ budget, progress: (p) => progress.push(p) });
    sim.control.setLimits({ requestsPerWindow: 50, windowSeconds: 1 });
    const started = Date.now();
    const outcomes = await calendar.write(creates(70));
    const elapsed = Date.now() - started;
    expect(outcomes.every((o) => o.status === 'ok')).toBe(true);
    expect(subjects()).toHaveLength(70);
    expect(throttledEntries()).toEqual([]);
    // 70 items and their envelopes do not fit in one window of 50.
    expect(elapsed).toBeGreaterThanOrEqual(900);
    expect(logLines.some((l) => l.includes("the mailbox's request budget is spent"))).toBe(true);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress[0]!.pending).toBeGreaterThan(0);
    expect(progress[0]!.etaMs).toBeGreaterThan(0);
    expect(progress[0]!.etaMs).toBeLessThanOrEqual(2_000);
  });

  it('a read held back by a spent budget says about how long; a write says its pace instead', async () => {
    const start = Date.parse('2026-12-01T09:00:00Z');
    const clock = virtualClock(start);
    const budget = new RequestBudget(4, 60_000, clock);
    const waits: number[] = [];
    const progress: WriteProgress[] = [];
    const calendar = await setup({ clock, retry: DEFAULT_RETRY, maxInFlight: 1, budget, onBudgetWait: (ms) => waits.push(ms), progress: (p) => progress.push(p) });
    (await budget.take(4)).settle(); // another run in this process spent the window
    expect(await calendar.getEvent('no-such-event')).toBeNull();
    expect(waits).toEqual([60_000]);
    expect(clock.now() - start).toBeGreaterThanOrEqual(60_000); // sent only once the window had room
    (await budget.take(4)).settle();
    const outcomes = await calendar.write(creates(1));
    expect(outcomes.map((o) => o.status)).toEqual(['ok']);
    expect(waits).toEqual([60_000]);
    expect(progress).toEqual([{ pending: 1, etaMs: 60_000 }]);
  });

  it('a budget spent by another app: each 429 is waited out as its Retry-After says, and every item is written once', async () => {
    const start = Date.parse('2026-12-01T09:00:00Z');
    const clock = virtualClock(start);
    // One lane, so the order of the requests (and so which of them Outlook refuses) is fixed.
    const calendar = await setup({ clock, retry: DEFAULT_RETRY, maxInFlight: 1, budget: new RequestBudget(10, 60_000, clock) });
    sim.control.setLimits({ requestsPerWindow: 10, windowSeconds: 60 });
    // Another app spends 8 of the mailbox's 10; this tool's budget cannot know of them.
    for (let i = 0; i < 8; i++) expect((await graph(sim, token, 'GET', '/me/calendar')).status).toBe(200);
    const outcomes = await calendar.write(creates(3));
    expect(outcomes.map((o) => o.status)).toEqual(['ok', 'ok', 'ok']);
    expect(subjects().sort()).toEqual(['E0', 'E1', 'E2']);
    // The batch's envelope and E0 fill the window; E1 is refused (E2 after it is not run), then
    // the envelope of the batch sending E2 again: two 429s, both saying a minute.
    const refused = throttledEntries();
    expect(refused.map((e) => [e.kind, e.status, e.responseHeaders['Retry-After']])).toEqual([
      ['event.create', 429, '60'],
      ['batch', 429, '60'],
    ]);
    // The tool waited that minute once, and sent nothing before it was over.
    expect(clock.slept).toEqual([60_000]);
    expect(clock.now()).toBe(start + 60_000);
    const afterWait = sim.control.requestLog().filter((e) => e.seq > refused[1]!.seq);
    expect(afterWait.every((e) => e.status < 400)).toBe(true);
    expect(afterWait.filter((e) => e.kind === 'event.create')).toHaveLength(2);
  });
});
