// No duplicates and no lost edits through lost responses, throttling, expired delta tokens,
// conflicts and concurrent runs: the built CLI against the simulator with faults injected.

import Database from 'better-sqlite3';
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { insertEvent } from '../../src/store/events.js';
import { inTransaction, openStore } from '../../src/store/open.js';
import { findStaff } from '../../src/store/staff.js';
import { world, WORLD_NOW, type World } from '../helpers/world.js';

const ALICE = 'alice@firm.example';
const BOB = 'bob@firm.example';
let w: World;
afterEach(async () => {
  await w?.stop();
});

function mailbox(email = ALICE) {
  return w.sim.control.events(email, { calendar: 'primary' }).filter((e) => !e.deleted && e.type !== 'occurrence');
}

async function addEvents(n: number, extra: string[] = []): Promise<void> {
  for (let i = 0; i < n; i += 1) {
    const day = String(1 + (i % 28)).padStart(2, '0');
    await w.ok(['events', 'add', '--staff', ALICE, '--title', `Item ${i}`, '--start', `2026-12-${day}T09:00`, '--end', `2026-12-${day}T10:00`, ...extra]);
  }
}

describe('resilience', () => {
  it('a write stored by Graph whose answer was lost makes no duplicate on the next run', async () => {
    w = await world();
    await addEvents(3);
    w.sim.control.setFaults({ storeThenFail: 3, storeThenFailMode: 'drop', retryAfterSeconds: 0.01 });
    await w.sb.json(['daemon', '--once', '--staff', ALICE]);
    w.sim.control.clearFaults();
    const second = await w.sb.json(['daemon', '--once', '--staff', ALICE]);
    expect(second.code).toBe(0);
    await w.ok(['daemon', '--once']);
    const subjects = mailbox().map((e) => e.subject).sort();
    expect(subjects).toEqual(['Item 0', 'Item 1', 'Item 2']);
    const events = await w.ok<{ outlookId: string }[]>(['events', 'list']);
    expect(new Set(events.map((e) => e.outlookId)).size).toBe(3);
    expect(events).toHaveLength(3);
  });

  it('creates that landed after their run was killed are found by their tag, linked, counted and audited once', async () => {
    w = await world();
    await addEvents(3);
    // The three creates wait in Graph; the process is killed meanwhile, and Graph stores them after.
    w.sim.control.setFaults({ batchItemLatencyMs: 400 });
    let child: ChildProcess | undefined;
    const killed = w.sb.run(['daemon', '--once', '--staff', ALICE], { onSpawn: (c) => (child = c) });
    await Promise.race([w.sim.control.waitForInFlight(ALICE, 3, 20_000), killed.then((r) => Promise.reject(new Error(`the run ended (${r.code}) before it was killed: ${r.stderr}`)))]);
    child!.kill('SIGKILL');
    expect((await killed).code).toBe(128);
    await w.sim.control.waitForIdle(ALICE);
    expect(mailbox()).toHaveLength(3);
    w.sim.control.clearFaults();
    w.sim.control.resetMetrics();

    const next = await w.ok<{ pushed: { created: number } }>(['daemon', '--once', '--staff', ALICE]);
    expect(next.pushed.created).toBe(3);
    expect(w.sim.control.metrics().byKind['event.create'] ?? 0).toBe(0);
    const made = (await w.ok<{ direction: string; eventId: number; outlookId: string; summary: string }[]>(['audit', '--action', 'create'])).filter((r) => r.direction === 'outlook');
    expect(made.map((r) => r.eventId).sort()).toEqual([1, 2, 3]);
    expect(new Set(made.map((r) => r.outlookId))).toEqual(new Set(mailbox().map((e) => e.immutableId)));
    expect(made[0]!.summary).toMatch(/^created in Outlook: Item \d; made by an earlier run that never read the answer, found again by its CaseFlow tag$/);
    // Nothing twice: the run after finds nothing to make or to audit.
    expect((await w.ok<{ pushed: { created: number } }>(['daemon', '--once', '--staff', ALICE])).pushed.created).toBe(0);
    expect((await w.ok<unknown[]>(['audit', '--action', 'create'])).length).toBe(6);
    expect(mailbox()).toHaveLength(3);
  });

  it('a run killed in its second round of writes has kept the first round linked: the next run looks for the second only', async () => {
    w = await world();
    // 160 events, added in one transaction (160 `events add` would take seconds), so 160 writes:
    // two rounds of four batches of 20.
    const store = openStore(w.sb.db);
    const staffId = findStaff(store, ALICE)!.id;
    inTransaction(store, () => {
      for (let i = 0; i < 160; i += 1) {
        const day = String(1 + (i % 28)).padStart(2, '0');
        const input = { staffId, title: `Item ${i}`, description: 'notes', allDay: false, start: `2026-12-${day}T09:00:00.000Z`, end: `2026-12-${day}T10:00:00.000Z`, timeZone: 'UTC', location: '' };
        insertEvent(store, { ...input, categoryId: null, matterId: null, teamsMeeting: false, recurrence: null, attendees: [] }, WORLD_NOW);
      }
    });
    store.close();
    // A budget of 95 requests: the delta read and the first round (4 envelopes and 80 items) fit;
    // each batch of the second round (21) does not, so it waits for the budget's window after its
    // claims are written. No timing decides where the run stands when it is killed.
    const tight = writeConfig({ graph: { requestsPer10Minutes: 95 } });
    let child: ChildProcess | undefined;
    const killed = w.sb.run(['--config', tight, 'daemon', '--once', '--staff', ALICE], { onSpawn: (c) => (child = c) });
    const db = new Database(w.sb.db, { readonly: true });
    const states = () => Object.fromEntries((db.prepare('SELECT state, count(*) AS n FROM links GROUP BY state').all() as { state: string; n: number }[]).map((r) => [r.state, r.n]));
    // The store has no event for it: sample it each millisecond until the first round is recorded
    // and the second claimed (before, nothing was recorded until every batch had answered).
    let poll: NodeJS.Timeout | undefined;
    const recorded = new Promise<void>((resolve, reject) => {
      const deadline = Date.now() + 20_000;
      poll = setInterval(() => {
        const now = states();
        if (now.linked === 80 && now.creating === 80) resolve();
        else if (Date.now() > deadline) reject(new Error(`the first round was not recorded while the second waited: ${JSON.stringify(now)}`));
      }, 1);
    });
    await Promise.race([recorded, killed.then((r) => Promise.reject(new Error(`the run ended (${r.code}) before it was killed: ${r.stderr}`)))]).finally(() => clearInterval(poll));
    child!.kill('SIGKILL');
    expect((await killed).code).toBe(128);
    expect(states()).toEqual({ linked: 80, creating: 80 });
    db.close();
    expect(mailbox()).toHaveLength(80);

    // The next run, with the usual budget: each of the 80 claimed is looked for once, then created once.
    w.sim.control.resetMetrics();
    await w.ok(['daemon', '--once', '--staff', ALICE]);
    const m = w.sim.control.metrics();
    expect(m.byKind['event.list'] ?? 0).toBe(80);
    expect(m.byKind['event.create'] ?? 0).toBe(80);
    expect(new Set(mailbox().map((e) => e.subject)).size).toBe(160);
    expect(mailbox()).toHaveLength(160);
    const status = await w.ok<{ staff: { pending: number }[] }>(['status', '--staff', ALICE]);
    expect(JSON.stringify(status)).not.toContain('"creating"');
  });

  it('a delta answer that is not JSON fails the run with one line saying so', async () => {
    w = await world();
    await addEvents(1);
    w.sim.control.setFaults({ corruptBody: 1, corruptMode: 'non-json' });
    const r = await w.sb.json(['daemon', '--once', '--staff', ALICE]);
    expect(r.code).toBe(4);
    expect((r.body as { error: { message: string } }).error.message).toBe('delta: Graph answered 200 with a body that is not JSON');
    w.sim.control.clearFaults();
    await w.ok(['daemon', '--once', '--staff', ALICE]);
    expect(mailbox().map((e) => e.subject)).toEqual(['Item 0']);
  });

  it('converges under 30% random 429s with latency, never above 4 requests in flight', async () => {
    w = await world();
    await addEvents(30, ['--description', 'x']);
    w.sim.control.setFaults({ random429: 0.3, latencyMs: [2, 15], retryAfterSeconds: 0.01, seed: 7 });
    for (let run = 0; run < 4; run += 1) await w.sb.json(['daemon', '--once', '--staff', ALICE]);
    w.sim.control.clearFaults();
    const final = await w.ok(['daemon', '--once', '--staff', ALICE]);
    expect(final.errors).toEqual([]);
    expect(mailbox()).toHaveLength(30);
    expect(new Set(mailbox().map((e) => e.subject)).size).toBe(30);
    const metrics = w.sim.control.metrics();
    expect(metrics.throttled).toBeGreaterThan(0);
    expect(metrics.perMailbox[ALICE]!.peakInFlight).toBeLessThanOrEqual(4);
    expect((await w.ok(['status', '--staff', ALICE])).pending).toBe(0);
  });

  it('an expired delta token starts a full round that creates nothing twice', async () => {
    w = await world();
    await addEvents(4);
    w.sim.control.createEvent(ALICE, { subject: 'From Outlook', start: { dateTime: '2026-12-20T08:00:00', timeZone: 'UTC' }, end: { dateTime: '2026-12-20T09:00:00', timeZone: 'UTC' } });
    await w.ok(['daemon', '--once']);
    const before = await w.ok<unknown[]>(['events', 'list']);
    expect(before).toHaveLength(5);
    const toDelete = mailbox().find((e) => e.subject === 'Item 1')!;
    w.sim.control.deleteEvent(ALICE, toDelete.id);
    w.sim.control.expireDeltaTokens(ALICE);
    const run = await w.ok(['sync', '--staff', ALICE]);
    expect(run.pulled).toEqual({ created: 0, updated: 0, deleted: 1 });
    const after = await w.ok<{ title: string }[]>(['events', 'list']);
    expect(after.map((e) => e.title).sort()).toEqual(['From Outlook', 'Item 0', 'Item 2', 'Item 3']);
    expect(w.sim.control.requestLog().some((r) => r.status === 410)).toBe(true);
    await w.ok(['daemon', '--once']);
    expect(mailbox()).toHaveLength(4);
  });

  it('a protected event changed on both sides is recorded, left alone, and resolved on request', async () => {
    w = await world();
    await w.ok(['events', 'add', '--staff', ALICE, '--title', 'Hearing', '--category', 'Hearing', '--start', '2026-12-01T09:00', '--end', '2026-12-01T10:00', '--location', 'Court 1']);
    await w.ok(['daemon', '--once']);
    w.sim.control.updateEvent(ALICE, mailbox()[0]!.id, { location: { displayName: 'Court 7 (Outlook)' } });
    await w.ok(['events', 'update', '1', '--location', 'Court 3 (CaseFlow)']);
    const run = await w.ok(['daemon', '--once']);
    expect(run[0].conflicts).toBe(1);
    expect((await w.ok(['events', 'show', '1'])).location).toBe('Court 3 (CaseFlow)');
    expect((mailbox()[0]!.location as { displayName: string }).displayName).toBe('Court 7 (Outlook)');
    const conflicts = await w.ok<{ id: number; status: string; caseflow: { location: string }; outlook: { location: string } }[]>(['conflicts', 'list']);
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]).toMatchObject({ status: 'open', caseflow: { location: 'Court 3 (CaseFlow)' }, outlook: { location: 'Court 7 (Outlook)' } });
    // Paused: another run changes neither side.
    await w.ok(['daemon', '--once']);
    expect((mailbox()[0]!.location as { displayName: string }).displayName).toBe('Court 7 (Outlook)');
    expect((await w.ok(['status', '--staff', ALICE])).openConflicts).toBe(1);

    const resolved = await w.ok(['conflicts', 'resolve', String(conflicts[0]!.id), '--keep', 'caseflow']);
    expect(resolved).toMatchObject({ kept: 'caseflow', pushed: { updated: 1 } });
    expect((mailbox()[0]!.location as { displayName: string }).displayName).toBe('Court 3 (CaseFlow)');
    const shown = await w.ok(['conflicts', 'show', String(conflicts[0]!.id)]);
    expect(shown).toMatchObject({ status: 'resolved', resolution: 'caseflow', resolvedBy: expect.any(String), resolvedAt: expect.any(String) });
    const quiet = await w.ok(['daemon', '--once']);
    expect(quiet[0]).toMatchObject({ conflicts: 0, pushed: { updated: 0 }, pulled: { updated: 0 } });
  });

  it('a normal event changed on both sides: Outlook wins and the CaseFlow version is kept in the audit log', async () => {
    w = await world();
    await w.ok(['events', 'add', '--staff', ALICE, '--title', 'Lunch', '--start', '2026-12-01T12:00', '--end', '2026-12-01T13:00']);
    await w.ok(['daemon', '--once']);
    w.sim.control.updateEvent(ALICE, mailbox()[0]!.id, { subject: 'Lunch (Outlook)' });
    await w.ok(['events', 'update', '1', '--title', 'Lunch (CaseFlow)']);
    const run = await w.ok(['daemon', '--once']);
    expect(run[0]).toMatchObject({ conflicts: 1, pulled: { updated: 1 } });
    expect((await w.ok(['events', 'show', '1'])).title).toBe('Lunch (Outlook)');
    const audit = await w.ok<{ action: string; summary: string }[]>(['audit', '--event', '1']);
    expect(audit[0]).toMatchObject({ action: 'conflict-outlook-wins' });
    expect(mailbox()[0]!.subject).toBe('Lunch (Outlook)');
  });

  it('the same edit on both sides is not a conflict', async () => {
    w = await world();
    await w.ok(['events', 'add', '--staff', ALICE, '--title', 'Hearing', '--category', 'Hearing', '--start', '2026-12-01T09:00', '--end', '2026-12-01T10:00']);
    await w.ok(['daemon', '--once']);
    w.sim.control.updateEvent(ALICE, mailbox()[0]!.id, { subject: 'Hearing (adjourned)' });
    await w.ok(['events', 'update', '1', '--title', 'Hearing (adjourned)']);
    const run = await w.ok(['daemon', '--once']);
    expect(run[0]).toMatchObject({ conflicts: 0, pushed: { updated: 0 }, pulled: { updated: 0 } });
    expect(await w.ok(['conflicts', 'list'])).toEqual([]);
  });

  it('one meeting, one CaseFlow event: an invitation in a colleague\'s mailbox links, it is not created twice', async () => {
    w = await world([ALICE, BOB]);
    await w.ok(['events', 'add', '--staff', ALICE, '--title', 'Strategy meeting', '--start', '2026-12-02T15:00', '--end', '2026-12-02T16:00', '--attendee', BOB]);
    await w.ok(['daemon', '--once']);
    const meeting = mailbox(ALICE)[0]!;
    w.sim.control.acceptInvitation(BOB, { iCalUId: meeting.iCalUId, organizer: ALICE });
    await w.ok(['daemon', '--once']);
    const events = await w.ok<{ title: string; attendees: { email: string }[] }[]>(['events', 'list']);
    expect(events).toHaveLength(1);
    expect(events[0]!.attendees.map((a) => a.email)).toContain(BOB);
    // The link holds: later runs neither drop nor make it again.
    const later = await w.ok<{ staff: string; pulled: { created: number; updated: number; deleted: number } }[]>(['daemon', '--once']);
    expect(later.map((s) => s.pulled)).toEqual([{ created: 0, updated: 0, deleted: 0 }, { created: 0, updated: 0, deleted: 0 }]);
    const audit = await w.ok<{ action: string }[]>(['audit', '--limit', '100']);
    expect(audit.filter((a) => a.action === 'link-attendee')).toHaveLength(1);
    const db = new Database(w.sb.db, { readonly: true });
    const links = db.prepare("SELECT s.email, l.role FROM links l JOIN staff s ON s.id = l.staff_id ORDER BY s.email").all();
    db.close();
    expect(links).toEqual([{ email: ALICE, role: 'owner' }, { email: BOB, role: 'attendee' }]);
  });

  it('recurring Outlook events arrive read-only and refuse CaseFlow edits', async () => {
    w = await world();
    w.sim.control.createEvent(ALICE, {
      subject: 'Weekly partners meeting',
      start: { dateTime: '2026-12-01T10:00:00', timeZone: 'UTC' },
      end: { dateTime: '2026-12-01T11:00:00', timeZone: 'UTC' },
      recurrence: { pattern: { type: 'weekly', interval: 1, daysOfWeek: ['tuesday'] }, range: { type: 'numbered', startDate: '2026-12-01', numberOfOccurrences: 3 } },
    });
    const run = await w.ok(['sync', '--staff', ALICE]);
    expect(run.pulled.created).toBe(3);
    const events = await w.ok<{ id: number; title: string; readOnly: boolean; recurringInOutlook: boolean }[]>(['events', 'list']);
    expect(events.every((e) => e.title === 'Weekly partners meeting' && e.readOnly && e.recurringInOutlook)).toBe(true);
    const refused = await w.sb.run(['events', 'update', String(events[0]!.id), '--title', 'x']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('Recurring in Microsoft 365');
    await w.ok(['daemon', '--once']);
    expect(mailbox().filter((e) => e.type === 'singleInstance')).toHaveLength(0);
  });

  it('a second run for the same staff member while one holds the lock exits 5', async () => {
    w = await world();
    await addEvents(1);
    w.sim.control.pause();
    const first = w.sb.json(['daemon', '--once', '--staff', ALICE]);
    await w.sim.control.waitForInFlight(ALICE, 1, 10_000);
    const second = await w.sb.json(['sync', '--staff', ALICE]);
    expect(second.code).toBe(5);
    expect(second.body.error.code).toBe('busy');
    w.sim.control.resume();
    expect((await first).code).toBe(0);
  });

  it('a revoked sign-in with a still-valid cached access token is exit 3 and needs reconnect, not a retry', async () => {
    w = await world();
    await w.ok(['daemon', '--once', '--staff', ALICE]);
    w.sim.control.revokeUser(ALICE);
    const r = await w.sb.json(['sync', '--staff', ALICE]);
    expect(r.code).toBe(3);
    expect(r.body.error.code).toBe('needs_reconnect');
    expect((await w.ok(['status', '--staff', ALICE])).needsReconnect).toBe(true);
    // One refused Graph call, one refused refresh: no retry storm.
    const graphCalls = w.sim.control.requestLog().filter((e) => e.path.startsWith('/v1.0/') && e.status === 401);
    expect(graphCalls).toHaveLength(1);
  });

  it('a CaseFlow edit made while a run is in flight is not overwritten by that run', async () => {
    w = await world();
    await w.ok(['events', 'add', '--staff', ALICE, '--title', 'Lunch', '--start', '2026-12-01T12:00', '--end', '2026-12-01T13:00']);
    await w.ok(['daemon', '--once']);
    w.sim.control.updateEvent(ALICE, mailbox()[0]!.id, { subject: 'Lunch (Outlook)' });
    w.sim.control.pause();
    const run = w.sb.json(['daemon', '--once', '--staff', ALICE]);
    await w.sim.control.waitForInFlight(ALICE, 1, 10_000);
    await w.ok(['events', 'update', '1', '--title', 'Lunch (CaseFlow, during the run)']);
    w.sim.control.resume();
    const done = await run;
    expect(done.code, done.stderr).toBe(0);
    expect((await w.ok(['events', 'show', '1'])).title).toBe('Lunch (CaseFlow, during the run)');
    // The next run sees both sides changed: Outlook wins and the CaseFlow edit is in the audit.
    const next = await w.ok(['daemon', '--once']);
    expect(next[0].conflicts).toBe(1);
    const audit = await w.ok<{ action: string }[]>(['audit', '--event', '1']);
    expect(audit.map((a) => a.action)).toContain('conflict-outlook-wins');
  });

  it('an unkind delta (shuffled, duplicated, replayed, empty pages, series masters) creates nothing twice', async () => {
    w = await world();
    await addEvents(6);
    await w.ok(['daemon', '--once']);
    w.sim.control.setFaults({ deltaShuffle: true, deltaDuplicate: 0.5, deltaReplay: 1, deltaEmptyPage: 0.5, deltaSeriesMaster: 1, seed: 11 });
    for (let i = 0; i < 3; i += 1) w.sim.control.createEvent(ALICE, { subject: `Outlook ${i}`, start: { dateTime: `2026-12-1${i}T08:00:00`, timeZone: 'UTC' }, end: { dateTime: `2026-12-1${i}T09:00:00`, timeZone: 'UTC' } });
    w.sim.control.updateEvent(ALICE, mailbox().find((e) => e.subject === 'Item 2')!.id, { subject: 'Item 2 (edited)' });
    for (let run = 0; run < 3; run += 1) await w.ok(['daemon', '--once']);
    const events = await w.ok<{ title: string; outlookId: string }[]>(['events', 'list']);
    expect(events.map((e) => e.title).sort()).toEqual(['Item 0', 'Item 1', 'Item 2 (edited)', 'Item 3', 'Item 4', 'Item 5', 'Outlook 0', 'Outlook 1', 'Outlook 2']);
    expect(new Set(events.map((e) => e.outlookId)).size).toBe(9);
    expect(mailbox()).toHaveLength(9);
  });

  it('a delta paging loop is detected, abandoned with exit 4, and a later run recovers', async () => {
    w = await world();
    await addEvents(2);
    w.sim.control.setFaults({ deltaLoop: true });
    const looped = await w.sb.run(['sync', '--staff', ALICE]);
    expect(looped.code).toBe(4);
    expect(looped.stderr).toContain('paging loop');
    w.sim.control.clearFaults();
    expect((await w.ok(['daemon', '--once']))[0].pushed.created).toBe(2);
  });

  it('an unfinished create of an item no longer pushed is looked up once, then forgotten', async () => {
    w = await world();
    await w.ok(['tasks', 'add', '--staff', ALICE, '--title', 'Brief', '--due', '2026-12-03']);
    // The state a crash leaves between writing the link and hearing Graph's answer.
    const db = new Database(w.sb.db);
    const store = (db.prepare("SELECT value FROM store_meta WHERE key = 'instance_id'").get() as { value: string }).value;
    const uid = (db.prepare('SELECT uid FROM tasks WHERE id = 1').get() as { uid: string }).uid;
    db.prepare("INSERT INTO links (staff_id, kind, local_id, item_uid, tag, transaction_id, state) VALUES (1, 'task', 1, ?, ?, 'tx-crashed', 'creating')").run(uid, `cfo1:${store}:task:${uid}`);
    db.close();
    await w.ok(['prefs', 'set', '--staff', ALICE, '--tasks', 'off']);
    w.sim.control.resetMetrics();
    await w.ok(['daemon', '--once']);
    expect(w.sim.control.metrics().byKind['event.list']).toBe(1);
    w.sim.control.resetMetrics();
    await w.ok(['daemon', '--once']);
    expect(w.requests(ALICE)).toBe(1);
    expect(mailbox()).toHaveLength(0);
  });

  it('the mass-deletion breaker holds deletes until --allow-deletes', async () => {
    w = await world();
    await w.ok(['firm', 'show']);
    await addEvents(4);
    await w.ok(['daemon', '--once']);
    for (const e of mailbox()) w.sim.control.deleteEvent(ALICE, e.id);
    const held = await w.sb.json(['--config', writeConfig({ sync: { maxDeletesPerRun: 2 } }), 'sync', '--staff', ALICE]);
    expect(held.code).toBe(3);
    expect(held.body.pulled.deleted).toBe(0);
    expect(held.body.breaker).toMatchObject({ wouldDelete: 4, limit: 2 });
    expect((await w.ok<unknown[]>(['events', 'list']))).toHaveLength(4);
    const status = await w.ok(['status', '--staff', ALICE]);
    expect(status.warnings.join(' ')).toContain('mass-deletion breaker');
    const allowed = await w.sb.json(['--config', writeConfig({ sync: { maxDeletesPerRun: 2 } }), 'sync', '--staff', ALICE, '--allow-deletes']);
    expect(allowed.body, allowed.stderr).toMatchObject({ pulled: { deleted: 4 } });
    expect(await w.ok<unknown[]>(['events', 'list'])).toEqual([]);
  });
});

function writeConfig(body: unknown): string {
  const path = join(w.sb.dir, `config-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify(body));
  return path;
}
