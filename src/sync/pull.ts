// One delta round (SPEC §8, GRAPH.md "Delta query"): follow nextLinks to a deltaLink with a page
// limit and loop detection; a 410 starts a full round once; duplicates and replays are folded;
// every @removed of a linked event is confirmed with a GET; thin occurrences are completed from
// their series master. Nothing is written here: the caller commits the round, then the link.

import { TransientError } from '../errors.js';
import type { Logger } from '../log.js';
import { completeFromMaster, fromGraphEvent, isThinOccurrence, type GraphEventJson } from './mapping.js';
import type { RemoteChange } from './model.js';
import { DeltaExpiredError, type RemoteCalendar, type SyncWindow } from './ports.js';

export const PAGE_SIZE = 50;
export const MAX_PAGES = 2_000;

export interface Round {
  changes: RemoteChange[];
  deltaLink: string;
  /** A full round (first, window moved, or after a 410). */
  full: boolean;
  pages: number;
}

export interface RoundOptions {
  calendar: RemoteCalendar;
  window: SyncWindow;
  /** The saved deltaLink, when the window has not moved. */
  savedLink: string | null;
  /** Outlook ids we hold links for: only their removals matter. */
  linkedIds: Set<string>;
  /**
   * Linked Outlook ids whose CaseFlow item is inside the window. A full round reports what
   * exists, not what went away: those of them it does not mention are checked with a GET.
   */
  windowLinkedIds: Set<string>;
  log: Logger;
  pageSize?: number;
  maxPages?: number;
}

async function collect(o: RoundOptions, start: string | null): Promise<{ entries: GraphEventJson[]; deltaLink: string; pages: number }> {
  const entries: GraphEventJson[] = [];
  const seen = new Set<string>();
  const pageSize = o.pageSize ?? PAGE_SIZE;
  let page = start ? await o.calendar.deltaNext(start, pageSize) : await o.calendar.deltaStart(o.window.startUtc, o.window.endUtc, pageSize);
  for (let pages = 1; ; pages += 1) {
    entries.push(...page.value);
    if (page.deltaLink) return { entries, deltaLink: page.deltaLink, pages };
    if (!page.nextLink) throw new TransientError('Graph ended a delta round without a deltaLink', { hint: 'run the sync again' });
    if (seen.has(page.nextLink)) {
      throw new TransientError('Graph sent the same delta page link twice (a paging loop); the round was abandoned', { hint: 'run the sync again; a full round starts over' });
    }
    if (pages >= (o.maxPages ?? MAX_PAGES)) {
      throw new TransientError(`a delta round went past ${o.maxPages ?? MAX_PAGES} pages without finishing; it was abandoned`, { hint: 'run the sync again' });
    }
    seen.add(page.nextLink);
    page = await o.calendar.deltaNext(page.nextLink, pageSize);
  }
}

function inWindow(json: GraphEventJson, window: SyncWindow): boolean {
  const ev = fromGraphEvent(json, { inWindow: true });
  const c = ev.content;
  if (c.allDay) return c.end >= window.startDate && c.start < window.endDate;
  return c.end > window.startUtc && c.start < window.endUtc;
}

export async function fetchRound(o: RoundOptions): Promise<Round> {
  let full = o.savedLink === null;
  let raw: { entries: GraphEventJson[]; deltaLink: string; pages: number };
  try {
    raw = await collect(o, o.savedLink);
  } catch (error) {
    if (!(error instanceof DeltaExpiredError)) throw error;
    o.log.info(`delta state expired (${error.code}): starting a full round`);
    full = true;
    try {
      raw = await collect(o, null);
    } catch (again) {
      if (again instanceof DeltaExpiredError) throw new TransientError('Graph refused the delta state twice in one run', { hint: 'run the sync again' });
      throw again;
    }
  }

  // Order is not guaranteed and an event may appear twice: the last entry for an id wins.
  const last = new Map<string, GraphEventJson>();
  for (const e of raw.entries) {
    if (typeof e.id !== 'string') continue;
    last.delete(e.id);
    last.set(e.id, e);
  }

  const masters = new Map<string, GraphEventJson | null>();
  const changes: RemoteChange[] = [];
  for (const [id, entry] of last) {
    if ('@removed' in entry) {
      if (!o.linkedIds.has(id)) continue;
      // A removal is not proof of deletion: the event may only have left the window.
      const found = await o.calendar.getEvent(id);
      if (found === null) changes.push({ kind: 'removed', id, confirmation: 'deleted' });
      else changes.push({ kind: 'removed', id, confirmation: 'exists', event: fromGraphEvent(found, { inWindow: inWindow(found, o.window) }) });
      continue;
    }
    let json = entry;
    if (isThinOccurrence(json)) {
      const masterId = json.seriesMasterId!;
      if (!masters.has(masterId)) masters.set(masterId, (await o.calendar.getEvent(masterId)));
      const master = masters.get(masterId);
      if (!master) continue; // the series is gone; its removal will follow
      json = completeFromMaster(json, master);
    }
    changes.push({ kind: 'upsert', event: fromGraphEvent(json, { inWindow: inWindow(json, o.window) }) });
  }
  if (full) {
    for (const id of o.windowLinkedIds) {
      if (last.has(id)) continue;
      const found = await o.calendar.getEvent(id);
      if (found === null) changes.push({ kind: 'removed', id, confirmation: 'deleted' });
    }
  }
  return { changes, deltaLink: raw.deltaLink, full, pages: raw.pages };
}
