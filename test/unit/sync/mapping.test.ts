import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sameOnBothSides } from '../../../src/sync/content.js';
import { toGraphPayload } from '../../../src/sync/confidentiality.js';
import {
  caseflowIdValue,
  changeKeyOf,
  completeFromMaster,
  fromGraphEvent,
  graphStartEnd,
  htmlToText,
  isThinOccurrence,
  parseCaseflowIdValue,
  transactionIdFor,
} from '../../../src/sync/mapping.js';
import { content, graphJson, item } from './fixtures.js';

describe('dates sent to Graph', () => {
  it('an all-day event runs from midnight to the midnight after its last day, never through UTC', () => {
    for (const zone of ['Pacific/Kiritimati', 'America/Los_Angeles', 'UTC']) {
      expect(graphStartEnd(content({ allDay: true, start: '2026-12-31', end: '2026-12-31', timeZone: zone }))).toEqual({
        start: { dateTime: '2026-12-31T00:00:00.0000000', timeZone: zone },
        end: { dateTime: '2027-01-01T00:00:00.0000000', timeZone: zone },
      });
    }
    expect(graphStartEnd(content({ allDay: true, start: '2028-02-27', end: '2028-02-28' })).end.dateTime).toBe('2028-02-29T00:00:00.0000000');
  });

  it('a timed event is sent as wall time in its own zone', () => {
    expect(graphStartEnd(content({ start: '2026-07-01T08:00:00.000Z', end: '2026-07-01T09:30:00.000Z' }))).toEqual({
      start: { dateTime: '2026-07-01T09:00:00.0000000', timeZone: 'Europe/London' },
      end: { dateTime: '2026-07-01T10:30:00.0000000', timeZone: 'Europe/London' },
    });
  });

  it('a wall time that occurs twice (clocks going back), or an unknown zone, is sent in UTC', () => {
    // 2026-11-01 01:30 happens twice in New York.
    const c = content({ start: '2026-11-01T05:30:00.000Z', end: '2026-11-01T06:30:00.000Z', timeZone: 'America/New_York' });
    expect(graphStartEnd(c).start).toEqual({ dateTime: '2026-11-01T05:30:00.0000000', timeZone: 'UTC' });
    expect(graphStartEnd({ ...c, timeZone: 'Mars/Olympus' }).start.timeZone).toBe('UTC');
  });

  it('Teams is switched on with the Teams provider, and not mentioned otherwise', () => {
    expect(toGraphPayload(item({ content: content({ teamsMeeting: true }) }), { sensitivity: 'confidential', protectedTitle: 'keep' })).toMatchObject({
      isOnlineMeeting: true,
      onlineMeetingProvider: 'teamsForBusiness',
    });
    expect(toGraphPayload(item(), { sensitivity: 'confidential', protectedTitle: 'keep' })).not.toHaveProperty('isOnlineMeeting');
  });
});

describe('reading Graph events', () => {
  it('reads an HTML body as text, the changeKey from the etag, times as UTC instants', () => {
    const ev = fromGraphEvent(
      {
        id: 'E1',
        '@odata.etag': 'W/"DwAAABYAAA=="',
        subject: 'Call',
        body: { contentType: 'html', content: '<html><head><style>b{}</style></head><body><p>One &amp; two</p><div>three<br>four &lt;x&gt;&#33;</div></body></html>' },
        start: { dateTime: '2026-12-01T09:00:00.0000000', timeZone: 'UTC' },
        end: { dateTime: '2026-12-01T09:30:00.0000000', timeZone: 'UTC' },
        attendees: [{ emailAddress: { address: 'Amy@Firm.example', name: 'Amy' }, type: 'optional' }],
        onlineMeeting: { joinUrl: 'https://teams.example/j/1' },
        sensitivity: 'private',
      },
      { inWindow: true },
    );
    expect(ev.content.description).toBe('One & two\nthree\nfour <x>!');
    expect(ev.changeKey).toBe('DwAAABYAAA==');
    expect(ev.content.start).toBe('2026-12-01T09:00:00.000Z');
    expect(ev.content.attendees).toEqual([{ email: 'amy@firm.example', name: 'Amy', type: 'optional' }]);
    expect(ev).toMatchObject({ type: 'singleInstance', isOrganizer: true, joinUrl: 'https://teams.example/j/1', sensitivity: 'private', inWindow: true });
  });

  it("turns Outlook's exclusive all-day end into CaseFlow's inclusive last day", () => {
    const ev = fromGraphEvent(
      { id: 'E2', isAllDay: true, start: { dateTime: '2026-12-31T00:00:00.0000000', timeZone: 'UTC' }, end: { dateTime: '2027-01-01T00:00:00.0000000', timeZone: 'UTC' } },
      { inWindow: true },
    );
    expect([ev.content.start, ev.content.end]).toEqual(['2026-12-31', '2026-12-31']);
  });

  it('reads a time given in another zone when Outlook did not answer in UTC', () => {
    const ev = fromGraphEvent({ id: 'E3', start: { dateTime: '2026-12-01T09:00:00.0000000', timeZone: 'America/New_York' }, end: { dateTime: '2026-12-01T10:00:00.0000000', timeZone: 'America/New_York' } }, { inWindow: false });
    expect(ev.content.start).toBe('2026-12-01T14:00:00.000Z');
  });

  it('prefers changeKey, then the etag', () => {
    expect(changeKeyOf({ changeKey: 'a', '@odata.etag': 'W/"b"' })).toBe('a');
    expect(changeKeyOf({ '@odata.etag': 'W/"b"' })).toBe('b');
    expect(changeKeyOf({})).toBeNull();
  });

  it('html entities and tags never leak into the text', () => {
    expect(htmlToText('a&nbsp;b&#x41;<span>c</span>')).toBe('a bAc');
  });
});

describe('thin occurrences', () => {
  const master = {
    id: 'M',
    type: 'seriesMaster' as const,
    subject: 'Weekly',
    iCalUId: 'uid-master',
    '@odata.etag': 'W/"master"',
    body: { contentType: 'text', content: 'agenda' },
    location: { displayName: 'Room 1' },
    recurrence: { pattern: {} },
    start: { dateTime: '2026-01-05T09:00:00.0000000', timeZone: 'UTC' },
    end: { dateTime: '2026-01-05T10:00:00.0000000', timeZone: 'UTC' },
  };
  const thin = {
    id: 'O1',
    type: 'occurrence' as const,
    seriesMasterId: 'M',
    '@odata.etag': 'W/"occ"',
    start: { dateTime: '2026-12-07T09:00:00.0000000', timeZone: 'UTC' },
    end: { dateTime: '2026-12-07T10:00:00.0000000', timeZone: 'UTC' },
  };

  it('recognises a thin occurrence and not a complete one', () => {
    expect(isThinOccurrence(thin)).toBe(true);
    expect(isThinOccurrence({ ...thin, subject: 'Weekly' })).toBe(false);
    expect(isThinOccurrence(master)).toBe(false);
  });

  it("completes it from the master, keeping its own id, times and changeKey, and not the master's iCalUId", () => {
    const ev = fromGraphEvent(completeFromMaster(thin, master), { inWindow: true });
    expect(ev).toMatchObject({ id: 'O1', type: 'occurrence', seriesMasterId: 'M', changeKey: 'occ', iCalUId: null });
    expect(ev.content).toMatchObject({ title: 'Weekly', description: 'agenda', location: 'Room 1', start: '2026-12-07T09:00:00.000Z' });
  });
});

describe('ids', () => {
  const storeA = 'a'.repeat(32);
  const storeB = 'b'.repeat(32);
  const uid1 = '1'.repeat(32);
  const uid2 = '2'.repeat(32);
  it('the transactionId is derived: the same for a retry, different for the next generation, store, kind or item', () => {
    const t = transactionIdFor(storeA, 'event', uid1, 0);
    expect(transactionIdFor(storeA, 'event', uid1, 0)).toBe(t);
    expect(t).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const others = [transactionIdFor(storeA, 'event', uid1, 1), transactionIdFor(storeB, 'event', uid1, 0), transactionIdFor(storeA, 'task', uid1, 0), transactionIdFor(storeA, 'event', uid2, 0)];
    expect(new Set([t, ...others]).size).toBe(5);
  });

  it('the CaseFlow tag names the store and the item, and reads back; the old kind:id form is known as such', () => {
    expect(caseflowIdValue(storeA, 'deadline', uid1)).toBe(`cfo1:${storeA}:deadline:${uid1}`);
    expect(parseCaseflowIdValue(caseflowIdValue(storeA, 'deadline', uid1))).toEqual({ version: 1, storeId: storeA, kind: 'deadline', uid: uid1 });
    expect(caseflowIdValue(storeA, 'event', uid1)).not.toBe(caseflowIdValue(storeB, 'event', uid1));
    expect(parseCaseflowIdValue('deadline:12')).toEqual({ version: 0, kind: 'deadline', localId: 12 });
    expect(parseCaseflowIdValue('meeting:1')).toBeNull();
  });
});

describe('round trip through Graph (property)', () => {
  const zones = ['UTC', 'Europe/London', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Pacific/Kiritimati'];
  const day0 = Date.UTC(2026, 0, 1);
  const arbContent = fc.record({
    allDay: fc.boolean(),
    dayOffset: fc.integer({ min: 0, max: 800 }),
    length: fc.integer({ min: 0, max: 5 }),
    minute: fc.integer({ min: 0, max: 24 * 60 - 1 }),
    duration: fc.integer({ min: 0, max: 600 }),
    zone: fc.constantFrom(...zones),
    title: fc.string({ maxLength: 30 }),
    description: fc.array(fc.constantFrom('a', 'B', ' ', '\n', '\r\n', '&', '<', '>', '\t', ';', '#', 'é'), { maxLength: 40 }).map((cs) => cs.join('')),
    location: fc.string({ maxLength: 20 }),
    teams: fc.boolean(),
  });

  it('what we send reads back as the same content', () => {
    fc.assert(
      fc.property(arbContent, (g) => {
        const startMs = day0 + g.dayOffset * 86_400_000;
        const date = (ms: number) => new Date(ms).toISOString().slice(0, 10);
        const c = g.allDay
          ? content({ allDay: true, start: date(startMs), end: date(startMs + g.length * 86_400_000), timeZone: g.zone })
          : content({ start: new Date(startMs + g.minute * 60_000).toISOString(), end: new Date(startMs + (g.minute + g.duration) * 60_000).toISOString(), timeZone: g.zone });
        const local = item({ content: { ...c, title: g.title, description: g.description, location: g.location, teamsMeeting: g.teams } });
        const back = fromGraphEvent(graphJson(toGraphPayload(local, { sensitivity: 'confidential', protectedTitle: 'keep' }), 'X', 'ck'), { inWindow: true });
        expect(sameOnBothSides(local.content, back.content, false)).toBe(true);
      }),
      { numRuns: 400 },
    );
  });
});

describe('zones Outlook names', () => {
  it('a Windows zone name is read as the IANA zone it stands for; an unknown one as UTC', () => {
    const ev = fromGraphEvent({ id: 'W1', subject: 'Call', start: { dateTime: '2026-12-01T09:00:00.0000000', timeZone: 'Eastern Standard Time' }, end: { dateTime: '2026-12-01T10:00:00.0000000', timeZone: 'Eastern Standard Time' }, originalStartTimeZone: 'Eastern Standard Time' }, { inWindow: true });
    expect(ev.content).toMatchObject({ start: '2026-12-01T14:00:00.000Z', end: '2026-12-01T15:00:00.000Z', timeZone: 'America/New_York' });
    const odd = fromGraphEvent({ id: 'W2', subject: 'Call', start: { dateTime: '2026-12-01T09:00:00', timeZone: 'Mars Standard Time' }, end: { dateTime: '2026-12-01T10:00:00', timeZone: 'Mars Standard Time' } }, { inWindow: true });
    expect(odd.content).toMatchObject({ start: '2026-12-01T09:00:00.000Z', timeZone: 'UTC' });
  });
});
