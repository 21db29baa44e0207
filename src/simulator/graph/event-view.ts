// Projection of a stored event into Graph's JSON: times in the requested zone (UTC by default),
// body as HTML unless text is preferred, ids in the requested format, extended properties only
// when expanded (docs/graph.md#tagging-our-events).
import type { StoredEvent } from '../mailbox/model.js';
import { formatInstant, formatWall, utcToWall } from '../time.js';
import { sameExtendedId } from '../mailbox/mailbox.js';

export interface Zone {
  iana: string;
  label: string;
}

export interface RenderOptions {
  zone: Zone;
  bodyAsText: boolean;
  immutableIds: boolean;
  select?: string[] | null;
  expandExtendedIds?: string[] | null;
}

export const etag = (changeKey: string) => `W/"${changeKey}"`;

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function textToHtml(text: string): string {
  const inner = escapeHtml(text).replace(/\r?\n/g, '<br>\r\n');
  return (
    '<html>\r\n<head>\r\n<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\r\n</head>\r\n' +
    `<body>\r\n<div class="PlainText">${inner}</div>\r\n</body>\r\n</html>\r\n`
  );
}

export function htmlToText(html: string): string {
  return html
    .replace(/<head[\s\S]*?<\/head>/gi, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/\r\n\r\n/g, '\r\n')
    .trim();
}

function renderBody(ev: StoredEvent, asText: boolean) {
  const { contentType, content } = ev.fields.body;
  if (asText) return { contentType: 'text', content: contentType === 'text' ? content : htmlToText(content) };
  return { contentType: 'html', content: contentType === 'html' ? content : textToHtml(content) };
}

function renderTime(ms: number, stored: string, allDay: boolean, zone: Zone) {
  // All-day dates stay dates: midnight is rendered as midnight whatever the requested zone.
  const dateTime = allDay ? stored : formatWall(utcToWall(ms, zone.iana));
  return { dateTime, timeZone: zone.label };
}

const pick = (ev: StoredEvent, immutable: boolean) => (immutable ? ev.immutableId : ev.id);

export function renderEvent(ev: StoredEvent, o: RenderOptions): Record<string, unknown> {
  const f = ev.fields;
  const body = renderBody(ev, o.bodyAsText);
  const preview = (body.contentType === 'text' ? body.content : htmlToText(body.content)).slice(0, 255);
  const id = pick(ev, o.immutableIds);
  const out: Record<string, unknown> = {
    '@odata.etag': etag(ev.changeKey),
    id,
    createdDateTime: formatInstant(ev.createdMs),
    lastModifiedDateTime: formatInstant(ev.lastModifiedMs),
    changeKey: ev.changeKey,
    categories: f.categories,
    transactionId: ev.transactionId,
    originalStartTimeZone: f.originalStartTimeZone,
    originalEndTimeZone: f.originalEndTimeZone,
    iCalUId: ev.iCalUId,
    uid: ev.iCalUId,
    reminderMinutesBeforeStart: f.reminderMinutesBeforeStart,
    isReminderOn: f.isReminderOn,
    hasAttachments: false,
    subject: f.subject,
    bodyPreview: preview,
    importance: f.importance,
    sensitivity: f.sensitivity,
    isAllDay: f.isAllDay,
    isCancelled: ev.isCancelled,
    isOrganizer: ev.isOrganizer,
    responseRequested: f.responseRequested,
    seriesMasterId: ev.seriesMaster ? (o.immutableIds ? ev.seriesMaster.immutableId : ev.seriesMaster.id) : null,
    showAs: f.showAs,
    type: ev.type,
    webLink: `https://outlook.office365.com/owa/?itemid=${encodeURIComponent(id)}&exvsurl=1&path=/calendar/item`,
    onlineMeetingUrl: null,
    isOnlineMeeting: f.isOnlineMeeting,
    onlineMeetingProvider: f.onlineMeetingProvider,
    allowNewTimeProposals: f.allowNewTimeProposals,
    isDraft: false,
    hideAttendees: f.hideAttendees,
    responseStatus: ev.responseStatus,
    body,
    start: renderTime(ev.startMs, f.start.dateTime, f.isAllDay, o.zone),
    end: renderTime(ev.endMs, f.end.dateTime, f.isAllDay, o.zone),
    location: f.location,
    locations: f.locations,
    recurrence: f.recurrence,
    attendees: f.attendees,
    organizer: ev.organizer,
    onlineMeeting: f.onlineMeeting,
  };
  if (ev.originalStartMs !== null) out.originalStart = `${formatInstant(ev.originalStartMs).slice(0, 19)}Z`;
  if (o.expandExtendedIds) {
    const wanted = o.expandExtendedIds;
    const found = ev.extendedProperties.filter((p) => wanted.some((w) => sameExtendedId(w, p.id)));
    if (found.length > 0) out.singleValueExtendedProperties = found.map((p) => ({ id: p.id, value: p.value }));
  }
  if (!o.select) return out;
  const wanted = new Set(o.select.map((s) => s.toLowerCase()));
  const selected: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(out)) {
    if (k === '@odata.etag' || k === 'id' || k === 'singleValueExtendedProperties' || wanted.has(k.toLowerCase())) selected[k] = v;
  }
  return selected;
}

/** Delta's thin occurrence: only id, type, seriesMasterId, start, end and the etag. */
export function renderThinOccurrence(ev: StoredEvent, o: RenderOptions): Record<string, unknown> {
  return {
    '@odata.type': '#microsoft.graph.event',
    '@odata.etag': etag(ev.changeKey),
    id: pick(ev, o.immutableIds),
    type: 'occurrence',
    seriesMasterId: ev.seriesMaster ? (o.immutableIds ? ev.seriesMaster.immutableId : ev.seriesMaster.id) : null,
    start: renderTime(ev.startMs, ev.fields.start.dateTime, ev.fields.isAllDay, o.zone),
    end: renderTime(ev.endMs, ev.fields.end.dateTime, ev.fields.isAllDay, o.zone),
  };
}

export function renderRemoved(id: string): Record<string, unknown> {
  return { '@odata.type': '#microsoft.graph.event', id, '@removed': { reason: 'deleted' } };
}
