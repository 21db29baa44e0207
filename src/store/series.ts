// Recurring Outlook series, per staff member: what their masters say (to tell the pattern in
// words) and, through the links, which CaseFlow events are their occurrences and exceptions.

import { describeRecurrence, parseRecurrence } from '../sync/recurrence-text.js';
import type { SeriesFacts } from '../sync/ports.js';
import type { Db } from './open.js';

export function saveSeries(db: Db, staffId: number, s: SeriesFacts, at: string): void {
  db.prepare(
    `INSERT INTO series (staff_id, master_id, recurrence, first_start, first_end, all_day, time_zone, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (staff_id, master_id) DO UPDATE SET recurrence = excluded.recurrence, first_start = excluded.first_start,
       first_end = excluded.first_end, all_day = excluded.all_day, time_zone = excluded.time_zone, updated_at = excluded.updated_at`,
  ).run(staffId, s.masterId, JSON.stringify(s.recurrence ?? null), s.start, s.end, s.allDay ? 1 : 0, s.timeZone, at);
}

export function deleteSeries(db: Db, staffId: number, masterId: string): void {
  db.prepare('DELETE FROM series WHERE staff_id = ? AND master_id = ?').run(staffId, masterId);
}

/** An exception of a series: an occurrence Outlook holds changed (moved, retitled). */
export interface SeriesException {
  /** Timed: UTC instants; all-day: dates, the end inclusive (as events are shown). */
  start: string;
  end: string;
  title: string;
}

export interface SeriesInfo {
  /** The pattern in words, e.g. "every Tuesday and Thursday until 2027-03-30, 09:00-10:00 America/New_York". */
  pattern: string;
  exceptions: SeriesException[];
}

/** Said of an occurrence whose series' master has not been read yet. */
export const PATTERN_NOT_KNOWN = 'recurring in Microsoft 365 (its pattern is read at the next sync)';

/**
 * The series a CaseFlow event is an occurrence of, in words, with the series' exceptions; null
 * when the event is not an occurrence of a recurring Outlook series.
 */
export function seriesOf(db: Db, eventId: number): SeriesInfo | null {
  // The owner's link first: an invitation's series is the same meeting under another id.
  const link = db
    .prepare(
      `SELECT staff_id, series_master_id FROM links WHERE kind = 'event' AND local_id = ? AND series_master_id IS NOT NULL
       ORDER BY role = 'owner' DESC, id LIMIT 1`,
    )
    .get(eventId) as { staff_id: number; series_master_id: string } | undefined;
  if (!link) {
    const event = db.prepare('SELECT recurring_in_outlook FROM events WHERE id = ?').get(eventId) as { recurring_in_outlook: number } | undefined;
    return event?.recurring_in_outlook === 1 ? { pattern: PATTERN_NOT_KNOWN, exceptions: [] } : null;
  }
  const row = db
    .prepare('SELECT recurrence, first_start, first_end, time_zone FROM series WHERE staff_id = ? AND master_id = ?')
    .get(link.staff_id, link.series_master_id) as { recurrence: string; first_start: string; first_end: string; time_zone: string } | undefined;
  const recurrence = row ? parseRecurrence(JSON.parse(row.recurrence)) : null;
  const pattern = row && recurrence ? describeRecurrence(recurrence, row.first_start, row.first_end, row.time_zone) : PATTERN_NOT_KNOWN;
  const exceptions = db
    .prepare(
      `SELECT e.title, e.all_day, e.start_utc, e.end_utc, e.start_date, e.end_date FROM links l JOIN events e ON e.id = l.local_id
       WHERE l.kind = 'event' AND l.staff_id = ? AND l.series_master_id = ? AND l.outlook_type = 'exception'
       ORDER BY COALESCE(e.start_utc, e.start_date), e.id`,
    )
    .all(link.staff_id, link.series_master_id) as { title: string; all_day: number; start_utc: string | null; end_utc: string | null; start_date: string | null; end_date: string | null }[];
  return {
    pattern,
    exceptions: exceptions.map((e) => ({ title: e.title, start: (e.all_day ? e.start_date : e.start_utc) ?? '', end: (e.all_day ? e.end_date : e.end_utc) ?? '' })),
  };
}
