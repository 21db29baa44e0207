// Builders for planner tests, and a tiny stand-in for what Graph answers to a payload.

import { localHash, remoteHash } from '../../../src/sync/content.js';
import { toGraphPayload } from '../../../src/sync/confidentiality.js';
import { caseflowIdValue, fromGraphEvent, type GraphEventJson, transactionIdFor } from '../../../src/sync/mapping.js';
import { resolveLocal } from '../../../src/dates.js';
import type {
  Action,
  GraphEventPayload,
  Link,
  LocalItem,
  PlanInput,
  Policy,
  ProtectedTitle,
  RemoteChange,
  RemoteEvent,
  SyncContent,
} from '../../../src/sync/model.js';

export const STAFF = 7;
/** The store instance id in planner tests. */
export const STORE = '5e1f0c2a9b8d4e7f a1b2c3d4e5f60718'.replace(' ', '');

/** A deterministic item uid for tests: 32 hex digits from the kind and id. */
export function uidOf(kind: string, id: number): string {
  return `${kind === 'event' ? 'e' : kind === 'task' ? 'a' : 'd'}${String(id).padStart(31, '0')}`;
}

export function content(over: Partial<SyncContent> = {}): SyncContent {
  return {
    title: 'Hearing: Smith v Jones',
    description: 'Bring the bundle',
    allDay: false,
    start: '2026-12-01T09:00:00.000Z',
    end: '2026-12-01T10:00:00.000Z',
    timeZone: 'Europe/London',
    location: 'Court 4',
    attendees: [{ email: 'bob@firm.example', name: 'Bob', type: 'required' }],
    teamsMeeting: false,
    ...over,
  };
}

export function item(over: Partial<LocalItem> = {}): LocalItem {
  const kind = over.kind ?? 'event';
  const id = over.id ?? 1;
  return {
    kind,
    id,
    uid: uidOf(kind, id),
    staff: STAFF,
    content: content(),
    confidential: false,
    protected: false,
    category: null,
    recurring: false,
    readOnly: false,
    source: 'caseflow',
    inWindow: true,
    ...over,
  };
}

export function policy(over: Partial<Policy> = {}): Policy {
  return {
    push: true,
    pull: true,
    events: true,
    tasks: true,
    deadlines: true,
    maxDeletes: 25,
    allowDeletes: false,
    sensitivity: 'confidential',
    protectedTitle: 'keep',
    ...over,
  };
}

function graphStampToUtc(value: { dateTime: string; timeZone: string }): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{3})/.exec(value.dateTime);
  if (!m) throw new Error(`bad dateTime ${value.dateTime}`);
  const wall = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!, +m[7]!);
  if (value.timeZone === 'UTC') return new Date(wall).toISOString();
  const r = resolveLocal(wall, value.timeZone);
  if (r.kind !== 'unique') throw new Error('the payload must never carry an ambiguous wall time');
  return new Date(r.instantMs).toISOString();
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r?\n/g, '<br>');
}

/** What Graph would hold for a payload, read back as with `Prefer: outlook.timezone="UTC"`. */
export function graphJson(payload: GraphEventPayload, id: string, changeKey: string, base?: Partial<GraphEventJson>): GraphEventJson {
  const timed = (v: { dateTime: string; timeZone: string }) => ({
    dateTime: `${graphStampToUtc(v).slice(0, 23)}0000`,
    timeZone: 'UTC',
  });
  return {
    ...(base ?? {}),
    id,
    '@odata.etag': `W/"${changeKey}"`,
    iCalUId: base?.iCalUId ?? `uid-${id}`,
    type: 'singleInstance',
    subject: payload.subject,
    body: { contentType: 'html', content: `<html><head><style>p{}</style></head><body>${escapeHtml(payload.body.content)}</body></html>` },
    start: payload.isAllDay ? payload.start : timed(payload.start),
    end: payload.isAllDay ? payload.end : timed(payload.end),
    originalStartTimeZone: payload.start.timeZone,
    isAllDay: payload.isAllDay,
    location: { displayName: payload.location.displayName },
    attendees: payload.attendees.map((a) => ({ emailAddress: a.emailAddress, type: a.type })),
    isOnlineMeeting: payload.isOnlineMeeting ?? base?.isOnlineMeeting ?? false,
    sensitivity: payload.sensitivity,
    isOrganizer: true,
  };
}

/** The Outlook copy of a CaseFlow item as our push left it (under `sync.protectedTitle` = `title`). */
export function pushedEvent(local: LocalItem, id = 'AAMk-1', changeKey = 'ck-1', title: ProtectedTitle = 'keep'): RemoteEvent {
  const payload = toGraphPayload(local, { sensitivity: 'confidential', protectedTitle: title });
  return fromGraphEvent(graphJson(payload, id, changeKey), { inWindow: true });
}

/** A link as a completed sync of `local` with `remote` leaves it. */
export function linkFor(local: LocalItem, remote: RemoteEvent, over: Partial<Link> = {}): Link {
  return {
    id: 100 + local.id,
    staff: STAFF,
    kind: local.kind,
    localId: local.id,
    itemUid: local.uid,
    tag: caseflowIdValue(STORE, local.kind, local.uid),
    outlookId: remote.id,
    transactionId: transactionIdFor(STORE, local.kind, local.uid, 0),
    generation: 0,
    state: 'linked',
    role: 'owner',
    localHash: localHash(local),
    remoteHash: remoteHash(remote),
    changeKey: remote.changeKey,
    confidential: local.confidential,
    iCalUId: remote.iCalUId,
    ...over,
  };
}

/** An Outlook-side edit: new content, new changeKey, same id. */
export function editedRemote(remote: RemoteEvent, over: Partial<SyncContent>, changeKey = 'ck-2'): RemoteEvent {
  return { ...remote, changeKey, content: { ...remote.content, ...over } };
}

export function upsert(event: RemoteEvent): RemoteChange {
  return { kind: 'upsert', event };
}

export function input(over: Partial<PlanInput> = {}): PlanInput {
  return { staff: STAFF, storeId: STORE, links: [], local: [], remote: [], knownICalUIds: new Map(), policy: policy(), ...over };
}

export function types(actions: readonly Action[]): string[] {
  return actions.map((a) => a.type);
}

export function only<T extends Action['type']>(actions: readonly Action[], type: T): Extract<Action, { type: T }> {
  const found = actions.filter((a): a is Extract<Action, { type: T }> => a.type === type);
  if (found.length !== 1) throw new Error(`expected exactly one ${type}, got ${JSON.stringify(actions.map((a) => a.type))}`);
  return found[0]!;
}
