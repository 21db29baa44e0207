// Normalisation, hashing and comparison of synced content. Pure (hashing is deterministic).
// "Changed" means changed content: hashes are taken over normalised content, so
// whitespace, CRLF, attendee order or e-mail case never count as an edit.

import { createHash } from 'node:crypto';
import { addDays } from '../dates.js';
import type { ItemKind, LocalItem, RemoteEvent, SyncAttendee, SyncContent } from './model.js';

/** Timed instants as `YYYY-MM-DDTHH:mm:ss.sssZ`; anything unparseable is kept as given. */
export function canonicalInstant(value: string): string {
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? value.trim() : new Date(ms).toISOString();
}

export function normalizeText(value: string): string {
  return value
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.replace(/[ \t\u00a0]+$/, ''))
    .join('\n')
    .trim();
}

export function normalizeAttendees(attendees: readonly SyncAttendee[]): SyncAttendee[] {
  const seen = new Set<string>();
  const out: SyncAttendee[] = [];
  for (const a of attendees) {
    const email = a.email.trim().toLowerCase();
    if (email === '' || seen.has(email)) continue;
    seen.add(email);
    out.push({ email, name: a.name.trim(), type: a.type });
  }
  return out.sort((a, b) => (a.email < b.email ? -1 : a.email > b.email ? 1 : 0));
}

export function normalizeContent(c: SyncContent): SyncContent {
  const day = (v: string): string => v.trim().slice(0, 10);
  return {
    title: c.title.trim(),
    description: normalizeText(c.description),
    allDay: c.allDay,
    start: c.allDay ? day(c.start) : canonicalInstant(c.start),
    end: c.allDay ? day(c.end) : canonicalInstant(c.end),
    timeZone: c.timeZone.trim(),
    location: (c.location ?? '').trim(),
    attendees: normalizeAttendees(c.attendees),
    teamsMeeting: c.teamsMeeting,
  };
}

function digest(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}

/** Change detection of the CaseFlow side: every synced field, and the confidential flag. */
export function localHash(item: Pick<LocalItem, 'content' | 'confidential'>): string {
  return digest({ v: 1, c: normalizeContent(item.content), confidential: item.confidential });
}

/**
 * What two copies are compared on. Attendee names are left out (Outlook fills display names) and
 * so is the zone (timed values are read as UTC instants; all-day values are dates); the
 * description is left out when the Outlook copy was pushed as confidential (it says
 * "Confidential" there), and the title when the copy carries a masked one (`sync.protectedTitle`).
 */
export function comparable(c: SyncContent, confidential: boolean, maskedTitle = false): Record<string, unknown> {
  const n = normalizeContent(c);
  // Keys added one by one, in this order (the hash is over it): in Node 20 an object built from
  // spreads with keys after them outlives the young generation, and one is built per event hashed.
  const out: Record<string, unknown> = {};
  if (!maskedTitle) out.title = n.title;
  if (!confidential) out.description = n.description;
  out.allDay = n.allDay;
  out.start = n.start;
  out.end = n.end;
  out.location = n.location;
  out.attendees = n.attendees.map((a) => [a.email, a.type]);
  out.teamsMeeting = n.teamsMeeting;
  return out;
}

/** Change detection of the Outlook side: the synced fields as Outlook holds them. */
export function remoteHash(event: Pick<RemoteEvent, 'content'>): string {
  return digest({ v: 1, c: comparable(event.content, false) });
}

export function sameOnBothSides(local: SyncContent, remote: SyncContent, confidential: boolean, maskedTitle = false): boolean {
  return JSON.stringify(comparable(local, confidential, maskedTitle)) === JSON.stringify(comparable(remote, confidential, maskedTitle));
}

/**
 * The CaseFlow content after an Outlook edit wins. The description of an item pushed as
 * confidential is never replaced by Outlook's "Confidential", nor a real title by a masked one
 * (`maskedTitle`: whatever Outlook's title says then, CaseFlow's stays). The zone stays CaseFlow's:
 * Outlook answers in UTC, the instants carry the change. Attendee names Outlook left blank keep
 * the CaseFlow name.
 */
export function mergeRemoteIntoLocal(local: SyncContent, remote: SyncContent, confidential: boolean, maskedTitle = false): SyncContent {
  const r = normalizeContent(remote);
  const names = new Map(normalizeAttendees(local.attendees).map((a) => [a.email, a.name]));
  return {
    ...r,
    title: maskedTitle ? local.title.trim() : r.title,
    description: confidential ? local.description : r.description,
    timeZone: local.timeZone,
    attendees: r.attendees.map((a) => ({ ...a, name: a.name !== '' ? a.name : (names.get(a.email) ?? '') })),
  };
}

export const TASK_TITLE_PREFIX = 'Task: ';
export const DEADLINE_TITLE_PREFIX = 'Deadline: ';
/** Length of the Outlook block for a timed due date. */
export const DUE_EVENT_MINUTES = 30;

export interface DueItem {
  title: string;
  description: string;
  /** All-day due: a date `YYYY-MM-DD`; timed due: a UTC instant. */
  due: string;
  dueAllDay: boolean;
  timeZone: string;
}

/**
 * Tasks and deadlines become Outlook events (one way): an all-day due date is a one-day all-day
 * event; a due time is a 30-minute event starting at the due time, so Outlook's reminder fires
 * before it. Titles are prefixed so they read as what they are; no attendees, no Teams.
 */
export function dueItemContent(kind: Exclude<ItemKind, 'event'>, item: DueItem): SyncContent {
  const prefix = kind === 'task' ? TASK_TITLE_PREFIX : DEADLINE_TITLE_PREFIX;
  const start = item.dueAllDay ? item.due.slice(0, 10) : canonicalInstant(item.due);
  const end = item.dueAllDay ? start : new Date(Date.parse(start) + DUE_EVENT_MINUTES * 60_000).toISOString();
  return {
    title: `${prefix}${item.title.trim()}`,
    description: item.description,
    allDay: item.dueAllDay,
    start,
    end,
    timeZone: item.timeZone,
    location: '',
    attendees: [],
    teamsMeeting: false,
  };
}

/** All-day: CaseFlow's inclusive last day -> Outlook's exclusive end date, and back. */
export function exclusiveEndDate(inclusiveEnd: string): string {
  return addDays(inclusiveEnd, 1);
}
export function inclusiveEndDate(exclusiveEnd: string, start: string): string {
  const last = addDays(exclusiveEnd, -1);
  return last < start ? start : last;
}
