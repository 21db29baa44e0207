// The request budget is remembered in the store: a new process starts with what earlier ones spent
// on the mailbox, so it waits for the window instead of meeting 429s; `status` says how long
// pending writes take at that pace. Spawned `daemon --once` processes against a simulator whose
// budget is 50 requests per window (and the tool told the same).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RequestBudget } from '../../src/graph/budget.js';
import { budgetPersistence, spentOn } from '../../src/store/graph-budget.js';
import { openStore } from '../../src/store/open.js';
import { world, type World } from '../helpers/world.js';

const ALICE = 'alice@firm.example';

describe('the budget in the store', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a second process reads what the first spent; each saves its own row; rows past the window go', async () => {
    dir = mkdtempSync(join(tmpdir(), 'cfo-budget-'));
    const path = join(dir, 'store.db');
    let now = Date.parse('2026-11-20T12:00:00.000Z');
    const clock = { now: () => now, sleep: async () => {} };
    const first = openStore(path);
    const a = new RequestBudget(100, 10_000, clock);
    a.attach(budgetPersistence(first, ALICE, a.owner, 10_000, () => now));
    for (let i = 0; i < 3; i++) (await a.take(10)).settle();
    a.flush();
    first.close();

    now += 2_000;
    const second = openStore(path);
    const b = new RequestBudget(100, 10_000, clock);
    b.attach(budgetPersistence(second, 'Alice@Firm.example', b.owner, 10_000, () => now));
    expect(b.spent()).toBe(30);
    (await b.take(5)).settle();
    b.flush();
    expect(spentOn(second, ALICE, 10_000, now).reduce((n, [, c]) => n + c, 0)).toBe(35);
    expect(second.prepare('SELECT COUNT(*) FROM graph_budget').pluck().get()).toBe(2);
    now += 9_000;
    // The first process's spend has left the window; the second's has not.
    expect(b.spent()).toBe(5);
    b.flush();
    expect(second.prepare('SELECT owner FROM graph_budget').pluck().all()).toEqual([b.owner]);
    second.close();
  });
});

describe('pacing across processes', () => {
  let w: World;
  afterEach(async () => {
    await w?.stop();
  });

  async function addEvents(from: number, n: number): Promise<void> {
    for (let i = from; i < from + n; i += 1) {
      const day = String(1 + (i % 28)).padStart(2, '0');
      await w.ok(['events', 'add', '--staff', ALICE, '--title', `Item ${i}`, '--start', `2026-12-${day}T09:00`, '--end', `2026-12-${day}T10:00`]);
    }
  }

  /** A 50-request budget over `windowSeconds` (simulator and tool alike); 40 events pushed by a first process. */
  async function spendMostOfTheBudget(windowSeconds: number): Promise<void> {
    w = await world();
    mkdirSync(join(w.sb.env.XDG_CONFIG_HOME!, 'caseflow-outlook'), { recursive: true });
    writeFileSync(join(w.sb.env.XDG_CONFIG_HOME!, 'caseflow-outlook', 'config.json'), JSON.stringify({ graph: { requestsPer10Minutes: 50 } }));
    w.sb.env.CASEFLOW_GRAPH_BUDGET_WINDOW_SECONDS = String(windowSeconds);
    w.sim.control.setLimits({ requestsPerWindow: 50, windowSeconds });
    await addEvents(0, 40);
    const first = await w.sb.run(['--json', 'daemon', '--once', '--staff', ALICE], { spawn: true });
    expect(first.code, first.stderr).toBe(0);
    expect(w.sim.control.budgetSpent(ALICE)).toBeGreaterThanOrEqual(44);
  }

  // A 10-minute window: the first process's spend is still in it whatever the machine's load.
  it('status says how long what is pending takes, from what the last process spent', async () => {
    await spendMostOfTheBudget(600);
    await addEvents(40, 12);
    const status = await w.ok(['status', '--staff', ALICE]);
    expect(status.pending).toBe(12);
    expect(status.pendingEstimateSeconds).toBeGreaterThan(0);
    // At most a window (the store keeps times by the second, rounded up).
    expect(status.pendingEstimateSeconds).toBeLessThanOrEqual(601);
    const text = await w.sb.run(['status', '--staff', ALICE]);
    expect(text.stdout).toMatch(/^pending\t12 writes pending: about \d+ min at Graph's pace$/m);
  });

  // A 4-second window, so the next process waits briefly; whether it must wait at all depends on
  // how fast this machine starts it, so only what holds either way is asserted.
  it('the next process meets no 429 and writes the rest', async () => {
    await spendMostOfTheBudget(4);
    await addEvents(40, 12);
    const second = await w.sb.run(['daemon', '--once', '--staff', ALICE], { spawn: true });
    expect(second.code, second.stderr).toBe(0);
    expect(w.sim.control.requestLog().filter((e) => e.throttled || e.status === 429)).toEqual([]);
    expect(w.sim.control.events(ALICE)).toHaveLength(52);
    const after = await w.ok(['status', '--staff', ALICE]);
    expect(after).toMatchObject({ pending: 0, pendingEstimateSeconds: null });
  });
});
