// The SyncStore port over SQLite for one staff member: links, the CaseFlow items the planner
// sees, and the writes the executor makes.

import { isConfidential } from '../sync/confidentiality.js';
import { dueItemContent } from '../sync/content.js';
import type { ConflictRecord, ItemKind, Link, LocalItem, RemoteEvent, SyncContent } from '../sync/model.js';
import type { ItemRef, NewLink, SeriesFacts, SyncAudit, SyncStore, SyncWindow } from '../sync/ports.js';
import { recordAudit } from './audit.js';
import { markResolved, markSuperseded } from './conflicts.js';
import { protectedCategoryNames } from './categories.js';
import { standingConnection } from './connections.js';
import { ownerOfEmail } from './contacts.js';
import { deleteEvent, getEventInput, insertEvent, listEvents, replaceEvent, type Attendee, type EventInput } from './events.js';
import type { Db } from './open.js';
import { deleteSeries, saveSeries } from './series.js';
import type { Staff } from './staff.js';
import { getSyncState, updateSyncState } from './sync-state.js';

interface LinkRow {
  id: number;
  staff_id: number;
  kind: Link['kind'];
  local_id: number;
  item_uid: string | null;
  tag: string | null;
  outlook_id: string | null;
  ical_uid: string | null;
  transaction_id: string;
  generation: number;
  state: Link['state'];
  role: Link['role'];
  local_hash: string | null;
  remote_hash: string | null;
  change_key: string | null;
  confidential: number;
  title_mask: string | null;
  series_master_id: string | null;
  outlook_type: Link['outlookType'];
  sent_local_hash: string | null;
  sent_remote_hash: string | null;
}

type Overlaps = (allDay: boolean, start: string, end: string) => boolean;
type Keep = (kind: ItemKind, id: number, inWindow: boolean) => boolean;

export function linkFromRow(r: LinkRow): Link {
  return {
    id: r.id,
    staff: r.staff_id,
    kind: r.kind,
    localId: r.local_id,
    itemUid: r.item_uid,
    tag: r.tag,
    outlookId: r.outlook_id,
    transactionId: r.transaction_id,
    generation: r.generation,
    state: r.state,
    role: r.role,
    localHash: r.local_hash,
    remoteHash: r.remote_hash,
    changeKey: r.change_key,
    confidential: r.confidential === 1,
    titleMask: r.title_mask,
    iCalUId: r.ical_uid,
    seriesMasterId: r.series_master_id,
    outlookType: r.outlook_type ?? null,
    sentLocalHash: r.sent_local_hash,
    sentRemoteHash: r.sent_remote_hash,
  };
}

const LINK_COLUMNS: Record<string, string> = {
  kind: 'kind',
  localId: 'local_id',
  outlookId: 'outlook_id',
  transactionId: 'transaction_id',
  tag: 'tag',
  generation: 'generation',
  state: 'state',
  role: 'role',
  localHash: 'local_hash',
  remoteHash: 'remote_hash',
  changeKey: 'change_key',
  confidential: 'confidential',
  titleMask: 'title_mask',
  iCalUId: 'ical_uid',
  seriesMasterId: 'series_master_id',
  outlookType: 'outlook_type',
  sentLocalHash: 'sent_local_hash',
  sentRemoteHash: 'sent_remote_hash',
  failCount: 'fail_count',
  lastError: 'last_error',
  syncedAt: 'synced_at',
};

function toContent(e: Pick<EventInput, keyof SyncContent>): SyncContent {
  return {
    title: e.title,
    description: e.description,
    allDay: e.allDay,
    start: e.start,
    end: e.end,
    timeZone: e.timeZone,
    location: e.location,
    attendees: e.attendees,
    teamsMeeting: e.teamsMeeting,
  };
}

/** The uid of the item a link row points at (`@kind`, `@localId`), at the moment it is written. */
const ITEM_UID_OF = `(CASE @kind WHEN 'event' THEN (SELECT uid FROM events WHERE id = @localId)
  WHEN 'task' THEN (SELECT uid FROM tasks WHERE id = @localId) ELSE (SELECT uid FROM deadlines WHERE id = @localId) END)`;

export class SqliteSyncStore implements SyncStore {
  constructor(
    private readonly db: Db,
    private readonly staff: Staff,
    private readonly clock: () => Date,
    /** The run these writes belong to: every audit row says so (restore --run). */
    private readonly runId: string | null = null,
  ) {}

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  links(): Link[] {
    return (this.db.prepare('SELECT * FROM links WHERE staff_id = ? ORDER BY id').all(this.staff.id) as LinkRow[]).map(linkFromRow);
  }

  localItems(window: SyncWindow, links: Link[], only?: ItemRef[]): LocalItem[] {
    const linked = new Set(links.map((l) => `${l.kind}:${l.localId}`));
    const overlaps = (allDay: boolean, start: string, end: string) =>
      allDay ? end >= window.startDate && start < window.endDate : end > window.startUtc && start < window.endUtc;
    const keep = (kind: ItemKind, id: number, inWindow: boolean) => inWindow || linked.has(`${kind}:${id}`);
    const ids = (kind: ItemKind) => (only ? JSON.stringify(only.filter((r) => r.kind === kind).map((r) => r.id)) : null);
    return [...this.eventItems(links, ids('event'), overlaps, keep), ...this.dueItems(ids, overlaps, keep)];
  }

  /**
   * The staff member's own events, and the meetings of colleagues they are linked to as an
   * attendee (a link whose event is missing from here means the event is gone). `only`: a JSON
   * array of event ids (null: all).
   */
  private eventItems(links: Link[], only: string | null, overlaps: Overlaps, keep: Keep): LocalItem[] {
    const protectedSet = new Set(protectedCategoryNames(this.db).map((n) => n.toLowerCase()));
    const others = links.filter((l) => l.kind === 'event' && l.role === 'attendee').map((l) => l.localId);
    const attending = new Set(others);
    const mine = (id: number, staffId: number) => staffId === this.staff.id || attending.has(id);
    // One query for the events and one for their attendees (listEvents), not two per event.
    const rows = (
      only === null
        ? this.db.prepare('SELECT id, uid, staff_id FROM events WHERE staff_id = ? OR id IN (SELECT value FROM json_each(?))').all(this.staff.id, JSON.stringify(others))
        : this.db.prepare('SELECT id, uid, staff_id FROM events WHERE id IN (SELECT value FROM json_each(?))').all(only)
    ) as { id: number; uid: string; staff_id: number }[];
    const facts = new Map(rows.filter((r) => mine(r.id, r.staff_id)).map((r) => [r.id, r]));
    const events =
      only === null
        ? [...listEvents(this.db, { staffId: this.staff.id }), ...(others.length ? listEvents(this.db, { ids: others }).filter((e) => facts.get(e.id)?.staff_id !== this.staff.id) : [])]
        : facts.size ? listEvents(this.db, { ids: [...facts.keys()] }) : [];
    const out: LocalItem[] = [];
    for (const e of events) {
      const inWindow = overlaps(e.allDay, e.start, e.end);
      if (!keep('event', e.id, inWindow)) continue;
      out.push({
        kind: 'event',
        id: e.id,
        uid: facts.get(e.id)!.uid,
        staff: facts.get(e.id)!.staff_id,
        content: toContent(e),
        confidential: e.confidential,
        protected: e.category !== null && protectedSet.has(e.category.toLowerCase()),
        category: e.category,
        recurring: e.recurrence !== null,
        readOnly: e.readOnly,
        source: e.source,
        inWindow,
      });
    }
    return out;
  }

  /** The staff member's open tasks and the deadlines of their matters. */
  private dueItems(only: (kind: ItemKind) => string | null, overlaps: Overlaps, keep: Keep): LocalItem[] {
    type DueRow = { id: number; uid: string; title: string; description: string; matter_id: number | null; due_all_day: number; due_utc: string | null; due_date: string | null; time_zone: string };
    const among = (kind: ItemKind, column: string) => (only(kind) === null ? '' : `AND ${column} IN (SELECT value FROM json_each(@ids))`);
    const params = (kind: ItemKind) => ({ staff: this.staff.id, ...(only(kind) === null ? {} : { ids: only(kind) }) });
    // Completed tasks leave Outlook: a done task is no longer a date to keep.
    const tasks = this.db.prepare(`SELECT * FROM tasks WHERE staff_id = @staff AND completed_at IS NULL ${among('task', 'id')} ORDER BY id`).all(params('task')) as DueRow[];
    const deadlines = this.db
      .prepare(`SELECT d.* FROM deadlines d JOIN matter_staff ms ON ms.matter_id = d.matter_id WHERE ms.staff_id = @staff ${among('deadline', 'd.id')} ORDER BY d.id`)
      .all(params('deadline')) as DueRow[];
    const out: LocalItem[] = [];
    for (const [kind, rows] of [['task', tasks], ['deadline', deadlines]] as const) {
      for (const r of rows) {
        const due = r.due_all_day ? r.due_date! : r.due_utc!;
        const content = dueItemContent(kind, { title: r.title, description: r.description, due, dueAllDay: r.due_all_day === 1, timeZone: r.time_zone });
        const inWindow = overlaps(content.allDay, content.start, content.end);
        if (!keep(kind, r.id, inWindow)) continue;
        out.push({
          kind,
          id: r.id,
          uid: r.uid,
          staff: this.staff.id,
          content,
          confidential: isConfidential({ kind, matterId: r.matter_id, category: null }, []),
          protected: false,
          category: null,
          recurring: false,
          readOnly: false,
          source: 'caseflow',
          inWindow,
        });
      }
    }
    return out;
  }

  knownICalUIds(iCalUIds: string[]): Map<string, number> {
    if (iCalUIds.length === 0) return new Map();
    // One parameter however many: json_each feeds the events_ical_uid index.
    const rows = this.db
      .prepare('SELECT ical_uid, id FROM events WHERE ical_uid IN (SELECT value FROM json_each(?)) AND staff_id != ? ORDER BY id')
      .all(JSON.stringify(iCalUIds), this.staff.id) as { ical_uid: string; id: number }[];
    return new Map(rows.map((r) => [r.ical_uid, r.id]));
  }

  changeMark(): number {
    return (this.db.prepare('SELECT COALESCE(MAX(seq), 0) AS n FROM sync_changes').get() as { n: number }).n;
  }

  changedSince(mark: number): ItemRef[] {
    const rows = this.db.prepare('SELECT DISTINCT kind, local_id FROM sync_changes WHERE seq > ? ORDER BY kind, local_id').all(mark) as { kind: ItemKind; local_id: number }[];
    return rows.map((r) => ({ kind: r.kind, id: r.local_id }));
  }

  openLinks(): Link[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM links WHERE staff_id = @staff AND state IN ('creating', 'unlinked', 'paused')
         UNION SELECT * FROM links WHERE staff_id = @staff AND fail_count > 0
         UNION SELECT * FROM links WHERE staff_id = @staff AND series_master_id IS NOT NULL ORDER BY id`,
      )
      .all({ staff: this.staff.id }) as LinkRow[];
    return rows.map(linkFromRow);
  }

  linksOf(items: ItemRef[]): Link[] {
    if (items.length === 0) return [];
    const rows = this.db
      .prepare(
        `SELECT l.* FROM json_each(?) j CROSS JOIN links l ON l.staff_id = ? AND l.kind = json_extract(j.value, '$[0]') AND l.local_id = json_extract(j.value, '$[1]') ORDER BY l.id`,
      )
      .all(JSON.stringify(items.map((r) => [r.kind, r.id])), this.staff.id) as LinkRow[];
    return rows.map(linkFromRow);
  }

  linksByOutlookId(ids: string[]): Link[] {
    if (ids.length === 0) return [];
    const rows = this.db
      .prepare('SELECT l.* FROM links l WHERE l.staff_id = ? AND l.outlook_id IN (SELECT value FROM json_each(?)) ORDER BY l.id')
      .all(this.staff.id, JSON.stringify(ids)) as LinkRow[];
    return rows.map(linkFromRow);
  }

  insertLink(link: NewLink): number {
    const info = this.db
      .prepare(
        `INSERT INTO links (staff_id, kind, local_id, item_uid, tag, outlook_id, ical_uid, transaction_id, generation, state, role, local_hash, remote_hash, change_key, confidential, title_mask, series_master_id, outlook_type, synced_at)
         VALUES (@staff, @kind, @localId, ${ITEM_UID_OF}, @tag, @outlookId, @iCalUId, @transactionId, @generation, @state, @role, @localHash, @remoteHash, @changeKey, @confidential, @titleMask, @seriesMasterId, @outlookType, @syncedAt)`,
      )
      // Object.assign, not a spread with keys after it: in Node 20 such objects outlive the young generation.
      .run(
        Object.assign({}, link, {
          staff: this.staff.id,
          confidential: link.confidential ? 1 : 0,
          titleMask: link.titleMask ?? null,
          seriesMasterId: link.seriesMasterId ?? null,
          outlookType: link.outlookType ?? null,
          syncedAt: this.clock().toISOString(),
        }),
      );
    return Number(info.lastInsertRowid);
  }

  updateLink(id: number, changes: Partial<NewLink> & { failCount?: number; lastError?: string | null; syncedAt?: string }): void {
    const entries = Object.entries(changes).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return;
    const params: Record<string, unknown> = { id };
    for (const [k, v] of entries) params[k] = typeof v === 'boolean' ? +v : v;
    const sets = entries.map(([k]) => `${LINK_COLUMNS[k]} = @${k}`);
    // Re-pointed at another item: the link now belongs to that very item.
    if (changes.localId !== undefined) sets.push(`item_uid = ${ITEM_UID_OF.replace('@kind', 'kind')}`);
    this.db.prepare(`UPDATE links SET ${sets.join(', ')} WHERE id = @id`).run(params);
  }

  deleteLink(id: number): void {
    this.db.prepare('DELETE FROM links WHERE id = ?').run(id);
  }

  linkFailed(id: number, message: string): void {
    this.db.prepare('UPDATE links SET fail_count = fail_count + 1, last_error = ? WHERE id = ?').run(message, id);
  }

  private attendees(content: SyncContent): Attendee[] {
    // Attendees are matched to staff and contacts by any of their emails; the name on the record
    // wins over the display name Outlook sent (the store links the record: see writeAttendees).
    return content.attendees.map((a) => ({ email: a.email, name: ownerOfEmail(this.db, a.email)?.name || a.name, type: a.type }));
  }

  createEvent(event: RemoteEvent, content: SyncContent, flags: { readOnly: boolean; recurringInOutlook: boolean }): { id: number; stored: SyncContent } {
    const input: EventInput = {
      staffId: this.staff.id,
      title: content.title,
      description: content.description,
      allDay: content.allDay,
      start: content.start,
      end: content.end,
      timeZone: content.timeZone,
      location: content.location,
      categoryId: null,
      matterId: null,
      teamsMeeting: content.teamsMeeting,
      teamsJoinUrl: event.joinUrl,
      recurrence: null,
      source: 'outlook',
      readOnly: flags.readOnly,
      recurringInOutlook: flags.recurringInOutlook,
      iCalUId: event.iCalUId,
      attendees: this.attendees(content),
    };
    // The row holds the input as given (insertEvent writes every field as it is): its content is
    // the input's, with no second read of the row.
    return { id: insertEvent(this.db, input, this.clock().toISOString()), stored: toContent(input) };
  }

  updateEvent(id: number, content: SyncContent, joinUrl: string | null | undefined): SyncContent | null {
    const current = getEventInput(this.db, id);
    if (!current) return null;
    replaceEvent(
      this.db,
      id,
      { ...current, ...content, attendees: this.attendees(content), teamsJoinUrl: joinUrl === undefined ? current.teamsJoinUrl : joinUrl },
      this.clock().toISOString(),
    );
    return toContent(getEventInput(this.db, id)!);
  }

  setEventRemoteFacts(id: number, facts: { iCalUId?: string | null; joinUrl?: string | null }): void {
    // Written only when they differ: an unchanged row stays out of the change log.
    if (facts.iCalUId !== undefined) this.db.prepare('UPDATE events SET ical_uid = ? WHERE id = ? AND ical_uid IS NOT ?').run(facts.iCalUId, id, facts.iCalUId);
    if (facts.joinUrl !== undefined) this.db.prepare('UPDATE events SET teams_join_url = ? WHERE id = ? AND teams_join_url IS NOT ?').run(facts.joinUrl, id, facts.joinUrl);
  }

  deleteEvent(id: number): unknown {
    const snapshot = getEventInput(this.db, id);
    this.db.prepare("DELETE FROM links WHERE kind = 'event' AND local_id = ? AND staff_id != ?").run(id, this.staff.id);
    deleteEvent(this.db, id);
    return snapshot;
  }

  addStaffAsAttendee(eventId: number): void {
    this.db
      .prepare(
        `INSERT INTO event_attendees (event_id, email, name, type, position, staff_id)
         VALUES (?, ?, ?, 'required', (SELECT COALESCE(MAX(position), -1) + 1 FROM event_attendees WHERE event_id = ?), ?)
         ON CONFLICT (event_id, email) DO NOTHING`,
      )
      .run(eventId, this.staff.email, this.staff.name, eventId, this.staff.id);
  }

  recordConflict(a: ConflictRecord): number {
    return Number(
      this.db
        .prepare(
          `INSERT INTO conflicts (staff_id, link_id, event_id, outlook_id, change_key, detected_at, status, caseflow, outlook)
           VALUES (?, ?, ?, ?, ?, ?, 'open', ?, ?)`,
        )
        .run(this.staff.id, a.linkId, a.localId, a.outlookId, a.changeKey, this.clock().toISOString(), JSON.stringify(a.caseflow), JSON.stringify(a.outlook)).lastInsertRowid,
    );
  }

  resolveConflict(id: number, keep: 'caseflow' | 'outlook', by: string): void {
    markResolved(this.db, id, keep, by, this.clock().toISOString());
  }

  supersedeConflict(id: number, newId: number): void {
    markSuperseded(this.db, id, newId, this.clock().toISOString());
  }

  audit(row: SyncAudit): void {
    recordAudit(this.db, { staffId: this.staff.id, staffEmail: this.staff.email, runId: this.runId, ...row }, this.clock().toISOString());
  }

  currentContent(_kind: 'event', id: number): SyncContent | null {
    const e = getEventInput(this.db, id);
    return e ? toContent(e) : null;
  }

  stillConnected(): boolean {
    return standingConnection(this.db, this.staff.id);
  }

  now(): Date {
    return this.clock();
  }

  seriesCheckedAt(): string | null {
    return getSyncState(this.db, this.staff.id).seriesCheckedAt;
  }

  setSeriesCheckedAt(at: string): void {
    updateSyncState(this.db, this.staff.id, { seriesCheckedAt: at });
  }

  saveSeries(series: SeriesFacts): void {
    saveSeries(this.db, this.staff.id, series, this.clock().toISOString());
  }

  deleteSeries(masterId: string): void {
    deleteSeries(this.db, this.staff.id, masterId);
  }
}
