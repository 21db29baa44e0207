// The ports through which the sync engine sees Outlook. `graph/` implements them; tests can use
// the simulator behind the real implementation. Nothing here imports Graph or the store.

import type { ConflictRecord, GraphEventPayload, ItemKind, Link, LocalItem, RemoteEvent, SyncContent } from './model.js';

import type { GraphEventJson } from './mapping.js';

/** Graph event JSON as received (https://learn.microsoft.com/graph/api/resources/event). */
export type { GraphEventJson };

export interface DeltaPage {
  /** Entries that passed validation. */
  value: GraphEventJson[];
  /** Entries that failed it: skipped, reported, and read again by id on later runs. */
  invalid?: InvalidItem[];
  nextLink?: string;
  deltaLink?: string;
}

/** An Outlook entry that failed validation. */
export interface InvalidItem {
  /** null when the entry had no usable id (it can be counted, not read again). */
  id: string | null;
  /** One line naming the field and what was wrong; never a field's value. */
  problem: string;
}

/**
 * A write, in the engine's words. How it travels (URLs, If-Match headers, $batch, the tag's
 * extended property) is `graph/`'s business.
 */
export type WriteOp =
  /** `transactionId` makes a retry safe; `tag` lets this store find the copy again. */
  | { op: 'create'; payload: GraphEventPayload; transactionId: string; tag: string }
  /** `ifMatch`: the changeKey last seen (null: write whatever Outlook holds). */
  | { op: 'update'; id: string; payload: GraphEventPayload; ifMatch: string | null }
  | { op: 'delete'; id: string; ifMatch: string | null };

/** What became of one write. `detail` names a status and code, never a field's value. */
export type WriteOutcome =
  /** `event`: Outlook's copy as it now is (null for a delete). */
  | { status: 'ok'; event: GraphEventJson | null }
  /** The copy changed in Outlook since `ifMatch`: nothing was written. */
  | { status: 'preconditionFailed' }
  | { status: 'notFound' }
  /** A create whose transactionId Outlook has seen before. */
  | { status: 'duplicate' }
  /** Still throttled or unavailable after the retries allowed. */
  | { status: 'throttled'; detail: string }
  | { status: 'failed'; detail: string };

/**
 * What a write tells its caller while it runs. `beforeSend`: these ops (by index) are about to go
 * out for the first time; what must be recorded before Outlook may act on them is written here,
 * and throwing stops them going out (the write then fails). `settled`: these ops have their final
 * outcome (the one `write` returns). Each op passes through each hook exactly once, `beforeSend`
 * first, before `write` resolves; a `settled` that throws fails the write.
 */
export interface WriteHooks {
  beforeSend?(indices: number[]): void;
  settled?(done: { index: number; outcome: WriteOutcome }[]): void;
}

export interface RemoteCalendar {
  /** First page of a delta round over a window (ISO instants). */
  deltaStart(startUtc: string, endUtc: string, pageSize: number): Promise<DeltaPage>;
  /** A following page: an opaque nextLink or a saved deltaLink. 410 -> DeltaExpiredError. */
  deltaNext(link: string, pageSize: number): Promise<DeltaPage>;
  /** null when Graph says 404 ErrorItemNotFound; InvalidItemError when the answer fails validation. */
  getEvent(id: string): Promise<GraphEventJson | null>;
  /** The event created for a CaseFlow item, found by our extended property (docs/graph.md#tagging-our-events); InvalidItemError as getEvent. */
  findByTag(value: string): Promise<GraphEventJson | null>;
  /** Carries out writes (several at once, within Outlook's limits); one outcome per op, in order. */
  write(ops: WriteOp[], hooks?: WriteHooks): Promise<WriteOutcome[]>;
  /** calendarView over a window (imports), all pages. */
  calendarView(startUtc: string, endUtc: string): Promise<GraphEventJson[]>;
  /**
   * A series' occurrences and exceptions over a window (ISO instants), all pages, the way Outlook
   * holds them now: deleted and cancelled ones are not listed. null: the series is gone (404).
   * Entries that fail validation are left out.
   */
  instances(seriesMasterId: string, startUtc: string, endUtc: string): Promise<GraphEventJson[] | null>;
}

/** Delta state expired (410 SyncStateNotFound and its cousins): start a full round. */
export class DeltaExpiredError extends Error {
  constructor(readonly code: string) {
    super(`delta state expired (${code})`);
    this.name = 'DeltaExpiredError';
  }
}

/** Thrown by single reads whose answer failed validation. */
export { InvalidItemError } from './errors.js';

// ---- The CaseFlow side ----


export interface SyncWindow {
  /** ISO instants. */
  startUtc: string;
  endUtc: string;
  /** The same bounds as dates, for all-day items. */
  startDate: string;
  endDate: string;
}

/** A CaseFlow item by kind and id. */
export interface ItemRef {
  kind: ItemKind;
  id: number;
}

export type AuditTrigger = 'scheduled' | 'manual' | 'import' | 'resolve';

export interface SyncAudit {
  trigger: AuditTrigger;
  direction: 'caseflow' | 'outlook' | 'none';
  action: string;
  kind: ItemKind | 'sync' | 'conflict';
  eventId?: number | null;
  outlookId?: string | null;
  summary: string;
  detail?: unknown;
}

/**
 * A link before the store has given it an id. The staff member is the store's, and so is
 * `itemUid`: the store records the uid of the item the link is made for at that moment.
 */
export type NewLink = Omit<Link, 'id' | 'staff' | 'itemUid'>;

/** What the run needs of the CaseFlow store for one staff member. */
export interface SyncStore {
  transaction<T>(fn: () => T): T;
  links(): Link[];
  /**
   * The CaseFlow items in the window, and those outside it that `links` point at. With `only`,
   * just those of these items that the whole read would give (it must name every link's item).
   */
  localItems(window: SyncWindow, links: Link[], only?: ItemRef[]): LocalItem[];
  /** iCalUId -> event id, for events of other staff members, of these iCalUIds only. */
  knownICalUIds(iCalUIds: string[]): Map<string, number>;

  // CaseFlow's change log: what a run reads instead of every item.
  /** The newest change's number (0: none yet). */
  changeMark(): number;
  /** The items written after change `mark` (added, edited, deleted, reassigned), each once. */
  changedSince(mark: number): ItemRef[];
  /** Links every run looks at, changed or not: not settled (creating, unlinked, paused), failing, or of a recurring series. */
  openLinks(): Link[];
  /** The links of these items. */
  linksOf(items: ItemRef[]): Link[];
  /** The links holding these Outlook ids. */
  linksByOutlookId(ids: string[]): Link[];
  insertLink(link: NewLink): number;
  updateLink(id: number, changes: Partial<NewLink> & { failCount?: number; lastError?: string | null; syncedAt?: string }): void;
  deleteLink(id: number): void;
  /** Counts a failed push on the link (status warns after three runs in a row). */
  linkFailed(id: number, message: string): void;
  /** Creates a CaseFlow event owned by this staff member from Outlook; returns its id. */
  createEvent(event: RemoteEvent, content: SyncContent, flags: { readOnly: boolean; recurringInOutlook: boolean }): { id: number; stored: SyncContent };
  /** Returns the content as stored (names filled from records), to hash what the next run will read. */
  updateEvent(id: number, content: SyncContent, joinUrl: string | null | undefined): SyncContent | null;
  setEventRemoteFacts(id: number, facts: { iCalUId?: string | null; joinUrl?: string | null }): void;
  /** Deletes it; returns what the store needs to bring it back (kept in the audit log for restore). */
  deleteEvent(id: number): unknown;
  /** "One meeting, one CaseFlow event": this staff member becomes an attendee. */
  addStaffAsAttendee(eventId: number): void;
  recordConflict(action: ConflictRecord): number;
  /** A person chose a side; `by` is who. */
  resolveConflict(id: number, keep: 'caseflow' | 'outlook', by: string): void;
  /** Outlook changed again before a resolution reached it: `newId` replaces `id`. */
  supersedeConflict(id: number, newId: number): void;
  audit(row: SyncAudit): void;
  /** An event's synced content as stored now (null when it is gone). */
  currentContent(kind: 'event', id: number): SyncContent | null;
  /** The staff member is still connected (a disconnect stops a run before its next write). */
  stillConnected(): boolean;

  // Recurring Outlook series (docs/graph.md#recurring-series).
  /** CaseFlow's clock: how long ago the series were reconciled is measured by it. */
  now(): Date;
  /** When every linked series was last reconciled (an ISO instant); null: never. */
  seriesCheckedAt(): string | null;
  setSeriesCheckedAt(at: string): void;
  /** What describes a series in words, read from its master (replaces what was kept). */
  saveSeries(series: SeriesFacts): void;
  /** The series is gone from Outlook. */
  deleteSeries(masterId: string): void;
}

/** A series as its master describes it: enough to say its pattern in words. */
export interface SeriesFacts {
  masterId: string;
  /** Graph's `recurrence` as the master carries it (https://learn.microsoft.com/graph/api/resources/patternedrecurrence). */
  recurrence: unknown;
  /** The master's (its first occurrence's): timed, UTC instants; all-day, dates with the end inclusive. */
  start: string;
  end: string;
  allDay: boolean;
  /** The zone Outlook keeps the series in (IANA or Windows name). */
  timeZone: string;
}
