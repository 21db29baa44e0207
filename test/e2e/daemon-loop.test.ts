// The looping daemon as a real process against the simulator. CASEFLOW_DAEMON_TIME_SCALE=0.01
// shrinks every duration of its loop a hundredfold (an interval of 30 s is 0.3 s, the quiet
// delay of 2 s is 20 ms, the store is read every 10 ms), so several cycles take a second.
// Everything is waited for in the daemon's own log lines or the simulator's request log.

import { copyFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import type { CliResult } from '../helpers/cli.js';
import { world, type World } from '../helpers/world.js';

const ALICE = 'alice@firm.example';
const BOB = 'bob@firm.example';
const FAST = { CASEFLOW_DAEMON_TIME_SCALE: '0.01' };

type Line = Record<string, any> & { event?: string; message: string };

interface Daemon {
  child: ChildProcess;
  lines: Line[];
  /** The first log line (past or to come) for which `match` holds. */
  line: (match: (l: Line) => boolean, what: string, timeoutMs?: number) => Promise<Line>;
  /** SIGTERM; resolves with the result and how long the process took to exit. */
  stop: () => Promise<CliResult & { ms: number }>;
  done: Promise<CliResult>;
}

let w: World;
let running: Daemon | undefined;
afterEach(async () => {
  running?.child.kill('SIGKILL');
  running = undefined;
  await w?.stop();
});

/** Spawns `caseflow-outlook ARGS` (a looping daemon) and reads its log lines as they come. */
function startDaemon(args: string[]): Daemon {
  const lines: Line[] = [];
  const waiters: { match: (l: Line) => boolean; resolve: (l: Line) => void }[] = [];
  let buffer = '';
  let child!: ChildProcess;
  const done = w.sb.run(args, {
    env: FAST,
    onSpawn: (c) => {
      child = c;
      c.stdout!.on('data', (chunk: string) => {
        buffer += chunk;
        for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
          const text = buffer.slice(0, i);
          buffer = buffer.slice(i + 1);
          // Every stdout line is one JSON object (stdout is a pipe): JSON.parse throws otherwise.
          const line = JSON.parse(text) as Line;
          lines.push(line);
          for (const waiter of waiters.filter((x) => x.match(line))) {
            waiters.splice(waiters.indexOf(waiter), 1);
            waiter.resolve(line);
          }
        }
      });
    },
  });
  const line = (match: (l: Line) => boolean, what: string, timeoutMs = 10_000) =>
    new Promise<Line>((resolve, reject) => {
      const seen = lines.find(match);
      if (seen) return resolve(seen);
      const timer = setTimeout(() => reject(new Error(`no daemon log line ${what} within ${timeoutMs} ms; got:\n${lines.map((l) => l.message).join('\n')}`)), timeoutMs);
      waiters.push({ match, resolve: (l) => (clearTimeout(timer), resolve(l)) });
    });
  const stop = async () => {
    const sent = Date.now();
    child.kill('SIGTERM');
    const r = await done;
    return { ...r, ms: Date.now() - sent };
  };
  running = { child, lines, line, stop, done } as Daemon;
  return running;
}

const cycleEnds = (d: Daemon, kind = 'scheduled') => d.lines.filter((l) => l.event === 'cycle.end' && l.kind === kind);
const staffLines = (d: Daemon, cycle: number) => Object.fromEntries(d.lines.filter((l) => l.event === 'staff' && l.cycle === cycle).map((l) => [l.staff, l]));

/** Polls the simulator's request log (no Graph request is left out of it) until `find` finds one. */
async function request<T>(find: () => T | undefined, timeoutMs = 5_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > until) throw new Error('the simulator never saw the request');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('daemon (looping)', () => {
  it('cycles every interval; a revoked staff member is reported in every cycle while the other syncs; SIGHUP re-reads the config; SIGTERM exits 0 at once', async () => {
    w = await world([ALICE, BOB]);
    await w.ok(['events', 'add', '--staff', BOB, '--title', 'Hearing', '--category', 'Hearing', '--start', '2026-12-01T09:00', '--end', '2026-12-01T10:00', '--description', 'privileged notes']);
    w.sim.control.revokeUser(ALICE);
    const config = join(w.sb.dir, 'config.json');
    writeFileSync(config, JSON.stringify({ daemon: { quietSeconds: 2 } }));

    const d = startDaemon(['--config', config, 'daemon', '--interval', '30']);
    await d.line(() => cycleEnds(d).length >= 3, 'ending a third scheduled cycle');
    const [c1, c2, c3] = cycleEnds(d).map((l) => l.cycle as number);
    // The first run meets the revoked sign-in; every later cycle reports it without asking Microsoft.
    expect(staffLines(d, c1!)[ALICE]).toMatchObject({ outcome: 'failed', reason: 'needs-reconnect', level: 'error', note: expect.stringContaining(`connect --staff ${ALICE} --force`) });
    for (const c of [c2!, c3!]) expect(staffLines(d, c)[ALICE]).toMatchObject({ outcome: 'skipped', reason: 'needs-reconnect', level: 'warn' });
    expect(staffLines(d, c1!)[BOB]).toMatchObject({ outcome: 'synced', pushed: { created: 1 } });
    for (const c of [c2!, c3!]) expect(staffLines(d, c)[BOB]).toMatchObject({ outcome: 'synced', pushed: { created: 0 } });
    expect(cycleEnds(d)[1]).toMatchObject({ synced: 1, skipped: 1, failed: 0, durationMs: expect.any(Number), nextCycleAt: expect.any(String) });
    expect(d.lines[0]).toMatchObject({ event: 'daemon.start', pid: d.child.pid, intervalSeconds: 30, quietSeconds: 2 });

    writeFileSync(config, JSON.stringify({ sync: { intervalSeconds: 600 }, daemon: { quietSeconds: 5, concurrency: 2 } }));
    d.child.kill('SIGHUP');
    const reloaded = await d.line((l) => l.event === 'config.reloaded', 'saying the config was re-read');
    // The flag still wins over the file, as at start.
    expect(reloaded).toMatchObject({ changed: ['daemon.concurrency', 'daemon.quietSeconds'], intervalSeconds: 30, quietSeconds: 5, concurrency: 2 });
    const after = d.lines.indexOf(reloaded);
    await d.line((l) => l.event === 'cycle.end' && d.lines.indexOf(l) > after, 'ending a cycle after the reload');

    const r = await d.stop();
    expect(r.code, r.stderr).toBe(0);
    expect(r.ms).toBeLessThan(3_000);
    expect(r.stderr).toBe('');
    expect(d.lines.at(-1)).toMatchObject({ event: 'daemon.stop' });
    expect(r.stdout).not.toMatch(/privileged|eyJ[\w-]{5,}\.|bearer /i);
    const status = await w.ok<{ daemon: { running: boolean; pid: number; lastCycleEndedAt: string } }[]>(['status']);
    expect(status[0]!.daemon).toMatchObject({ running: false, pid: d.child.pid, lastCycleEndedAt: expect.any(String), nextCycleAt: null });
  });

  it('a CaseFlow edit reaches Outlook within seconds, asking only its owner\'s mailbox; a second daemon is refused with exit 5 and the pid; status shows the heartbeat; SIGTERM with a push in flight exits 0 at once and leaves the edit pending', async () => {
    w = await world([ALICE, BOB]);
    // An interval of an hour (36 s here): whatever reaches Outlook during the test came by the prompt push.
    const d = startDaemon(['daemon', '--interval', '3600']);
    await d.line((l) => l.event === 'cycle.end', 'ending the first cycle');
    w.sim.control.resetMetrics();
    const since = w.sim.control.requestLog().at(-1)?.seq ?? 0;

    const added = await w.sb.run(['events', 'add', '--staff', BOB, '--title', 'Deposition prep', '--start', '2026-12-02T09:00', '--end', '2026-12-02T10:00'], { spawn: true });
    expect(added.code, added.stderr).toBe(0);
    const committed = Date.now();
    const create = await request(() => w.sim.control.requestLog(since).find((e) => e.method === 'POST' && e.path === '/v1.0/me/events' && (e.requestBody as { subject?: string })?.subject === 'Deposition prep'));
    expect(create).toMatchObject({ mailbox: BOB, status: 201 });
    expect(Date.parse(create.time) - committed).toBeLessThan(3_000);
    const push = await d.line((l) => l.event === 'cycle.end' && l.kind === 'push', 'ending the push cycle');
    expect(push).toMatchObject({ synced: 1, failed: 0 });
    expect(cycleEnds(d)).toHaveLength(1);
    // Alice had nothing pending: not one request for her mailbox.
    expect(w.requests(ALICE)).toBe(0);

    const second = await w.sb.run(['daemon'], { spawn: true });
    expect(second.code).toBe(5);
    expect(second.stderr).toMatch(new RegExp(`^error: a daemon is already running on this store: pid ${d.child.pid}, started `));
    expect(second.stderr).toMatch(/\nhint: .*caseflow-outlook status/);
    const once = await w.sb.json(['daemon', '--once']);
    expect(once.code).toBe(5);
    expect(once.body.error).toMatchObject({ code: 'daemon_running', message: expect.stringContaining(`pid ${d.child.pid}`) });

    const status = await w.ok<{ staff: string; nextRunAt: string | null; backoff: unknown; daemon: Record<string, unknown> }[]>(['status']);
    for (const s of status) {
      expect(s.daemon).toMatchObject({ running: true, mode: 'loop', pid: d.child.pid, lastCycleStartedAt: expect.any(String), lastCycleEndedAt: expect.any(String), nextCycleAt: expect.any(String) });
      expect(s.nextRunAt).toBe(s.daemon.nextCycleAt);
      expect(s.backoff).toBeNull();
    }

    // SIGTERM with a push in flight (Graph holds the request): the run is abandoned, exit 0 at once,
    // and the edit simply stays pending for the next run.
    w.sim.control.pause();
    const more = await w.sb.run(['events', 'add', '--staff', BOB, '--title', 'Witness call', '--start', '2026-12-03T09:00', '--end', '2026-12-03T10:00'], { spawn: true });
    expect(more.code, more.stderr).toBe(0);
    await w.sim.control.waitForInFlight(BOB, 1);
    const r = await d.stop();
    w.sim.control.resume();
    expect(r.code, r.stderr).toBe(0);
    expect(r.ms).toBeLessThan(3_000);
    expect(d.lines.filter((l) => l.event === 'staff' && l.reason === 'interrupted').map((l) => l.staff)).toEqual([BOB]);
    expect(d.lines.at(-1)).toMatchObject({ event: 'daemon.stop' });
    expect(await w.ok(['status', '--staff', BOB])).toMatchObject({ pending: 1, daemon: { running: false } });
  });

  it('a store file replaced under it (restored from a backup) stops it with exit 1, so a supervisor restarts it on the new file', async () => {
    w = await world([ALICE]);
    const d = startDaemon(['daemon', '--interval', '30']);
    await d.line((l) => l.event === 'cycle.end', 'ending the first cycle');
    renameSync(w.sb.db, `${w.sb.db}.old`);
    copyFileSync(`${w.sb.db}.old`, w.sb.db);
    const r = await d.done;
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`error: the store file ${w.sb.db} was replaced while the daemon ran: stopping\nhint: start the daemon again (under systemd it is restarted for you): caseflow-outlook daemon\n`);
  });

  it('the breaker holds a mass delete made while it runs; sync --allow-deletes lets the daemon push them', async () => {
    w = await world([ALICE]);
    const config = join(w.sb.dir, 'config.json');
    // 60 s of quiet (0.6 s here): the three deletions, one command each, make one push even on a
    // loaded machine, as a person's mass delete would; 2 s (20 ms here) could split them in two.
    writeFileSync(config, JSON.stringify({ sync: { maxDeletesPerRun: 2 }, daemon: { quietSeconds: 60 } }));
    for (let i = 1; i <= 3; i += 1) await w.ok(['events', 'add', '--staff', ALICE, '--title', `Meeting ${i}`, '--start', `2026-12-0${i}T09:00`, '--end', `2026-12-0${i}T10:00`]);
    const d = startDaemon(['--config', config, 'daemon', '--interval', '3600']);
    await d.line((l) => l.event === 'cycle.end', 'ending the first cycle');
    expect(w.sim.control.events(ALICE, { calendar: 'primary' }).filter((e) => !e.deleted)).toHaveLength(3);
    for (let i = 1; i <= 3; i += 1) await w.ok(['--config', config, 'events', 'delete', String(i)]);
    // The prompt push meets the breaker: nothing is deleted in Outlook, and status says why.
    await d.line((l) => l.event === 'staff' && l.staff === ALICE && typeof l.note === 'string' && l.note.includes('--allow-deletes'), 'holding the deletions back');
    expect(w.sim.control.events(ALICE, { calendar: 'primary' }).filter((e) => !e.deleted)).toHaveLength(3);
    const held = await w.ok(['--config', config, 'status', '--staff', ALICE]);
    expect(held.warnings.join(' ')).toContain('mass-deletion breaker');
    // A person lets them through; the daemon's next push carries them out.
    await w.sb.run(['--config', config, 'sync', '--staff', ALICE, '--allow-deletes']);
    await request(() => (w.sim.control.events(ALICE, { calendar: 'primary' }).filter((e) => !e.deleted).length === 0 ? true : undefined), 10_000);
    const r = await d.stop();
    expect(r.code, r.stderr).toBe(0);
  });
});
