// The sync engine end to end: the built CLI (daemon --once, sync) against the simulator over
// HTTPS, with a real SQLite store. Costs are read from the simulator's metrics.

import { afterEach, describe, expect, it } from 'vitest';
import { world, type World } from '../helpers/world.js';

const ALICE = 'alice@firm.example';
let w: World;
afterEach(async () => {
  await w?.stop();
});

const timed = (day: number, hour: number) => `2026-12-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00`;

async function addEvent(extra: string[], day = 1): Promise<number> {
  const e = await w.ok<{ id: number }>(['events', 'add', '--staff', ALICE, '--start', timed(day, 9), '--end', timed(day, 10), ...extra]);
  return e.id;
}

function mailbox(email = ALICE) {
  return w.sim.control.events(email, { calendar: 'primary' }).filter((e) => !e.deleted && e.type !== 'occurrence');
}

describe('pushing CaseFlow events to Outlook', () => {
  it('pushes N new events in sequential batches over four lanes, and a no-change run costs one request', async () => {
    w = await world();
    for (let i = 0; i < 25; i += 1) await addEvent(['--title', `Meeting ${i}`], 1 + (i % 20));
    const first = await w.ok(['daemon', '--once', '--staff', ALICE]);
    expect(first).toMatchObject({ staff: ALICE, pushed: { created: 25, updated: 0, deleted: 0 }, errors: [] });
    // 25 writes share four lanes evenly: 7, 6, 6 and 6, each batch a dependsOn chain.
    const batches = w.sim.control.requestLog().filter((e) => e.kind === 'batch').map((e) => (e.requestBody as { requests: unknown[] }).requests.length);
    expect(batches).toEqual([7, 6, 6, 6]);
    expect(w.sim.control.metrics().perMailbox[ALICE]).toMatchObject({ throttled: 0 });
    expect(mailbox()).toHaveLength(25);
    const listed = await w.ok<{ outlookId: string | null }[]>(['events', 'list']);
    expect(listed.every((e) => typeof e.outlookId === 'string')).toBe(true);

    w.sim.control.resetMetrics();
    const quiet = await w.ok(['daemon', '--once', '--staff', ALICE]);
    expect(quiet).toMatchObject({ pushed: { created: 0, updated: 0, deleted: 0 }, pulled: { created: 0, updated: 0, deleted: 0 } });
    expect(w.requests(ALICE)).toBe(1);
    const status = await w.ok(['status', '--staff', ALICE]);
    expect(status).toMatchObject({ pending: 0, lastError: null });
    expect(status.lastSuccessAt).toEqual(expect.any(String));
  });

  it('sends confidential events with the configured sensitivity and never their description', async () => {
    w = await world();
    await w.ok(['matters', 'add', '--name', 'Reyes v. Acme', '--assign', ALICE]);
    await addEvent(['--title', 'Hearing', '--category', 'Hearing', '--description', 'PRIVILEGED-strategy-notes-1234']);
    await addEvent(['--title', 'Deposition prep', '--matter', '1', '--description', 'PRIVILEGED-witness-list-5678'], 2);
    await addEvent(['--title', 'Team lunch', '--description', 'bring sandwiches'], 3);
    await w.ok(['deadlines', 'add', '--matter', '1', '--title', 'Expert report', '--due', '2026-12-10', '--description', 'PRIVILEGED-deadline-9012']);
    await w.ok(['daemon', '--once']);
    const byTitle = new Map(mailbox().map((e) => [e.subject as string, e]));
    for (const title of ['Hearing', 'Deposition prep', 'Deadline: Expert report']) {
      expect(byTitle.get(title)).toMatchObject({ sensitivity: 'confidential' });
      expect((byTitle.get(title)!.body as { content: string }).content).toBe('Confidential');
    }
    expect(byTitle.get('Team lunch')).toMatchObject({ sensitivity: 'normal' });
    const log = JSON.stringify(w.sim.control.requestLog());
    expect(log).not.toContain('PRIVILEGED');
    expect(log).not.toContain('strategy-notes');
    expect(log).toContain('bring sandwiches');
  });

  it('creates a Teams meeting and shows its join URL; recurring CaseFlow events are not pushed', async () => {
    w = await world();
    const call = await addEvent(['--title', 'Client call', '--teams', '--attendee', 'dana@client.example']);
    await addEvent(['--title', 'Standup', '--recurrence', 'FREQ=WEEKLY;COUNT=4'], 2);
    const run = await w.ok(['daemon', '--once']);
    expect(run[0].pushed.created).toBe(1);
    const shown = await w.ok(['events', 'show', String(call)]);
    expect(shown.teamsJoinUrl).toMatch(/^https:\/\//);
    expect(mailbox().map((e) => e.subject)).toEqual(['Client call']);
    expect(mailbox()[0]).toMatchObject({ isOnlineMeeting: true, onlineMeetingProvider: 'teamsForBusiness' });
  });
});

describe('pulling Outlook changes into CaseFlow', () => {
  it('pulls an Outlook edit and a new Outlook event; sync only pulls', async () => {
    w = await world();
    const id = await addEvent(['--title', 'Hearing', '--category', 'Hearing', '--description', 'real privileged notes']);
    await w.ok(['daemon', '--once']);
    const copy = mailbox()[0]!;
    w.sim.control.updateEvent(ALICE, copy.id, { subject: 'Hearing (moved)', start: { dateTime: '2026-12-01T11:00:00', timeZone: 'UTC' }, end: { dateTime: '2026-12-01T12:00:00', timeZone: 'UTC' } });
    w.sim.control.createEvent(ALICE, { subject: 'Dentist', start: { dateTime: '2026-12-05T08:00:00', timeZone: 'UTC' }, end: { dateTime: '2026-12-05T09:00:00', timeZone: 'UTC' }, body: { contentType: 'text', content: 'cleaning' } });
    await addEvent(['--title', 'Local only'], 6);

    const pulled = await w.ok(['sync', '--staff', ALICE]);
    expect(pulled).toMatchObject({ pulled: { created: 1, updated: 1, deleted: 0 }, pushed: { created: 0, updated: 0, deleted: 0 } });
    const hearing = await w.ok(['events', 'show', String(id)]);
    // The Outlook copy says "Confidential": it must never replace the real description.
    expect(hearing).toMatchObject({ title: 'Hearing (moved)', start: '2026-12-01T11:00:00.000Z', description: 'real privileged notes' });
    const events = await w.ok<{ title: string; source: string; description: string }[]>(['events', 'list']);
    expect(events.find((e) => e.title === 'Dentist')).toMatchObject({ source: 'outlook', description: 'cleaning' });
    expect(mailbox().map((e) => e.subject)).not.toContain('Local only');
    expect((await w.ok(['status', '--staff', ALICE])).pending).toBe(1);

    // Our own push does not come back as a change, and a replayed delta changes nothing.
    await w.ok(['daemon', '--once']);
    const again = await w.ok(['daemon', '--once']);
    expect(again[0]).toMatchObject({ pulled: { created: 0, updated: 0, deleted: 0 }, pushed: { created: 0, updated: 0, deleted: 0 } });
    expect(mailbox().map((e) => e.subject).sort()).toEqual(['Dentist', 'Hearing (moved)', 'Local only']);
  });

  it('deletes a CaseFlow event only when Outlook confirms the deletion, not when it leaves the window', async () => {
    w = await world();
    const gone = await addEvent(['--title', 'Cancelled meeting']);
    const moved = await addEvent(['--title', 'Moved far away'], 2);
    await w.ok(['daemon', '--once']);
    const byTitle = new Map(mailbox().map((e) => [e.subject as string, e]));
    w.sim.control.deleteEvent(ALICE, byTitle.get('Cancelled meeting')!.id);
    // Two years ahead: outside the 365-day window, so delta reports it @removed.
    w.sim.control.updateEvent(ALICE, byTitle.get('Moved far away')!.id, { start: { dateTime: '2028-12-02T09:00:00', timeZone: 'UTC' }, end: { dateTime: '2028-12-02T10:00:00', timeZone: 'UTC' } });
    const run = await w.ok(['sync', '--staff', ALICE]);
    expect(run.pulled.deleted).toBe(1);
    expect((await w.sb.json(['events', 'show', String(gone)])).code).toBe(2);
    expect((await w.ok(['events', 'show', String(moved)])).title).toBe('Moved far away');
    const audit = await w.ok<{ action: string; eventId: number; trigger: string }[]>(['audit', '--event', String(gone)]);
    expect(audit[0]).toMatchObject({ action: 'delete', trigger: 'manual' });
  });

  it('deleting in CaseFlow deletes in Outlook on the next scheduled run', async () => {
    w = await world();
    const id = await addEvent(['--title', 'Doomed']);
    await w.ok(['daemon', '--once']);
    await w.ok(['events', 'delete', String(id)]);
    const run = await w.ok(['daemon', '--once']);
    expect(run[0].pushed.deleted).toBe(1);
    expect(mailbox()).toHaveLength(0);
  });
});

describe('prefs, gating and failures', () => {
  it('the master switch pauses a staff member and the events toggle stops events only', async () => {
    w = await world();
    await addEvent(['--title', 'Hearing']);
    await w.ok(['tasks', 'add', '--staff', ALICE, '--title', 'Brief', '--due', '2026-12-03']);
    await w.ok(['prefs', 'set', '--staff', ALICE, '--enabled', 'off']);
    const paused = await w.ok(['daemon', '--once', '--staff', ALICE]);
    expect(paused.note).toContain('paused');
    expect(await w.ok(['daemon', '--once'])).toMatchObject([{ staff: ALICE, outcome: 'skipped', reason: 'paused' }]);
    expect(w.requests(ALICE)).toBe(0);
    await w.ok(['prefs', 'set', '--staff', ALICE, '--enabled', 'on', '--events', 'off']);
    const run = await w.ok(['daemon', '--once', '--staff', ALICE]);
    expect(run.pushed.created).toBe(1);
    expect(mailbox().map((e) => e.subject)).toEqual(['Task: Brief']);
  });

  it('a firm that is not gated in is refused with exit 3 before any request', async () => {
    w = await world();
    await w.ok(['firm', 'set', '--outlook-beta', 'off']);
    for (const args of [['sync', '--staff', ALICE], ['daemon', '--once']]) {
      const r = await w.sb.json(args);
      expect(r.code).toBe(3);
      expect(r.body.error.code).toBe('feature_not_enabled');
    }
    expect(w.requests(ALICE)).toBe(0);
  });

  it('a transient failure exits 4 with the underlying message and the retry command, and status keeps the error', async () => {
    w = await world();
    w.sim.control.setFaults({ random503: 1, retryAfterSeconds: 0.001 });
    const r = await w.sb.run(['sync', '--staff', ALICE]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/^error: delta: Graph answered 503/m);
    expect(r.stderr).toContain(`hint: safe to run again: caseflow-outlook sync --staff ${ALICE}`);
    w.sim.control.clearFaults();
    expect((await w.ok(['status', '--staff', ALICE])).lastError).toContain('503');
    const again = await w.sb.run(['sync', '--staff', ALICE]);
    expect(again.code).toBe(0);
    expect((await w.ok(['status', '--staff', ALICE])).lastError).toBeNull();
  });
});

describe('events add/update --push-now', () => {
  it('pushes the event at once, so it is in Outlook before any scheduled run', async () => {
    w = await world();
    const added = await w.ok(['events', 'add', '--staff', ALICE, '--title', 'Client call', '--start', timed(2, 14), '--end', timed(2, 15), '--attendee', 'dana@client.example', '--teams', '--push-now']);
    expect(added).toMatchObject({ title: 'Client call', outlookId: expect.any(String), teamsJoinUrl: expect.stringMatching(/^https:/), push: { pushed: { created: 1 } } });
    expect(mailbox().map((e) => e.subject)).toEqual(['Client call']);
    const updated = await w.ok(['events', 'update', String(added.id), '--title', 'Client call (moved)', '--push-now']);
    expect(updated.push.pushed.updated).toBe(1);
    expect(mailbox()[0]!.subject).toBe('Client call (moved)');
    const audit = await w.ok<{ trigger: string; direction: string }[]>(['audit', '--event', String(added.id)]);
    expect(audit[0]).toMatchObject({ trigger: 'manual', direction: 'outlook' });
  });

  it('refuses before writing anything when the owner is not connected, or the event is recurring', async () => {
    w = await world();
    await w.ok(['staff', 'add', '--email', 'bob@firm.example', '--name', 'Bob']);
    const r = await w.sb.json(['events', 'add', '--staff', 'bob@firm.example', '--title', 'X', '--start', timed(2, 9), '--end', timed(2, 10), '--push-now']);
    expect(r.code).toBe(3);
    expect(r.body.error.code).toBe('not_connected');
    const rec = await w.sb.run(['events', 'add', '--staff', ALICE, '--title', 'Y', '--start', timed(2, 9), '--end', timed(2, 10), '--recurrence', 'FREQ=DAILY;COUNT=2', '--push-now']);
    expect(rec.code).toBe(2);
    expect(rec.stderr).toContain('recurring events created in CaseFlow are not pushed');
    expect(await w.ok(['events', 'list'])).toEqual([]);
  });
});
