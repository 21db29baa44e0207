// Editing tasks, deadlines and matter assignments from the CLI: each change is one audited write,
// and the next scheduled run (`daemon --once`) carries it to Outlook through the ordinary engine.
// The CLI against the simulator (in-process), real SQLite.

import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { world, type World } from '../helpers/world.js';

const ALICE = 'alice@firm.example';
const BOB = 'bob@firm.example';
let w: World;
afterEach(async () => {
  await w?.stop();
  w = undefined as never; // the bad-input cases share one world of their own
});

const subjects = (email: string) =>
  w.sim.control
    .events(email, { calendar: 'primary' })
    .filter((e) => !e.deleted)
    .map((e) => e.subject as string)
    .sort();

async function addTask(title: string, extra: string[] = []): Promise<number> {
  return (await w.ok<{ id: number }>(['tasks', 'add', '--staff', ALICE, '--title', title, '--due', '2026-12-03', ...extra])).id;
}

interface AuditRow {
  trigger: string;
  action: string;
  kind: string;
  eventId: number | null;
  summary: string;
}
const lastAudit = async () => (await w.ok<AuditRow[]>(['audit', '--limit', '1']))[0]!;

describe('tasks update/reopen/delete reach Outlook on the next scheduled run', () => {
  it('a title and due edit reaches Outlook, audited with trigger cli', async () => {
    w = await world();
    const id = await addTask('File brief');
    await w.ok(['daemon', '--once']);
    expect(subjects(ALICE)).toEqual(['Task: File brief']);

    const updated = await w.ok(['tasks', 'update', String(id), '--title', 'File reply brief', '--due', '2026-12-04T17:00']);
    expect(updated).toMatchObject({ id, title: 'File reply brief', due: '2026-12-04T17:00:00.000Z', allDay: false, timeZone: 'Europe/London' });
    expect(await lastAudit()).toMatchObject({ trigger: 'cli', action: 'update', kind: 'task', eventId: id, summary: 'task updated: File reply brief (title; due)' });
    const run = await w.ok(['daemon', '--once']);
    expect(run[0]).toMatchObject({ pushed: { created: 0, updated: 1, deleted: 0 } });
    const [copy] = w.sim.control.events(ALICE, { calendar: 'primary' }).filter((e) => !e.deleted);
    expect(copy).toMatchObject({ subject: 'Task: File reply brief', isAllDay: false });

    // --time-zone alone keeps the due instant and changes the zone it is shown in.
    expect(await w.ok(['tasks', 'update', String(id), '--time-zone', 'America/New_York'])).toMatchObject({ due: '2026-12-04T17:00:00.000Z', timeZone: 'America/New_York' });
    // --due is read in the task's own zone now.
    expect(await w.ok(['tasks', 'update', String(id), '--due', '2026-12-04T09:00'])).toMatchObject({ due: '2026-12-04T14:00:00.000Z', timeZone: 'America/New_York' });
  });

  it('reassigning a task moves it from Alice\'s Outlook to Bob\'s in one scheduled run', async () => {
    w = await world([ALICE, BOB]);
    const id = await addTask('Call the court clerk');
    await w.ok(['daemon', '--once']);
    expect(subjects(ALICE)).toEqual(['Task: Call the court clerk']);
    const aliceCopy = w.sim.control.events(ALICE, { calendar: 'primary' })[0]!;

    const moved = await w.ok(['tasks', 'update', String(id), '--staff', BOB]);
    expect(moved).toMatchObject({ id, staff: BOB });
    expect((await lastAudit()).summary).toContain(`reassigned from ${ALICE} to ${BOB}`);
    const run = await w.ok<{ staff: string; pushed: { created: number; deleted: number } }[]>(['daemon', '--once']);
    expect(run.find((r) => r.staff === ALICE)!.pushed).toMatchObject({ created: 0, deleted: 1 });
    expect(run.find((r) => r.staff === BOB)!.pushed).toMatchObject({ created: 1, deleted: 0 });
    expect(subjects(ALICE)).toEqual([]);
    expect(w.sim.control.event(ALICE, aliceCopy.id)?.deleted ?? true).toBe(true);
    expect(subjects(BOB)).toEqual(['Task: Call the court clerk']);
    // Settled: the next run changes nothing on either side.
    const quiet = await w.ok<{ pushed: { created: number; deleted: number } }[]>(['daemon', '--once']);
    expect(quiet.map((r) => r.pushed)).toEqual([{ created: 0, updated: 0, deleted: 0 }, { created: 0, updated: 0, deleted: 0 }]);
  });

  it('a completed task leaves Outlook and tasks reopen puts it back', async () => {
    w = await world();
    const id = await addTask('Serve the subpoena');
    await w.ok(['daemon', '--once']);
    await w.ok(['tasks', 'complete', String(id)]);
    await w.ok(['daemon', '--once']);
    expect(subjects(ALICE)).toEqual([]);

    const reopened = await w.ok(['tasks', 'reopen', String(id)]);
    expect(reopened).toMatchObject({ id, completed: false, completedAt: null });
    expect(await lastAudit()).toMatchObject({ trigger: 'cli', action: 'reopen', kind: 'task', eventId: id });
    await w.ok(['daemon', '--once']);
    expect(subjects(ALICE)).toEqual(['Task: Serve the subpoena']);
    // Reopening an open task does nothing and says so by writing nothing.
    const audits = (await w.ok<AuditRow[]>(['audit', '--limit', '500'])).length;
    await w.ok(['tasks', 'reopen', String(id)]);
    expect((await w.ok<AuditRow[]>(['audit', '--limit', '500'])).length).toBe(audits);
  });

  it('a task deleted in Outlook stays unlinked, and is created again once it changes in CaseFlow', async () => {
    w = await world();
    const id = await addTask('Draft the motion');
    await w.ok(['daemon', '--once']);
    const copy = w.sim.control.events(ALICE, { calendar: 'primary' })[0]!;
    w.sim.control.deleteEvent(ALICE, copy.id);
    await w.ok(['daemon', '--once']);
    await w.ok(['daemon', '--once']);
    expect(subjects(ALICE)).toEqual([]);
    expect(await w.ok(['tasks', 'list'])).toMatchObject([{ id, outlookId: null }]);

    await w.ok(['tasks', 'update', String(id), '--title', 'Draft the motion (v2)']);
    const run = await w.ok(['daemon', '--once']);
    expect(run[0].pushed.created).toBe(1);
    expect(subjects(ALICE)).toEqual(['Task: Draft the motion (v2)']);
  });

  it('tasks delete removes its Outlook copy on the next run', async () => {
    w = await world();
    const id = await addTask('Obsolete');
    await w.ok(['daemon', '--once']);
    expect(await w.ok(['tasks', 'delete', String(id)])).toEqual({ deleted: true, id });
    expect(await lastAudit()).toMatchObject({ trigger: 'cli', action: 'delete', kind: 'task', eventId: id });
    expect(await w.ok(['tasks', 'list'])).toEqual([]);
    await w.ok(['daemon', '--once']);
    expect(subjects(ALICE)).toEqual([]);
  });

  it('--matter links the task (confidential in Outlook) and --no-matter unlinks it', async () => {
    w = await world();
    await w.ok(['matters', 'add', '--name', 'Reyes v. Acme', '--assign', ALICE]);
    const id = await addTask('Prepare witness', ['--description', 'PRIVILEGED-plan']);
    await w.ok(['tasks', 'update', String(id), '--matter', '1']);
    await w.ok(['daemon', '--once']);
    expect(w.sim.control.events(ALICE, { calendar: 'primary' })[0]).toMatchObject({ subject: 'Task: Prepare witness', sensitivity: 'confidential' });
    expect(JSON.stringify(w.sim.control.requestLog())).not.toContain('PRIVILEGED');
    expect(await w.ok(['tasks', 'update', String(id), '--no-matter'])).toMatchObject({ matterId: null, confidential: false });
  });
});

describe('deadlines update/delete and matters assign/unassign reach Outlook', () => {
  it('a deadline edit and delete reach every assigned staff member', async () => {
    w = await world([ALICE, BOB]);
    await w.ok(['matters', 'add', '--name', 'Reyes v. Acme', '--assign', `${ALICE},${BOB}`]);
    const { id } = await w.ok<{ id: number }>(['deadlines', 'add', '--matter', '1', '--title', 'Expert report', '--due', '2026-12-10']);
    await w.ok(['daemon', '--once']);
    const updated = await w.ok(['deadlines', 'update', String(id), '--title', 'Expert report (extended)', '--due', '2026-12-17']);
    expect(updated).toMatchObject({ id, title: 'Expert report (extended)', due: '2026-12-17', allDay: true });
    expect(await lastAudit()).toMatchObject({ trigger: 'cli', action: 'update', kind: 'deadline', eventId: id });
    await w.ok(['daemon', '--once']);
    for (const who of [ALICE, BOB]) expect(subjects(who)).toEqual(['Deadline: Expert report (extended)']);

    expect(await w.ok(['deadlines', 'delete', String(id)])).toEqual({ deleted: true, id });
    await w.ok(['daemon', '--once']);
    for (const who of [ALICE, BOB]) expect(subjects(who)).toEqual([]);
  });

  it("matters unassign removes the matter's deadlines from that staff member's Outlook only; assign brings them back", async () => {
    w = await world([ALICE, BOB]);
    await w.ok(['matters', 'add', '--name', 'Reyes v. Acme', '--assign', `${ALICE},${BOB}`]);
    await w.ok(['deadlines', 'add', '--matter', '1', '--title', 'Expert report', '--due', '2026-12-10']);
    await w.ok(['deadlines', 'add', '--matter', '1', '--title', 'Pretrial memo', '--due', '2026-12-12']);
    await w.ok(['daemon', '--once']);
    expect(subjects(BOB)).toEqual(['Deadline: Expert report', 'Deadline: Pretrial memo']);

    const out = await w.ok(['matters', 'unassign', '1', BOB]);
    expect(out).toMatchObject({ id: 1, assigned: [ALICE], staff: BOB, changed: true });
    expect(await lastAudit()).toMatchObject({ trigger: 'cli', action: 'matter.unassign', kind: 'matter' });
    await w.ok(['daemon', '--once']);
    expect(subjects(BOB)).toEqual([]);
    expect(subjects(ALICE)).toEqual(['Deadline: Expert report', 'Deadline: Pretrial memo']);
    expect(await w.ok(['matters', 'unassign', '1', BOB])).toMatchObject({ changed: false });

    expect(await w.ok(['matters', 'assign', '1', BOB])).toMatchObject({ assigned: [ALICE, BOB], changed: true });
    await w.ok(['daemon', '--once']);
    expect(subjects(BOB)).toEqual(['Deadline: Expert report', 'Deadline: Pretrial memo']);
    expect(await w.ok(['matters', 'assign', '1', BOB])).toMatchObject({ changed: false });
  });
});

describe('bad input: exit 2 with a hint, nothing written', () => {
  let bad: World;
  beforeAll(async () => {
    bad = await world([ALICE, BOB]);
    await bad.ok(['matters', 'add', '--name', 'Reyes v. Acme', '--assign', ALICE]);
    await bad.ok(['tasks', 'add', '--staff', ALICE, '--title', 'File brief', '--due', '2026-12-03']);
    await bad.ok(['deadlines', 'add', '--matter', '1', '--title', 'Expert report', '--due', '2026-12-10']);
  });
  afterAll(async () => {
    await bad?.stop();
  });
  const snapshot = () => {
    const d = new Database(bad.sb.db, { readonly: true });
    try {
      return ['tasks', 'deadlines', 'matter_staff', 'audit'].map((t) => d.prepare(`SELECT * FROM ${t} ORDER BY rowid`).all());
    } finally {
      d.close();
    }
  };

  it.each([
    [['tasks', 'update', '99', '--title', 'X'], 'task 99 does not exist', 'hint: list tasks with: caseflow-outlook tasks list'],
    [['tasks', 'update', 'abc', '--title', 'X'], 'TASK_ID "abc" is not an id', 'hint: list tasks with: caseflow-outlook tasks list'],
    [['tasks', 'update', '1', '--due', '2026-13-45'], '--due "2026-13-45" is not a valid date', 'hint: give a date that exists, e.g. --due 2026-12-01'],
    [['tasks', 'update', '1', '--due', 'tomorrow'], '--due "tomorrow" is not a valid date and time', 'hint: e.g. --due 2026-12-01 or --due 2026-12-01T17:00'],
    [['tasks', 'update', '1', '--matter', '1', '--no-matter'], '--matter and --no-matter cannot be given together', 'hint: give one, e.g. caseflow-outlook tasks update 1 --no-matter'],
    [['tasks', 'update', '1', '--no-matter', '--matter', '1'], '--matter and --no-matter cannot be given together', 'hint: give one'],
    [['tasks', 'update', '1', '--matter', '7'], '--matter "7" is not a matter id', 'hint: list them with: caseflow-outlook matters list'],
    [['tasks', 'update', '1', '--staff', 'zed@firm.example'], '--staff "zed@firm.example" is not a staff member', 'hint: add them with: caseflow-outlook staff add'],
    [['tasks', 'update', '1', '--title', ''], '--title must not be empty', 'hint: give some text'],
    [['tasks', 'update', '1'], 'nothing to change', 'hint: e.g. caseflow-outlook tasks update 1 --due'],
    [['tasks', 'update', '1', '--time-zone', 'Mars/Base'], '--time-zone "Mars/Base" is not a known IANA time zone', 'hint: use an IANA zone name'],
    [['tasks', 'reopen', '99'], 'task 99 does not exist', 'hint: list tasks with: caseflow-outlook tasks list'],
    [['tasks', 'delete', '99'], 'task 99 does not exist', 'hint: list tasks with: caseflow-outlook tasks list'],
    [['deadlines', 'update', '99', '--title', 'X'], 'deadline 99 does not exist', 'hint: list deadlines with: caseflow-outlook deadlines list'],
    [['deadlines', 'update', 'x1', '--title', 'X'], 'DEADLINE_ID "x1" is not an id', 'hint: list deadlines with: caseflow-outlook deadlines list'],
    [['deadlines', 'update', '1', '--due', '2026-02-30'], '--due "2026-02-30" is not a valid date', 'hint: give a date that exists'],
    [['deadlines', 'update', '1'], 'nothing to change', 'hint: e.g. caseflow-outlook deadlines update 1 --due'],
    [['deadlines', 'delete', '99'], 'deadline 99 does not exist', 'hint: list deadlines with: caseflow-outlook deadlines list'],
    [['matters', 'assign', '9', BOB], 'MATTER_ID "9" is not a matter id', 'hint: list them with: caseflow-outlook matters list'],
    [['matters', 'assign', '1', 'zed@firm.example'], 'STAFF_EMAIL "zed@firm.example" is not a staff member', 'hint: add them with: caseflow-outlook staff add'],
    [['matters', 'unassign', '1', 'not-an-email'], 'STAFF_EMAIL "not-an-email" is not an email address', 'hint: list staff with: caseflow-outlook staff list'],
    [['matters', 'assign', '1'], "missing required argument 'email'", 'hint: see the allowed flags and values: caseflow-outlook matters assign --help'],
  ])('%j exits 2: %s', async (args, message, hint) => {
    const before = snapshot();
    const r = await bad.sb.run(args);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: /);
    expect(r.stderr).toContain(message);
    expect(r.stderr).toMatch(/^hint: /m);
    expect(r.stderr).toContain(hint);
    expect(snapshot()).toEqual(before);
  });
});
