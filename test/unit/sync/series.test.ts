// Recurring Outlook series through the engine as it ships (runSync, planner, executor) over the
// memory ports: a deleted occurrence, which the delta never reports, goes at the next hourly read
// of the series; a quiet run in between asks Outlook one thing only.

import { describe, expect, it } from 'vitest';
import { planRun } from '../../../src/sync/dry-run.js';
import type { GraphEventJson } from '../../../src/sync/mapping.js';
import { runSync } from '../../../src/sync/run.js';
import { SERIES_CHECK_MS } from '../../../src/sync/series.js';
import { memoryWorld, type MemoryWorld } from '../../support/memory-host.js';

const MINUTE = 60_000;
const POLICY = { events: true, tasks: true, deadlines: true, maxDeletes: 25, sensitivity: 'confidential' as const, protectedTitle: 'keep' as const };
const run = (w: MemoryWorld, o: { maxDeletes?: number; allowDeletes?: boolean } = {}) =>
  runSync(w.host, { trigger: 'scheduled', push: true, policy: { ...POLICY, maxDeletes: o.maxDeletes ?? 25 }, allowDeletes: o.allowDeletes ?? false });

const at = (iso: string) => ({ dateTime: iso.replace('Z', '0000'), timeZone: 'UTC' });
/** Tuesdays from 2026-12-01, 09:00-10:00 UTC. */
const tuesday = (week: number) => {
  const start = Date.parse('2026-12-01T09:00:00Z') + week * 7 * 86_400_000;
  return { start: at(new Date(start).toISOString()), end: at(new Date(start + 3_600_000).toISOString()) };
};

function weekly(w: MemoryWorld, count: number, subject = 'Partners meeting'): { master: GraphEventJson; occurrences: GraphEventJson[] } {
  const recurrence = { pattern: { type: 'weekly', interval: 1, daysOfWeek: ['tuesday'], firstDayOfWeek: 'sunday' }, range: { type: 'numbered', startDate: '2026-12-01', numberOfOccurrences: count, recurrenceTimeZone: 'UTC' } };
  return w.calendar.userCreateSeries({ subject, ...tuesday(0), recurrence }, Array.from({ length: count }, (_, i) => tuesday(i)));
}

/** What one run asked Outlook, call by call. */
async function calls(w: MemoryWorld, fn: () => Promise<unknown>): Promise<string[]> {
  const before = w.calendar.calls.length;
  await fn();
  return w.calendar.calls.slice(before);
}

const titles = (w: MemoryWorld) => w.store.items().map((i) => `${i.content.title}@${i.content.start.slice(0, 10)}`).sort();
const linkOf = (w: MemoryWorld, outlookId: string) => w.store.links().find((l) => l.outlookId === outlookId);

describe('recurring Outlook series over the memory ports', () => {
  it('a deleted occurrence (no delta signal) goes at the next hourly read of the series; the runs between make one call each', async () => {
    const w = memoryWorld();
    const { master, occurrences: occ } = weekly(w, 6);
    const first = await run(w);
    expect(first.pulled.created).toBe(6);
    expect(w.store.links().every((l) => l.seriesMasterId === master.id && l.outlookType === 'occurrence')).toBe(true);
    expect(w.store.series().get(master.id)).toMatchObject({ start: '2026-12-01T09:00:00.000Z', end: '2026-12-01T10:00:00.000Z', timeZone: 'UTC' });

    w.calendar.userDeleteOccurrence(occ[3]!.id);
    for (const minutes of [10, 20, 20]) {
      w.store.later(minutes * MINUTE);
      expect(await calls(w, () => run(w))).toEqual(['deltaNext']);
      expect(w.store.items()).toHaveLength(6);
    }
    w.store.later(10 * MINUTE); // an hour since the series were read
    const hourly = await calls(w, async () => expect(await run(w)).toMatchObject({ pulled: { deleted: 1 }, errors: [] }));
    expect(hourly).toEqual(['deltaNext', 'instances', 'getEvent', 'getEvent']);
    expect(titles(w)).not.toContain('Partners meeting@2026-12-22');
    expect(w.store.items()).toHaveLength(5);
    expect(await calls(w, () => run(w))).toEqual(['deltaNext']);

    // A moved occurrence is in the delta, so its series is read at once: the deletion made with
    // it goes in the same run, and the moved one moves.
    w.store.later(5 * MINUTE);
    w.calendar.userEdit(occ[1]!.id, { ...tuesday(1), start: at('2026-12-10T15:00:00.000Z'), end: at('2026-12-10T16:00:00.000Z') });
    w.calendar.userDeleteOccurrence(occ[4]!.id);
    const moved = await calls(w, async () => expect(await run(w)).toMatchObject({ pulled: { updated: 1, deleted: 1 }, errors: [] }));
    expect(moved).toEqual(['deltaNext', 'instances', 'getEvent', 'getEvent']);
    expect(titles(w)).toEqual(['Partners meeting@2026-12-01', 'Partners meeting@2026-12-10', 'Partners meeting@2026-12-15', 'Partners meeting@2027-01-05']);
    expect(linkOf(w, occ[1]!.id)).toMatchObject({ outlookType: 'exception', seriesMasterId: master.id });
    w.store.later(5 * MINUTE);
    expect(await calls(w, () => run(w))).toEqual(['deltaNext']);
  });

  it('a series deleted without a word in the delta takes every occurrence with it at the hourly read', async () => {
    const w = memoryWorld();
    const { master } = weekly(w, 4);
    weekly(w, 2, 'Stays');
    await run(w);
    w.calendar.userDeleteSeries(master.id, { quiet: true });
    w.store.later(30 * MINUTE);
    expect(await calls(w, () => run(w))).toEqual(['deltaNext']);
    w.store.later(30 * MINUTE);
    const summary = await run(w);
    expect(summary).toMatchObject({ pulled: { deleted: 4 }, errors: [] });
    expect(titles(w)).toEqual(['Stays@2026-12-01', 'Stays@2026-12-08']);
    expect(w.store.series().has(master.id)).toBe(false);
  });

  it('over the mass-deletion breaker a deleted series is held, read again each run, and goes once deletes are allowed', async () => {
    const w = memoryWorld();
    const { master } = weekly(w, 4);
    await run(w);
    w.calendar.userDeleteSeries(master.id, { quiet: true });
    w.store.later(SERIES_CHECK_MS);
    const held = await run(w, { maxDeletes: 3 });
    expect(held.breaker).toMatchObject({ side: 'caseflow', caseflow: 4, limit: 3 });
    expect(w.store.items()).toHaveLength(4);
    // The hour is not counted as read: the next run (a minute later) reads the series again.
    w.store.later(MINUTE);
    const again = await calls(w, () => run(w, { maxDeletes: 3 }));
    expect(again).toContain('instances');
    expect(w.store.items()).toHaveLength(4);
    w.store.later(MINUTE);
    expect(await run(w, { maxDeletes: 3, allowDeletes: true })).toMatchObject({ pulled: { deleted: 4 }, errors: [] });
    expect(w.store.items()).toEqual([]);
  });

  it('an occurrence moved out of the window is not deleted for leaving it: it moves', async () => {
    const w = memoryWorld();
    const { occurrences: occ } = weekly(w, 3);
    await run(w);
    // Moved out of the window; and, to be sure only the series read can tell, the delta is not asked.
    const stored = w.calendar.events.get(occ[2]!.id)!;
    stored.json = { ...stored.json, type: 'exception', start: at('2028-01-04T09:00:00.000Z'), end: at('2028-01-04T10:00:00.000Z'), changeKey: 'moved', '@odata.etag': 'W/"moved"' };
    w.store.later(SERIES_CHECK_MS);
    const summary = await run(w);
    expect(summary).toMatchObject({ pulled: { deleted: 0, updated: 1 }, errors: [] });
    expect(titles(w)).toEqual(['Partners meeting@2026-12-01', 'Partners meeting@2026-12-08', 'Partners meeting@2028-01-04']);
  });

  it('plan shows the deletion the hourly read will make, and writes nothing: the next run still reads the series', async () => {
    const w = memoryWorld();
    const { occurrences: occ } = weekly(w, 3);
    await run(w);
    w.calendar.userDeleteOccurrence(occ[0]!.id);
    w.store.later(SERIES_CHECK_MS);
    const checkedAt = w.store.seriesCheckedAt();
    const report = await planRun(w.host, { push: true, policy: POLICY, allowDeletes: false });
    expect(report.caseflow.delete).toEqual([expect.objectContaining({ outlookId: occ[0]!.id, title: 'Partners meeting' })]);
    expect(w.store.seriesCheckedAt()).toBe(checkedAt);
    expect(w.store.items()).toHaveLength(3);
    expect(await run(w)).toMatchObject({ pulled: { deleted: 1 } });
  });
});
