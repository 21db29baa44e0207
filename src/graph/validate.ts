// What comes from Graph is checked before it is believed. Every event JSON that enters (delta
// pages, single reads, the tag lookup, $batch write answers) passes through `validateEvent`
// first, so the engine only ever meets the shapes `fromGraphEvent` and `completeFromMaster`
// expect: a bad entry is reported by id and skipped, and never stops the other entries.
//
// The rules, and why:
// - `id` is a non-empty string: without it an entry cannot be applied, reported or read again.
// - An `@removed` entry needs only its id (Graph sends nothing else:
//   https://learn.microsoft.com/graph/delta-query-events); only delta pages may carry one.
// - A thin occurrence (`type` occurrence or exception, `seriesMasterId`, no `subject`) needs id,
//   type, seriesMasterId, start and end: the rest is read from its series master
//   (https://learn.microsoft.com/graph/api/event-delta). Only delta pages carry thin ones: a single
//   read returns the whole event, so a read without a subject is refused rather than half-believed.
// - Any other event needs `subject` (a string; null is read as no subject). Missing, it would
//   blank the CaseFlow title: an entry that lost its fields is not a valid edit.
// - `start`/`end` are dateTimeTimeZone objects: `dateTime` a wall time without offset,
//   `YYYY-MM-DDTHH:MM[:SS[.fraction]]`, a real date in years 1601-9999 (Exchange keeps times as
//   Windows FILETIMEs, which start in 1601), and `timeZone` a non-empty string
//   (https://learn.microsoft.com/graph/api/resources/datetimetimezone). End is not before start.
// - All-day events run from midnight to midnight (https://learn.microsoft.com/graph/api/resources/event,
//   `isAllDay`): an all-day start or end at another time is refused.
// - Every other field the engine reads is type-checked when present; null counts as absent, as
//   Graph's metadata declares these properties nullable and `fromGraphEvent` reads null as empty:
//   `isAllDay`, `isOnlineMeeting`, `isOrganizer` booleans; `type` one of the four event types;
//   `changeKey`, `@odata.etag`, `iCalUId`, `seriesMasterId`, `originalStartTimeZone`,
//   `sensitivity` strings; `body` an object with string `contentType`/`content`; `location` an
//   object with a string `displayName`; `onlineMeeting` an object with a string `joinUrl`;
//   `attendees` an array of objects whose `emailAddress` holds string `address`/`name`.
// - One bad attendee refuses the whole event instead of being dropped: an event applied without
//   that attendee would, at the next push of a CaseFlow edit, send Outlook an attendee list without
//   them, and Outlook would cancel their invitation. Re-read later, the event comes in whole.
//   (An attendee with no address at all is not malformed: `fromGraphEvent` leaves it out, as before.)
// - Last, the event is read the way the engine reads it (`fromGraphEvent`): its start and end must
//   come out as instants (or dates, all-day) in order. Anything that throws there is refused too.
//
// A problem is one short line naming the field and what was wrong, with the JSON type when it is
// the wrong one: never the field's value (a subject or description can be confidential).

import { fromGraphEvent, type GraphEventJson } from '../sync/mapping.js';

export type Validated = { ok: true; event: GraphEventJson } | { ok: false; id: string | null; problem: string };

export interface ValidateOptions {
  /** Delta pages carry `@removed` entries and thin occurrences; single reads and write answers never do. */
  delta?: boolean;
}

export const NO_ID = 'an entry without an id';

const EVENT_TYPES = ['singleInstance', 'occurrence', 'exception', 'seriesMaster'];
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/;
const MIDNIGHT = /T00:00(?::00(?:\.0+)?)?$/;

class Bad extends Error {}

/** The JSON type of a value, for a problem line: never the value itself. */
export function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const absent = (v: unknown) => v === undefined || v === null;

function optional(o: Obj, key: string, type: 'string' | 'boolean', path = key): void {
  const v = o[key];
  if (!absent(v) && typeof v !== type) throw new Bad(`${path} is not a ${type} (${jsonType(v)})`);
}

function optionalObject(o: Obj, key: string, path = key): Obj | null {
  const v = o[key];
  if (absent(v)) return null;
  if (!isObject(v)) throw new Bad(`${path} is not an object (${jsonType(v)})`);
  return v;
}

function realDateTime(value: string): boolean {
  const m = DATE_TIME.exec(value);
  if (!m) return false;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map((n) => Number(n ?? 0)) as [number, number, number, number, number, number];
  if (y < 1601 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return false;
  return d <= new Date(Date.UTC(y, mo, 0)).getUTCDate(); // day 0 of the next month: this month's last day
}

function dateTimeTimeZone(o: Obj, key: 'start' | 'end'): Obj {
  const v = o[key];
  if (absent(v)) throw new Bad(`${key} is missing`);
  if (!isObject(v)) throw new Bad(`${key} is not an object (${jsonType(v)})`);
  if (v.dateTime === undefined) throw new Bad(`${key}.dateTime is missing`);
  if (typeof v.dateTime !== 'string') throw new Bad(`${key}.dateTime is not a string (${jsonType(v.dateTime)})`);
  if (!realDateTime(v.dateTime)) throw new Bad(`${key}.dateTime is not a date and time like 2026-03-10T09:00:00`);
  if (v.timeZone === undefined || v.timeZone === null) throw new Bad(`${key}.timeZone is missing`);
  if (typeof v.timeZone !== 'string') throw new Bad(`${key}.timeZone is not a string (${jsonType(v.timeZone)})`);
  if (v.timeZone.trim() === '') throw new Bad(`${key}.timeZone is empty`);
  return v;
}

function attendees(o: Obj): void {
  const list = o.attendees;
  if (absent(list)) return;
  if (!Array.isArray(list)) throw new Bad(`attendees is not an array (${jsonType(list)})`);
  list.forEach((a: unknown, i) => {
    const path = `attendees[${i}]`;
    if (!isObject(a)) throw new Bad(`${path} is not an object (${jsonType(a)})`);
    optional(a, 'type', 'string', `${path}.type`);
    const email = optionalObject(a, 'emailAddress', `${path}.emailAddress`);
    if (!email) return;
    optional(email, 'address', 'string', `${path}.emailAddress.address`);
    optional(email, 'name', 'string', `${path}.emailAddress.name`);
  });
}

function check(raw: Obj, o: ValidateOptions): void {
  // The engine takes any entry carrying `@removed` for a removal (even `"@removed": null`).
  if ('@removed' in raw) {
    if (!o.delta) throw new Bad('@removed is not expected outside a delta page');
    const removed = raw['@removed'];
    if (!isObject(removed)) throw new Bad(`@removed is not an object (${jsonType(removed)})`);
    optional(removed, 'reason', 'string', '@removed.reason');
    return;
  }
  for (const key of ['@odata.etag', 'changeKey', 'iCalUId', 'seriesMasterId', 'originalStartTimeZone', 'sensitivity']) optional(raw, key, 'string');
  for (const key of ['isAllDay', 'isOnlineMeeting', 'isOrganizer']) optional(raw, key, 'boolean');
  const type = raw.type;
  if (!absent(type)) {
    if (typeof type !== 'string') throw new Bad(`type is not a string (${jsonType(type)})`);
    if (!EVENT_TYPES.includes(type)) throw new Bad(`type is not one of ${EVENT_TYPES.join(', ')}`);
  }
  // The same test as isThinOccurrence, so that what is accepted as thin is completed as thin.
  const thin = (type === 'occurrence' || type === 'exception') && raw.subject === undefined;
  if (thin) {
    if (!o.delta) throw new Bad('subject is missing');
    if (typeof raw.seriesMasterId !== 'string' || raw.seriesMasterId === '') throw new Bad('seriesMasterId is missing');
  } else {
    if (raw.subject === undefined) throw new Bad('subject is missing');
    optional(raw, 'subject', 'string');
  }
  const start = dateTimeTimeZone(raw, 'start');
  const end = dateTimeTimeZone(raw, 'end');
  if (raw.isAllDay === true) {
    if (!MIDNIGHT.test(start.dateTime as string)) throw new Bad('start is not at midnight on an all-day event');
    if (!MIDNIGHT.test(end.dateTime as string)) throw new Bad('end is not at midnight on an all-day event');
  }
  const body = optionalObject(raw, 'body');
  if (body) {
    optional(body, 'contentType', 'string', 'body.contentType');
    optional(body, 'content', 'string', 'body.content');
  }
  const location = optionalObject(raw, 'location');
  if (location) optional(location, 'displayName', 'string', 'location.displayName');
  const meeting = optionalObject(raw, 'onlineMeeting');
  if (meeting) optional(meeting, 'joinUrl', 'string', 'onlineMeeting.joinUrl');
  attendees(raw);

  // Read it as the engine will: the dates must come out as dates, in order.
  const content = fromGraphEvent(raw as GraphEventJson, { inWindow: true }).content;
  if (content.allDay) {
    const exclusiveEnd = (end.dateTime as string).slice(0, 10);
    if (exclusiveEnd < content.start) throw new Bad('end is before start');
  } else {
    const s = Date.parse(content.start);
    const e = Date.parse(content.end);
    if (!Number.isFinite(s)) throw new Bad('start cannot be read as an instant');
    if (!Number.isFinite(e)) throw new Bad('end cannot be read as an instant');
    if (e < s) throw new Bad('end is before start');
  }
}

/** Checks one event JSON from Graph. Never throws, whatever the value. */
export function validateEvent(raw: unknown, options: ValidateOptions = {}): Validated {
  if (!isObject(raw)) return { ok: false, id: null, problem: `an entry that is not an object (${jsonType(raw)})` };
  const id = raw.id;
  if (typeof id !== 'string' || id === '') {
    return { ok: false, id: null, problem: id === undefined || id === '' ? NO_ID : `${NO_ID} (id is ${jsonType(id)})` };
  }
  try {
    check(raw, options);
  } catch (error) {
    return { ok: false, id, problem: error instanceof Bad ? error.message : 'cannot be read as an event' };
  }
  return { ok: true, event: raw as GraphEventJson };
}
