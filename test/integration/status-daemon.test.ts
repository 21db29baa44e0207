// `status` reads the daemon's row: its heartbeat, each staff member's next run and backoff. The
// daemon's state is written through the store's own daemon-lock functions, as the daemon writes it.

import { afterEach, describe, expect, it } from 'vitest';
import { acquireDaemonLock, saveBackoff, type DaemonLock } from '../../src/store/daemon-lock.js';
import { openStore, type Db } from '../../src/store/open.js';
import { findStaff } from '../../src/store/staff.js';
import { world, type World } from '../helpers/world.js';

const ALICE = 'alice@firm.example';
const BOB = 'bob@firm.example';
const I = 300_000;
let w: World;
let db: Db | undefined;
afterEach(async () => {
  db?.close();
  db = undefined;
  await w?.stop();
});

interface Status {
  staff: string;
  nextRunAt: string | null;
  backoff: { failures: number; until: string; lastError: string | null } | null;
  daemon: { running: boolean; pid: number; nextCycleAt: string | null } | null;
  warnings: string[];
}

/** A daemon "running" in another live process of this host (the test runner's parent), as its row says. */
function runningDaemon(store: Db, nextCycleAt: number): DaemonLock {
  const lock = acquireDaemonLock(store, { mode: 'loop', intervalMs: I, nowMs: Date.now(), pid: process.ppid }) as DaemonLock;
  lock.beat({ lastCycleStartedAt: Date.now() - 1_000, lastCycleEndedAt: Date.now(), nextCycleAt });
  return lock;
}

describe('status and the daemon', () => {
  it('no daemon ever ran: daemon is null and no one has a next run', async () => {
    w = await world([ALICE]);
    const [alice] = await w.ok<Status[]>(['status']);
    expect(alice).toMatchObject({ daemon: null, nextRunAt: null, backoff: null });
  });

  it('a staff member the daemon backs off from: the backoff, a warning, and a next run at its end rather than the next cycle', async () => {
    w = await world([ALICE, BOB]);
    db = openStore(w.sb.db);
    const next = Date.now() + 60_000;
    const until = Date.now() + 4 * I;
    runningDaemon(db, next);
    saveBackoff(db, findStaff(db, ALICE)!.id, { failures: 3, untilMs: until, lastError: 'delta: Graph answered 503 ServiceUnavailable' });
    const [alice, bob] = await w.ok<Status[]>(['status']);
    expect(alice).toMatchObject({
      nextRunAt: new Date(until).toISOString(),
      backoff: { failures: 3, until: new Date(until).toISOString(), lastError: 'delta: Graph answered 503 ServiceUnavailable' },
      daemon: { running: true, pid: process.ppid, nextCycleAt: new Date(next).toISOString() },
    });
    expect(alice!.warnings).toContain(`the daemon backs off after 3 failed runs in a row and tries again from about ${new Date(until).toISOString()}: delta: Graph answered 503 ServiceUnavailable`);
    expect(bob).toMatchObject({ nextRunAt: new Date(next).toISOString(), backoff: null, warnings: [] });
    // The pipe form carries the same, column by column.
    const rows = (await w.sb.run(['status'])).stdout.trim().split('\n').map((l) => l.split('\t'));
    expect(rows[0]!.slice(5, 7)).toEqual([new Date(until).toISOString(), `3 failures, until ${new Date(until).toISOString()}`]);
  });

  it('a staff member who must reconnect has no next run, even with the daemon running', async () => {
    w = await world([ALICE]);
    w.sim.control.revokeUser(ALICE);
    await w.sb.run(['sync', '--staff', ALICE]);
    db = openStore(w.sb.db);
    runningDaemon(db, Date.now() + 60_000);
    const [alice] = await w.ok<Status[]>(['status']);
    expect(alice).toMatchObject({ nextRunAt: null, daemon: { running: true } });
  });

  it('a daemon that stopped: running false, no next cycle, its last cycle times kept', async () => {
    w = await world([ALICE]);
    db = openStore(w.sb.db);
    runningDaemon(db, Date.now() + 60_000).release();
    const [alice] = await w.ok<Status[]>(['status']);
    expect(alice).toMatchObject({ nextRunAt: null, daemon: { running: false, nextCycleAt: null, lastCycleEndedAt: expect.any(String) } });
  });
});
