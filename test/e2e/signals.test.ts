// SIGTERM is SIGINT: `sync` stops cleanly with exit 130; `daemon --once` starts no one new, prints
// what finished and exits with the worst of that (the interruption itself counts as 0).
// The built CLI against the simulator; a held or slow Graph request keeps the run in flight.

import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { world, type World } from '../helpers/world.js';

const ALICE = 'alice@firm.example';
const BOB = 'bob@firm.example';
const CAROL = 'carol@firm.example';
let w: World;
afterEach(async () => {
  await w?.stop();
});

/** Runs the CLI and sends `signal` once `ready` resolves (a request in flight, seen by the simulator). */
async function interrupt(args: string[], ready: () => Promise<void>, signal: NodeJS.Signals) {
  let child: ChildProcess | undefined;
  const result = w.sb.run(args, { onSpawn: (c) => (child = c) });
  await ready();
  child!.kill(signal);
  return result;
}

describe('sync under SIGTERM', () => {
  it('exits 130 with one JSON error and nothing on stderr, and a later run syncs normally', async () => {
    w = await world([ALICE]);
    await w.ok(['events', 'add', '--staff', ALICE, '--title', 'Hearing', '--start', '2026-12-01T09:00', '--end', '2026-12-01T10:00']);
    w.sim.control.pause();
    const r = await interrupt(['--json', 'sync', '--staff', ALICE], () => w.sim.control.waitForInFlight(ALICE, 1), 'SIGTERM');
    w.sim.control.resume();
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({
      error: { code: 'interrupted', message: 'interrupted', hint: `what was written is kept; safe to run again: caseflow-outlook sync --staff ${ALICE}` },
    });
    // The lock was released and nothing half-done blocks the next run.
    expect((await w.ok(['sync', '--staff', ALICE])).outcome).toBe('synced');
  });

  it('without --json: one error line and a hint on stderr, no stack, nothing on stdout', async () => {
    w = await world([ALICE]);
    w.sim.control.pause();
    const r = await interrupt(['sync', '--staff', ALICE], () => w.sim.control.waitForInFlight(ALICE, 1), 'SIGTERM');
    w.sim.control.resume();
    expect(r.code).toBe(130);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`error: interrupted\nhint: what was written is kept; safe to run again: caseflow-outlook sync --staff ${ALICE}\n`);
  });
});

describe('daemon --once under a signal', () => {
  // One at a time: Alice's run finishes, Bob's is in flight (his mailbox's requests are held),
  // Carol's has not started when the signal comes.
  async function threeStaffInterrupted(signal: NodeJS.Signals, staff: string[] = [ALICE, BOB, CAROL]) {
    w = await world(staff);
    await w.ok(['daemon', '--once']);
    w.sim.control.pause(BOB);
    w.sim.control.resetMetrics();
    return interrupt(['--json', 'daemon', '--once', '--concurrency', '1'], () => w.sim.control.waitForInFlight(BOB, 1, 20_000), signal);
  }

  it.each(['SIGTERM', 'SIGINT'] as const)('%s: exit 0, the finished staff member is reported, no one new is started', async (signal) => {
    const r = await threeStaffInterrupted(signal);
    expect(r.code, r.stderr).toBe(0);
    const body = JSON.parse(r.stdout) as { staff: string; outcome: string; reason: string | null }[];
    expect(body.map((e) => [e.staff, e.outcome, e.reason])).toEqual([
      [ALICE, 'synced', null],
      [BOB, 'failed', 'interrupted'],
      [CAROL, 'skipped', 'interrupted'],
    ]);
    expect(w.requests(ALICE)).toBeGreaterThan(0);
    expect(w.requests(CAROL)).toBe(0);
    expect(r.stderr).toContain('interrupted: 1 run(s) in flight stopped, 1 staff member(s) not started');
  });

  it('a needs-reconnect found before the signal still makes the interrupted run exit 3', async () => {
    const dave = 'dave@firm.example';
    w = await world([ALICE, BOB, dave]);
    w.sim.control.revokeUser(dave);
    await w.sb.run(['daemon', '--once']);
    w.sim.control.pause(BOB);
    const r = await interrupt(['--json', 'daemon', '--once', '--concurrency', '1'], () => w.sim.control.waitForInFlight(BOB, 1, 20_000), 'SIGTERM');
    expect(r.code, r.stderr).toBe(3);
    const body = JSON.parse(r.stdout) as { staff: string; outcome: string; reason: string | null }[];
    expect(body.map((e) => [e.staff, e.outcome, e.reason])).toEqual([
      [ALICE, 'synced', null],
      [BOB, 'failed', 'interrupted'],
      [dave, 'skipped', 'needs-reconnect'],
    ]);
  });

  it('daemon --once --staff interrupted: exit 0 and that staff member reported as interrupted', async () => {
    w = await world([ALICE]);
    w.sim.control.pause();
    const r = await interrupt(['--json', 'daemon', '--once', '--staff', ALICE], () => w.sim.control.waitForInFlight(ALICE, 1), 'SIGINT');
    w.sim.control.resume();
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ staff: ALICE, outcome: 'failed', reason: 'interrupted' });
  });
});
