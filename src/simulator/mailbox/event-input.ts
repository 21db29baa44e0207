// Validation of POST/PATCH event bodies, with Graph's error codes. Unknown properties are refused
// like OData does (RequestBodyRead) so a typo in the client cannot pass silently.
import { GraphError, type Attendee, type EventFields, type ExtendedProperty, type DateTimeTimeZone } from './model.js';
import { formatWall, parseWall, resolveZone } from '../time.js';
import { normalizeRecurrence } from './recurrence.js';

export interface EventInput {
  fields: Partial<EventFields>;
  extendedProperties?: ExtendedProperty[];
  transactionId?: string;
}

const ENUMS: Record<string, string[]> = {
  sensitivity: ['normal', 'personal', 'private', 'confidential'],
  showAs: ['free', 'tentative', 'busy', 'oof', 'workingElsewhere', 'unknown'],
  importance: ['low', 'normal', 'high'],
  onlineMeetingProvider: ['unknown', 'teamsForBusiness', 'skypeForBusiness', 'skypeForConsumer'],
};

const STRINGS = ['subject', 'originalStartTimeZone', 'originalEndTimeZone'] as const;
const BOOLEANS = ['isAllDay', 'isReminderOn', 'isOnlineMeeting', 'responseRequested', 'allowNewTimeProposals', 'hideAttendees'] as const;
/** Read-only or unsupported-but-valid properties: accepted and ignored. */
const IGNORED = new Set([
  'id', 'changeKey', 'createdDateTime', 'lastModifiedDateTime', 'iCalUId', 'uid', 'type', 'seriesMasterId',
  'isOrganizer', 'isCancelled', 'webLink', 'onlineMeeting', 'onlineMeetingUrl', 'hasAttachments', 'responseStatus',
  'bodyPreview', 'originalStart', 'isDraft', 'organizer', 'multiValueExtendedProperties', 'occurrenceId',
]);

function bad(message: string): GraphError {
  return new GraphError(400, 'RequestBodyRead', message);
}

function convertError(value: unknown, type: string): GraphError {
  return bad(`Cannot convert the literal '${String(value)}' to the expected type '${type}'.`);
}

export function invalidProperty(): GraphError {
  return new GraphError(400, 'ErrorPropertyValidationFailure', 'At least one property failed validation.');
}

function parseDateTimeTimeZone(value: unknown): DateTimeTimeZone {
  if (!value || typeof value !== 'object') throw convertError(value, 'microsoft.graph.dateTimeTimeZone');
  const { dateTime, timeZone } = value as Record<string, unknown>;
  const wall = parseWall(dateTime);
  if (!wall) throw invalidProperty();
  if (typeof timeZone !== 'string' || !resolveZone(timeZone)) {
    throw new GraphError(
      400,
      'TimeZoneNotSupportedException',
      `A valid TimeZone value must be specified. The following TimeZone value is not supported: '${String(timeZone ?? '')}'.`,
    );
  }
  return { dateTime: formatWall(wall), timeZone };
}

function parseAttendees(value: unknown): Attendee[] {
  if (!Array.isArray(value)) throw convertError(value, 'Collection(microsoft.graph.attendee)');
  return value.map((a) => {
    const raw = (a ?? {}) as Record<string, unknown>;
    const email = (raw.emailAddress ?? {}) as Record<string, unknown>;
    if (typeof email.address !== 'string' || !email.address.includes('@')) throw invalidProperty();
    const type = raw.type ?? 'required';
    if (type !== 'required' && type !== 'optional' && type !== 'resource') throw convertError(type, 'microsoft.graph.attendeeType');
    return {
      type,
      emailAddress: { name: typeof email.name === 'string' ? email.name : email.address, address: email.address },
      status: { response: 'none', time: '0001-01-01T00:00:00Z' },
    };
  });
}

function parseExtended(value: unknown): ExtendedProperty[] {
  if (!Array.isArray(value)) throw convertError(value, 'Collection(microsoft.graph.singleValueLegacyExtendedProperty)');
  return value.map((p) => {
    const { id, value: v } = (p ?? {}) as Record<string, unknown>;
    if (typeof id !== 'string' || !/^\S+ \{?[0-9a-f-]{36}\}? (Name|Id) \S/i.test(id) || typeof v !== 'string') {
      throw new GraphError(400, 'ErrorInvalidExtendedPropertyValue', 'The extended property id or value is invalid.');
    }
    return { id, value: v };
  });
}

export function parseEventInput(body: unknown): EventInput {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new GraphError(400, 'BadRequest', 'Empty Payload. JSON content expected.');
  }
  const fields: Partial<EventFields> = {};
  const input: EventInput = { fields };
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    if (name.startsWith('@odata.') || IGNORED.has(name)) continue;
    if ((STRINGS as readonly string[]).includes(name)) {
      if (typeof value !== 'string') throw convertError(value, 'Edm.String');
      (fields as Record<string, unknown>)[name] = value;
    } else if ((BOOLEANS as readonly string[]).includes(name)) {
      if (typeof value !== 'boolean') throw convertError(value, 'Edm.Boolean');
      (fields as Record<string, unknown>)[name] = value;
    } else if (name in ENUMS) {
      if (typeof value !== 'string' || !ENUMS[name]?.includes(value)) throw convertError(value, `microsoft.graph.${name}`);
      (fields as Record<string, unknown>)[name] = value;
    } else if (name === 'body') {
      const b = (value ?? {}) as Record<string, unknown>;
      const type = String(b.contentType ?? 'html').toLowerCase();
      if (type !== 'text' && type !== 'html') throw convertError(b.contentType, 'microsoft.graph.bodyType');
      fields.body = { contentType: type, content: typeof b.content === 'string' ? b.content : '' };
    } else if (name === 'start' || name === 'end') {
      fields[name] = parseDateTimeTimeZone(value);
    } else if (name === 'categories') {
      if (!Array.isArray(value) || value.some((c) => typeof c !== 'string')) throw convertError(value, 'Collection(Edm.String)');
      fields.categories = value as string[];
    } else if (name === 'location') {
      if (!value || typeof value !== 'object') throw convertError(value, 'microsoft.graph.location');
      fields.location = { ...(value as Record<string, unknown>) };
    } else if (name === 'locations') {
      if (!Array.isArray(value)) throw convertError(value, 'Collection(microsoft.graph.location)');
      fields.locations = value;
    } else if (name === 'attendees') {
      fields.attendees = parseAttendees(value);
    } else if (name === 'reminderMinutesBeforeStart') {
      if (!Number.isInteger(value)) throw convertError(value, 'Edm.Int32');
      fields.reminderMinutesBeforeStart = value as number;
    } else if (name === 'recurrence') {
      fields.recurrence = value === null ? null : normalizeRecurrence(value);
    } else if (name === 'transactionId') {
      if (typeof value !== 'string') throw convertError(value, 'Edm.String');
      input.transactionId = value;
    } else if (name === 'singleValueExtendedProperties') {
      input.extendedProperties = parseExtended(value);
    } else {
      throw bad(
        `The property '${name}' does not exist on type 'microsoft.graph.event'. Make sure to only use property names that are defined by the type or mark the type as open type.`,
      );
    }
  }
  return input;
}
