// The stored shape of users, calendars and events. Graph property names are kept where they exist
// so rendering (graph/event-view.ts) stays a projection, not a translation.

export type CalendarRole = 'primary' | 'secondary';
export type EventType = 'singleInstance' | 'occurrence' | 'exception' | 'seriesMaster';

export interface DateTimeTimeZone {
  dateTime: string;
  timeZone: string;
}

export interface EmailAddress {
  name: string;
  address: string;
}

export interface Attendee {
  type: 'required' | 'optional' | 'resource';
  emailAddress: EmailAddress;
  status: { response: string; time: string };
}

export interface Recurrence {
  pattern: {
    type: 'daily' | 'weekly';
    interval: number;
    month: number;
    dayOfMonth: number;
    daysOfWeek: string[];
    firstDayOfWeek: string;
    index: string;
  };
  range: {
    type: 'endDate' | 'noEnd' | 'numbered';
    startDate: string;
    endDate: string;
    recurrenceTimeZone: string;
    numberOfOccurrences: number;
  };
}

export interface ExtendedProperty {
  id: string;
  value: string;
}

/** Writable Graph properties, as last written (normalised). */
export interface EventFields {
  subject: string;
  body: { contentType: 'text' | 'html'; content: string };
  start: DateTimeTimeZone;
  end: DateTimeTimeZone;
  isAllDay: boolean;
  sensitivity: string;
  showAs: string;
  importance: string;
  categories: string[];
  location: Record<string, unknown>;
  locations: unknown[];
  attendees: Attendee[];
  isReminderOn: boolean;
  reminderMinutesBeforeStart: number;
  isOnlineMeeting: boolean;
  onlineMeetingProvider: string;
  onlineMeeting: { joinUrl: string } | null;
  recurrence: Recurrence | null;
  responseRequested: boolean;
  allowNewTimeProposals: boolean;
  hideAttendees: boolean;
  originalStartTimeZone: string;
  originalEndTimeZone: string;
}

export interface StoredEvent {
  /** Internal key (never sent). Occurrences use `occ:<masterKey>:<originalStartMs>`. */
  key: string;
  id: string;
  immutableId: string;
  calendar: CalendarRole;
  type: EventType;
  seriesMaster: { key: string; id: string; immutableId: string } | null;
  /** Exceptions and occurrences: the start the occurrence had in the pattern. */
  originalStartMs: number | null;
  /** Series masters: originalStartMs of deleted occurrences. */
  cancelledOccurrences: number[];
  /** Series masters: changes when the series itself changes; occurrences derive their changeKey. */
  patternVersion: string;
  changeKey: string;
  createdMs: number;
  lastModifiedMs: number;
  iCalUId: string;
  transactionId: string | null;
  isOrganizer: boolean;
  organizer: { emailAddress: EmailAddress };
  responseStatus: { response: string; time: string };
  isCancelled: boolean;
  fields: EventFields;
  startMs: number;
  endMs: number;
  extendedProperties: ExtendedProperty[];
  deleted: boolean;
  /** Mailbox change sequence of the last change (delta uses it for "changed since"). */
  seq: number;
}

export interface User {
  email: string;
  name: string;
  oid: string;
  /** The mailbox's own zone (Outlook setting); NOT UTC, on purpose. */
  timeZone: { label: string; iana: string };
}

export const DEFAULT_MAILBOX_ZONE = { label: 'Pacific Standard Time', iana: 'America/Los_Angeles' };

export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** A control operation that cannot be done (unknown user, event or user code). */
export class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ControlError';
  }
}
