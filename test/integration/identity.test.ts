// What the tool puts into Outlook to know its events again is unique for all time and this
// store's own: ids are never reused, a second store never claims our events, a store restored
// from a backup knows its own. The CLI runs in this process against the simulator over HTTPS with
// a real SQLite file; what reached Outlook is read from the simulator's request log.

import { copyFileSync, existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { sandbox, type Sandbox } from '../helpers/cli.js';
import { world, worldEnv, type World } from '../helpers/world.js';
import type { RequestLogEntry } from '../../src/simulator/request-log.js';

const ALICE = 'alice@firm.example';
let w: World;
const extra: Sandbox[] = [];
afterEach(async () => {
  for (const sb of extra.splice(0)) sb.cleanup();
  await w?.stop();
});

const at = (day: number, hour: number) => `2026-12-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00`;

function mailbox(email = ALICE) {
  return w.sim.control.events(email, { calendar: 'primary' }).filter((e) => !e.deleted && e.type !== 'occurrence');
}

/** Graph writes (batch items included) since `seq`, with the Outlook id they targeted. */
function writes(since: number): { method: string; target: string | null; entry: RequestLogEntry }[] {
  return w.sim.control
    .requestLog(since)
    .filter((e) => ['POST', 'PATCH', 'DELETE'].includes(e.method) && /\/me\/events/.test(e.path))
    .map((entry) => ({ method: entry.method, target: decodeURIComponent(/\/me\/events\/([^/?]+)/.exec(entry.path)?.[1] ?? '') || null, entry }));
}

const lastSeq = () => Math.max(0, ...w.sim.control.requestLog().map((e) => e.seq));
const duplicates = (since: number) => w.sim.control.requestLog(since).filter((e) => JSON.stringify(e.responseBody ?? '').includes('ErrorDuplicateTransactionId'));

async function addEvent(title: string, day: number, more: string[] = []): Promise<number> {
  return (await w.ok<{ id: number }>(['events', 'add', '--staff', ALICE, '--title', title, '--start', at(day, 9), '--end', at(day, 10), ...more])).id;
}

/** A second store on the same mailbox, signed in as the same person. */
async function secondStore(): Promise<Sandbox & { ok: <T = any>(args: string[]) => Promise<T> }> {
  const sb = sandbox(worldEnv(w.sim), { inProcess: true });
  extra.push(sb);
  const ok = async <T,>(args: string[]): Promise<T> => {
    const r = await sb.json(args);
    expect(r.code, `${args.join(' ')}\n${r.stderr}\n${r.stdout}`).toBe(0);
    return r.body as T;
  };
  await ok(['firm', 'set', '--plan', 'multi-practice', '--outlook-beta', 'on', '--time-zone', 'Europe/London']);
  await ok(['staff', 'add', '--email', ALICE, '--name', 'alice']);
  w.sim.control.setAutoApprove(ALICE);
  await ok(['connect', '--staff', ALICE]);
  w.sim.control.setAutoApprove(null);
  return Object.assign(sb, { ok });
}

describe('identity of our Outlook events', () => {
  it('a deleted event never lends its id: the old meeting is cancelled, the new one created, nothing PATCHed', async () => {
    w = await world([ALICE], {}, { inProcess: true });
    const first = await addEvent('Settlement meeting', 1, ['--attendee', 'dana@client.example']);
    await w.ok(['daemon', '--once']);
    const [old] = mailbox();
    await w.ok(['events', 'delete', String(first)]);
    const second = await addEvent('Team lunch', 2);
    expect(second).not.toBe(first);
    const since = lastSeq();
    const run = await w.ok(['daemon', '--once', '--staff', ALICE]);
    expect(run).toMatchObject({ pushed: { created: 1, updated: 0, deleted: 1 }, errors: [] });
    const sent = writes(since);
    expect(sent.filter((s) => s.method === 'PATCH')).toEqual([]);
    expect(sent.filter((s) => s.method === 'DELETE').map((s) => s.target)).toEqual([expect.stringMatching(new RegExp(`^(${old!.id}|${old!.immutableId})$`))]);
    expect(mailbox().map((e) => e.subject)).toEqual(['Team lunch']);
    expect(mailbox()[0]!.iCalUId).not.toBe(old!.iCalUId);
    const audit = await w.ok<{ action: string; eventId: number }[]>(['audit', '--limit', '5']);
    expect(audit.filter((a) => a.action === 'update')).toEqual([]);
  });

  it('after deletes of the newest event, 25 creates meet no duplicate transactionId and all land', async () => {
    w = await world([ALICE], {}, { inProcess: true });
    for (let round = 0; round < 3; round += 1) {
      const id = await addEvent(`Doomed ${round}`, 1 + round);
      await w.ok(['daemon', '--once']);
      await w.ok(['events', 'delete', String(id)]);
      await w.ok(['daemon', '--once']);
    }
    for (let i = 0; i < 25; i += 1) await addEvent(`Meeting ${i}`, 1 + (i % 20));
    const since = lastSeq();
    const run = await w.ok(['daemon', '--once', '--staff', ALICE]);
    expect(run).toMatchObject({ pushed: { created: 25 }, errors: [] });
    expect(duplicates(since)).toEqual([]);
    expect(mailbox()).toHaveLength(25);
  });

  it('Sync now after deleting the newest pushed event pulls a new Outlook event instead of failing', async () => {
    w = await world([ALICE], {}, { inProcess: true });
    const id = await addEvent('Pushed', 1);
    await w.ok(['daemon', '--once']);
    await w.ok(['events', 'delete', String(id)]);
    w.sim.control.createEvent(ALICE, { subject: 'Made in Outlook', start: { dateTime: '2026-12-05T09:00:00', timeZone: 'UTC' }, end: { dateTime: '2026-12-05T10:00:00', timeZone: 'UTC' } });
    const pulled = await w.ok(['sync', '--staff', ALICE]);
    expect(pulled).toMatchObject({ pulled: { created: 1 }, errors: [] });
    const again = await w.ok(['sync', '--staff', ALICE]);
    expect(again).toMatchObject({ pulled: { created: 0, updated: 0, deleted: 0 } });
    const events = await w.ok<{ id: number; title: string; source: string }[]>(['events', 'list']);
    expect(events.map((e) => [e.title, e.source])).toEqual([['Made in Outlook', 'outlook']]);
    expect(events[0]!.id).not.toBe(id);
  });

  it("a second store on the same mailbox treats the first store's events as ordinary Outlook events", async () => {
    w = await world([ALICE], {}, { inProcess: true });
    await addEvent('From store A', 1);
    await addEvent('Also from A', 2);
    await w.ok(['daemon', '--once']);
    const a = new Map(mailbox().map((e) => [e.id, structuredClone(e)]));
    const b = await secondStore();
    await b.ok(['events', 'add', '--staff', ALICE, '--title', 'From store B', '--start', at(3, 9), '--end', at(3, 10)]);
    const since = lastSeq();
    const run = await b.ok(['daemon', '--once', '--staff', ALICE]);
    expect(run).toMatchObject({ pushed: { created: 1, updated: 0, deleted: 0 }, pulled: { created: 2 }, errors: [] });
    // B wrote nothing to A's events, and A's events are unchanged.
    for (const s of writes(since)) expect(s.method).toBe('POST');
    expect(duplicates(since)).toEqual([]);
    for (const [id, before] of a) expect(w.sim.control.event(ALICE, id)).toMatchObject({ changeKey: before.changeKey, subject: before.subject });
    const inB = await b.ok<{ title: string; source: string }[]>(['events', 'list']);
    expect(inB.map((e) => `${e.title}/${e.source}`).sort()).toEqual(['Also from A/outlook', 'From store A/outlook', 'From store B/caseflow']);
    // A, in turn, sees B's event as an Outlook event, and both agree on three Outlook events.
    const back = await w.ok(['daemon', '--once', '--staff', ALICE]);
    expect(back).toMatchObject({ pulled: { created: 1 }, pushed: { created: 0, updated: 0, deleted: 0 }, errors: [] });
    expect(mailbox()).toHaveLength(3);
  });

  it('a store restored from before its last run knows the events that run created: none pulled as new, none created twice', async () => {
    w = await world([ALICE], {}, { inProcess: true });
    await addEvent('Before the backup', 1);
    await w.ok(['daemon', '--once']);
    await addEvent('Pushed after the backup', 2, ['--category', 'Hearing', '--description', 'privileged']);
    const backup = `${w.sb.db}.bak`;
    const db = new Database(w.sb.db);
    await db.backup(backup);
    db.close();
    await w.ok(['daemon', '--once']);
    expect(mailbox()).toHaveLength(2);
    // Restore: the backup replaces the store (WAL files of the newer store removed).
    for (const suffix of ['-wal', '-shm']) if (existsSync(w.sb.db + suffix)) copyFileSync('/dev/null', w.sb.db + suffix);
    copyFileSync(backup, w.sb.db);
    const since = lastSeq();
    const run = await w.ok(['daemon', '--once', '--staff', ALICE]);
    expect(run).toMatchObject({ pulled: { created: 0, deleted: 0 }, pushed: { created: 0, deleted: 0 }, errors: [] });
    expect(writes(since).filter((s) => s.method === 'POST')).toEqual([]);
    expect(mailbox()).toHaveLength(2);
    const events = await w.ok<{ title: string; outlookId: string | null; source: string }[]>(['events', 'list']);
    expect(events.map((e) => e.title)).toEqual(['Before the backup', 'Pushed after the backup']);
    expect(events.every((e) => e.outlookId !== null && e.source === 'caseflow')).toBe(true);
    const quiet = await w.ok(['daemon', '--once', '--staff', ALICE]);
    expect(quiet).toMatchObject({ pulled: { created: 0, updated: 0, deleted: 0 }, pushed: { created: 0, updated: 0, deleted: 0 } });
  });
});

describe('a flow switched off and on again', () => {
  it('brings in the Outlook events created while calendar events were off, once', async () => {
    w = await world([ALICE], {}, { inProcess: true });
    await w.ok(['daemon', '--once']);
    await w.ok(['prefs', 'set', '--staff', ALICE, '--events', 'off']);
    w.sim.control.createEvent(ALICE, { subject: 'Made while off', start: { dateTime: '2026-12-05T09:00:00', timeZone: 'UTC' }, end: { dateTime: '2026-12-05T10:00:00', timeZone: 'UTC' } });
    const off = await w.ok(['daemon', '--once', '--staff', ALICE]);
    expect(off).toMatchObject({ pulled: { created: 0 } });
    await w.ok(['prefs', 'set', '--staff', ALICE, '--events', 'on']);
    const on = await w.ok(['daemon', '--once', '--staff', ALICE]);
    expect(on).toMatchObject({ pulled: { created: 1 }, errors: [] });
    const again = await w.ok(['daemon', '--once', '--staff', ALICE]);
    expect(again).toMatchObject({ pulled: { created: 0, updated: 0, deleted: 0 } });
    expect((await w.ok<{ title: string }[]>(['events', 'list'])).map((e) => e.title)).toEqual(['Made while off']);
  });
});

describe('one rule, one place', () => {
  it("status counts as pending the unlinked event the next run re-creates (the planner's own count)", async () => {
    w = await world([ALICE], {}, { inProcess: true });
    const id = await addEvent('Client call', 1);
    await w.ok(['daemon', '--once']);
    const [copy] = mailbox();
    w.sim.control.deleteEvent(ALICE, copy!.id);
    await w.ok(['events', 'update', String(id), '--location', 'Room 2']);
    // Sync now only pulls: the CaseFlow edit wins over the Outlook deletion, to be re-created.
    await w.ok(['sync', '--staff', ALICE]);
    expect(await w.ok(['status', '--staff', ALICE])).toMatchObject({ pending: 1 });
    const run = await w.ok(['daemon', '--once', '--staff', ALICE]);
    expect(run).toMatchObject({ pushed: { created: 1 } });
    expect(await w.ok(['status', '--staff', ALICE])).toMatchObject({ pending: 0 });
  });

  it('a task with a matter and every deadline are confidential in their JSON, as in what is pushed', async () => {
    w = await world([ALICE], {}, { inProcess: true });
    await w.ok(['matters', 'add', '--name', 'Reyes v. Acme', '--assign', ALICE]);
    const task = await w.ok(['tasks', 'add', '--staff', ALICE, '--title', 'Brief', '--due', '2026-12-03', '--matter', '1']);
    const plain = await w.ok(['tasks', 'add', '--staff', ALICE, '--title', 'Lunch', '--due', '2026-12-04']);
    const deadline = await w.ok(['deadlines', 'add', '--matter', '1', '--title', 'Disclosures', '--due', '2026-12-05']);
    expect([task.confidential, plain.confidential, deadline.confidential]).toEqual([true, false, true]);
    await w.ok(['daemon', '--once']);
    const sensitivity = new Map(mailbox().map((e) => [e.subject, e.sensitivity]));
    expect(Object.fromEntries(sensitivity)).toEqual({ 'Task: Brief': 'confidential', 'Task: Lunch': 'normal', 'Deadline: Disclosures': 'confidential' });
  });
});

describe('attendees pulled from Outlook', () => {
  it('matched by an alternate email: the name on the record, and a link to the contact', async () => {
    w = await world([ALICE], {}, { inProcess: true });
    await w.ok(['contacts', 'add', '--name', 'Dana Reyes', '--email', 'dana@client.example', '--alt-email', 'dreyes@home.example']);
    w.sim.control.createEvent(ALICE, {
      subject: 'Call',
      start: { dateTime: '2026-12-05T09:00:00', timeZone: 'UTC' },
      end: { dateTime: '2026-12-05T10:00:00', timeZone: 'UTC' },
      attendees: [{ emailAddress: { address: 'DReyes@home.example', name: 'dr (home)' }, type: 'required' }, { emailAddress: { address: 'stranger@else.example', name: 'Stranger' }, type: 'optional' }],
    });
    await w.ok(['sync', '--staff', ALICE]);
    const [e] = await w.ok<{ attendees: { email: string; name: string; contactId: number | null; staffId: number | null }[] }[]>(['events', 'list']);
    expect(e!.attendees).toEqual([
      { email: 'dreyes@home.example', name: 'Dana Reyes', type: 'required', contactId: 1, staffId: null },
      { email: 'stranger@else.example', name: 'Stranger', type: 'optional', contactId: null, staffId: null },
    ]);
  });
});

describe("what comes from Graph is checked before it is believed", () => {
  it('a malformed Outlook event is reported and skipped, the rest syncs, and it comes in once it reads well', async () => {
    w = await world([ALICE], {}, { inProcess: true });
    const make = (subject: string, day: number) =>
      w.sim.control.createEvent(ALICE, { subject, start: { dateTime: `2026-12-0${day}T09:00:00`, timeZone: 'UTC' }, end: { dateTime: `2026-12-0${day}T10:00:00`, timeZone: 'UTC' } });
    make('Good one', 3);
    const bad = make('Broken', 4);
    make('Good two', 5);
    w.sim.control.malformEvent(ALICE, bad.id, { set: { subject: 42 } });
    const first = await w.sb.json(['daemon', '--once', '--staff', ALICE]);
    expect(first.code).toBe(4);
    expect(first.body).toMatchObject({ pulled: { created: 2 } });
    expect(first.body.errors).toEqual([expect.stringContaining('subject is not a string (number)')]);
    expect((await w.ok<{ title: string }[]>(['events', 'list'])).map((e) => e.title)).toEqual(['Good one', 'Good two']);
    const status = await w.ok(['status', '--staff', ALICE]);
    expect(status.warnings.join('\n')).toContain(`Outlook event ${bad.immutableId}`);
    // Still bad on the next run (the delta says nothing: it is read again by id).
    const second = await w.sb.json(['daemon', '--once', '--staff', ALICE]);
    expect(second.body.errors).toHaveLength(1);
    w.sim.control.clearMalformed(ALICE, bad.id);
    const third = await w.ok(['daemon', '--once', '--staff', ALICE]);
    expect(third).toMatchObject({ pulled: { created: 1 }, errors: [] });
    expect((await w.ok<{ title: string }[]>(['events', 'list'])).map((e) => e.title)).toEqual(['Good one', 'Broken', 'Good two']);
    expect((await w.ok(['status', '--staff', ALICE])).warnings).toEqual([]);
  });
});
