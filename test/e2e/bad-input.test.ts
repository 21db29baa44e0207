// Bad input: exit 2, one line naming the flag and what is allowed, and the store left exactly as
// it was (compared byte for byte, WAL and all).

import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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
const T = ['--start', '2026-12-01T09:00', '--end', '2026-12-01T10:00'];
/** name, argv, the error line, the hint line. */
const CASES: [string, string[], RegExp, RegExp][] = [
  ['unknown staff', ['events', 'add', '--staff', 'zed@firm.example', '--title', 'T', ...T], /--staff "zed@firm.example" is not a staff member; known staff: alice@firm.example/, /caseflow-outlook staff (add|list)/],
  ['malformed staff email', ['tasks', 'list', '--staff', 'not-an-email'], /--staff "not-an-email" is not an email address/, /^hint: list staff with: caseflow-outlook staff list$/],
  ['malformed attendee email', ['events', 'add', ...A, ...T, '--attendee', 'dana'], /--attendee "dana" is not an email address/, /^hint: give a full address, e\.g\. --attendee dana@client\.example$/],
  ['unknown matter', ['events', 'add', ...A, ...T, '--matter', '42'], /--matter "42" is not a matter id; known matters: 1 \(Reyes\)/, /caseflow-outlook matters list/],
  ['unknown matter on a deadline', ['deadlines', 'add', '--matter', 'x', '--title', 'D', '--due', '2026-12-01'], /--matter "x" is not a matter id/, /caseflow-outlook matters list/],
  ['unknown category', ['events', 'add', ...A, ...T, '--category', 'Party'], /--category "Party" is not a category; known categories: .*Court Date/, /caseflow-outlook categories add "Party"/],
  ['empty category name', ['categories', 'add', ' '], /NAME must not be empty/, /^hint: give some text, e\.g\. categories add "Team lunch"$/],
  ['unknown event id', ['events', 'update', '99', '--title', 'x'], /event 99 does not exist/, /caseflow-outlook events list/],
  ['malformed event id', ['events', 'delete', 'abc'], /EVENT_ID "abc" is not an id/, /^hint: list events with: caseflow-outlook events list$/],
  ['malformed conflict id', ['conflicts', 'show', 'x'], /CONFLICT_ID "x" is not an id/, /^hint: list conflicts with: caseflow-outlook conflicts list$/],
  ['unknown task id', ['tasks', 'complete', '7'], /task 7 does not exist/, /caseflow-outlook tasks list/],
  ['malformed date-time', ['events', 'add', ...A, '--start', '2026-12-01 09:00', '--end', '2026-12-01T10:00'], /--start "2026-12-01 09:00" is not a valid date and time: use YYYY-MM-DDTHH:MM/, /^hint: e\.g\. --start 2026-12-01T09:00 or, with an offset, --start 2026-12-01T09:00-05:00$/],
  ['a date where a time is needed', ['events', 'add', ...A, '--start', '2026-12-01', '--end', '2026-12-02'], /--start "2026-12-01" is not a valid date and time/, /^hint: for a whole-day event add --all-day; otherwise give a time, e\.g\. --start 2026-12-01T09:00$/],
  ['impossible date', ['events', 'add', ...A, '--all-day', '--start', '2026-02-30'], /--start "2026-02-30" is not a valid date: use YYYY-MM-DD/, /^hint: give a date that exists, e\.g\. --start 2026-12-01$/],
  ['impossible due date', ['tasks', 'add', ...A, '--due', '2026-13-01'], /--due "2026-13-01" is not a valid date: use YYYY-MM-DD/, /^hint: give a date that exists, e\.g\. --due 2026-12-01$/],
  ['unreadable due', ['deadlines', 'add', '--matter', '1', '--title', 'D', '--due', 'tomorrow'], /--due "tomorrow" is not a valid date and time/, /^hint: e\.g\. --due 2026-12-01 or --due 2026-12-01T17:00$/],
  ['time in a DST gap', ['events', 'add', ...A, '--start', '2026-03-29T01:30', '--end', '2026-03-29T03:00', '--time-zone', 'Europe/London'], /does not exist in Europe\/London/, /^hint: e\.g\. --start 2026-03-29T02:00, the first minute after the change$/],
  ['end before start', ['events', 'add', ...A, '--start', '2026-12-01T10:00', '--end', '2026-12-01T09:00'], /--end 2026-12-01T09:00 is before --start 2026-12-01T10:00/, /^hint: give an --end after --start, e\.g\. --start 2026-12-01T10:00 --end 2026-12-01T11:00$/],
  ['end before start on update', ['events', 'update', '1', '--end', '2026-12-01T08:00'], /--end 2026-12-01T08:00 is before the event's start, 2026-12-01T09:00 \(UTC\)/, /^hint: give an --end after the start, e\.g\. --end 2026-12-01T10:00, or move both/],
  ['start after end on update', ['events', 'update', '1', '--start', '2026-12-01T11:00'], /--start 2026-12-01T11:00 is after the event's end, 2026-12-01T10:00 \(UTC\)/, /^hint: move both, e\.g\. --start 2026-12-01T11:00 --end 2026-12-01T12:00$/],
  ['all-day end before start', ['events', 'add', ...A, '--all-day', '--start', '2026-12-05', '--end', '2026-12-04'], /--end 2026-12-04 is before --start 2026-12-05: for all-day events --end is the last day, inclusive/, /^hint: give an --end on or after --start, e\.g\. --all-day --start 2026-12-05 --end 2026-12-06, or leave --end out$/],
  ['timed event without end', ['events', 'add', ...A, '--start', '2026-12-01T09:00'], /--start and --end are required for a timed event/, /^hint: give both, e\.g\. --start 2026-12-01T09:00 --end 2026-12-01T10:00, or add --all-day$/],
  ['all-day event without start', ['events', 'add', ...A, '--all-day'], /--start is required: --all-day --start YYYY-MM-DD/, /^hint: e\.g\. --all-day --start 2026-12-07 --end 2026-12-09$/],
  ['event without owner', ['events', 'add', '--title', 'T', ...T], /--staff is required/, /caseflow-outlook staff list/],
  ['event without title', ['events', 'add', '--staff', 'alice@firm.example', ...T], /--title is required/, /^hint: add a title, e\.g\. --title "Hearing"$/],
  ['title too long', ['events', 'add', '--staff', 'alice@firm.example', '--title', 'x'.repeat(300), ...T], /--title is too long \(300 characters; at most 255\)/, /^hint: shorten --title to 255 characters or fewer$/],
  ['attendee twice', ['events', 'add', ...A, ...T, '--attendee', 'd@c.example', '--optional-attendee', 'D@c.example'], /--optional-attendee "d@c.example" is listed twice/, /^hint: give each attendee once/],
  ['unknown plan', ['firm', 'set', '--plan', 'enterprise'], /--plan <plan>' argument 'enterprise' is invalid. Allowed choices are growth, multi-practice/, /^hint: /],
  ['bad on/off', ['firm', 'set', '--outlook-beta', 'yes'], /Allowed choices are on, off/, /^hint: /],
  ['unknown time zone', ['firm', 'set', '--time-zone', 'Mars/Olympus'], /--time-zone "Mars\/Olympus" is not a known IANA time zone/, /^hint: use an IANA zone name such as Europe\/London or America\/New_York$/],
  ['a city for a time zone', ['events', 'add', ...A, ...T, '--time-zone', 'london'], /--time-zone "london" is not a known IANA time zone/, /^hint: did you mean --time-zone Europe\/London\?$/],
  ['bad task time zone', ['tasks', 'add', ...A, '--due', '2026-12-01', '--time-zone', 'EST5'], /--time-zone "EST5" is not a known IANA time zone/, /^hint: use an IANA zone name/],
  ['bad recurrence', ['events', 'add', ...A, ...T, '--recurrence', 'every tuesday'], /--recurrence "every tuesday" is not a recurrence rule: use FREQ=DAILY\|WEEKLY/, /^hint: e\.g\. --recurrence "FREQ=WEEKLY;COUNT=6"/],
  ['push-now on a recurring event', ['events', 'add', ...A, ...T, '--recurrence', 'FREQ=WEEKLY', '--push-now'], /--push-now: recurring events created in CaseFlow are not pushed/, /^hint: run the same command without --push-now/],
  ['to before from', ['events', 'list', '--from', '2026-12-05', '--to', '2026-12-01'], /--to 2026-12-01 is not after --from 2026-12-05/, /^hint: give a --to later than --from, e\.g\. --from 2026-12-05 --to 2027-01-04$/],
  ['unreadable from', ['events', 'list', '--from', 'monday'], /--from "monday" is not a valid date and time/, /^hint: e\.g\. --from 2026-12-01 or --from 2026-12-01T17:00$/],
  ['bad limit', ['audit', '--limit', '0'], /--limit must be a whole number from 1 to 100000 \(got "0"\)/, /^hint: e\.g\. --limit 50$/],
  ['limit not a number', ['audit', '--limit', 'ten'], /--limit must be a whole number from 1 to 100000 \(got "ten"\)/, /^hint: e\.g\. --limit 50$/],
  ['bad audit event id', ['audit', '--event', 'x1'], /--event "x1" is not an id/, /^hint: list events with: caseflow-outlook events list$/],
  ['duplicate contact email', ['contacts', 'add', '--name', 'X', '--email', 'x@a.example', '--alt-email', 'X@a.example'], /--email and --alt-email must all be different/, /^hint: give each address once/],
  ['firm set with nothing to set', ['firm', 'set'], /firm set needs at least one of --plan, --outlook-beta, --time-zone/, /^hint: e\.g\. caseflow-outlook firm set --plan multi-practice --outlook-beta on/],
  ['prefs set with nothing to set', ['prefs', 'set', '--staff', 'alice@firm.example'], /prefs set needs at least one of --enabled/, /^hint: e\.g\. caseflow-outlook prefs set --staff alice@firm\.example --tasks off/],
  ['simulator port out of range', ['simulator', '--port', '99999'], /--port must be a whole number from 1 to 65535/, /^hint: e\.g\. --port 8443$/],
  ['simulator budget window of 0', ['simulator', '--window-seconds', '0'], /--window-seconds must be a whole number from 1 to 86400 \(got "0"\)/, /^hint: e\.g\. --window-seconds 600$/],
  ['simulator budget that is not a number', ['simulator', '--requests-per-window', 'lots'], /--requests-per-window must be a whole number from 1 to 1000000/, /^hint: e\.g\. --requests-per-window 10000$/],
  ['daemon interval below the 30 s minimum', ['daemon', '--interval', '10'], /--interval must be a whole number from 30 to 86400 \(got "10"\)/, /^hint: give --interval a whole number from 30 to 86400, e\.g\. --interval 300$/],
  ['daemon concurrency not a number', ['daemon', '--once', '--concurrency', 'abc'], /--concurrency must be a whole number from 1 to 64/, /^hint: give --concurrency a whole number/],
  ['missing required flag', ['staff', 'add', '--email', 'b@firm.example'], /required option '--name <name>' not specified/, /^hint: /],
];

/** The error and hint lines of a failed run, asserting there is exactly one of each and nothing else. */
function errorAndHint(stderr: string): [string, string] {
  const lines = stderr.split('\n').filter(Boolean);
  expect(lines, stderr).toHaveLength(2);
  expect(lines[0]).toMatch(/^error: /);
  expect(lines[1]).toMatch(/^hint: \S/);
  return [lines[0]!, lines[1]!];
}

describe('bad input leaves the store unchanged', () => {
  it.each(CASES)('%s: exit 2, one error line naming the problem, a hint, store unchanged', async (_name, args, pattern, hint) => {
    const before = fingerprint(sb.db);
    const r = await sb.run(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const [error, hintLine] = errorAndHint(r.stderr);
    expect(error).toMatch(pattern);
    expect(hintLine).toMatch(hint);
    expect(fingerprint(sb.db)).toBe(before);
  });

  it('with --json the error, its code and its hint are the one document on stdout', async () => {
    const before = fingerprint(sb.db);
    const r = await sb.json(['events', 'add', ...A, '--start', 'soon', '--end', 'later']);
    expect(r.code).toBe(2);
    expect(r.body).toEqual({
      error: { code: 'usage', message: expect.stringContaining('--start "soon"'), hint: 'e.g. --start 2026-12-01T09:00 or, with an offset, --start 2026-12-01T09:00-05:00' },
    });
    expect(fingerprint(sb.db)).toBe(before);
  });

  it.each(CASES.filter(([name]) => ['end before start', 'bad limit', 'unknown time zone', 'unknown staff'].includes(name)))(
    '%s with --json: the hint is in the document, not null',
    async (_name, args, _pattern, hint) => {
      const r = await sb.json(args);
      expect(r.code).toBe(2);
      expect(typeof r.body.error.hint).toBe('string');
      expect(`hint: ${r.body.error.hint}`).toMatch(hint);
    },
  );
});

/** The runtime's own words for a JSON syntax error (they differ between Node versions). */
function jsonParseError(text: string): string {
  try {
    JSON.parse(text);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected invalid JSON');
}

describe('bad config values are refused like unknown keys', () => {
  const write = (name: string, body: unknown): string => {
    const path = join(sb.dir, name);
    writeFileSync(path, typeof body === 'string' ? body : JSON.stringify(body));
    return path;
  };
  const CONFIGS: [string, unknown, (file: string) => string, (file: string) => string][] = [
    ['a number written as a string', { sync: { horizonDays: '365' } }, (f) => `config file ${f}: sync.horizonDays must be a JSON number, a whole number from 1 to 1825 (got the string "365")`, (f) => `fix sync.horizonDays in ${f}, e.g. "sync": {"horizonDays": 365}`],
    ['a number out of range', { sync: { maxRequestsInFlightPerMailbox: 8 } }, (f) => `config file ${f}: sync.maxRequestsInFlightPerMailbox must be a whole number from 1 to 4 (got 8)`, (f) => `fix sync.maxRequestsInFlightPerMailbox in ${f}, e.g. "sync": {"maxRequestsInFlightPerMailbox": 4}`],
    ['a value not in the list', { sync: { confidentialSensitivity: 'secret' } }, (f) => `config file ${f}: sync.confidentialSensitivity must be one of confidential, private (got "secret")`, (f) => `fix sync.confidentialSensitivity in ${f}, e.g. "sync": {"confidentialSensitivity": "confidential"}`],
    ['a title setting not in the list', { sync: { protectedTitle: 'hidden' } }, (f) => `config file ${f}: sync.protectedTitle must be one of keep, category, busy (got "hidden")`, (f) => `fix sync.protectedTitle in ${f}, e.g. "sync": {"protectedTitle": "busy"}`],
    ['a URL that is not https', { graph: { baseUrl: 'http://graph.example' } }, (f) => `config file ${f}: graph.baseUrl must be an https URL such as https://graph.microsoft.com (got "http://graph.example", which is not https)`, (f) => `fix graph.baseUrl in ${f}, e.g. "graph": {"baseUrl": "https://graph.microsoft.com"}`],
    ['a URL given as a number', { auth: { authorityHost: 443 } }, (f) => `config file ${f}: auth.authorityHost must be a JSON string, an https URL such as https://login.microsoftonline.com (got the number 443)`, (f) => `fix auth.authorityHost in ${f}, e.g. "auth": {"authorityHost": "https://login.microsoftonline.com"}`],
    ['an unknown key', { sync: { horizon: 3 } }, (f) => `config file ${f}: unknown key "sync.horizon"; allowed keys: store.path, auth.clientId, auth.tenantId, auth.authorityHost, auth.appCertificatePath, auth.appCertificateThumbprint, graph.baseUrl, graph.requestsPer10Minutes, sync.intervalSeconds, sync.horizonDays, sync.confidentialSensitivity, sync.maxDeletesPerRun, sync.maxRequestsInFlightPerMailbox, sync.protectedTitle, daemon.concurrency, daemon.quietSeconds`, (f) => `fix sync.horizon in ${f}: did you mean sync.horizonDays?`],
    ['a section that is not an object', { daemon: 4 }, (f) => `config file ${f}: "daemon" must be a JSON object (got the number 4); its keys: daemon.concurrency, daemon.quietSeconds`, (f) => `fix "daemon" in ${f}, e.g. "daemon": {"concurrency": 4}`],
    ['a file that is not JSON', '{"sync": {', (f) => `config file ${f}: not valid JSON (${jsonParseError('{"sync": {')})`, (f) => `fix the JSON in ${f} (config.example.json shows the expected shape)`],
  ];
  it.each(CONFIGS)('%s: exit 2 naming the file, the key and what is allowed; the hint says where to fix it', async (name, body, message, hint) => {
    const file = write(`${name.replace(/\W+/g, '-')}.json`, body);
    const before = fingerprint(sb.db);
    const r = await sb.run(['--config', file, 'status']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(errorAndHint(r.stderr)).toEqual([`error: ${message(file)}`, `hint: ${hint(file)}`]);
    const j = await sb.json(['status'], { env: { CASEFLOW_CONFIG: file } });
    expect(j.body).toEqual({ error: { code: 'usage', message: message(file), hint: hint(file) } });
    expect(fingerprint(sb.db)).toBe(before);
  });

  it('a bad environment variable is refused naming it, what is allowed, and how to fix it', async () => {
    const r = await sb.run(['status'], { env: { CASEFLOW_GRAPH_URL: 'http://graph.example' } });
    expect(r.code).toBe(2);
    expect(errorAndHint(r.stderr)).toEqual([
      'error: environment variable CASEFLOW_GRAPH_URL must be an https URL such as https://graph.microsoft.com (got "http://graph.example", which is not https)',
      'hint: fix or unset CASEFLOW_GRAPH_URL, e.g. CASEFLOW_GRAPH_URL=https://graph.microsoft.com',
    ]);
  });
});

describe('a store that cannot be used names the path and what to check', () => {
  it('a store folder that cannot be created (its parent is a file): exit 1, ENOTDIR, nothing created', async () => {
    const blocker = join(sb.dir, 'not-a-folder');
    writeFileSync(blocker, 'x');
    const r = await sb.run(['--db', join(blocker, 'store.db'), 'staff', 'list']);
    expect(r.code).toBe(1);
    expect(errorAndHint(r.stderr)).toEqual([
      `error: the store folder ${blocker} cannot be created: ${blocker} is a file, not a folder (ENOTDIR)`,
      `hint: move ${blocker} aside, or point --db at another path`,
    ]);
    expect(readFileSync(blocker, 'utf8')).toBe('x');
    const j = await sb.json(['--db', join(blocker, 'sub', 'store.db'), 'staff', 'list']);
    expect(j.body.error.code).toBe('store_not_writable');
  });

  it('a file that is not SQLite is still "not a caseflow-outlook store", and is left as it was', async () => {
    const notes = join(sb.dir, 'notes.txt');
    writeFileSync(notes, 'hello, not a database\n');
    const r = await sb.run(['--db', notes, 'staff', 'list']);
    expect(r.code).toBe(1);
    expect(errorAndHint(r.stderr)).toEqual([
      `error: ${notes} is not a caseflow-outlook store: it is not an SQLite database (SQLITE_NOTADB)`,
      'hint: point --db at the store file, or at a new path to create a store there',
    ]);
    expect(readFileSync(notes, 'utf8')).toBe('hello, not a database\n');
  });

  it('a folder given as the store is named as a folder', async () => {
    const r = await sb.json(['--db', sb.dir, 'staff', 'list']);
    expect(r.code).toBe(1);
    expect(r.body.error).toEqual({ code: 'store_unreadable', message: `the store ${sb.dir} is a folder, not a store file (SQLITE_CANTOPEN)`, hint: `point --db at a file, e.g. --db ${join(sb.dir, 'store.db')}` });
  });
});
