// Graph event JSON <-> sync model: dates, bodies, the CaseFlow tag and creation ids. Pure.
// docs/graph.md#dates-and-all-day-events: all-day events are midnight to midnight with an EXCLUSIVE end and are never
// converted through UTC; timed values are read as `{dateTime, timeZone: 'UTC'}`.

import { createHash } from 'node:crypto';
import { ianaZone, offsetMs, resolveLocal } from '../dates.js';
import { canonicalInstant, exclusiveEndDate, inclusiveEndDate, normalizeText } from './content.js';
import type { AttendeeType, GraphDateTime, ItemKind, RemoteEvent, RemoteEventType, Sensitivity, SyncContent } from './model.js';

/**
 * The tag value: which item of which store an Outlook event was created for. Unique for all time:
 * the store's instance id (created once with the store, carried by its backups) and the item's
 * random uid (never reused). See docs/identity.md.
 */
export function caseflowIdValue(storeId: string, kind: ItemKind, uid: string): string {
  return `cfo1:${storeId}:${kind}:${uid}`;
}

export type ParsedTag =
  | { version: 1; storeId: string; kind: ItemKind; uid: string }
  /** Before store instance ids (`event:12`): says nothing about which store wrote it. */
  | { version: 0; kind: ItemKind; localId: number };

export function parseCaseflowIdValue(value: string): ParsedTag | null {
  const v1 = /^cfo1:([0-9a-f]{32}):(event|task|deadline):([0-9a-f]{32})$/.exec(value);
  if (v1) return { version: 1, storeId: v1[1]!, kind: v1[2] as ItemKind, uid: v1[3]! };
  const v0 = /^(event|task|deadline):(\d+)$/.exec(value);
  return v0 ? { version: 0, kind: v0[1] as ItemKind, localId: Number(v0[2]) } : null;
}

/**
 * Graph `transactionId` for one generation of an item's Outlook copy: derived, not random, so a
 * retry after a crash or a lost response sends the same value and Graph refuses a second event,
 * and so a store restored from a backup can recognise its own creates. It can never repeat for a
 * different item: it hashes the store instance id and the item's uid.
 */
export function transactionIdFor(storeId: string, kind: ItemKind, uid: string, generation: number): string {
  const h = createHash('sha256').update(`caseflow-outlook:v2:${storeId}:${kind}:${uid}:${generation}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function graphStamp(wallMs: number): string {
  // Graph's own shape: seconds then a 7-digit fraction, no offset.
  const iso = new Date(wallMs).toISOString();
  return `${iso.slice(0, 19)}.${iso.slice(20, 23)}0000`;
}

/**
 * A timed instant as Graph `{dateTime, timeZone}` in the item's zone, so Outlook shows it in that
 * zone. When the zone is unknown, or the wall time is ambiguous there (clocks going back), the
 * instant is sent in UTC instead: Graph could otherwise pick the other instant.
 */
export function graphTimed(instant: string, zone: string): GraphDateTime {
  const ms = Date.parse(instant);
  if (zone !== 'UTC') {
    try {
      const wall = ms + offsetMs(ms, zone);
      const back = resolveLocal(wall, zone);
      if (back.kind === 'unique' && back.instantMs === ms) return { dateTime: graphStamp(wall), timeZone: zone };
    } catch {
      // Unknown zone: fall through to UTC.
    }
  }
  return { dateTime: graphStamp(ms), timeZone: 'UTC' };
}

/** All-day: midnight of the date in the item's zone, never through UTC. */
export function graphDate(date: string, zone: string): GraphDateTime {
  return { dateTime: `${date.slice(0, 10)}T00:00:00.0000000`, timeZone: zone };
}

export function graphStartEnd(c: SyncContent): { start: GraphDateTime; end: GraphDateTime } {
  if (c.allDay) return { start: graphDate(c.start, c.timeZone), end: graphDate(exclusiveEndDate(c.end.slice(0, 10)), c.timeZone) };
  return { start: graphTimed(c.start, c.timeZone), end: graphTimed(c.end, c.timeZone) };
}

/** The Graph event fields we read. Anything may be missing on a thin occurrence. */
export interface GraphEventJson {
  id: string;
  '@odata.etag'?: string;
  '@removed'?: { reason?: string };
  changeKey?: string | null;
  transactionId?: string | null;
  iCalUId?: string | null;
  type?: RemoteEventType;
  seriesMasterId?: string | null;
  subject?: string | null;
  body?: { contentType?: string; content?: string | null } | null;
  start?: GraphDateTime | null;
  end?: GraphDateTime | null;
  originalStartTimeZone?: string | null;
  isAllDay?: boolean | null;
  location?: { displayName?: string | null } | null;
  attendees?: { emailAddress?: { address?: string | null; name?: string | null } | null; type?: string | null }[] | null;
  isOnlineMeeting?: boolean | null;
  onlineMeeting?: { joinUrl?: string | null } | null;
  sensitivity?: string | null;
  isOrganizer?: boolean | null;
  responseStatus?: { response?: string | null } | null;
  [key: string]: unknown;
}

/** `W/"<changeKey>"` -> changeKey (both change on every modification: docs/graph.md#etags-and-if-match). */
export function changeKeyOf(json: Pick<GraphEventJson, 'changeKey' | '@odata.etag'>): string | null {
  if (json.changeKey) return json.changeKey;
  const etag = json['@odata.etag'];
  if (!etag) return null;
  const m = /^(?:W\/)?"(.*)"$/.exec(etag);
  return m ? (m[1] ?? null) : etag;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** Graph returns bodies as HTML unless asked otherwise: back to the plain text we store. */
export function htmlToText(html: string): string {
  const text = html
    .replace(/<(head|style|script)\b[^>]*>[\s\S]*?<\/\1>/gi, '')
    .replace(/\r?\n/g, ' ')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|tr|h[1-6])>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
      if (name[0] === '#') {
        const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
        return Number.isFinite(code) ? String.fromCodePoint(code) : whole;
      }
      return ENTITIES[name.toLowerCase()] ?? whole;
    });
  return normalizeText(text);
}

function readTimed(value: GraphDateTime | null | undefined): string {
  if (!value) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?/.exec(value.dateTime);
  if (!m) return canonicalInstant(value.dateTime);
  const [, y, mo, d, h, mi, s, frac] = m;
  const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0), Number((frac ?? '0').padEnd(3, '0').slice(0, 3)));
  // We ask for UTC, but a zone Outlook names (IANA or Windows) is honoured; an unknown one is read as UTC.
  const zone = ianaZone(value.timeZone);
  if (zone && zone !== 'UTC' && zone !== 'Etc/UTC') {
    try {
      const r = resolveLocal(wall, zone);
      if (r.kind === 'unique') return new Date(r.instantMs).toISOString();
      if (r.kind === 'ambiguous') return new Date(r.earlierMs).toISOString();
    } catch {
      // A zone the runtime does not know: read as UTC.
    }
  }
  return new Date(wall).toISOString();
}

function attendeeType(value: string | null | undefined): AttendeeType {
  return value === 'optional' || value === 'resource' ? value : 'required';
}

function sensitivityOf(value: string | null | undefined): Sensitivity {
  return value === 'personal' || value === 'private' || value === 'confidential' ? value : 'normal';
}

/** The display zone Outlook recorded, when it is one we can use (IANA-looking or UTC). */
function zoneOf(json: GraphEventJson): string {
  return ianaZone(json.originalStartTimeZone ?? json.start?.timeZone) ?? 'UTC';
}

export function fromGraphEvent(json: GraphEventJson, opts: { inWindow: boolean }): RemoteEvent {
  const allDay = json.isAllDay === true;
  const body = json.body?.content ?? '';
  const description = json.body?.contentType?.toLowerCase() === 'html' ? htmlToText(body) : normalizeText(body);
  let start: string;
  let end: string;
  if (allDay) {
    start = (json.start?.dateTime ?? '').slice(0, 10);
    end = inclusiveEndDate((json.end?.dateTime ?? '').slice(0, 10) || start, start);
  } else {
    start = readTimed(json.start);
    end = readTimed(json.end);
  }
  const content: SyncContent = {
    title: json.subject ?? '',
    description,
    allDay,
    start,
    end,
    timeZone: zoneOf(json),
    location: json.location?.displayName ?? '',
    attendees: (json.attendees ?? [])
      .filter((a) => a.emailAddress?.address)
      .map((a) => ({ email: (a.emailAddress?.address ?? '').toLowerCase(), name: a.emailAddress?.name ?? '', type: attendeeType(a.type) })),
    teamsMeeting: json.isOnlineMeeting === true,
  };
  return {
    id: json.id,
    changeKey: changeKeyOf(json),
    ...('transactionId' in json ? { transactionId: typeof json.transactionId === 'string' ? json.transactionId : null } : {}),
    iCalUId: json.iCalUId ?? null,
    type: json.type ?? 'singleInstance',
    seriesMasterId: json.seriesMasterId ?? null,
    content,
    sensitivity: sensitivityOf(json.sensitivity),
    isOrganizer: json.isOrganizer !== false,
    // https://learn.microsoft.com/graph/api/resources/responsestatus
    declined: json.isOrganizer === false && json.responseStatus?.response === 'declined',
    joinUrl: json.onlineMeeting?.joinUrl ?? null,
    inWindow: opts.inWindow,
  };
}

/** Occurrences can arrive with only id, type, seriesMasterId, start, end, etag (docs/graph.md#recurring-series). */
export function isThinOccurrence(json: GraphEventJson): boolean {
  return (json.type === 'occurrence' || json.type === 'exception') && !!json.seriesMasterId && json.subject === undefined;
}

/**
 * A thin occurrence completed from its series master: the master's fields, the occurrence's own
 * identity and times. The master's iCalUId is NOT borrowed: it differs per occurrence and would
 * make every occurrence look like the same meeting.
 */
export function completeFromMaster(thin: GraphEventJson, master: GraphEventJson): GraphEventJson {
  const { recurrence: _recurrence, '@odata.etag': _etag, changeKey: _ck, iCalUId: _uid, ...fromMaster } = master;
  return {
    ...fromMaster,
    ...Object.fromEntries(Object.entries(thin).filter(([, v]) => v !== undefined)),
    id: thin.id,
    type: thin.type ?? 'occurrence',
    seriesMasterId: thin.seriesMasterId ?? master.id,
    iCalUId: thin.iCalUId ?? null,
    changeKey: changeKeyOf(thin),
  };
}
