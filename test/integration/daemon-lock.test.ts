// The daemon lock in a real store file, opened twice as two processes would: who holds it, when it
// is taken over, what a monitoring check reads from it.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireDaemonLock, daemonRunning, getBackoff, readDaemon, saveBackoff, type DaemonLock } from '../../src/store/daemon-lock.js';
import { openStore, type Db } from '../../src/store/open.js';
import { addStaff } from '../../src/store/staff.js';

const I = 300_000;
const T0 = Date.parse('2026-11-21T10:00:00.000Z');
let dir: string;
let first: Db;
let second: Db;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cfo-daemon-lock-'));
  first = openStore(join(dir, 'store.db'));
  second = openStore(join(dir, 'store.db'));
});
afterEach(() => {
  first.close();
  second.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A pid that surely names no process: one that has just exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid!;
}

/** Another live process of this host: the test runner's parent. */
const otherLivePid = process.ppid;

const held = (r: DaemonLock | { heldBy: unknown }): r is { heldBy: ReturnType<typeof readDaemon> & object } => 'heldBy' in r;

describe('daemon lock', () => {
  it('a second daemon is refused while the first runs, and is told its pid, host and heartbeat', () => {
    const lock = acquireDaemonLock(first, { mode: 'loop', intervalMs: I, nowMs: T0, pid: otherLivePid });
    expect(held(lock)).toBe(false);
    const again = acquireDaemonLock(second, { mode: 'loop', intervalMs: I, nowMs: T0 + 1_000 });
    expect(held(again) && again.heldBy).toMatchObject({ pid: otherLivePid, host: hostname(), mode: 'loop', heartbeatAt: new Date(T0).toISOString(), stoppedAt: null });
  });

  it('a lock whose process is gone on this host is taken over at once', () => {
    acquireDaemonLock(first, { mode: 'loop', intervalMs: I, nowMs: T0, pid: deadPid() });
    const mine = acquireDaemonLock(second, { mode: 'loop', intervalMs: I, nowMs: T0 + 1_000 });
    expect(held(mine)).toBe(false);
    expect(readDaemon(second)).toMatchObject({ pid: process.pid, startedAt: new Date(T0 + 1_000).toISOString() });
  });

  it('a heartbeat from another host holds for three intervals, and is taken over after', () => {
    acquireDaemonLock(first, { mode: 'loop', intervalMs: I, nowMs: T0, pid: 4242, host: 'other-host' });
    const early = acquireDaemonLock(second, { mode: 'loop', intervalMs: I, nowMs: T0 + 3 * I });
    expect(held(early) && early.heldBy.host).toBe('other-host');
    const late = acquireDaemonLock(second, { mode: 'loop', intervalMs: I, nowMs: T0 + 3 * I + 1 });
    expect(held(late)).toBe(false);
  });

  it('a live process that stopped beating for three intervals is taken over, and learns it at its next beat', () => {
    const old = acquireDaemonLock(first, { mode: 'loop', intervalMs: I, nowMs: T0, pid: otherLivePid }) as DaemonLock;
    const mine = acquireDaemonLock(second, { mode: 'loop', intervalMs: I, nowMs: T0 + 3 * I + 1 }) as DaemonLock;
    expect(held(mine)).toBe(false);
    expect(old.beat({ lastCycleStartedAt: T0 + 4 * I })).toBe(false);
    expect(mine.beat({ lastCycleStartedAt: T0 + 4 * I })).toBe(true);
    old.release(); // releases nothing of the new holder's
    expect(readDaemon(second)).toMatchObject({ pid: process.pid, stoppedAt: null });
  });

  it('the leftover row of this very pid (a container restarted as pid 1) is taken over', () => {
    acquireDaemonLock(first, { mode: 'loop', intervalMs: I, nowMs: T0 });
    expect(held(acquireDaemonLock(second, { mode: 'loop', intervalMs: I, nowMs: T0 + 1 }))).toBe(false);
  });

  it('beats record the cycle times a monitoring check reads; release keeps them and marks the row stopped', () => {
    const lock = acquireDaemonLock(first, { mode: 'loop', intervalMs: I, nowMs: T0, pid: otherLivePid }) as DaemonLock;
    lock.beat({ lastCycleStartedAt: T0 + 10, lastCycleEndedAt: T0 + 900, nextCycleAt: T0 + I }, T0 + 900);
    const row = readDaemon(second)!;
    expect(row).toMatchObject({
      lastCycleStartedAt: new Date(T0 + 10).toISOString(),
      lastCycleEndedAt: new Date(T0 + 900).toISOString(),
      nextCycleAt: new Date(T0 + I).toISOString(),
      heartbeatAt: new Date(T0 + 900).toISOString(),
    });
    expect(daemonRunning(row, T0 + 1_000)).toBe(true);
    lock.release(T0 + 2_000);
    const after = readDaemon(second)!;
    expect(after).toMatchObject({ stoppedAt: new Date(T0 + 2_000).toISOString(), nextCycleAt: null, lastCycleEndedAt: new Date(T0 + 900).toISOString() });
    expect(daemonRunning(after, T0 + 2_001)).toBe(false);
    expect(held(acquireDaemonLock(second, { mode: 'once', intervalMs: I, nowMs: T0 + 3_000 }))).toBe(false);
  });

  it('a new daemon starts with no backoffs; releasing forgets them too', () => {
    const staff = addStaff(first, 'alice@firm.example', 'Alice', new Date(T0).toISOString());
    const lock = acquireDaemonLock(first, { mode: 'loop', intervalMs: I, nowMs: T0, pid: otherLivePid }) as DaemonLock;
    saveBackoff(first, staff.id, { failures: 3, untilMs: T0 + 4 * I, lastError: 'delta: Graph answered 503' });
    expect(getBackoff(second, staff.id)).toEqual({ staffId: staff.id, failures: 3, until: new Date(T0 + 4 * I).toISOString(), lastError: 'delta: Graph answered 503' });
    lock.release();
    expect(getBackoff(second, staff.id)).toBeNull();
    saveBackoff(first, staff.id, { failures: 1, untilMs: T0, lastError: null });
    acquireDaemonLock(second, { mode: 'loop', intervalMs: I, nowMs: T0 });
    expect(getBackoff(first, staff.id)).toBeNull();
  });
});
