// The contract between the store, the Graph adapter, the planner and the executor.
// Pure types: nothing here does I/O. Timed start/end are UTC instants (`...Z`); all-day start/end
// are dates `YYYY-MM-DD` with the end INCLUSIVE (the CaseFlow convention, as typed on the command line).

/** `staff.id` in the store (links are keyed by it). */
export type StaffId = number;
export type ItemKind = 'event' | 'task' | 'deadline';
export type AttendeeType = 'required' | 'optional' | 'resource';

export interface SyncAttendee {
  email: string;
  name: string;
  type: AttendeeType;
}

/** The fields that travel between CaseFlow and Outlook. */
export interface SyncContent {
  title: string;
  /** Plain text. */
  description: string;
  allDay: boolean;
  start: string;
  end: string;
  /** IANA zone; for timed items it only says how Outlook should display the instants. */
  timeZone: string;
  location: string;
  attendees: SyncAttendee[];
  teamsMeeting: boolean;
}

export interface LocalItem {
  kind: ItemKind;
  id: number;
  /** Random, never reused: with the store's instance id, what identifies the item in Outlook. */
  uid: string;
  staff: StaffId;
  content: SyncContent;
  /** From `isConfidential`: matter-linked or in a protected category. */
  confidential: boolean;
  /** Category is protected: a two-sided conflict is recorded instead of Outlook winning (§10). */
  protected: boolean;
  /** The event's category name (tasks and deadlines have none): the masked title in `category` mode. */
  category: string | null;
  /** Recurring in CaseFlow: never pushed (§7). */
  recurring: boolean;
  /** Recurring in Outlook (read-only in CaseFlow): never pushed (§8). */
  readOnly: boolean;
  source: 'caseflow' | 'outlook';
  /** Inside the sync window of §6. */
  inWindow: boolean;
}

export type RemoteEventType = 'singleInstance' | 'occurrence' | 'exception' | 'seriesMaster';
export type Sensitivity = 'normal' | 'personal' | 'private' | 'confidential';

/** An Outlook event as read from the delta (thin occurrences already completed from the master). */
export interface RemoteEvent {
  id: string;
  changeKey: string | null;
  /**
   * The transactionId the event was created with, when Graph says (null: none; undefined: the
   * answer did not carry the property). Ours are derived from the store and the item.
   */
  transactionId?: string | null | undefined;
  iCalUId: string | null;
  type: RemoteEventType;
  seriesMasterId: string | null;
  content: SyncContent;
  sensitivity: Sensitivity;
  isOrganizer: boolean;
  /** An invitation this staff member declined (kept in their calendar): not theirs to sync. */
  declined: boolean;
  joinUrl: string | null;
  inWindow: boolean;
}

/**
 * One delta entry. Every `@removed` is confirmed with a GET before planning: `deleted` (404) or
 * `exists` (it only left the window; `event` carries what the GET returned, when it did).
 */
export type RemoteChange =
  | { kind: 'upsert'; event: RemoteEvent }
  | { kind: 'removed'; id: string; confirmation: 'deleted' | 'exists'; event?: RemoteEvent };

/**
 * - `creating`: a create was sent, outcome unknown; the run looks it up by extended property
 *   first, so a `creating` link still without outlookId means "create again, same transactionId".
 * - `unlinked`: the Outlook copy is gone (outlookId null). A task or deadline deleted in Outlook
 *   waits until it changes in CaseFlow; an event whose CaseFlow edit won over an Outlook deletion
 *   in a run that could not push (or whose unconfirmed create vanished) is re-created at the next
 *   push. Either way: generation + 1 and a new transactionId.
 * - `paused`: an open protected conflict (§10): skipped entirely.
 */
export type LinkState = 'creating' | 'linked' | 'unlinked' | 'paused';
export type LinkRole = 'owner' | 'attendee';

export interface Link {
  id: number;
  staff: StaffId;
  kind: ItemKind;
  localId: number;
  /** The uid of the very item this link was made for (null: unknown, links older than uids). */
  itemUid: string | null;
  /** The CaseFlowId value sent with the create (null: nothing was created by us). */
  tag: string | null;
  outlookId: string | null;
  /** Of the create we sent ('' when the Outlook copy was not made by us). */
  transactionId: string;
  generation: number;
  state: LinkState;
  /** `attendee`: a meeting organised elsewhere; pull-only, the organiser's edits win. */
  role: LinkRole;
  localHash: string | null;
  remoteHash: string | null;
  changeKey: string | null;
  /** The Outlook copy was pushed as confidential (its body says "Confidential"). */
  confidential: boolean;
  /**
   * The title the Outlook copy was given instead of the real one (`sync.protectedTitle`); absent or
   * null: the real title was sent.
   */
  titleMask?: string | null;
  iCalUId: string | null;
  /**
   * An occurrence or exception of a recurring Outlook series: its series master's id, and what
   * Outlook calls it (the exceptions of a series are listed by this). Absent or null: not known.
   */
  seriesMasterId?: string | null;
  outlookType?: RemoteEventType | null;
  /**
   * An update sent to the Outlook copy whose answer has not come (lost, or the run stopped): the
   * local hash of the version sent and the remote hash of the copy it makes. Absent or null: none.
   */
  sentLocalHash?: string | null;
  sentRemoteHash?: string | null;
}

/** `sync.protectedTitle`: what a confidential item's Outlook copy is titled. */
export type ProtectedTitle = 'keep' | 'category' | 'busy';

export interface Policy {
  push: boolean;
  pull: boolean;
  events: boolean;
  tasks: boolean;
  deadlines: boolean;
  maxDeletes: number;
  allowDeletes: boolean;
  sensitivity: 'confidential' | 'private';
  protectedTitle: ProtectedTitle;
}

export interface PlanInput {
  staff: StaffId;
  /** This store's instance id (created once with the store, carried by its backups). */
  storeId: string;
  links: Link[];
  /** Every local item that has a link (whatever the window) plus unlinked ones in the window. */
  local: LocalItem[];
  /** May hold duplicates and replays: the last entry for an id wins. */
  remote: RemoteChange[];
  /** iCalUId -> CaseFlow event id, for events of OTHER staff members ("one meeting, one event"). */
  knownICalUIds: Map<string, number>;
  policy: Policy;
}

/** The event fields we send (creates and updates alike). Built by `toGraphPayload`. */
export interface GraphDateTime {
  dateTime: string;
  timeZone: string;
}
export interface GraphEventPayload {
  subject: string;
  body: { contentType: 'text'; content: string };
  start: GraphDateTime;
  end: GraphDateTime;
  isAllDay: boolean;
  location: { displayName: string };
  attendees: { emailAddress: { address: string; name: string }; type: AttendeeType }[];
  sensitivity: Sensitivity;
  isOnlineMeeting?: true;
  onlineMeetingProvider?: 'teamsForBusiness';
}

export * from './model-actions.js';
