// Spawns the built CLI for every store-only command: stdout, stderr, exit code, JSON shape.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandbox, type Sandbox } from '../helpers/cli.js';

const EVENT_FIELDS = ['id', 'staff', 'title', 'description', 'start', 'end', 'allDay', 'timeZone', 'location', 'category', 'matterId', 'teamsMeeting', 'teamsJoinUrl', 'attendees', 'source', 'readOnly', 'recurringInOutlook', 'confidential', 'outlookId', 'createdAt', 'updatedAt'];
const STATUS_FIELDS = ['staff', 'connected', 'account', 'needsReconnect', 'prefs', 'syncFrom', 'lastSyncAt', 'lastSuccessAt', 'lastError', 'pending', 'openConflicts', 'warnings'];
const AUDIT_FIELDS = ['id', 'at', 'staff', 'trigger', 'direction', 'action', 'kind', 'eventId', 'outlookId', 'summary', 'versions', 'runId'];

let sb: Sandbox;
beforeAll(() => {
  sb = sandbox();
});
afterAll(() => sb.cleanup());

describe('store commands, end to end', () => {
  it('firm show and firm set', async () => {
    const shown = await sb.json(['firm', 'show']);
    expect(shown.code).toBe(0);
    expect(shown.body).toMatchObject({ plan: 'growth', outlookBeta: false, timeZone: 'UTC', outlookSyncAvailable: false });
    const set = await sb.json(['firm', 'set', '--plan', 'multi-practice', '--outlook-beta', 'on', '--time-zone', 'Europe/London']);
    expect(set.code).toBe(0);
    expect(set.body).toMatchObject({ plan: 'multi-practice', outlookBeta: true, timeZone: 'Europe/London', outlookSyncAvailable: true });
    const text = await sb.run(['firm', 'show']);
    expect(text.stdout).toContain('plan\tmulti-practice\n');
    expect(text.stderr).toBe('');
  });

  it('staff add and list', async () => {
    const added = await sb.json(['staff', 'add', '--email', 'Alice@Firm.example', '--name', 'Alice Moss']);
    expect(added.code).toBe(0);
    expect(added.body).toMatchObject({ id: 1, email: 'alice@firm.example', name: 'Alice Moss' });
    await sb.run(['staff', 'add', '--email', 'bob@firm.example', '--name', 'Bob Lee']);
    const listed = await sb.run(['staff', 'list']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toBe('1\talice@firm.example\tAlice Moss\n2\tbob@firm.example\tBob Lee\n');
    const again = await sb.run(['staff', 'add', '--email', 'alice@firm.example', '--name', 'A']);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/^error: --email "alice@firm.example" is already a staff member\nhint: /);
  });

  it('contacts add and list, with alternate emails', async () => {
    const added = await sb.json(['contacts', 'add', '--name', 'Dana Reyes', '--email', 'dana@client.example', '--alt-email', 'dreyes@home.example']);
    expect(added.code).toBe(0);
    expect(added.body.emails).toEqual(['dana@client.example', 'dreyes@home.example']);
    const listed = await sb.json(['contacts', 'list']);
    expect(listed.body).toHaveLength(1);
    expect(listed.body[0]).toMatchObject({ name: 'Dana Reyes' });
  });

  it('matters add and list with assigned staff', async () => {
    const added = await sb.json(['matters', 'add', '--name', 'Reyes v. Acme', '--assign', 'alice@firm.example,bob@firm.example']);
    expect(added.code).toBe(0);
    expect(added.body).toMatchObject({ id: 1, name: 'Reyes v. Acme', assigned: ['alice@firm.example', 'bob@firm.example'] });
    const listed = await sb.run(['matters', 'list']);
    expect(listed.stdout).toBe('1\tReyes v. Acme\talice@firm.example, bob@firm.example\n');
  });

  it('categories list, add, protect and unprotect', async () => {
    const listed = await sb.json(['categories', 'list']);
    expect(listed.body.filter((c: { protected: boolean }) => c.protected)).toHaveLength(5);
    const added = await sb.json(['categories', 'add', 'Mediation']);
    expect(added.body).toMatchObject({ name: 'Mediation', protected: false });
    const prot = await sb.json(['categories', 'protect', 'mediation']);
    expect(prot.body).toMatchObject({ name: 'Mediation', protected: true });
    const unprot = await sb.json(['categories', 'unprotect', 'Mediation']);
    expect(unprot.body.protected).toBe(false);
    const unknown = await sb.run(['categories', 'protect', 'Nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('NAME "Nope" is not a category; known categories:');
  });

  it('events add, show, update, list and delete, with every field of the event JSON', async () => {
    const added = await sb.json([
      'events', 'add', '--staff', 'alice@firm.example', '--title', 'Hearing', '--category', 'Hearing',
      '--start', '2026-12-01T09:00', '--end', '2026-12-01T10:00', '--description', 'privileged', '--teams',
      '--attendee', 'dreyes@home.example', '--optional-attendee', 'bob@firm.example', '--location', 'Court 4',
    ]);
    expect(added.code).toBe(0);
    expect(Object.keys(added.body)).toEqual(expect.arrayContaining(EVENT_FIELDS));
    expect(added.body).toMatchObject({
      id: 1, staff: 'alice@firm.example', start: '2026-12-01T09:00:00.000Z', end: '2026-12-01T10:00:00.000Z',
      allDay: false, timeZone: 'Europe/London', category: 'Hearing', confidential: true, teamsMeeting: true, source: 'caseflow',
      readOnly: false, recurringInOutlook: false, outlookId: null,
      attendees: [{ email: 'dreyes@home.example', name: 'Dana Reyes', type: 'required' }, { email: 'bob@firm.example', name: 'Bob Lee', type: 'optional' }],
    });
    const allDay = await sb.json(['events', 'add', '--staff', 'bob@firm.example', '--title', 'Trial', '--all-day', '--start', '2026-12-07', '--end', '2026-12-09', '--matter', '1']);
    expect(allDay.body).toMatchObject({ id: 2, allDay: true, start: '2026-12-07', end: '2026-12-09', matterId: 1, confidential: true });
    const oneDay = await sb.json(['events', 'add', '--staff', 'bob@firm.example', '--title', 'Lunch', '--all-day', '--start', '2026-12-20']);
    expect(oneDay.body).toMatchObject({ start: '2026-12-20', end: '2026-12-20', confidential: false });

    const updated = await sb.json(['events', 'update', '1', '--start', '2026-12-01T11:00-05:00', '--end', '2026-12-01T12:00-05:00', '--no-category']);
    expect(updated.code).toBe(0);
    expect(updated.body).toMatchObject({ start: '2026-12-01T16:00:00.000Z', end: '2026-12-01T17:00:00.000Z', category: null, confidential: false, title: 'Hearing' });

    const shown = await sb.json(['events', 'show', '2']);
    expect(shown.body).toMatchObject({ id: 2, title: 'Trial' });
    const shownText = await sb.run(['events', 'show', '1']);
    expect(shownText.stdout).toContain('title\tHearing\n');

    const all = await sb.json(['events', 'list']);
    expect(all.body.map((e: { id: number }) => e.id)).toEqual([1, 2, 3]);
    const bobs = await sb.json(['events', 'list', '--staff', 'bob@firm.example', '--from', '2026-12-08', '--to', '2026-12-10']);
    expect(bobs.body.map((e: { id: number }) => e.id)).toEqual([2]);
    const none = await sb.json(['events', 'list', '--from', '2027-06-01']);
    expect(none.code).toBe(0);
    expect(none.body).toEqual([]);
    const emptyPipe = await sb.run(['events', 'list', '--from', '2027-06-01']);
    expect(emptyPipe.stdout).toBe('');

    const deleted = await sb.json(['events', 'delete', '3']);
    expect(deleted.body).toEqual({ deleted: true, id: 3 });
    const gone = await sb.json(['events', 'show', '3']);
    expect(gone.code).toBe(2);
    expect(gone.body.error).toMatchObject({ code: 'not_found', message: 'event 3 does not exist' });
  });

  it('a CaseFlow-side recurring event says it is not synced', async () => {
    const r = await sb.json(['events', 'add', '--staff', 'bob@firm.example', '--title', 'Standup', '--start', '2026-12-02T09:00', '--end', '2026-12-02T09:15', '--recurrence', 'FREQ=WEEKLY;COUNT=6']);
    expect(r.body.recurrence).toBe('FREQ=WEEKLY;COUNT=6');
    const shown = await sb.run(['events', 'show', String(r.body.id)]);
    expect(shown.stdout).toContain('note\tnot synced: recurring events created in CaseFlow are not pushed to Outlook');
    const status = await sb.json(['status', '--staff', 'bob@firm.example']);
    expect(status.body.warnings).toContain('1 recurring event(s) created in CaseFlow are not pushed to Outlook (recurring events sync only when made in Outlook)');
  });

  it('tasks add, complete and list; deadlines add and list', async () => {
    const task = await sb.json(['tasks', 'add', '--staff', 'alice@firm.example', '--title', 'File brief', '--due', '2026-12-03']);
    expect(task.body).toMatchObject({ id: 1, due: '2026-12-03', allDay: true, completed: false, confidential: false });
    const timed = await sb.json(['tasks', 'add', '--staff', 'alice@firm.example', '--title', 'Call clerk', '--due', '2026-12-03T17:00', '--matter', '1']);
    expect(timed.body).toMatchObject({ due: '2026-12-03T17:00:00.000Z', allDay: false, confidential: true });
    const done = await sb.json(['tasks', 'complete', '1']);
    expect(done.body.completed).toBe(true);
    const listed = await sb.json(['tasks', 'list', '--staff', 'alice@firm.example']);
    expect(listed.body.map((t: { title: string; completed: boolean }) => [t.title, t.completed])).toEqual([["File brief", true], ["Call clerk", false]]);
    const deadline = await sb.json(['deadlines', 'add', '--matter', '1', '--title', 'Statute runs', '--due', '2027-03-01']);
    expect(deadline.body).toMatchObject({ matterId: 1, due: '2027-03-01', confidential: true });
    const deadlines = await sb.run(['deadlines', 'list']);
    expect(deadlines.stdout).toBe('1\t1 Reyes v. Acme\t2027-03-01\tStatute runs\n');
  });

  it('audit lists every CLI change with trigger cli, and never a description', async () => {
    const audit = await sb.json(['audit', '--limit', '100']);
    expect(audit.code).toBe(0);
    expect(Object.keys(audit.body[0])).toEqual(AUDIT_FIELDS);
    expect(audit.body.every((a: { trigger: string }) => a.trigger === 'cli')).toBe(true);
    const actions = audit.body.map((a: { kind: string; action: string }) => `${a.kind}.${a.action}`);
    expect(actions).toEqual(expect.arrayContaining(['firm.firm.set', 'staff.staff.add', 'event.create', 'event.update', 'event.delete', 'task.create', 'task.complete', 'deadline.create', 'category.category.protect']));
    expect(audit.stdout).not.toContain('privileged');
    const forEvent = await sb.json(['audit', '--event', '1']);
    expect(forEvent.body.map((a: { action: string }) => a.action)).toEqual(['update', 'create']);
    const limited = await sb.json(['audit', '--staff', 'alice@firm.example', '--limit', '1']);
    expect(limited.body).toHaveLength(1);
  });

  it('status says not connected, for everyone or one staff member', async () => {
    const all = await sb.json(['status']);
    expect(all.code).toBe(0);
    expect(all.body).toHaveLength(2);
    expect(Object.keys(all.body[0])).toEqual(expect.arrayContaining(STATUS_FIELDS));
    const one = await sb.json(['status', '--staff', 'alice@firm.example']);
    expect(one.body).toMatchObject({ staff: 'alice@firm.example', connected: false, account: null, prefs: { enabled: true, events: true, tasks: true, deadlines: true } });
    const text = await sb.run(['status', '--staff', 'alice@firm.example']);
    expect(text.stdout).toContain('connection\tnot connected\n');
  });

  it('an explicit config file that is missing or malformed is exit 2 naming the file', async () => {
    const missing = await sb.run(['--config', join(sb.dir, 'nope.json'), 'firm', 'show']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`error: config file ${join(sb.dir, 'nope.json')}: file not found`);
    const bad = join(sb.dir, 'bad.json');
    writeFileSync(bad, '{"sync": {');
    const malformed = await sb.json(['--config', bad, 'firm', 'show']);
    expect(malformed.code).toBe(2);
    expect(malformed.body.error.message).toMatch(/^config file .*bad\.json: not valid JSON/);
    const unknownKey = join(sb.dir, 'unknown.json');
    writeFileSync(unknownKey, '{"sync": {"horizon": 3}}');
    const unknown = await sb.run(['firm', 'show'], { env: { CASEFLOW_CONFIG: unknownKey } });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown key "sync.horizon"');
  });

  it('--help lists examples on every command and the exit codes at the top level', async () => {
    const top = await sb.run(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toContain('Exit codes:');
    expect(top.stdout).toContain('130  interrupted');
    for (const cmd of [['firm', 'set'], ['staff', 'add'], ['events', 'add'], ['events', 'list'], ['tasks', 'add'], ['deadlines', 'add'], ['audit'], ['status'], ['categories', 'protect']]) {
      const help = await sb.run([...cmd, '--help']);
      expect(help.code, cmd.join(' ')).toBe(0);
      expect(help.stdout, cmd.join(' ')).toContain('Examples:');
    }
  });

  it('an unknown command or option is exit 2 with one error line and a hint', async () => {
    const r = await sb.json(['events', 'add', '--colour', 'red']);
    expect(r.code).toBe(2);
    expect(r.body.error).toMatchObject({ code: 'usage', hint: expect.stringContaining('caseflow-outlook events add --help') });
    expect(r.stderr).toBe('');
    const text = await sb.run(['events', 'add', '--colour', 'red']);
    expect(text.stderr.split('\n').filter(Boolean)).toHaveLength(2);
  });
});
