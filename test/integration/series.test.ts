// Recurring Outlook series end to end: the CLI in this process against the simulator over HTTPS,
// a real SQLite store, CaseFlow's clock moved with CASEFLOW_NOW. The simulator, as Outlook, says
// nothing in the delta when a single occurrence is deleted: the series' hourly read notices it.
// GraphCalendar.instances is also read directly, for its paging and validation.

import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { GraphCalendar } from '../../src/graph/calendar.js';
import { createGraphClient } from '../../src/graph/client.js';
import type { RetryPolicy } from '../../src/graph/retry.js';
import { createLogger } from '../../src/log.js';
import { seriesOf } from '../../src/store/series.js';
import { world, WORLD_NOW, type World } from '../helpers/world.js';

const ALICE = 'alice@firm.example';
const RETRY: RetryPolicy = { maxAttempts: 3, baseMs: 2, maxDelayMs: 10, maxRetryAfterMs: 50 };
let w: World;
afterEach(async () => {
  await w?.stop();
});

/** CaseFlow's clock, `minutes` after the tests' world time. */
const later = (minutes: number) => ({ env: { CASEFLOW_NOW: new Date(Date.parse(WORLD_NOW) + minutes * 60_000).toISOString() } });

async function runAt(minutes: number, args: string[] = ['daemon', '--once', '--staff', ALICE]): Promise<any> {
  const r = await w.sb.json(args, later(minutes));
  expect(r.code, `${args.join(' ')}\n${r.stderr}\n${r.stdout}`).toBe(0);
  return r.body;
}

type Listed = { id: number; title: string; start: string; readOnly: boolean; recurringInOutlook: boolean };
const listAt = (minutes: number) => runAt(minutes, ['events', 'list']) as Promise<Listed[]>;

/** Tuesdays and Thursdays, 09:00-10:00 in New York, from 2026-12-01 to 2026-12-17: six meetings. */
function partnersMeeting() {
  const wall = (t: string) => ({ dateTime: `2026-12-01T${t}`, timeZone: 'America/New_York' });
  return w.sim.control.createEvent(ALICE, {
    subject: 'Partners meeting',
    start: wall('09:00:00'),
    end: wall('10:00:00'),
    recurrence: {
      pattern: { type: 'weekly', interval: 1, daysOfWeek: ['tuesday', 'thursday'], firstDayOfWeek: 'sunday' },
      range: { type: 'endDate', startDate: '2026-12-01', endDate: '2026-12-17' },
    },
  });
}

function series(eventId: number) {
  const db = new Database(w.sb.db, { readonly: true });
  try {
    return seriesOf(db, eventId);
  } finally {
    db.close();
  }
}

describe('GraphCalendar.instances against the simulator', () => {
  it('reads every page with the Prefer headers, leaves out an instance that fails validation, and is null once the series is gone', async () => {
    w = await world([ALICE], {}, { inProcess: true });
    const warnings: string[] = [];
    const log = createLogger({ verbose: false, json: true, write: (line) => void warnings.push(line) });
    const { accessToken } = w.sim.control.issueTokens(ALICE);
    const client = createGraphClient({ baseUrl: w.sim.url, getAccessToken: async () => accessToken, mailbox: ALICE, maxInFlight: 4, retry: RETRY, log });
    const calendar = new GraphCalendar({ client, retry: RETRY, maxInFlight: 4, log, fatal: () => null });
    const master = w.sim.control.createEvent(ALICE, {
      subject: 'Daily check',
      start: { dateTime: '2026-12-01T08:00:00', timeZone: 'UTC' },
      end: { dateTime: '2026-12-01T08:15:00', timeZone: 'UTC' },
      recurrence: { pattern: { type: 'daily', interval: 1 }, range: { type: 'numbered', startDate: '2026-12-01', numberOfOccurrences: 150 } },
    });
    const occurrences = w.sim.control.instances(ALICE, master.id, '2026-12-01T00:00:00Z', '2027-06-01T00:00:00Z');
    w.sim.control.malformEvent(ALICE, occurrences[120]!.id, { set: { 'start.dateTime': 'garbage' } });
    w.sim.control.clearRequestLog();
    const listed = await calendar.instances(master.immutableId, '2026-12-01T00:00:00.000Z', '2027-06-01T00:00:00.000Z');
    expect(listed).toHaveLength(149);
    expect(listed!.map((e) => e.id)).not.toContain(occurrences[120]!.immutableId);
    expect(listed!.every((e) => e.seriesMasterId === master.immutableId && e.type === 'occurrence')).toBe(true);
    const sent = w.sim.control.requestLog().filter((e) => e.kind === 'event.instances');
    expect(sent).toHaveLength(2);
    for (const e of sent) expect(e.headers.prefer).toMatch(/odata\.maxpagesize=100.*outlook\.timezone="UTC".*IdType="ImmutableId"/);
    expect(warnings.join('\n')).toContain(`${occurrences[120]!.immutableId} left out: start.dateTime`);
    w.sim.control.deleteEvent(ALICE, master.id);
    expect(await calendar.instances(master.immutableId, '2026-12-01T00:00:00.000Z', '2027-06-01T00:00:00.000Z')).toBeNull();
  });
});

describe('recurring Outlook series', () => {
  it('a deleted occurrence leaves events list at the first run an hour later; a quiet run before that is one Graph request', async () => {
    w = await world([ALICE], {}, { inProcess: true });
    const master = partnersMeeting();
    const first = await runAt(0);
    expect(first).toMatchObject({ pulled: { created: 6 }, errors: [] });
    const listed = await listAt(0);
    expect(listed.map((e) => e.start)).toEqual(['2026-12-01', '2026-12-03', '2026-12-08', '2026-12-10', '2026-12-15', '2026-12-17'].map((d) => `${d}T14:00:00.000Z`));
    expect(listed.every((e) => e.readOnly && e.recurringInOutlook)).toBe(true);
    expect(series(listed[0]!.id)).toEqual({ pattern: 'every Tuesday and Thursday until 2026-12-17, 09:00-10:00 America/New_York', exceptions: [] });
    // events show says it in words, in JSON and in text.
    expect((await w.ok(['events', 'show', String(listed[0]!.id)])).series).toEqual({ pattern: 'every Tuesday and Thursday until 2026-12-17, 09:00-10:00 America/New_York', exceptions: [] });
    expect((await w.sb.run(['events', 'show', String(listed[0]!.id)])).stdout).toContain('recurs in Outlook\tevery Tuesday and Thursday until 2026-12-17, 09:00-10:00 America/New_York\n');

    // Deleted in Outlook: the delta says nothing of it.
    const [, , third] = w.sim.control.instances(ALICE, master.id, '2026-12-01T00:00:00Z', '2027-01-01T00:00:00Z');
    w.sim.control.deleteEvent(ALICE, third!.id);
    w.sim.control.resetMetrics();
    const quiet = await runAt(30);
    expect(quiet).toMatchObject({ pulled: { created: 0, updated: 0, deleted: 0 }, errors: [] });
    expect(w.requests(ALICE)).toBe(1);
    expect((await listAt(30)).map((e) => e.start)).toContain('2026-12-08T14:00:00.000Z');

    w.sim.control.resetMetrics();
    const hourly = await runAt(60);
    expect(hourly).toMatchObject({ pulled: { deleted: 1 }, errors: [] });
    // The delta, the series' instances, its master, and the occurrence read by id (404).
    expect(w.requests(ALICE)).toBe(4);
    expect(w.sim.control.metrics().byKind).toMatchObject({ delta: 1, 'event.instances': 1, 'event.get': 2 });
    const after = await listAt(60);
    expect(after.map((e) => e.start)).not.toContain('2026-12-08T14:00:00.000Z');
    expect(after).toHaveLength(5);
    const audit = (await runAt(60, ['audit', '--staff', ALICE, '--limit', '20'])) as { action: string; direction: string; outlookId: string }[];
    expect(audit.filter((a) => a.action === 'delete')).toEqual([expect.objectContaining({ direction: 'caseflow', outlookId: third!.immutableId })]);

    w.sim.control.resetMetrics();
    await runAt(70);
    expect(w.requests(ALICE)).toBe(1);
  });

  it('a moved occurrence moves at once and is listed among the series exceptions; a deleted series takes every occurrence', async () => {
    w = await world([ALICE], {}, { inProcess: true });
    const master = partnersMeeting();
    await runAt(0);
    const [first] = w.sim.control.instances(ALICE, master.id, '2026-12-01T00:00:00Z', '2027-01-01T00:00:00Z');
    w.sim.control.updateEvent(ALICE, first!.id, { start: { dateTime: '2026-12-02T11:00:00', timeZone: 'America/New_York' }, end: { dateTime: '2026-12-02T12:00:00', timeZone: 'America/New_York' } });
    expect(await runAt(10)).toMatchObject({ pulled: { updated: 1, deleted: 0 }, errors: [] });
    const listed = await listAt(10);
    const moved = listed.find((e) => e.start === '2026-12-02T16:00:00.000Z');
    expect(moved).toBeDefined();
    expect(series(moved!.id)).toEqual({
      pattern: 'every Tuesday and Thursday until 2026-12-17, 09:00-10:00 America/New_York',
      exceptions: [{ title: 'Partners meeting', start: '2026-12-02T16:00:00.000Z', end: '2026-12-02T17:00:00.000Z' }],
    });

    w.sim.control.deleteEvent(ALICE, master.id);
    expect(await runAt(20)).toMatchObject({ pulled: { deleted: 6 }, errors: [] });
    expect(await listAt(20)).toEqual([]);
    expect(series(moved!.id)).toBeNull();
  });

  it('a store from before series were recorded: the upgrade makes the next run a full round, which names every occurrence its series', async () => {
    w = await world([ALICE], {}, { inProcess: true });
    partnersMeeting();
    await runAt(0);
    // The store as version 4 left it: links without their series, no series table.
    const db = new Database(w.sb.db);
    db.exec(`DROP INDEX links_series; ALTER TABLE links DROP COLUMN series_master_id; ALTER TABLE links DROP COLUMN outlook_type;
      ALTER TABLE sync_state DROP COLUMN series_checked_at; DROP TABLE series; DELETE FROM schema_migrations WHERE version = 5;`);
    db.close();
    const [event] = await listAt(10); // opening the store applies migration 5
    expect(series(event!.id)).toEqual({ pattern: 'recurring in Microsoft 365 (its pattern is read at the next sync)', exceptions: [] });
    expect(await runAt(10)).toMatchObject({ pulled: { created: 0, updated: 0, deleted: 0 }, errors: [] });
    expect(w.sim.control.requestLog().filter((e) => e.kind === 'delta').at(-1)?.path).toContain('startDateTime');
    expect(series(event!.id)?.pattern).toBe('every Tuesday and Thursday until 2026-12-17, 09:00-10:00 America/New_York');
  });
});
