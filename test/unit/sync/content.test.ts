import { describe, expect, it } from 'vitest';
import {
  comparable,
  dueItemContent,
  localHash,
  mergeRemoteIntoLocal,
  normalizeContent,
  remoteHash,
  sameOnBothSides,
} from '../../../src/sync/content.js';
import { content, item } from './fixtures.js';

describe('normalisation', () => {
  it('trims, turns CRLF into LF, lower-cases and sorts attendee e-mails, drops duplicates', () => {
    const n = normalizeContent(
      content({
        title: '  Hearing  ',
        description: 'line one  \r\nline two\r\n',
        location: '  ',
        start: '2026-12-01T09:00Z',
        attendees: [
          { email: ' Zed@Firm.example ', name: ' Zed ', type: 'optional' },
          { email: 'amy@firm.example', name: 'Amy', type: 'required' },
          { email: 'ZED@firm.example', name: 'Zed again', type: 'required' },
        ],
      }),
    );
    expect(n.title).toBe('Hearing');
    expect(n.description).toBe('line one\nline two');
    expect(n.location).toBe('');
    expect(n.start).toBe('2026-12-01T09:00:00.000Z');
    expect(n.attendees).toEqual([
      { email: 'amy@firm.example', name: 'Amy', type: 'required' },
      { email: 'zed@firm.example', name: 'Zed', type: 'optional' },
    ]);
  });
});

describe('hashes', () => {
  it('the local hash ignores formatting but sees every synced field and the confidential flag', () => {
    const base = item();
    const reformatted = item({ content: { ...base.content, title: ` ${base.content.title} `, attendees: [...base.content.attendees].reverse() } });
    expect(localHash(reformatted)).toBe(localHash(base));
    expect(localHash(item({ content: { ...base.content, description: 'other' } }))).not.toBe(localHash(base));
    expect(localHash(item({ content: { ...base.content, timeZone: 'America/New_York' } }))).not.toBe(localHash(base));
    expect(localHash({ ...base, confidential: true })).not.toBe(localHash(base));
  });

  it('the remote hash ignores attendee display names and the zone Outlook reports', () => {
    const c = content();
    const h = remoteHash({ content: c });
    expect(remoteHash({ content: { ...c, timeZone: 'UTC', attendees: [{ email: 'BOB@firm.example', name: 'Robert', type: 'required' }] } })).toBe(h);
    expect(remoteHash({ content: { ...c, location: 'elsewhere' } })).not.toBe(h);
  });

  it('hashes saved in links by earlier versions still match: the compared fields, their order and the hash stay as they were', () => {
    const c = content({ title: ' T ', description: 'a \r\nb ', start: '2026-12-01T09:00:00Z', end: '2026-12-01T10:00:00Z', location: 'L', teamsMeeting: true, attendees: [{ email: 'B@x.example', name: 'B', type: 'optional' }, { email: 'a@x.example', name: '', type: 'required' }] });
    const fields = (confidential: boolean, masked: boolean) => Object.keys(comparable(c, confidential, masked));
    expect(fields(false, false)).toEqual(['title', 'description', 'allDay', 'start', 'end', 'location', 'attendees', 'teamsMeeting']);
    expect(fields(true, true)).toEqual(['allDay', 'start', 'end', 'location', 'attendees', 'teamsMeeting']);
    expect(remoteHash({ content: c })).toBe('2991623aa910976bbfdc13730bcd08ebecba6688103769b497dd4b4e2add22da');
  });
});

describe('the same on both sides', () => {
  it('leaves the description out when the Outlook copy is confidential', () => {
    const local = content();
    const outlook = { ...local, description: 'Confidential' };
    expect(sameOnBothSides(local, outlook, true)).toBe(true);
    expect(sameOnBothSides(local, outlook, false)).toBe(false);
  });

  it('compares timed values as instants and all-day values as dates', () => {
    expect(sameOnBothSides(content(), content({ start: '2026-12-01T09:00:00Z', timeZone: 'UTC' }), false)).toBe(true);
    const day = content({ allDay: true, start: '2026-12-01', end: '2026-12-02' });
    expect(sameOnBothSides(day, { ...day, end: '2026-12-03' }, false)).toBe(false);
  });
});

describe('merging an Outlook edit into CaseFlow', () => {
  it('keeps the CaseFlow description of a confidential item, its zone, and names Outlook left blank', () => {
    const local = content();
    const remote = { ...local, title: 'New', description: 'Confidential', timeZone: 'UTC', attendees: [{ email: 'bob@firm.example', name: '', type: 'optional' as const }] };
    const merged = mergeRemoteIntoLocal(local, remote, true);
    expect(merged).toMatchObject({ title: 'New', description: 'Bring the bundle', timeZone: 'Europe/London' });
    expect(merged.attendees).toEqual([{ email: 'bob@firm.example', name: 'Bob', type: 'optional' }]);
    expect(mergeRemoteIntoLocal(local, remote, false).description).toBe('Confidential');
  });
});

describe('tasks and deadlines as Outlook events', () => {
  it('an all-day due date is a one-day all-day event with a "Task: " title', () => {
    expect(dueItemContent('task', { title: 'File brief', description: 'd', due: '2026-12-01', dueAllDay: true, timeZone: 'Europe/London' })).toMatchObject({
      title: 'Task: File brief',
      allDay: true,
      start: '2026-12-01',
      end: '2026-12-01',
    });
  });

  it('a due time is a 30-minute event starting at the due time', () => {
    expect(dueItemContent('deadline', { title: 'Appeal', description: '', due: '2026-12-01T17:00:00Z', dueAllDay: false, timeZone: 'UTC' })).toMatchObject({
      title: 'Deadline: Appeal',
      start: '2026-12-01T17:00:00.000Z',
      end: '2026-12-01T17:30:00.000Z',
    });
  });
});
