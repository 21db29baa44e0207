// The planner's output: the actions the executor carries out, in order, and the plan's summary.
// Executor contract (what the planner relies on):
// - remote.create with linkId null: insert the link (state 'creating', the action's transactionId
//   and generation) BEFORE the POST; on success store outlookId, state 'linked', the action's
//   localHash, remoteHash(the response), its changeKey and iCalUId, `confidential`, `titleMask`. On
//   ErrorDuplicateTransactionId or a lost response, look the event up by the extended property;
//   when it is gone, set the link 'unlinked' (outlookId null) and let the next plan decide.
// - remote.update / remote.delete: 412 or 404 on update leaves the link as it is (the next delta
//   tells what happened); 404 on delete is done. A successful write stores the action's localHash
//   and titleMask and the response's remoteHash/changeKey.
// - local.create / local.update: store localHash(the item as written), the action's remoteHash
//   and changeKey; local.create with a linkId re-points that link to the new item.
// - link.unlink: state 'unlinked', outlookId null, hashes untouched.

import type { GraphEventPayload, ItemKind, LinkRole, RemoteEvent, RemoteEventType, StaffId, SyncContent } from './model.js';

/** Push a CaseFlow item to Outlook. `linkId` null: a new link the executor inserts first. */
export interface RemoteCreate {
  type: 'remote.create';
  reason: 'new' | 'retry' | 'recreate';
  linkId: number | null;
  staff: StaffId;
  kind: ItemKind;
  localId: number;
  generation: number;
  transactionId: string;
  /** The CaseFlowId value the payload carries (stored on the link before the POST). */
  tag: string;
  confidential: boolean;
  /** The title `payload` carries instead of the real one (null: the real one); stored on the link. */
  titleMask: string | null;
  /** The CaseFlow content, for the store and the audit. Never send it: send `payload`. */
  content: SyncContent;
  payload: GraphEventPayload;
  /** To store on the link once Graph has answered (remoteHash comes from the response). */
  localHash: string;
}

export interface RemoteUpdate {
  type: 'remote.update';
  linkId: number;
  kind: ItemKind;
  localId: number;
  outlookId: string;
  /** Two-way events: the last changeKey seen (If-Match). One-way tasks/deadlines: null. */
  ifMatch: string | null;
  confidential: boolean;
  titleMask: string | null;
  content: SyncContent;
  payload: GraphEventPayload;
  localHash: string;
}

export interface RemoteDelete {
  type: 'remote.delete';
  linkId: number;
  kind: ItemKind;
  localId: number;
  outlookId: string;
  ifMatch: string | null;
}

/** A new CaseFlow event from Outlook. `linkId` set: re-point that link (the edit-wins re-create). */
export interface LocalCreate {
  type: 'local.create';
  linkId: number | null;
  staff: StaffId;
  event: RemoteEvent;
  content: SyncContent;
  role: LinkRole;
  readOnly: boolean;
  recurringInOutlook: boolean;
  remoteHash: string;
  changeKey: string | null;
}

export interface LocalUpdate {
  type: 'local.update';
  linkId: number;
  kind: 'event';
  localId: number;
  outlookId: string;
  event: RemoteEvent;
  /** The new CaseFlow content (the description kept when the link is confidential). */
  content: SyncContent;
  /** The CaseFlow content before; when `conflict` is true, it is the version that lost (audit). */
  previous: SyncContent;
  conflict: boolean;
  remoteHash: string;
  changeKey: string | null;
  /** A copy whose title is masked: the title it shows instead of the real one (null: the real one), for the link. */
  titleMask?: string | null;
}

export interface LocalDelete {
  type: 'local.delete';
  linkId: number;
  kind: 'event';
  localId: number;
  outlookId: string;
}

/** "One meeting, one CaseFlow event": link this staff member's copy to an existing event. */
export interface LinkAttendee {
  type: 'link.attendee';
  staff: StaffId;
  localId: number;
  outlookId: string;
  iCalUId: string;
  remoteHash: string;
  changeKey: string | null;
  /** When the copy is an occurrence of a recurring series (the link records them). */
  seriesMasterId?: string | null;
  outlookType?: RemoteEventType;
}

/** Store new hashes/changeKey: echo, same edit on both sides, change to fields we don't sync. */
export interface LinkRefresh {
  type: 'link.refresh';
  linkId: number;
  kind: ItemKind;
  localId: number;
  localHash: string | null;
  remoteHash: string | null;
  changeKey: string | null;
  /** A copy whose title is masked: the title it shows instead of the real one (null: the real one). */
  titleMask?: string | null;
  /** Events: the Teams join URL Outlook reports, for the CaseFlow event when it differs. */
  joinUrl?: string | null;
}

/** The Outlook copy is gone; the link stays, its local hash kept, until the item changes. */
export interface LinkUnlink {
  type: 'link.unlink';
  linkId: number;
  kind: ItemKind;
  localId: number;
  outlookId: string | null;
}

export interface LinkDrop {
  type: 'link.drop';
  linkId: number;
  kind: ItemKind;
  localId: number;
  outlookId: string | null;
}

/** Protected conflict (§10): recorded, neither side changed, the link paused. */
export interface ConflictRecord {
  type: 'conflict.record';
  linkId: number;
  localId: number;
  outlookId: string;
  caseflow: SyncContent;
  outlook: SyncContent;
  changeKey: string | null;
}

export type Action =
  | RemoteCreate
  | RemoteUpdate
  | RemoteDelete
  | LocalCreate
  | LocalUpdate
  | LocalDelete
  | LinkAttendee
  | LinkRefresh
  | LinkUnlink
  | LinkDrop
  | ConflictRecord;

export type SkipReason =
  | 'paused'
  | 'recurring-in-caseflow'
  | 'read-only'
  | 'toggle-off'
  | 'pull-off'
  | 'outlook-edit-ignored'
  | 'series-master'
  | 'no-link-outlook-event'
  | 'already-linked'
  | 'declined'
  | 'breaker';

export interface Skipped {
  reason: SkipReason;
  kind?: ItemKind;
  localId?: number;
  outlookId?: string;
}

/** Which side the mass-deletion breaker (§15) held back; counts are the deletes not done. */
export interface Breaker {
  side: 'outlook' | 'caseflow' | 'both';
  wouldDelete: number;
  limit: number;
  outlook: number;
  caseflow: number;
}

export interface PlanResult {
  actions: Action[];
  breaker?: Breaker;
  /** CaseFlow-side changes that need a push not planned in this run (push off, breaker). */
  pendingLocal: number;
  skipped: Skipped[];
}
