// /me/events: create (transactionId dedupe), read, update (If-Match -> 412), delete (404 when
// already gone), list with the extended-property filter, and a series' instances.
import { GraphError, type CalendarRole, type StoredEvent } from '../mailbox/model.js';
import { parseEventInput } from '../mailbox/event-input.js';
import { createEvent, deleteEvent, updateEvent } from '../mailbox/calendar-ops.js';
import { notFound } from '../mailbox/mailbox.js';
import { renderEvent } from './event-view.js';
import { hasScope, preferenceApplied, renderOptions, UTC, type GraphCall, type GraphEnv, type GraphReply } from './context.js';
import { parseCount, parseExpand, parseFilter, parseSelect } from './odata-query.js';
import { parseIsoInstant } from '../time.js';

const accessDenied = () => new GraphError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');

export function requireRead(env: GraphEnv): void {
  if (!hasScope(env, 'Calendars.Read', 'Calendars.ReadWrite', 'Calendars.Read.Shared', 'Calendars.ReadWrite.Shared')) throw accessDenied();
}

export function requireWrite(env: GraphEnv): void {
  if (!hasScope(env, 'Calendars.ReadWrite', 'Calendars.ReadWrite.Shared')) throw accessDenied();
}

export function context(env: GraphEnv, suffix: string): string {
  return `${env.base}/v1.0/$metadata#users('${env.mailbox.user.oid}')/${suffix}`;
}

function headers(env: GraphEnv): Record<string, string> {
  return preferenceApplied(env.prefs, env.prefs.zone ?? UTC);
}

function single(env: GraphEnv, ev: StoredEvent, status: number, call?: GraphCall): GraphReply {
  const opts = renderOptions(env, {
    select: call ? parseSelect(call.query.get('$select')) : null,
    expandExtendedIds: call ? parseExpand(call.query.get('$expand')) : null,
  });
  return { status, headers: headers(env), body: { '@odata.context': context(env, 'events/$entity'), ...renderEvent(ev, opts) } };
}

export function target(env: GraphEnv, id: string, calendar?: CalendarRole): StoredEvent {
  const ev = env.mailbox.resolve(id);
  if (!ev || (calendar && ev.calendar !== calendar)) throw notFound();
  env.note.calendar = ev.calendar;
  return ev;
}

function checkIfMatch(call: GraphCall, ev: StoredEvent): void {
  const header = call.headers['if-match'];
  if (!header || header.trim() === '*') return;
  const tags = header.split(',').map((t) => t.trim().replace(/^W\//, '').replace(/^"(.*)"$/, '$1'));
  if (!tags.includes(ev.changeKey)) {
    throw new GraphError(
      412,
      'ErrorIrresolvableConflict',
      'The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.',
    );
  }
}

export function createEventRoute(env: GraphEnv, call: GraphCall, calendar: CalendarRole): GraphReply {
  requireWrite(env);
  const input = parseEventInput(call.body);
  if (input.transactionId !== undefined && env.mailbox.findByTransactionId(input.transactionId)) {
    throw new GraphError(400, 'ErrorDuplicateTransactionId', "Your request can't be completed. The transactionId has already been used.");
  }
  const ev = createEvent(env.directory, env.mailbox, input, {
    calendar,
    transactionId: input.transactionId ?? null,
    extendedProperties: input.extendedProperties ?? [],
  });
  const reply = single(env, ev, 201);
  reply.headers = { ...reply.headers, Location: `${env.base}/v1.0/Users('${env.mailbox.user.oid}')/Events('${reply.body && (reply.body as { id: string }).id}')` };
  return reply;
}

export function getEventRoute(env: GraphEnv, call: GraphCall, id: string, calendar?: CalendarRole): GraphReply {
  requireRead(env);
  return single(env, target(env, id, calendar), 200, call);
}

export function updateEventRoute(env: GraphEnv, call: GraphCall, id: string, calendar?: CalendarRole): GraphReply {
  requireWrite(env);
  const ev = target(env, id, calendar);
  checkIfMatch(call, ev);
  const input = parseEventInput(call.body);
  return single(env, updateEvent(env.directory, env.mailbox, ev, input), 200);
}

export function deleteEventRoute(env: GraphEnv, call: GraphCall, id: string, calendar?: CalendarRole): GraphReply {
  requireWrite(env);
  const ev = target(env, id, calendar);
  checkIfMatch(call, ev);
  deleteEvent(env.directory, env.mailbox, ev);
  return { status: 204 };
}

/** Absolute next link: same path and query with a new paging parameter. */
export function nextLink(env: GraphEnv, path: string, query: URLSearchParams, name: string, value: number): string {
  const q = new URLSearchParams(query);
  q.set(name, String(value));
  return `${env.base}/v1.0${path}?${q.toString().replace(/%24/g, '$')}`;
}

const ORDER: Record<string, (e: StoredEvent) => number | string> = {
  'start/datetime': (e) => e.startMs,
  'end/datetime': (e) => e.endMs,
  createddatetime: (e) => e.createdMs,
  lastmodifieddatetime: (e) => e.lastModifiedMs,
  subject: (e) => e.fields.subject,
};

export function orderEvents(events: StoredEvent[], orderby: string | null): StoredEvent[] {
  if (!orderby) return events;
  const [prop = '', dir = 'asc'] = orderby.trim().split(/\s+/);
  const key = ORDER[prop.toLowerCase()];
  if (!key) throw new GraphError(400, 'BadRequest', `Unsupported $orderby '${orderby}'.`);
  const sign = dir.toLowerCase() === 'desc' ? -1 : 1;
  return [...events].sort((a, b) => (key(a) < key(b) ? -sign : key(a) > key(b) ? sign : 0));
}

/** One page of a list, `$top` (default 10, like Graph) or `odata.maxpagesize`, then `$skip`. */
export function page(env: GraphEnv, call: GraphCall, path: string, events: StoredEvent[], suffix: string): GraphReply {
  const top = parseCount(call.query.get('$top'), '$top') ?? env.prefs.maxPageSize ?? 10;
  const skip = parseCount(call.query.get('$skip'), '$skip') ?? 0;
  const opts = renderOptions(env, {
    select: parseSelect(call.query.get('$select')),
    expandExtendedIds: parseExpand(call.query.get('$expand')),
  });
  const slice = events.slice(skip, skip + Math.min(top, 1000));
  const body: Record<string, unknown> = { '@odata.context': context(env, suffix), value: slice.map((e) => renderEvent(e, opts)) };
  if (skip + slice.length < events.length) body['@odata.nextLink'] = nextLink(env, path, call.query, '$skip', skip + slice.length);
  return { status: 200, headers: headers(env), body };
}

export function listEventsRoute(env: GraphEnv, call: GraphCall, path: string, calendar: CalendarRole): GraphReply {
  requireRead(env);
  const predicate = parseFilter(call.query.get('$filter'));
  const events = orderEvents(env.mailbox.list(calendar).filter(predicate), call.query.get('$orderby'));
  return page(env, call, path, events, 'events');
}

export function window(call: GraphCall): { startMs: number; endMs: number } {
  const startMs = parseIsoInstant(call.query.get('startDateTime') ?? call.query.get('StartDateTime'));
  const endMs = parseIsoInstant(call.query.get('endDateTime') ?? call.query.get('EndDateTime'));
  if (startMs === null || endMs === null) {
    throw new GraphError(
      400,
      'ErrorInvalidParameter',
      'This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.',
    );
  }
  return { startMs, endMs };
}

export function instancesRoute(env: GraphEnv, call: GraphCall, path: string, id: string): GraphReply {
  requireRead(env);
  const master = target(env, id);
  const { startMs, endMs } = window(call);
  const events =
    master.type === 'seriesMaster'
      ? env.mailbox
          .instances(startMs, endMs, master.calendar)
          .filter((e) => e.seriesMaster?.key === master.key)
          .sort((a, b) => a.startMs - b.startMs)
      : [];
  return page(env, call, path, events, 'events');
}
