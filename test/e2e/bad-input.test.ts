// Bad input: exit 2, one line naming the flag and what is allowed, and the store left exactly as
// it was (compared byte for byte, WAL and all).

import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandbox, type Sandbox } from '../helpers/cli.js';

let sb: Sandbox;

function fingerprint(db: string): string {
  const h = createHash('sha256');
  for (const f of [db, `${db}-wal`]) h.update(existsSync(f) ? readFileSync(f) : Buffer.from('absent'));
  return h.digest('hex');
}

beforeAll(async () => {
  sb = sandbox();
  for (const args of [
    ['staff', 'add', '--email', 'alice@firm.example', '--name', 'Alice'],
    ['matters', 'add', '--name', 'Reyes', '--assign', 'alice@firm.example'],
    ['events', 'add', '--staff', 'alice@firm.example', '--title', 'Hearing', '--start', '2026-12-01T09:00', '--end', '2026-12-01T10:00'],
    ['tasks', 'add', '--staff', 'alice@firm.example', '--title', 'Brief', '--due', '2026-12-03'],
  ]) {
    const r = await sb.run(args);
    expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
  }
});
afterAll(() => sb.cleanup());

const A = ['--staff', 'alice@firm.example', '--title', 'T'];
const CASES: [string, string[], RegExp][] = [
  ['unknown staff', ['events', 'add', '--staff', 'zed@firm.example', '--title', 'T', '--start', '2026-12-01T09:00', '--end', '2026-12-01T10:00'], /--staff "zed@firm.example" is not a staff member; known staff: alice@firm.example/],
  ['malformed staff email', ['tasks', 'list', '--staff', 'not-an-email'], /--staff "not-an-email" is not an email address/],
  ['unknown matter', ['events', 'add', ...A, '--start', '2026-12-01T09:00', '--end', '2026-12-01T10:00', '--matter', '42'], /--matter "42" is not a matter id; known matters: 1 \(Reyes\)/],
  ['unknown matter on a deadline', ['deadlines', 'add', '--matter', 'x', '--title', 'D', '--due', '2026-12-01'], /--matter "x" is not a matter id/],
  ['unknown category', ['events', 'add', ...A, '--start', '2026-12-01T09:00', '--end', '2026-12-01T10:00', '--category', 'Party'], /--category "Party" is not a category; known categories: .*Court Date/],
  ['unknown event id', ['events', 'update', '99', '--title', 'x'], /event 99 does not exist/],
  ['malformed event id', ['events', 'delete', 'abc'], /EVENT_ID "abc" is not an id/],
  ['unknown task id', ['tasks', 'complete', '7'], /task 7 does not exist/],
  ['malformed date-time', ['events', 'add', ...A, '--start', '2026-12-01 09:00', '--end', '2026-12-01T10:00'], /--start "2026-12-01 09:00" is not a valid date and time: use YYYY-MM-DDTHH:MM/],
  ['impossible date', ['events', 'add', ...A, '--all-day', '--start', '2026-02-30'], /--start "2026-02-30" is not a valid date: use YYYY-MM-DD/],
  ['impossible due date', ['tasks', 'add', ...A, '--due', '2026-13-01'], /--due "2026-13-01" is not a valid date: use YYYY-MM-DD/],
  ['time in a DST gap', ['events', 'add', ...A, '--start', '2026-03-29T01:30', '--end', '2026-03-29T03:00', '--time-zone', 'Europe/London'], /does not exist in Europe\/London/],
  ['end before start', ['events', 'add', ...A, '--start', '2026-12-01T10:00', '--end', '2026-12-01T09:00'], /--end 2026-12-01T09:00 is before --start 2026-12-01T10:00/],
  ['end before start on update', ['events', 'update', '1', '--end', '2026-12-01T08:00'], /--end 2026-12-01T08:00 is before --start/],
  ['all-day end before start', ['events', 'add', ...A, '--all-day', '--start', '2026-12-05', '--end', '2026-12-04'], /--end 2026-12-04 is before --start 2026-12-05: for all-day events --end is the last day, inclusive/],
  ['timed event without end', ['events', 'add', ...A, '--start', '2026-12-01T09:00'], /--start and --end are required for a timed event/],
  ['unknown plan', ['firm', 'set', '--plan', 'enterprise'], /--plan <plan>' argument 'enterprise' is invalid. Allowed choices are growth, multi-practice/],
  ['bad on/off', ['firm', 'set', '--outlook-beta', 'yes'], /Allowed choices are on, off/],
  ['unknown time zone', ['firm', 'set', '--time-zone', 'Mars/Olympus'], /--time-zone "Mars\/Olympus" is not a known IANA time zone/],
  ['bad recurrence', ['events', 'add', ...A, '--start', '2026-12-01T09:00', '--end', '2026-12-01T10:00', '--recurrence', 'every tuesday'], /--recurrence "every tuesday" is not a recurrence rule: use FREQ=DAILY\|WEEKLY/],
  ['bad limit', ['audit', '--limit', '0'], /--limit must be a whole number from 1 to 100000/],
  ['duplicate contact email', ['contacts', 'add', '--name', 'X', '--email', 'x@a.example', '--alt-email', 'X@a.example'], /--email and --alt-email must all be different/],
  ['missing required flag', ['staff', 'add', '--email', 'b@firm.example'], /required option '--name <name>' not specified/],
];

describe('bad input leaves the store unchanged', () => {
  it.each(CASES)('%s: exit 2, one line naming the problem, store unchanged', async (_name, args, pattern) => {
    const before = fingerprint(sb.db);
    const r = await sb.run(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.split('\n').filter(Boolean);
    expect(lines[0]).toMatch(/^error: /);
    expect(lines[0]).toMatch(pattern);
    expect(lines.length).toBeLessThanOrEqual(2);
    if (lines[1]) expect(lines[1]).toMatch(/^hint: /);
    expect(fingerprint(sb.db)).toBe(before);
  });

  it('with --json the error is the one document on stdout', async () => {
    const before = fingerprint(sb.db);
    const r = await sb.json(['events', 'add', ...A, '--start', 'soon', '--end', 'later']);
    expect(r.code).toBe(2);
    expect(r.body).toEqual({ error: { code: 'usage', message: expect.stringContaining('--start "soon"'), hint: expect.any(String) } });
    expect(fingerprint(sb.db)).toBe(before);
  });
});
