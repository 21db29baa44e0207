// Recurring Outlook series, reconciled (docs/graph.md#recurring-series). A deleted or cancelled
// single occurrence gives no signal in the delta, so after the delta round the run reads the
// instances of some series over the window:
//  - every series the round mentions (its master, one of its occurrences, or a removal of one);
//  - every series on a full round;
//  - every linked series when they were last all read an hour ago or more (`seriesCheckedAt`):
//    a quiet run in between stays at the one delta request.
// A linked occurrence the instances no longer list is read by id: gone is a confirmed removal,
// found is an event that only moved (out of the window, say). Listed instances become upserts (a
// moved occurrence moves). A series that is gone takes all its linked occurrences with it. All of
// it goes to the planner as changes, so the mass-deletion breaker counts these deletions too.
// Nothing is written here: `recordSeries` keeps what was learnt once the run has applied it.

import type { Logger } from '../log.js';
import { fromGraphEvent, type GraphEventJson } from './mapping.js';
import type { Link, RemoteChange, RemoteEvent } from './model.js';
import { dedupeRemote } from './planner.js';
import type { InvalidItem, RemoteCalendar, SeriesFacts, SyncStore, SyncWindow } from './ports.js';
import { inWindow, readById, type Round } from './pull.js';

/** Every linked series is read at least this often. */
export const SERIES_CHECK_MS = 60 * 60 * 1000;

export interface SeriesRead {
  /** To plan after the round's own changes (the planner takes the last entry for an id). */
  changes: RemoteChange[];
  /** Linked occurrences whose read failed validation: read again by id next run. */
  invalid: InvalidItem[];
  /** What the masters read say, to describe their series. */
  masters: SeriesFacts[];
  /** Series Outlook no longer has. */
  gone: string[];
  /** The series read (master ids). */
  read: string[];
  /** Every linked series was read: `seriesCheckedAt` becomes `at` once the run is applied. */
  all: boolean;
  /** CaseFlow's clock when they were read. */
  at: string;
}

export interface SeriesOptions {
  calendar: RemoteCalendar;
  window: SyncWindow;
  links: Link[];
  round: Pick<Round, 'changes' | 'full'>;
  /** CaseFlow's clock now, and when every linked series was last read (null: never). */
  now: Date;
  checkedAt: string | null;
  /** Calendar events are pulled by this run (else nothing is read). */
  events: boolean;
  log: Logger;
}

/** Linked Outlook occurrences by series master id. */
function linkedSeries(links: Link[]): Map<string, Link[]> {
  const out = new Map<string, Link[]>();
  for (const l of links) {
    if (!l.seriesMasterId || !l.outlookId) continue;
    out.set(l.seriesMasterId, [...(out.get(l.seriesMasterId) ?? []), l]);
  }
  return out;
}

/** The series the round mentions: a master, an occurrence, or the removal of a linked occurrence. */
function mentioned(changes: RemoteChange[], links: Link[]): Set<string> {
  const seriesOf = new Map(links.flatMap((l) => (l.outlookId && l.seriesMasterId ? [[l.outlookId, l.seriesMasterId] as const] : [])));
  const out = new Set<string>();
  for (const c of changes) {
    const event = c.event;
    if (event?.type === 'seriesMaster') out.add(event.id);
    if (event?.seriesMasterId) out.add(event.seriesMasterId);
    const linked = seriesOf.get(c.kind === 'upsert' ? c.event.id : c.id);
    if (linked) out.add(linked);
  }
  return out;
}

/** Which series this run reads, and whether that is every linked one. */
export function seriesToRead(o: Pick<SeriesOptions, 'links' | 'round' | 'now' | 'checkedAt'>): { ids: string[]; all: boolean } {
  const due = o.checkedAt === null || o.now.getTime() - Date.parse(o.checkedAt) >= SERIES_CHECK_MS;
  const all = o.round.full || due;
  const ids = mentioned(o.round.changes, o.links);
  if (all) for (const id of linkedSeries(o.links).keys()) ids.add(id);
  return { ids: [...ids].sort(), all };
}

/** What a master says of its series (https://learn.microsoft.com/graph/api/resources/patternedrecurrence). */
function factsOf(masterId: string, master: GraphEventJson): SeriesFacts {
  const { content } = fromGraphEvent(master, { inWindow: true });
  const range = (master.recurrence as { range?: { recurrenceTimeZone?: unknown } } | null | undefined)?.range;
  const zone = typeof range?.recurrenceTimeZone === 'string' && range.recurrenceTimeZone ? range.recurrenceTimeZone : (master.originalStartTimeZone ?? content.timeZone);
  return { masterId, recurrence: master.recurrence ?? null, start: content.start, end: content.end, allDay: content.allDay, timeZone: zone };
}

/** An instance as the delta would give it, whole: an occurrence of this very series. */
function instanceEvent(masterId: string, json: GraphEventJson, window: SyncWindow): RemoteEvent {
  const whole = { ...json, type: json.type ?? 'occurrence', seriesMasterId: json.seriesMasterId ?? masterId };
  return fromGraphEvent(whole, { inWindow: inWindow(whole, window) });
}

/** Reads the series this run reconciles. Writes nothing. */
export async function readSeries(o: SeriesOptions): Promise<SeriesRead> {
  const out: SeriesRead = { changes: [], invalid: [], masters: [], gone: [], read: [], all: false, at: o.now.toISOString() };
  if (!o.events) return out;
  const { ids, all } = seriesToRead(o);
  out.all = all;
  const linked = linkedSeries(o.links);
  // Removals the round already confirmed by id are not read again.
  const confirmed = new Set(o.round.changes.flatMap((c) => (c.kind === 'removed' ? [c.id] : [])));
  for (const masterId of ids) {
    out.read.push(masterId);
    const mine = linked.get(masterId) ?? [];
    const listed = await o.calendar.instances(masterId, o.window.startUtc, o.window.endUtc);
    const master = listed === null ? null : await readById(o.calendar, masterId);
    if (listed === null || master?.kind === 'gone') {
      o.log.debug(`series ${masterId} is gone from Outlook: ${mine.length} linked occurrence(s) go with it`);
      out.gone.push(masterId);
      for (const l of mine) out.changes.push({ kind: 'removed', id: l.outlookId!, confirmation: 'deleted' });
      continue;
    }
    if (master?.kind === 'ok') out.masters.push(factsOf(masterId, master.json));
    else if (master?.kind === 'invalid') o.log.warn(`series ${masterId}: its master could not be read (${master.problem}); its pattern is described from what was kept`);
    for (const json of listed) out.changes.push({ kind: 'upsert', event: instanceEvent(masterId, json, o.window) });
    const listedIds = new Set(listed.map((j) => j.id));
    for (const l of mine) {
      const id = l.outlookId!;
      if (listedIds.has(id) || confirmed.has(id)) continue;
      // Not listed: deleted or cancelled, or only moved out of the window. Read it to know which.
      const found = await readById(o.calendar, id);
      if (found.kind === 'gone') out.changes.push({ kind: 'removed', id, confirmation: 'deleted' });
      else if (found.kind === 'invalid') out.invalid.push({ id, problem: found.problem });
      else out.changes.push({ kind: 'removed', id, confirmation: 'exists', event: instanceEvent(masterId, found.json, o.window) });
    }
  }
  o.log.debug(`series: ${out.read.length} read${all ? ' (every linked series)' : ''}, ${out.changes.length} change(s)`);
  return out;
}

/**
 * Keeps what the run learnt of its series, once the run is applied: the masters' descriptions,
 * each link's series and Outlook type (an occurrence edited in Outlook is an exception now; links
 * made before series were recorded learn theirs), and when every linked series was read. A run
 * whose round must come again (`hold`: deletions held back by the breaker, a change set aside)
 * leaves the time as it was, so the next run reads the series again.
 */
export function recordSeries(store: SyncStore, read: SeriesRead, changes: RemoteChange[], hold: boolean): void {
  store.transaction(() => {
    for (const m of read.masters) store.saveSeries(m);
    if (!hold) for (const id of read.gone) store.deleteSeries(id);
    const named = dedupeRemote(changes);
    // Only links of series matter: those the round names as occurrences, and those that were.
    const ofSeries = [...named.values()].flatMap((c) => (c.event?.seriesMasterId ? [c.event.id] : []));
    const links = new Map([...store.linksByOutlookId(ofSeries), ...store.openLinks().filter((l) => l.seriesMasterId)].flatMap((l) => (l.outlookId ? [[l.outlookId, l] as const] : [])));
    for (const change of named.values()) {
      const event = change.event;
      const link = event && links.get(event.id);
      if (!event || !link || (event.seriesMasterId === null && !link.seriesMasterId)) continue;
      if (link.seriesMasterId === event.seriesMasterId && link.outlookType === event.type) continue;
      store.updateLink(link.id, { seriesMasterId: event.seriesMasterId, outlookType: event.type });
    }
    if (read.all && !hold) store.setSeriesCheckedAt(read.at);
  });
}
