// Writes shared by Graph and the control API, with what Exchange does around them: attendees who
// are users of this tenant get the meeting on their own calendar (tentatively, same iCalUId,
// isOrganizer false), organiser updates reach their copies, deletes cancel them. Creating with
// attendees always sends invitations: https://learn.microsoft.com/graph/api/user-post-events
import type { Directory } from './directory.js';
import type { Mailbox, CreateMeta } from './mailbox.js';
import type { EventInput } from './event-input.js';
import { ControlError, type EventFields, type StoredEvent } from './model.js';

const SHARED_FIELDS: (keyof EventFields)[] = [
  'subject', 'body', 'start', 'end', 'isAllDay', 'location', 'locations', 'attendees', 'sensitivity', 'importance',
  'isOnlineMeeting', 'onlineMeetingProvider', 'recurrence', 'hideAttendees', 'originalStartTimeZone', 'originalEndTimeZone',
];

function sharedFields(ev: StoredEvent): Partial<EventFields> {
  const out: Partial<EventFields> = {};
  for (const k of SHARED_FIELDS) (out as Record<string, unknown>)[k] = structuredClone(ev.fields[k]);
  return out;
}

function findCopy(mailbox: Mailbox, iCalUId: string): StoredEvent | undefined {
  return mailbox
    .list('primary')
    .find((e) => e.iCalUId === iCalUId && !e.isOrganizer);
}

function syncCopies(dir: Directory, organizer: Mailbox, ev: StoredEvent): void {
  if (!ev.isOrganizer || (ev.type !== 'singleInstance' && ev.type !== 'seriesMaster')) return;
  const invited = new Set(ev.fields.attendees.map((a) => a.emailAddress.address.toLowerCase()));
  for (const mailbox of dir.mailboxes()) {
    if (mailbox === organizer) continue;
    const copy = findCopy(mailbox, ev.iCalUId);
    if (invited.has(mailbox.user.email.toLowerCase())) {
      if (!copy) createCopy(mailbox, organizer, ev);
      else {
        mailbox.update(copy, { fields: sharedFields(ev) });
        copy.fields.onlineMeeting = ev.fields.onlineMeeting;
      }
    } else if (copy && !copy.isCancelled) {
      cancel(mailbox, copy);
    }
  }
}

function createCopy(mailbox: Mailbox, organizer: Mailbox, ev: StoredEvent): StoredEvent {
  const meta: CreateMeta = {
    organizer: { name: organizer.user.name, address: organizer.user.email },
    iCalUId: ev.iCalUId,
    responseStatus: { response: 'notResponded', time: '0001-01-01T00:00:00Z' },
  };
  const copy = mailbox.create({ fields: { ...sharedFields(ev), showAs: 'tentative' } }, meta);
  copy.fields.onlineMeeting = ev.fields.onlineMeeting;
  return copy;
}

function cancel(mailbox: Mailbox, copy: StoredEvent): void {
  copy.isCancelled = true;
  if (!copy.fields.subject.startsWith('Canceled: ')) copy.fields = { ...copy.fields, subject: `Canceled: ${copy.fields.subject}` };
  mailbox.touch(copy);
}

export function createEvent(dir: Directory, mailbox: Mailbox, input: EventInput, meta: CreateMeta = {}): StoredEvent {
  const ev = mailbox.create(input, meta);
  syncCopies(dir, mailbox, ev);
  return ev;
}

export function updateEvent(dir: Directory, mailbox: Mailbox, target: StoredEvent, input: EventInput): StoredEvent {
  const ev = mailbox.update(target, input);
  syncCopies(dir, mailbox, ev);
  return ev;
}

export function deleteEvent(dir: Directory, mailbox: Mailbox, target: StoredEvent): void {
  mailbox.delete(target);
  if (!target.isOrganizer || (target.type !== 'singleInstance' && target.type !== 'seriesMaster')) return;
  for (const other of dir.mailboxes()) {
    const copy = other === mailbox ? undefined : findCopy(other, target.iCalUId);
    if (copy && !copy.isCancelled) cancel(other, copy);
  }
}

/**
 * The attendee accepts: their copy (created if the invitation never reached them) becomes
 * accepted and busy, and the organiser's event records the response (a change there too).
 */
export function acceptInvitation(dir: Directory, attendeeEmail: string, ref: { iCalUId?: string; organizer?: string; eventId?: string }): StoredEvent {
  return respondToInvitation(dir, attendeeEmail, ref, 'accepted');
}

export type InvitationResponse = 'accepted' | 'tentativelyAccepted' | 'declined';

/**
 * The attendee answers an invitation (their copy is made when it is not there yet). Declining
 * removes the copy from their calendar, as Outlook does by default, unless `keepInCalendar`; the
 * copy that stays then says `declined`. The organiser's event records the response.
 */
export function respondToInvitation(
  dir: Directory,
  attendeeEmail: string,
  ref: { iCalUId?: string; organizer?: string; eventId?: string },
  response: InvitationResponse,
  options: { keepInCalendar?: boolean } = {},
): StoredEvent {
  const attendee = dir.require(attendeeEmail);
  let organizerMailbox: Mailbox | undefined;
  let organizerEvent: StoredEvent | null = null;
  if (ref.organizer && ref.eventId) {
    organizerMailbox = dir.require(ref.organizer);
    organizerEvent = organizerMailbox.resolve(ref.eventId);
    if (!organizerEvent) throw new ControlError(404, `no event ${ref.eventId} in ${ref.organizer}`);
  } else if (ref.iCalUId) {
    for (const m of dir.mailboxes()) {
      const found = m.list('primary').find((e) => e.iCalUId === ref.iCalUId && e.isOrganizer);
      if (found) [organizerMailbox, organizerEvent] = [m, found];
    }
  }
  const iCalUId = organizerEvent?.iCalUId ?? ref.iCalUId;
  if (!iCalUId) throw new ControlError(400, 'accept needs {iCalUId} or {organizer, eventId}');
  let copy = findCopy(attendee, iCalUId);
  if (!copy) {
    if (!organizerEvent || !organizerMailbox) throw new ControlError(404, `no invitation ${iCalUId} for ${attendeeEmail}`);
    copy = createCopy(attendee, organizerMailbox, organizerEvent);
  }
  const time = new Date(attendee.now()).toISOString();
  copy.responseStatus = { response, time };
  copy.fields = { ...copy.fields, showAs: response === 'declined' ? 'free' : response === 'tentativelyAccepted' ? 'tentative' : (organizerEvent?.fields.showAs ?? 'busy') };
  attendee.touch(copy);
  if (response === 'declined' && !options.keepInCalendar) deleteEvent(dir, attendee, copy);
  if (organizerEvent && organizerMailbox) {
    const me = attendee.user.email.toLowerCase();
    const attendees = organizerEvent.fields.attendees.map((a) =>
      a.emailAddress.address.toLowerCase() === me ? { ...a, status: { response, time } } : a,
    );
    organizerEvent.fields = { ...organizerEvent.fields, attendees };
    organizerMailbox.touch(organizerEvent);
  }
  return copy;
}
