// What comes from Graph is checked before it is believed: the real Graph adapter and delta round
// against the simulator serving malformed events, and the store's record of them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toCliError } from '../../src/cli/errors.js';
import { GraphCalendar } from '../../src/graph/calendar.js';
import { createGraphClient } from '../../src/graph/client.js';
import type { RetryPolicy } from '../../src/graph/retry.js';
import { createLogger } from '../../src/log.js';
import { clearInvalidItems, invalidItemIds, listInvalidItems, recordInvalidItems } from '../../src/store/invalid-items.js';
import { openStore, type Db } from '../../src/store/open.js';
import { addStaff } from '../../src/store/staff.js';
import { InvalidItemError, type SyncWindow } from '../../src/sync/ports.js';
import { fetchRound, type Round } from '../../src/sync/pull.js';
import { startTestSimulator, type Simulator } from '../helpers/sim.js';

const ALICE = 'alice@firm.example';
const WINDOW: SyncWindow = { startUtc: '2026-12-01T00:00:00.000Z', endUtc: '2027-01-01T00:00:00.000Z', startDate: '2026-12-01', endDate: '2027-01-01' };
const RETRY: RetryPolicy = { maxAttempts: 3, baseMs: 2, maxDelayMs: 10, maxRetryAfterMs: 50 };

let sim: Simulator;
let calendar: GraphCalendar;
let logLines: string[];
beforeEach(async () => {
  sim = await startTestSimulator();
  sim.control.addUser({ email: ALICE, name: 'Alice' });
  const { accessToken } = sim.control.issueTokens(ALICE);
  logLines = [];
  const log = createLogger({ verbose: true, json: true, write: (line) => logLines.push(line) });
  const client = createGraphClient({ baseUrl: sim.url, getAccessToken: async () => accessToken, mailbox: ALICE, maxInFlight: 4, retry: RETRY, log });
  calendar = new GraphCalendar({ client, retry: RETRY, maxInFlight: 4, log, fatal: () => null });
});
afterEach(() => sim.stop());

function add(subject: string, day: number, extra: Record<string, unknown> = {}) {
  const d = `2026-12-${String(day).padStart(2, '0')}`;
  return sim.control.createEvent(ALICE, {
    subject,
    body: { contentType: 'text', content: `notes for ${subject}` },
    start: { dateTime: `${d}T09:00:00`, timeZone: 'UTC' },
    end: { dateTime: `${d}T10:00:00`, timeZone: 'UTC' },
    ...extra,
  });
}

const round = (over: Partial<Parameters<typeof fetchRound>[0]> = {}): Promise<Round> =>
  fetchRound({
    calendar,
    window: WINDOW,
    savedLink: null,
    linkedIds: new Set(),
    windowLinkedIds: () => [],
    log: createLogger({ verbose: false, json: true, write: (line) => logLines.push(line) }),
    ...over,
  });

const upserted = (r: Round) => r.changes.flatMap((c) => (c.kind === 'upsert' ? [c.event.content.title] : [])).sort();

describe('a delta round with a malformed event', () => {
  it('yields the two good events as upserts and the bad one as invalid, naming the field', async () => {
    add('Hearing', 2);
    const bad = add('Settlement talks', 3);
    add('Deposition', 4);
    sim.control.malformEvent(ALICE, bad.id, { drop: ['start'] });
    const r = await round();
    expect(upserted(r)).toEqual(['Deposition', 'Hearing']);
    expect(r.invalid).toEqual([{ id: bad.immutableId, problem: 'start is missing' }]);
    expect(r.deltaLink).toMatch(/deltatoken/);
    // Reported with its id and problem, never its content.
    const warned = logLines.filter((l) => l.includes(bad.immutableId));
    expect(warned.length).toBeGreaterThan(0);
    expect(logLines.join('\n')).not.toMatch(/Settlement|notes for/);
  });

  it.each([
    [{ set: { subject: 42 } }, 'subject is not a string (number)'],
    [{ set: { 'start.dateTime': 'garbage' } }, 'start.dateTime is not a date and time like 2026-03-10T09:00:00'],
    [{ set: { attendees: 'dana@client.example' } }, 'attendees is not an array (string)'],
    [{ set: { isAllDay: 'yes' } }, 'isAllDay is not a boolean (string)'],
    [{ set: { 'end.dateTime': '2026-12-03T08:00:00.0000000' } }, 'end is before start'],
  ])('%j is reported, and the other events still come', async (malformation, problem) => {
    const bad = add('Bad', 3);
    add('Good', 4);
    sim.control.malformEvent(ALICE, bad.id, malformation);
    const r = await round();
    expect(upserted(r)).toEqual(['Good']);
    expect(r.invalid).toEqual([{ id: bad.immutableId, problem }]);
  });

  it('an entry without an id is counted, and cannot be read again', async () => {
    const bad = add('Bad', 3);
    add('Good', 4);
    sim.control.malformEvent(ALICE, bad.id, { drop: ['id'] });
    const r = await round();
    expect(upserted(r)).toEqual(['Good']);
    expect(r.invalid).toEqual([{ id: null, problem: 'an entry without an id' }]);
  });
});

describe('reading invalid items again by id', () => {
  it('a recheck that reads well once the event is repaired yields its upsert, though the delta is silent', async () => {
    const bad = add('Bad until repaired', 3);
    add('Good', 4);
    sim.control.malformEvent(ALICE, bad.id, { set: { subject: 42 } });
    const first = await round();
    expect(first.invalid.map((i) => i.id)).toEqual([bad.immutableId]);

    // Still broken: read again, still invalid, nothing applied.
    const still = await round({ savedLink: first.deltaLink, recheckIds: [bad.immutableId] });
    expect(still.changes).toEqual([]);
    expect(still.invalid).toEqual([{ id: bad.immutableId, problem: 'subject is not a string (number)' }]);

    sim.control.clearMalformed(ALICE, bad.id);
    const repaired = await round({ savedLink: still.deltaLink, recheckIds: [bad.immutableId] });
    expect(repaired.invalid).toEqual([]);
    expect(repaired.changes).toHaveLength(1);
    expect(repaired.changes[0]).toMatchObject({ kind: 'upsert', event: { id: bad.immutableId, inWindow: true, content: { title: 'Bad until repaired', start: '2026-12-03T09:00:00.000Z' } } });
  });

  it('a rechecked id that is gone becomes a confirmed removal when linked, and is forgotten when not', async () => {
    const linked = add('Linked', 3);
    const unlinked = add('Unlinked', 4);
    const first = await round();
    sim.control.deleteEvent(ALICE, linked.id);
    sim.control.deleteEvent(ALICE, unlinked.id);
    // Let one round pass the removals by (nothing was linked then): the next delta is silent.
    const fresh = await round({ savedLink: first.deltaLink });
    const r = await round({ savedLink: fresh.deltaLink, recheckIds: [linked.immutableId, unlinked.immutableId], linkedIds: new Set([linked.immutableId]) });
    expect(r.changes).toEqual([{ kind: 'removed', id: linked.immutableId, confirmation: 'deleted' }]);
    expect(r.invalid).toEqual([]);
  });

  it('an id the delta mentions is not read again: its delta entry decides', async () => {
    const bad = add('Bad', 3);
    sim.control.malformEvent(ALICE, bad.id, { set: { isAllDay: 'yes' } });
    sim.control.clearRequestLog();
    const r = await round({ recheckIds: [bad.immutableId] });
    expect(r.invalid).toEqual([{ id: bad.immutableId, problem: 'isAllDay is not a boolean (string)' }]);
    expect(sim.control.requestLog().filter((e) => e.kind === 'event.get')).toEqual([]);
  });
});

describe('single reads that fail validation', () => {
  it('getEvent throws InvalidItemError with the id asked for and the problem', async () => {
    const bad = add('Bad', 3);
    sim.control.malformEvent(ALICE, bad.id, { drop: ['end'] });
    const error = await calendar.getEvent(bad.immutableId).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidItemError);
    expect((error as InvalidItemError).item).toEqual({ id: bad.immutableId, problem: 'end is missing' });
    // A person meets it as exit 4: Outlook may answer well later, and nothing was written.
    const shown = toCliError(error, { command: `caseflow-outlook sync --staff ${ALICE}`, staff: ALICE });
    expect(shown.exitCode).toBe(4);
    expect(shown.hint).toBe(`safe to run again later: caseflow-outlook sync --staff ${ALICE}; if it keeps failing, check that event in Outlook`);
    expect((error as Error).message).not.toContain('Bad');
  });

  it('a removal whose confirming read fails validation is neither applied nor a deletion', async () => {
    const linked = add('Linked', 3);
    const first = await round();
    // Moved out of the window: the delta reports a removal, and the GET finds it malformed.
    sim.control.updateEvent(ALICE, linked.id, { start: { dateTime: '2027-03-01T09:00:00', timeZone: 'UTC' }, end: { dateTime: '2027-03-01T10:00:00', timeZone: 'UTC' } });
    sim.control.malformEvent(ALICE, linked.id, { set: { 'start.timeZone': 5 } });
    const r = await round({ savedLink: first.deltaLink, linkedIds: new Set([linked.immutableId]) });
    expect(r.changes).toEqual([]);
    expect(r.invalid).toEqual([{ id: linked.immutableId, problem: 'start.timeZone is not a string (number)' }]);
  });

  it('occurrences whose series master reads badly are reported, each by its own id', async () => {
    const series = add('Weekly review', 1, {
      recurrence: { pattern: { type: 'weekly', interval: 1, daysOfWeek: ['tuesday'] }, range: { type: 'numbered', startDate: '2026-12-01', numberOfOccurrences: 3 } },
    });
    sim.control.malformEvent(ALICE, series.id, { set: { subject: 5 } });
    const r = await round();
    expect(r.changes).toEqual([]);
    expect(r.invalid).toHaveLength(3);
    for (const item of r.invalid) {
      expect(item.id).not.toBe(series.immutableId);
      expect(item.problem).toBe('its series master could not be read: subject is not a string (number)');
    }
    // The master is read once for the series, not once per occurrence.
    expect(sim.control.requestLog().filter((e) => e.kind === 'event.get')).toHaveLength(1);

    // Repaired: rechecked by id, each occurrence reads whole (Graph's own shapes pass).
    sim.control.clearMalformed(ALICE, series.id);
    const again = await round({ recheckIds: r.invalid.map((i) => i.id!) });
    expect(again.invalid).toEqual([]);
    expect(upserted(again)).toEqual(['Weekly review', 'Weekly review', 'Weekly review']);
  });
});

describe('write answers that fail validation', () => {
  it('a 200 whose event is malformed is a failed write naming the problem, and is not sent again', async () => {
    const ev = add('Hearing', 3);
    sim.control.malformEvent(ALICE, ev.id, { set: { attendees: 'x' } });
    sim.control.clearRequestLog();
    const [answer] = await calendar.write([{ op: 'update', id: ev.immutableId, payload: { location: { displayName: 'Court 2' } } as never, ifMatch: null }]);
    expect(answer).toEqual({ status: 'failed', detail: '502 InvalidAnswer (attendees is not an array (string))' });
    expect(sim.control.requestLog().filter((e) => e.kind === 'event.update')).toHaveLength(1);
  });

  it('a well-formed answer passes through as the event', async () => {
    const ev = add('Hearing', 3);
    const [answer] = await calendar.write([{ op: 'update', id: ev.immutableId, payload: { location: { displayName: 'Court 2' } } as never, ifMatch: null }]);
    expect(answer).toMatchObject({ status: 'ok', event: { id: ev.immutableId, location: { displayName: 'Court 2' } } });
  });

  it('findByTag throws InvalidItemError for a malformed match', async () => {
    const prop = 'String {6f1c2a4e-8b3d-4c7a-9e21-5d0b7c3f8a19} Name CaseFlowId';
    const ev = add('Tagged', 3, { singleValueExtendedProperties: [{ id: prop, value: 'event:9' }] });
    expect((await calendar.findByTag('event:9'))?.subject).toBe('Tagged');
    sim.control.malformEvent(ALICE, ev.id, { drop: ['subject'] });
    const error = await calendar.findByTag('event:9').catch((e: unknown) => e);
    expect((error as InvalidItemError).item).toEqual({ id: ev.immutableId, problem: 'subject is missing' });
  });
});

describe('the store remembers invalid items between runs', () => {
  let dir: string;
  let db: Db;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cfo-invalid-'));
    db = openStore(join(dir, 'store.db'));
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps first sighting and counts rounds while an item stays bad, drops it once it reads well', () => {
    const staff = addStaff(db, ALICE, 'Alice', '2026-11-20T00:00:00.000Z');
    const other = addStaff(db, 'bob@firm.example', 'Bob', '2026-11-20T00:00:00.000Z');
    recordInvalidItems(db, other.id, [{ id: 'B1', problem: 'start is missing' }], 't0');
    recordInvalidItems(db, staff.id, [{ id: 'A1', problem: 'start is missing' }, { id: null, problem: 'an entry without an id' }], 't1');
    recordInvalidItems(db, staff.id, [{ id: 'A1', problem: 'subject is not a string (number)' }, { id: 'A2', problem: 'end is missing' }], 't2');
    expect(listInvalidItems(db, staff.id)).toEqual([
      { outlookId: 'A1', problem: 'subject is not a string (number)', firstSeenAt: 't1', lastSeenAt: 't2', seenCount: 2 },
      { outlookId: 'A2', problem: 'end is missing', firstSeenAt: 't2', lastSeenAt: 't2', seenCount: 1 },
    ]);
    recordInvalidItems(db, staff.id, [{ id: 'A2', problem: 'end is missing' }], 't3');
    expect(invalidItemIds(db, staff.id)).toEqual(['A2']);
    expect(invalidItemIds(db, other.id)).toEqual(['B1']);
    clearInvalidItems(db, staff.id);
    expect(invalidItemIds(db, staff.id)).toEqual([]);
    expect(invalidItemIds(db, other.id)).toEqual(['B1']);
  });

  it('round, record, recheck: an item repaired in Outlook leaves the store', async () => {
    const staff = addStaff(db, ALICE, 'Alice', '2026-11-20T00:00:00.000Z');
    const bad = add('Bad', 3);
    sim.control.malformEvent(ALICE, bad.id, { set: { 'start.dateTime': 'garbage' } });
    const first = await round({ recheckIds: invalidItemIds(db, staff.id) });
    recordInvalidItems(db, staff.id, first.invalid, 't1');
    expect(invalidItemIds(db, staff.id)).toEqual([bad.immutableId]);
    sim.control.clearMalformed(ALICE);
    const second = await round({ savedLink: first.deltaLink, recheckIds: invalidItemIds(db, staff.id) });
    recordInvalidItems(db, staff.id, second.invalid, 't2');
    expect(upserted(second)).toEqual(['Bad']);
    expect(invalidItemIds(db, staff.id)).toEqual([]);
  });
});
