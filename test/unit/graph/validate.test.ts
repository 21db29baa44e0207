import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateEvent } from '../../../src/graph/validate.js';
import { remoteHash } from '../../../src/sync/content.js';
import { completeFromMaster, fromGraphEvent } from '../../../src/sync/mapping.js';

const SECRET = 'Privileged: settlement figure 4.2M';

/** A full event as Graph sends it with Prefer outlook.timezone="UTC". */
function full(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    '@odata.etag': 'W/"ck1"',
    id: 'AAMk-1',
    changeKey: 'ck1',
    iCalUId: 'uid-1',
    type: 'singleInstance',
    seriesMasterId: null,
    subject: SECRET,
    body: { contentType: 'text', content: SECRET },
    start: { dateTime: '2026-12-01T09:00:00.0000000', timeZone: 'UTC' },
    end: { dateTime: '2026-12-01T10:00:00.0000000', timeZone: 'UTC' },
    originalStartTimeZone: 'Europe/London',
    isAllDay: false,
    location: { displayName: 'Court 4' },
    attendees: [{ type: 'required', emailAddress: { name: 'Dana', address: 'dana@client.example' } }],
    isOnlineMeeting: false,
    onlineMeeting: null,
    sensitivity: 'normal',
    isOrganizer: true,
    ...over,
  };
}

const thin = (over: Record<string, unknown> = {}) => ({
  '@odata.etag': 'W/"ck2"',
  id: 'AAMk-occ',
  type: 'occurrence',
  seriesMasterId: 'AAMk-master',
  start: { dateTime: '2026-12-02T09:00:00.0000000', timeZone: 'UTC' },
  end: { dateTime: '2026-12-02T10:00:00.0000000', timeZone: 'UTC' },
  ...over,
});

const allDay = (over: Record<string, unknown> = {}) =>
  full({
    isAllDay: true,
    start: { dateTime: '2026-12-07T00:00:00.0000000', timeZone: 'Europe/London' },
    end: { dateTime: '2026-12-10T00:00:00.0000000', timeZone: 'Europe/London' },
    ...over,
  });

function problem(raw: unknown, delta = false): string {
  const r = validateEvent(raw, { delta });
  if (r.ok) throw new Error('expected a refusal');
  return r.problem;
}

describe('validateEvent accepts what Graph sends', () => {
  it('a full timed event, unchanged', () => {
    const raw = full();
    expect(validateEvent(raw)).toEqual({ ok: true, event: raw });
  });

  it('an all-day event from midnight to midnight, and a date-time without seconds or fraction', () => {
    expect(validateEvent(allDay()).ok).toBe(true);
    expect(validateEvent(full({ start: { dateTime: '2026-12-01T09:00', timeZone: 'UTC' } })).ok).toBe(true);
  });

  it('null where Graph declares a property nullable, and an empty subject', () => {
    const raw = full({ subject: null, body: null, location: null, attendees: null, isAllDay: null, sensitivity: null, iCalUId: null, type: null });
    expect(validateEvent(raw).ok).toBe(true);
    expect(validateEvent(full({ subject: '' })).ok).toBe(true);
  });

  it('an attendee without an address (the engine leaves it out)', () => {
    expect(validateEvent(full({ attendees: [{ type: 'resource', emailAddress: { name: 'Room 3' } }, { emailAddress: null }] })).ok).toBe(true);
  });

  it('a removal with only its id, in a delta page', () => {
    expect(validateEvent({ '@odata.type': '#microsoft.graph.event', id: 'AAMk-9', '@removed': { reason: 'deleted' } }, { delta: true }).ok).toBe(true);
  });

  it('a thin occurrence in a delta page, which completes into a valid event', () => {
    const occurrence = thin();
    expect(validateEvent(occurrence, { delta: true }).ok).toBe(true);
    const completed = completeFromMaster(occurrence as never, full({ id: 'AAMk-master', type: 'seriesMaster' }) as never);
    expect(validateEvent(completed).ok).toBe(true);
  });

  it('an end equal to its start (a zero-length event)', () => {
    expect(validateEvent(full({ end: { dateTime: '2026-12-01T09:00:00.0000000', timeZone: 'UTC' } })).ok).toBe(true);
  });
});

describe('validateEvent refuses, naming the field', () => {
  const cases: [string, unknown, string][] = [
    ['a string entry', 'AAMk-1', 'an entry that is not an object (string)'],
    ['an array entry', [full()], 'an entry that is not an object (array)'],
    ['no id', full({ id: undefined }), 'an entry without an id'],
    ['an empty id', full({ id: '' }), 'an entry without an id'],
    ['a numeric id', full({ id: 7 }), 'an entry without an id (id is number)'],
    ['no start', full({ start: undefined }), 'start is missing'],
    ['a null end', full({ end: null }), 'end is missing'],
    ['start as a string', full({ start: '2026-12-01T09:00:00' }), 'start is not an object (string)'],
    ['start without dateTime', full({ start: { timeZone: 'UTC' } }), 'start.dateTime is missing'],
    ['a numeric dateTime', full({ start: { dateTime: 20261201, timeZone: 'UTC' } }), 'start.dateTime is not a string (number)'],
    ['a garbage dateTime', full({ start: { dateTime: 'garbage', timeZone: 'UTC' } }), 'start.dateTime is not a date and time like 2026-03-10T09:00:00'],
    ['a dateTime with an offset', full({ end: { dateTime: '2026-12-01T10:00:00+02:00', timeZone: 'UTC' } }), 'end.dateTime is not a date and time like 2026-03-10T09:00:00'],
    ['a date only', full({ start: { dateTime: '2026-12-01', timeZone: 'UTC' } }), 'start.dateTime is not a date and time like 2026-03-10T09:00:00'],
    ['the 31st of November', full({ start: { dateTime: '2026-11-31T09:00:00', timeZone: 'UTC' } }), 'start.dateTime is not a date and time like 2026-03-10T09:00:00'],
    ['the 29th of February of a common year', full({ start: { dateTime: '2027-02-29T09:00:00', timeZone: 'UTC' } }), 'start.dateTime is not a date and time like 2026-03-10T09:00:00'],
    ['hour 24', full({ start: { dateTime: '2026-12-01T24:00:00', timeZone: 'UTC' } }), 'start.dateTime is not a date and time like 2026-03-10T09:00:00'],
    ['a year before 1601', full({ start: { dateTime: '0099-12-01T09:00:00', timeZone: 'UTC' } }), 'start.dateTime is not a date and time like 2026-03-10T09:00:00'],
    ['no timeZone', full({ start: { dateTime: '2026-12-01T09:00:00' } }), 'start.timeZone is missing'],
    ['a numeric timeZone', full({ end: { dateTime: '2026-12-01T10:00:00', timeZone: 0 } }), 'end.timeZone is not a string (number)'],
    ['an empty timeZone', full({ end: { dateTime: '2026-12-01T10:00:00', timeZone: ' ' } }), 'end.timeZone is empty'],
    ['end before start', full({ end: { dateTime: '2026-12-01T08:59:59', timeZone: 'UTC' } }), 'end is before start'],
    ['end before start across zones', full({ end: { dateTime: '2026-12-01T09:30:00', timeZone: 'America/New_York' }, start: { dateTime: '2026-12-01T15:00:00', timeZone: 'UTC' } }), 'end is before start'],
    ['an all-day end before its start', allDay({ end: { dateTime: '2026-12-06T00:00:00', timeZone: 'Europe/London' } }), 'end is before start'],
    ['an all-day start not at midnight', allDay({ start: { dateTime: '2026-12-07T09:00:00', timeZone: 'Europe/London' } }), 'start is not at midnight on an all-day event'],
    ['an all-day end not at midnight', allDay({ end: { dateTime: '2026-12-10T00:00:01', timeZone: 'Europe/London' } }), 'end is not at midnight on an all-day event'],
    ['a numeric subject', full({ subject: 42 }), 'subject is not a string (number)'],
    ['no subject on a full event', full({ subject: undefined }), 'subject is missing'],
    ['isAllDay "yes"', full({ isAllDay: 'yes' }), 'isAllDay is not a boolean (string)'],
    ['isOrganizer 1', full({ isOrganizer: 1 }), 'isOrganizer is not a boolean (number)'],
    ['isOnlineMeeting "true"', full({ isOnlineMeeting: 'true' }), 'isOnlineMeeting is not a boolean (string)'],
    ['an unknown type', full({ type: 'meeting' }), 'type is not one of singleInstance, occurrence, exception, seriesMaster'],
    ['a numeric type', full({ type: 3 }), 'type is not a string (number)'],
    ['a numeric sensitivity', full({ sensitivity: 2 }), 'sensitivity is not a string (number)'],
    ['an object changeKey', full({ changeKey: {} }), 'changeKey is not a string (object)'],
    ['a numeric etag', full({ '@odata.etag': 5 }), '@odata.etag is not a string (number)'],
    ['a numeric iCalUId', full({ iCalUId: 5 }), 'iCalUId is not a string (number)'],
    ['a boolean originalStartTimeZone', full({ originalStartTimeZone: true }), 'originalStartTimeZone is not a string (boolean)'],
    ['body as a string', full({ body: SECRET }), 'body is not an object (string)'],
    ['a numeric body content', full({ body: { contentType: 'text', content: 12 } }), 'body.content is not a string (number)'],
    ['a numeric body contentType', full({ body: { contentType: 1, content: 'x' } }), 'body.contentType is not a string (number)'],
    ['location as an array', full({ location: [] }), 'location is not an object (array)'],
    ['a numeric location name', full({ location: { displayName: 4 } }), 'location.displayName is not a string (number)'],
    ['a numeric join URL', full({ onlineMeeting: { joinUrl: 9 } }), 'onlineMeeting.joinUrl is not a string (number)'],
    ['attendees as a string', full({ attendees: 'dana@client.example' }), 'attendees is not an array (string)'],
    ['an attendee that is a string', full({ attendees: ['dana@client.example'] }), 'attendees[0] is not an object (string)'],
    ['a numeric attendee address', full({ attendees: [{ emailAddress: { address: 'a@b' } }, { emailAddress: { address: 12 } }] }), 'attendees[1].emailAddress.address is not a string (number)'],
    ['an attendee emailAddress that is a string', full({ attendees: [{ emailAddress: 'x@y' }] }), 'attendees[0].emailAddress is not an object (string)'],
    ['a numeric attendee name', full({ attendees: [{ emailAddress: { address: 'a@b', name: 1 } }] }), 'attendees[0].emailAddress.name is not a string (number)'],
    ['a numeric attendee type', full({ attendees: [{ type: 1, emailAddress: { address: 'a@b' } }] }), 'attendees[0].type is not a string (number)'],
    ['a removal outside a delta page', { id: 'AAMk-9', '@removed': { reason: 'deleted' } }, '@removed is not expected outside a delta page'],
    ['a thin occurrence outside a delta page', thin(), 'subject is missing'],
  ];
  it.each(cases)('%s', (_name, raw, expected) => {
    expect(problem(raw)).toBe(expected);
  });

  it('in a delta page: a removal that is not an object, and thin occurrences missing what completes them', () => {
    expect(problem({ id: 'AAMk-9', '@removed': true }, true)).toBe('@removed is not an object (boolean)');
    expect(problem(thin({ seriesMasterId: undefined }), true)).toBe('seriesMasterId is missing');
    expect(problem(thin({ start: undefined }), true)).toBe('start is missing');
    expect(problem(thin({ end: { dateTime: 'later', timeZone: 'UTC' } }), true)).toBe('end.dateTime is not a date and time like 2026-03-10T09:00:00');
  });

  it('keeps the id of a refused entry, so it can be reported and read again', () => {
    expect(validateEvent(full({ start: undefined }))).toEqual({ ok: false, id: 'AAMk-1', problem: 'start is missing' });
    expect(validateEvent(full({ id: 5 }))).toMatchObject({ ok: false, id: null });
  });

  it('never puts a field value into a problem', () => {
    const bad = [
      full({ subject: { text: SECRET } }),
      full({ body: { content: [SECRET] } }),
      full({ location: { displayName: { v: SECRET } } }),
      full({ start: { dateTime: SECRET, timeZone: 'UTC' } }),
      full({ attendees: [{ emailAddress: { address: { v: SECRET } } }] }),
      full({ type: SECRET }),
      full({ id: { v: SECRET } }),
      SECRET,
    ];
    for (const raw of bad) expect(problem(raw)).not.toMatch(/settlement|4\.2M|Privileged/);
  });
});

// JSON-shaped values: what JSON.parse can hand us.
const json: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.string(),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.string(), tie('value'), { maxKeys: 4 }),
  ),
})).value;

const dateTime = fc
  .record({
    y: fc.integer({ min: 1601, max: 9999 }),
    mo: fc.integer({ min: 1, max: 12 }),
    d: fc.integer({ min: 1, max: 31 }),
    // Midnight often, for all-day events.
    h: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 23 })),
    mi: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 59 })),
    tail: fc.constantFrom('', ':00', ':00.0000000', ':59', ':30.5'),
  })
  .map(({ y, mo, d, h, mi, tail }) => `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}T${String(h).padStart(2, '0')}:${String(mi).padStart(2, '0')}${tail}`);
const zone = fc.constantFrom('UTC', 'Europe/London', 'America/New_York', 'Pacific/Kiritimati', 'Pacific Standard Time', 'Not/AZone', '');
/** Each field of a Graph event: usually a plausible value, sometimes any JSON at all. */
const field = <T,>(good: fc.Arbitrary<T>) => fc.oneof({ weight: 15, arbitrary: good }, { weight: 1, arbitrary: json });
const dtz = field(fc.record({ dateTime: fc.oneof({ weight: 9, arbitrary: dateTime }, { weight: 1, arbitrary: fc.string() }), timeZone: field(zone) }));
const midnight = dateTime.map((v) => `${v.slice(0, 10)}T00:00:00.0000000`);
const allDayDtz = field(fc.record({ dateTime: midnight, timeZone: field(zone) }));
const eventWith = (start: fc.Arbitrary<unknown>, end: fc.Arbitrary<unknown>, isAllDay: fc.Arbitrary<unknown>) =>
  fc.record(
    {
      id: field(fc.constantFrom('AAMk-1', 'AAMk-2')),
      type: field(fc.constantFrom('singleInstance', 'occurrence', 'exception', 'seriesMaster')),
      seriesMasterId: field(fc.constant('AAMk-master')),
      subject: field(fc.string()),
      body: field(fc.record({ contentType: fc.constantFrom('text', 'html'), content: fc.string() })),
      start,
      end,
      originalStartTimeZone: field(zone),
      isAllDay,
      location: field(fc.record({ displayName: fc.string() })),
      attendees: field(fc.array(fc.record({ type: fc.string(), emailAddress: fc.record({ address: fc.string(), name: fc.string() }) }), { maxLength: 3 })),
      isOnlineMeeting: field(fc.boolean()),
      onlineMeeting: field(fc.record({ joinUrl: fc.string() })),
      sensitivity: field(fc.string()),
      isOrganizer: field(fc.boolean()),
      changeKey: field(fc.string()),
      '@odata.etag': field(fc.string()),
    },
    { requiredKeys: ['id', 'subject', 'start', 'end'] },
  );
const eventLike = fc.oneof(eventWith(dtz, dtz, field(fc.boolean())), eventWith(allDayDtz, allDayDtz, field(fc.constant(true))));
const removedLike = fc.record({ id: field(fc.constant('AAMk-3')), '@removed': field(fc.constant({ reason: 'deleted' })) });

describe('validateEvent, for any JSON', () => {
  it('never throws, and what it accepts the engine reads into dates that parse', () => {
    fc.assert(
      fc.property(fc.oneof(json, eventLike, removedLike), fc.boolean(), (raw, delta) => {
        const r = validateEvent(raw, { delta });
        if (!r.ok) {
          expect(r.problem.length).toBeGreaterThan(0);
          expect(r.problem).not.toContain('\n');
          return;
        }
        if ('@removed' in r.event) return;
        const event = fromGraphEvent(r.event, { inWindow: true });
        const { start, end, allDay } = event.content;
        if (allDay) {
          expect(start).toMatch(/^\d{4}-\d{2}-\d{2}$/);
          expect(end).toMatch(/^\d{4}-\d{2}-\d{2}$/);
          expect(end >= start).toBe(true);
        } else {
          expect(Number.isFinite(Date.parse(start))).toBe(true);
          expect(Number.isFinite(Date.parse(end))).toBe(true);
          expect(Date.parse(end)).toBeGreaterThanOrEqual(Date.parse(start));
        }
        expect(typeof remoteHash(event)).toBe('string');
      }),
      { numRuns: 3000 },
    );
  });

  it('accepts a good share of plausible events (the property above is not vacuous)', () => {
    const accepted = fc.sample(eventLike, { numRuns: 2000, seed: 1 }).filter((raw) => validateEvent(raw, { delta: true }).ok);
    expect(accepted.length).toBeGreaterThan(100);
    expect(accepted.filter((raw) => raw.isAllDay === true).length).toBeGreaterThan(5);
  });
});
