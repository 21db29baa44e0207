// Titles and locations typed in Outlook reach CaseFlow by sync; whatever escape sequences they
// hold, human output shows them as text and --json keeps them exactly.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { world, type World } from '../helpers/world.js';

const ALICE = 'alice@firm.example';
const EVIL = '\x1b[31mPWNED\x1b]8;;http://evil\x07';
const SHOWN = '\\x1b[31mPWNED\\x1b]8;;http://evil\\x07';
/** Control characters other than the tab and newline that lay out pipe output. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const at = (dateTime: string) => ({ dateTime, timeZone: 'UTC' });

let w: World;
beforeAll(async () => {
  w = await world();
  w.sim.control.createEvent(ALICE, { subject: EVIL, location: { displayName: 'Room \u009b2J\u202e4' }, start: at('2026-12-02T09:00:00'), end: at('2026-12-02T10:00:00') });
  w.sim.control.createEvent(ALICE, {
    subject: 'Stand-up \x1b[2J',
    start: at('2026-12-03T09:00:00'),
    end: at('2026-12-03T09:15:00'),
    recurrence: { pattern: { type: 'daily', interval: 1 }, range: { type: 'numbered', startDate: '2026-12-03', numberOfOccurrences: 2 } },
  });
  await w.ok(['sync', '--staff', ALICE]);
});
afterAll(() => w.stop());

describe('text from Outlook', () => {
  it('events list in a pipe shows the escapes as text, and recurring Outlook events as read-only', async () => {
    const r = await w.sb.run(['events', 'list']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(CONTROL);
    const rows = r.stdout.trimEnd().split('\n').map((line) => line.split('\t'));
    expect(rows).toHaveLength(3);
    expect(rows[0]![3]).toBe(SHOWN);
    expect(rows[0]!.at(-1)).toBe('linked');
    expect(rows.slice(1).map((row) => [row[3], row.at(-1)])).toEqual([
      ['Stand-up \\x1b[2J', 'recurring in Microsoft 365 (read-only)'],
      ['Stand-up \\x1b[2J', 'recurring in Microsoft 365 (read-only)'],
    ]);
  });

  it('events show in a pipe shows the title and location as text', async () => {
    const [first] = await w.ok<{ id: number }[]>(['events', 'list']);
    const r = await w.sb.run(['events', 'show', String(first!.id)]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(CONTROL);
    expect(r.stdout).toContain(`title\t${SHOWN}\n`);
    expect(r.stdout).toContain('location\tRoom \\x9b2J\\u202e4\n');
  });

  it('--json keeps the exact title and location', async () => {
    const events = await w.ok<{ title: string; location: string; recurringInOutlook: boolean }[]>(['events', 'list']);
    expect(events[0]).toMatchObject({ title: EVIL, location: 'Room \u009b2J\u202e4', recurringInOutlook: false });
    expect(events.slice(1).every((e) => e.title === 'Stand-up \x1b[2J' && e.recurringInOutlook)).toBe(true);
    const raw = await w.sb.run(['--json', 'events', 'list']);
    expect(raw.stdout).not.toMatch(CONTROL);
  });
});
