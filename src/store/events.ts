// CaseFlow events: the rows, their attendees, and the JSON shape of `events list/show --json`.

import { isConfidential } from '../sync/confidentiality.js';
import { ownerOfEmail } from './contacts.js';
import type { Db } from './open.js';

export type AttendeeType = 'required' | 'optional' | 'resource';
export interface Attendee {
  email: string;
  name: string;
  type: AttendeeType;
  /** Whose email it is (by email or any alternate email), filled in by the store. */
  staffId?: number | null;
  contactId?: number | null;
}

/** What a caller supplies to create or replace an event (validated by the command first). */
export interface EventInput {
  staffId: number;
  title: string;
  description: string;
  allDay: boolean;
  /** Timed: UTC instant; all-day: date. */
  start: string;
  /** Timed: UTC instant; all-day: last day, inclusive. */
  end: string;
  timeZone: string;
  location: string;
  categoryId: number | null;
  matterId: number | null;
  teamsMeeting: boolean;
  teamsJoinUrl?: string | null;
  recurrence: string | null;
  source?: 'caseflow' | 'outlook';
  readOnly?: boolean;
  recurringInOutlook?: boolean;
  iCalUId?: string | null;
  attendees: Attendee[];
}

/** An event as `--json` prints it (stable: fields may be added, never renamed). */
export interface EventJson {
  id: number;
  staff: string;
  title: string;
  description: string;
  start: string;
  end: string;
  allDay: boolean;
  timeZone: string;
  location: string;
  category: string | null;
  matterId: number | null;
  teamsMeeting: boolean;
  teamsJoinUrl: string | null;
  attendees: Attendee[];
  source: 'caseflow' | 'outlook';
  readOnly: boolean;
  recurringInOutlook: boolean;
  recurrence: string | null;
  confidential: boolean;
  outlookId: string | null;
  createdAt: string;
  updatedAt: string;
}

interface EventRow {
  id: number;
  staff_id: number;
  staff_email: string;
  title: string;
  description: string;
  all_day: number;
  start_utc: string | null;
  end_utc: string | null;
  start_date: string | null;
  end_date: string | null;
  time_zone: string;
  location: string;
  category: string | null;
  category_protected: number | null;
  matter_id: number | null;
  teams_meeting: number;
  teams_join_url: string | null;
  recurrence: string | null;
  source: 'caseflow' | 'outlook';
  read_only: number;
  recurring_in_outlook: number;
  ical_uid: string | null;
  outlook_id: string | null;
  created_at: string;
  updated_at: string;
}

const SELECT = `
  SELECT e.*, s.email AS staff_email, c.name AS category, c.protected AS category_protected,
    (SELECT l.outlook_id FROM links l WHERE l.kind = 'event' AND l.local_id = e.id AND l.staff_id = e.staff_id
       AND l.outlook_id IS NOT NULL) AS outlook_id
  FROM events e
  JOIN staff s ON s.id = e.staff_id
  LEFT JOIN categories c ON c.id = e.category_id`;

function toJson(row: EventRow, attendees: Attendee[]): EventJson {
  const allDay = row.all_day === 1;
  return {
    id: row.id,
    staff: row.staff_email,
    title: row.title,
    description: row.description,
    start: (allDay ? row.start_date : row.start_utc) ?? '',
    end: (allDay ? row.end_date : row.end_utc) ?? '',
    allDay,
    timeZone: row.time_zone,
    location: row.location,
    category: row.category,
    matterId: row.matter_id,
    teamsMeeting: row.teams_meeting === 1,
    teamsJoinUrl: row.teams_join_url,
    attendees,
    source: row.source,
    readOnly: row.read_only === 1,
    recurringInOutlook: row.recurring_in_outlook === 1,
    recurrence: row.recurrence,
    confidential: isConfidential({ kind: 'event', matterId: row.matter_id, category: row.category }, row.category_protected === 1 && row.category ? [row.category] : []),
    outlookId: row.outlook_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function attendeesOf(db: Db, ids: number[]): Map<number, Attendee[]> {
  const out = new Map<number, Attendee[]>();
  if (ids.length === 0) return out;
  const stmt = db.prepare(
    `SELECT event_id, email, name, type, staff_id, contact_id FROM event_attendees WHERE event_id IN (SELECT value FROM json_each(?)) ORDER BY event_id, position`,
  );
  for (const r of stmt.all(JSON.stringify(ids)) as { event_id: number; email: string; name: string; type: AttendeeType; staff_id: number | null; contact_id: number | null }[]) {
    const list = out.get(r.event_id) ?? [];
    list.push({ email: r.email, name: r.name, type: r.type, staffId: r.staff_id, contactId: r.contact_id });
    out.set(r.event_id, list);
  }
  return out;
}

function writeAttendees(db: Db, eventId: number, attendees: Attendee[]): void {
  db.prepare('DELETE FROM event_attendees WHERE event_id = ?').run(eventId);
  const insert = db.prepare('INSERT INTO event_attendees (event_id, email, name, type, position, staff_id, contact_id) VALUES (?, ?, ?, ?, ?, ?, ?)');
  attendees.forEach((a, i) => {
    const owner = ownerOfEmail(db, a.email);
    insert.run(eventId, a.email, a.name, a.type, i, owner?.type === 'staff' ? owner.id : null, owner?.type === 'contact' ? owner.id : null);
  });
}

function columns(input: EventInput): Record<string, unknown> {
  return {
    staff_id: input.staffId,
    title: input.title,
    description: input.description,
    all_day: input.allDay ? 1 : 0,
    start_utc: input.allDay ? null : input.start,
    end_utc: input.allDay ? null : input.end,
    start_date: input.allDay ? input.start : null,
    end_date: input.allDay ? input.end : null,
    time_zone: input.timeZone,
    location: input.location,
    category_id: input.categoryId,
    matter_id: input.matterId,
    teams_meeting: input.teamsMeeting ? 1 : 0,
    teams_join_url: input.teamsJoinUrl ?? null,
    recurrence: input.recurrence,
    source: input.source ?? 'caseflow',
    read_only: input.readOnly ? 1 : 0,
    recurring_in_outlook: input.recurringInOutlook ? 1 : 0,
    ical_uid: input.iCalUId ?? null,
  };
}

/** The columns an insert writes: those `columns` names (the same keys for any input), and the two times. */
const INSERT_COLUMNS = [...Object.keys(columns({} as EventInput)), 'created_at', 'updated_at'];
const INSERT_SQL = `INSERT INTO events (${INSERT_COLUMNS.join(', ')}) VALUES (${INSERT_COLUMNS.map((n) => `@${n}`).join(', ')})`;

export function insertEvent(db: Db, input: EventInput, now: string): number {
  // Object.assign, not a spread with keys after it: in Node 20 such objects outlive the young generation.
  const info = db.prepare(INSERT_SQL).run(Object.assign(columns(input), { created_at: now, updated_at: now }));
  const id = Number(info.lastInsertRowid);
  writeAttendees(db, id, input.attendees);
  return id;
}

export function replaceEvent(db: Db, id: number, input: EventInput, now: string): void {
  const cols = Object.assign(columns(input), { updated_at: now, id });
  const sets = Object.keys(cols)
    .filter((n) => n !== 'id')
    .map((n) => `${n} = @${n}`);
  db.prepare(`UPDATE events SET ${sets.join(', ')} WHERE id = @id`).run(cols);
  writeAttendees(db, id, input.attendees);
}

export function deleteEvent(db: Db, id: number): void {
  db.prepare('DELETE FROM events WHERE id = ?').run(id);
}

export function getEvent(db: Db, id: number): EventJson | null {
  const row = db.prepare(`${SELECT} WHERE e.id = ?`).get(id) as EventRow | undefined;
  if (!row) return null;
  return toJson(row, attendeesOf(db, [id]).get(id) ?? []);
}

/** The stored input of an event, for updates that change only some fields. */
export function getEventInput(db: Db, id: number): (EventInput & { id: number }) | null {
  const row = db.prepare(`SELECT * FROM events WHERE id = ?`).get(id) as (EventRow & { category_id: number | null }) | undefined;
  if (!row) return null;
  const allDay = row.all_day === 1;
  return {
    id: row.id,
    staffId: row.staff_id,
    title: row.title,
    description: row.description,
    allDay,
    start: (allDay ? row.start_date : row.start_utc) ?? '',
    end: (allDay ? row.end_date : row.end_utc) ?? '',
    timeZone: row.time_zone,
    location: row.location,
    categoryId: row.category_id,
    matterId: row.matter_id,
    teamsMeeting: row.teams_meeting === 1,
    teamsJoinUrl: row.teams_join_url,
    recurrence: row.recurrence,
    source: row.source,
    readOnly: row.read_only === 1,
    recurringInOutlook: row.recurring_in_outlook === 1,
    iCalUId: row.ical_uid,
    attendees: attendeesOf(db, [id]).get(id) ?? [],
  };
}

export interface EventFilter {
  staffId?: number | undefined;
  /** Only these events. */
  ids?: number[] | undefined;
  /** UTC instant: events ending at or after it. */
  fromUtc?: string | undefined;
  /** UTC instant: events starting before it. */
  toUtc?: string | undefined;
  /** Date bounds for all-day events, in the firm's zone. */
  fromDate?: string | undefined;
  toDate?: string | undefined;
}

export function listEvents(db: Db, filter: EventFilter = {}): EventJson[] {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  if (filter.staffId !== undefined) {
    where.push('e.staff_id = @staffId');
    params.staffId = filter.staffId;
  }
  if (filter.ids !== undefined) {
    where.push('e.id IN (SELECT value FROM json_each(@ids))');
    params.ids = JSON.stringify(filter.ids);
  }
  if (filter.fromUtc !== undefined) {
    where.push('((e.all_day = 0 AND e.end_utc >= @fromUtc) OR (e.all_day = 1 AND e.end_date >= @fromDate))');
    params.fromUtc = filter.fromUtc;
    params.fromDate = filter.fromDate ?? filter.fromUtc.slice(0, 10);
  }
  if (filter.toUtc !== undefined) {
    where.push('((e.all_day = 0 AND e.start_utc < @toUtc) OR (e.all_day = 1 AND e.start_date < @toDate))');
    params.toUtc = filter.toUtc;
    params.toDate = filter.toDate ?? filter.toUtc.slice(0, 10);
  }
  const sql = `${SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY COALESCE(e.start_utc, e.start_date), e.id`;
  const rows = db.prepare(sql).all(params) as EventRow[];
  const attendees = attendeesOf(db, rows.map((r) => r.id));
  return rows.map((r) => toJson(r, attendees.get(r.id) ?? []));
}
