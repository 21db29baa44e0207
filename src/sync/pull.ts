// One delta round (docs/graph.md#rounds-and-links, #expired-state-and-unkind-rounds): follow nextLinks to a deltaLink with a page
// limit and loop detection; a 410 starts a full round once; duplicates and replays are folded;
// every @removed of a linked event is confirmed with a GET; thin occurrences are completed from
// their series master. Entries that failed validation (the Graph adapter checks them) are skipped
// and returned in `invalid`; ids that failed in earlier rounds are read again by id (`recheckIds`)
// until they read well. Nothing is written here: the caller commits the round, then the link.

import { DeltaRoundFailed } from './errors.js';
import type { Logger } from '../log.js';
import { completeFromMaster, fromGraphEvent, isThinOccurrence, type GraphEventJson } from './mapping.js';
import type { RemoteChange, RemoteEvent } from './model.js';
import { DeltaExpiredError, InvalidItemError, type InvalidItem, type RemoteCalendar, type SyncWindow } from './ports.js';

// Graph documents no maximum for the delta page size (docs/graph.md#rounds-and-links): fewer,
// larger pages mean fewer round trips on a full round.
export const PAGE_SIZE = 250;
export const MAX_PAGES = 2_000;

export interface Round {
  changes: RemoteChange[];
  deltaLink: string;
  /** A full round (first, window moved, or after a 410). */
  full: boolean;
  pages: number;
  /**
   * What could not be believed this round, nothing of it applied: delta entries that failed
   * validation, entries whose series master or removal check read badly, and `recheckIds` that
   * still fail. Those with an id are to be read again next round; an id of null cannot be.
   */
  invalid: InvalidItem[];
}

export interface RoundOptions {
  calendar: RemoteCalendar;
  window: SyncWindow;
  /** The saved deltaLink, when the window has not moved. */
  savedLink: string | null;
  /** Outlook ids we hold links for: only their removals matter. */
  linkedIds: Pick<ReadonlySet<string>, 'has'>;
  /**
   * Linked Outlook ids whose CaseFlow item is inside the window, asked for by a full round only.
   * A full round reports what exists, not what went away: those of them it does not mention are
   * checked with a GET.
   */
  windowLinkedIds: () => Iterable<string>;
  /**
   * Outlook ids that failed validation in earlier rounds: each is read again by id, unless this
   * round's delta mentions it (its entry decides). One that reads well becomes an upsert; one that
   * is gone (404) a confirmed removal when linked; one still failing stays in `Round.invalid`.
   */
  recheckIds?: Iterable<string>;
  log: Logger;
  pageSize?: number;
  maxPages?: number;
}

/**
 * A delta entry as folded: believed, or not. An ordinary event is read into its RemoteEvent as its
 * page comes in (`event`), so a round holds no page's JSON past that page; a removal, or an
 * occurrence to be completed from its master, keeps its JSON until the round is folded.
 */
type Entry = { ok: true; json: GraphEventJson } | { ok: true; event: RemoteEvent } | { ok: false; item: InvalidItem };

function entryOf(json: GraphEventJson, window: SyncWindow): Entry {
  if ('@removed' in json || isThinOccurrence(json)) return { ok: true, json };
  return { ok: true, event: readEvent(json, window) };
}

const idOf = (e: Entry): string | null => (!e.ok ? e.item.id : 'event' in e ? e.event.id : e.json.id);

async function collect(o: RoundOptions, start: string | null): Promise<{ entries: Entry[]; deltaLink: string; pages: number }> {
  const entries: Entry[] = [];
  const seen = new Set<string>();
  const pageSize = o.pageSize ?? PAGE_SIZE;
  let page = start ? await o.calendar.deltaNext(start, pageSize) : await o.calendar.deltaStart(o.window.startUtc, o.window.endUtc, pageSize);
  for (let pages = 1; ; pages += 1) {
    // Within a page the invalid entries count as the later ones: an id both good and bad on one
    // page is held back and read again, rather than applied from a copy that may be stale.
    for (const json of page.value) entries.push(entryOf(json, o.window));
    for (const item of page.invalid ?? []) entries.push({ ok: false, item });
    if (page.deltaLink) return { entries, deltaLink: page.deltaLink, pages };
    if (!page.nextLink) throw new DeltaRoundFailed('no-delta-link');
    if (seen.has(page.nextLink)) throw new DeltaRoundFailed('paging-loop');
    if (pages >= (o.maxPages ?? MAX_PAGES)) throw new DeltaRoundFailed('page-limit', pages);
    seen.add(page.nextLink);
    page = await o.calendar.deltaNext(page.nextLink, pageSize);
  }
}

export function inWindow(json: GraphEventJson, window: SyncWindow): boolean {
  return readEvent(json, window).inWindow;
}

/** The event as the engine sees it, and whether it overlaps the window. */
function readEvent(json: GraphEventJson, window: SyncWindow): RemoteEvent {
  const ev = fromGraphEvent(json, { inWindow: true });
  const c = ev.content;
  const overlaps = c.allDay ? c.end >= window.startDate && c.start < window.endDate : c.end > window.startUtc && c.start < window.endUtc;
  return overlaps ? ev : { ...ev, inWindow: false };
}

export async function fetchRound(o: RoundOptions): Promise<Round> {
  let full = o.savedLink === null;
  let raw: { entries: Entry[]; deltaLink: string; pages: number };
  try {
    raw = await collect(o, o.savedLink);
  } catch (error) {
    if (!(error instanceof DeltaExpiredError)) throw error;
    o.log.info(`delta state expired (${error.code}): starting a full round`);
    full = true;
    try {
      raw = await collect(o, null);
    } catch (again) {
      if (again instanceof DeltaExpiredError) throw new DeltaRoundFailed('expired-twice');
      throw again;
    }
  }

  // Order is not guaranteed and an event may appear twice: the last entry for an id wins.
  const last = new Map<string, Entry>();
  const invalid: InvalidItem[] = [];
  const refuse = (item: InvalidItem) => {
    invalid.push(item);
    o.log.warn(`Outlook event ${item.id ?? '(no id)'} skipped: ${item.problem}`);
  };
  for (const e of raw.entries) {
    const id = idOf(e);
    if (id === null) {
      if (!e.ok) refuse(e.item);
      continue;
    }
    last.delete(id);
    last.set(id, e);
  }

  const masters = new Map<string, Read>();
  const changes: RemoteChange[] = [];
  /** A readable event -> an upsert; a thin occurrence is completed from its master first. */
  const upsert = async (id: string, json: GraphEventJson): Promise<void> => {
    if (isThinOccurrence(json)) {
      const masterId = json.seriesMasterId!;
      if (!masters.has(masterId)) masters.set(masterId, await readById(o.calendar, masterId));
      const master = masters.get(masterId)!;
      if (master.kind === 'gone') return; // the series is gone; its removal will follow
      if (master.kind === 'invalid') return refuse({ id, problem: `its series master could not be read: ${master.problem}` });
      json = completeFromMaster(json, master.json);
    }
    changes.push({ kind: 'upsert', event: readEvent(json, o.window) });
  };

  for (const [id, entry] of last) {
    if (!entry.ok) {
      refuse(entry.item);
      continue;
    }
    if ('event' in entry) {
      changes.push({ kind: 'upsert', event: entry.event });
      continue;
    }
    if ('@removed' in entry.json) {
      if (!o.linkedIds.has(id)) continue;
      // A removal is not proof of deletion: the event may only have left the window.
      const found = await readById(o.calendar, id);
      if (found.kind === 'gone') changes.push({ kind: 'removed', id, confirmation: 'deleted' });
      else if (found.kind === 'invalid') refuse({ id, problem: found.problem });
      else changes.push({ kind: 'removed', id, confirmation: 'exists', event: readEvent(found.json, o.window) });
      continue;
    }
    await upsert(id, entry.json);
  }

  const read = new Set(last.keys());
  for (const id of new Set(o.recheckIds ?? [])) {
    if (read.has(id)) continue;
    read.add(id);
    const found = await readById(o.calendar, id);
    if (found.kind === 'gone') {
      if (o.linkedIds.has(id)) changes.push({ kind: 'removed', id, confirmation: 'deleted' });
    } else if (found.kind === 'invalid') refuse({ id, problem: found.problem });
    else await upsert(id, found.json);
  }

  if (full) {
    for (const id of o.windowLinkedIds()) {
      if (read.has(id)) continue;
      // An answer that fails validation still says the event exists: no removal.
      if ((await readById(o.calendar, id)).kind === 'gone') changes.push({ kind: 'removed', id, confirmation: 'deleted' });
    }
  }
  return { changes, deltaLink: raw.deltaLink, full, pages: raw.pages, invalid };
}

export type Read = { kind: 'ok'; json: GraphEventJson } | { kind: 'gone' } | { kind: 'invalid'; problem: string };

/** A GET by id: the event, gone (404), or what was wrong with the answer. */
export async function readById(calendar: RemoteCalendar, id: string): Promise<Read> {
  try {
    const json = await calendar.getEvent(id);
    return json === null ? { kind: 'gone' } : { kind: 'ok', json };
  } catch (error) {
    if (error instanceof InvalidItemError) return { kind: 'invalid', problem: error.item.problem };
    throw error;
  }
}
