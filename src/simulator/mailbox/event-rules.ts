// Rules applied whenever an event is written: defaults, time validation (all-day must be midnight
// to midnight in one zone: https://learn.microsoft.com/graph/api/resources/event), and the Teams
// join URL Graph fills in.
import { randomBytes } from 'node:crypto';
import { type EventFields } from './model.js';
import { invalidProperty } from './event-input.js';
import { parseWall, resolveZone, wallToUtc, isMidnight, type Wall } from '../time.js';

export function completeFields(partial: Partial<EventFields>): EventFields {
  if (!partial.start || !partial.end) throw invalidProperty();
  const fields: EventFields = {
    subject: '',
    body: { contentType: 'html', content: '' },
    start: partial.start,
    end: partial.end,
    isAllDay: false,
    sensitivity: 'normal',
    showAs: 'busy',
    importance: 'normal',
    categories: [],
    location: {},
    locations: [],
    attendees: [],
    isReminderOn: true,
    reminderMinutesBeforeStart: 15,
    isOnlineMeeting: false,
    onlineMeetingProvider: 'unknown',
    onlineMeeting: null,
    recurrence: null,
    responseRequested: true,
    allowNewTimeProposals: true,
    hideAttendees: false,
    originalStartTimeZone: partial.start.timeZone,
    originalEndTimeZone: partial.end.timeZone,
    ...partial,
  };
  return normalizeLocation(fields);
}

function normalizeLocation(fields: EventFields): EventFields {
  const loc = fields.location;
  fields.location = {
    displayName: typeof loc.displayName === 'string' ? loc.displayName : '',
    locationType: typeof loc.locationType === 'string' ? loc.locationType : 'default',
    uniqueIdType: typeof loc.uniqueIdType === 'string' ? loc.uniqueIdType : 'unknown',
    ...loc,
  };
  if (fields.locations.length === 0 && fields.location.displayName) fields.locations = [fields.location];
  return fields;
}

/** Validates start/end and returns their instants; throws 400 ErrorPropertyValidationFailure. */
export function computeTimes(fields: EventFields): { startMs: number; endMs: number } {
  const startZone = resolveZone(fields.start.timeZone);
  const endZone = resolveZone(fields.end.timeZone);
  const startWall = parseWall(fields.start.dateTime) as Wall;
  const endWall = parseWall(fields.end.dateTime) as Wall;
  if (!startZone || !endZone) throw invalidProperty();
  const startMs = wallToUtc(startWall, startZone);
  const endMs = wallToUtc(endWall, endZone);
  if (fields.isAllDay) {
    const ok = isMidnight(startWall) && isMidnight(endWall) && startZone === endZone && endMs > startMs;
    if (!ok) throw invalidProperty();
  } else if (endMs < startMs) {
    throw invalidProperty();
  }
  return { startMs, endMs };
}

/**
 * `isOnlineMeeting: true` makes a Teams meeting (the work account's default provider); Graph fills
 * `onlineMeeting.joinUrl`, and the meeting cannot be turned off again.
 */
export function applyOnlineMeeting(fields: EventFields, previous: EventFields | null): EventFields {
  if (previous?.isOnlineMeeting) {
    return { ...fields, isOnlineMeeting: true, onlineMeetingProvider: previous.onlineMeetingProvider, onlineMeeting: previous.onlineMeeting };
  }
  if (!fields.isOnlineMeeting) return { ...fields, onlineMeetingProvider: 'unknown', onlineMeeting: null };
  const provider = fields.onlineMeetingProvider === 'unknown' ? 'teamsForBusiness' : fields.onlineMeetingProvider;
  const thread = randomBytes(24).toString('base64url');
  const joinUrl =
    `https://teams.microsoft.com/l/meetup-join/19%3ameeting_${thread}%40thread.v2/0` +
    `?context=%7b%22Tid%22%3a%22sim%22%2c%22Oid%22%3a%22sim%22%7d`;
  return { ...fields, onlineMeetingProvider: provider, onlineMeeting: { joinUrl } };
}
