// `import`: past Outlook events from before the sync window come in through the ordinary pull,
// once, each stamped `import` in the audit; a bad --days, a firm not gated in or a staff member
// who cannot sync writes nothing. The CLI against the simulator (in-process), real SQLite.

import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { world, type World } from '../helpers/world.js';

const ALICE = 'alice@firm.example';
const BOB = 'bob@firm.example';
let w: World;
afterEach(async () => {
  await w?.stop();
});

/** An event made by the user in Outlook, on a day of 2026 (the tests' clock is 2026-11-20). */
function outlookEvent(staff: string, subject: string, day: string) {
  return w.sim.control.createEvent(staff, { subject, start: { dateTime: `${day}T09:00:00`, timeZone: 'UTC' }, end: { dateTime: `${day}T10:00:00`, timeZone: 'UTC' } });
}

interface Row {
  action: string;
  trigger: string;
  kind: string;
  eventId: number | null;
  outlookId: string | null;
}

const syncFrom = async (staff = ALICE) => (await w.ok<{ syncFrom: string }>(['status', '--staff', staff])).syncFrom;
const titles = async (staff = ALICE) => (await w.ok<{ title: string }[]>(['events', 'list', '--staff', staff])).map((e) => e.title).sort();
const storeState = (db: string) => {
  const d = new Database(db, { readonly: true });
  try {
    return {
      events: d.prepare('SELECT COUNT(*) AS n FROM events').get(),
      audit: d.prepare('SELECT COUNT(*) AS n FROM audit').get(),
      syncState: d.prepare('SELECT * FROM sync_state ORDER BY staff_id').all(),
    };
  } finally {
    d.close();
  }
};

describe('import --staff', () => {
  it('brings in the past events once: each audited as imported, and a second import creates nothing and leaves syncFrom where it is', async () => {
    w = await world();
    outlookEvent(ALICE, 'Client call (3 weeks ago)', '2026-10-30');
    outlookEvent(ALICE, 'Mediation (2 months ago)', '2026-09-15');
    outlookEvent(ALICE, 'Too old (4 months ago)', '2026-07-20');
    await w.ok(['daemon', '--once']);
    expect(await titles()).toEqual([]); // before the window: the scheduled run does not see them

    const first = await w.ok(['import', '--staff', ALICE, '--days', '90']);
    expect(first).toMatchObject({ staff: ALICE, pulled: { created: 2, updated: 0, deleted: 0 }, pushed: { created: 0, updated: 0, deleted: 0 }, errors: [], outcome: 'synced', reason: null });
    expect(first.note).toContain('the sync window now starts 2026-08-22');
    expect(await titles()).toEqual(['Client call (3 weeks ago)', 'Mediation (2 months ago)']);
    // The start of the day 90 days ago in the firm's zone (Europe/London, summer time then).
    expect(await syncFrom()).toBe('2026-08-21T23:00:00.000Z');
    const imports = (await w.ok<Row[]>(['audit', '--staff', ALICE, '--limit', '500'])).filter((r) => r.action === 'import');
    const events = await w.ok<{ id: number; outlookId: string }[]>(['events', 'list', '--staff', ALICE]);
    expect(imports.map((r) => [r.trigger, r.kind, r.eventId, r.outlookId]).sort()).toEqual(events.map((e) => ['import', 'event', e.id, e.outlookId]).sort());

    const before = storeState(w.sb.db);
    const second = await w.ok(['import', '--staff', ALICE, '--days', '90']);
    expect(second).toMatchObject({ pulled: { created: 0, updated: 0, deleted: 0 }, errors: [], outcome: 'synced' });
    expect(second.note).toContain('the sync window already starts 2026-08-22: nothing older to bring in');
    expect(await syncFrom()).toBe('2026-08-21T23:00:00.000Z');
    expect(storeState(w.sb.db).events).toEqual(before.events);
    expect((await w.ok<Row[]>(['audit', '--staff', ALICE, '--limit', '500'])).filter((r) => r.action === 'import')).toHaveLength(2);

    // A shorter import after a longer one never moves the window forward.
    await w.ok(['import', '--staff', ALICE, '--days', '30']);
    expect(await syncFrom()).toBe('2026-08-21T23:00:00.000Z');
  });

  it('an imported event is an ordinary two-way event: an edit in CaseFlow reaches Outlook, one in Outlook comes back', async () => {
    w = await world();
    const past = outlookEvent(ALICE, 'Past meeting', '2026-11-02');
    await w.ok(['import', '--staff', ALICE, '--days', '30']);
    const [event] = await w.ok<{ id: number; title: string }[]>(['events', 'list', '--staff', ALICE]);
    await w.ok(['events', 'update', String(event!.id), '--title', 'Past meeting (notes added)']);
    await w.ok(['daemon', '--once']);
    expect(w.sim.control.event(ALICE, past.id)!.subject).toBe('Past meeting (notes added)');
    w.sim.control.updateEvent(ALICE, past.id, { location: { displayName: 'Room 2' } });
    await w.ok(['sync', '--staff', ALICE]);
    expect(await w.ok(['events', 'show', String(event!.id)])).toMatchObject({ location: 'Room 2', title: 'Past meeting (notes added)' });
  });

  it("after an import, CaseFlow's own items of those days are inside the window too: the next scheduled run pushes them", async () => {
    w = await world();
    await w.ok(['events', 'add', '--staff', ALICE, '--title', 'Earlier hearing', '--start', '2026-11-05T09:00', '--end', '2026-11-05T10:00']);
    await w.ok(['tasks', 'add', '--staff', ALICE, '--title', 'Overdue brief', '--due', '2026-11-10']);
    await w.ok(['daemon', '--once']);
    const mailbox = () => w.sim.control.events(ALICE, { calendar: 'primary' }).filter((e) => !e.deleted).map((e) => e.subject).sort();
    expect(mailbox()).toEqual([]);
    const imported = await w.ok(['import', '--staff', ALICE, '--days', '30']);
    expect(imported.pushed).toEqual({ created: 0, updated: 0, deleted: 0 }); // import itself only pulls
    expect(mailbox()).toEqual([]);
    await w.ok(['daemon', '--once']);
    expect(mailbox()).toEqual(['Earlier hearing', 'Task: Overdue brief']);
  });

  it('--days other than 30 or 90 exits 2 naming the 90-day cap, and writes nothing', async () => {
    w = await world();
    outlookEvent(ALICE, 'Past meeting', '2026-11-02');
    const before = storeState(w.sb.db);
    for (const days of ['45', '365', 'ninety']) {
      const r = await w.sb.run(['import', '--staff', ALICE, '--days', days]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`--days must be 30 or 90 (got "${days}")`);
      expect(r.stderr).toContain('90 days is the hard cap');
      expect(r.stderr).toContain('contact support for older events');
      expect(r.stderr).toMatch(/^hint: e\.g\. caseflow-outlook import --staff alice@firm\.example --days 90$/m);
    }
    const json = await w.sb.json(['import', '--all', '--days', '45']);
    expect(json.code).toBe(2);
    expect(json.body.error).toMatchObject({ code: 'usage', message: expect.stringContaining('hard cap'), hint: 'e.g. caseflow-outlook import --all --days 90' });
    expect(w.requests(ALICE)).toBe(0);
    expect(storeState(w.sb.db)).toEqual(before);
  });

  it('without --days, without a target, or with both --staff and --all: exit 2 with a hint', async () => {
    w = await world();
    const cases: [string[], RegExp][] = [
      [['import', '--staff', ALICE], /--days is required: 30 or 90/],
      [['import', '--days', '30'], /import needs --staff E .* or --all/],
      [['import', '--staff', ALICE, '--all', '--days', '30'], /either --staff E or --all, not both/],
      [['import', '--staff', 'carol@firm.example', '--days', '30'], /"carol@firm.example" is not a staff member/],
    ];
    for (const [args, message] of cases) {
      const r = await w.sb.run(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).toMatch(/^hint: .*caseflow-outlook (import|staff)/m);
    }
  });

  it('a firm not gated in, a staff member never connected, or one whose sign-in was revoked: exit 3 and nothing written', async () => {
    w = await world([ALICE]);
    outlookEvent(ALICE, 'Past meeting', '2026-11-02');
    await w.ok(['staff', 'add', '--email', 'carol@firm.example', '--name', 'Carol']);

    await w.ok(['firm', 'set', '--outlook-beta', 'off']);
    let before = storeState(w.sb.db);
    const gated = await w.sb.json(['import', '--staff', ALICE, '--days', '30']);
    expect(gated.code).toBe(3);
    expect(gated.body.error).toMatchObject({ code: 'feature_not_enabled', hint: expect.stringContaining('contact CaseFlow support') });
    const gatedAll = await w.sb.json(['import', '--all', '--days', '30']);
    expect(gatedAll.code).toBe(3);
    expect(gatedAll.body.error.code).toBe('feature_not_enabled');
    expect(storeState(w.sb.db)).toEqual(before);
    await w.ok(['firm', 'set', '--outlook-beta', 'on']);

    before = storeState(w.sb.db);
    const carol = await w.sb.run(['import', '--staff', 'carol@firm.example', '--days', '30']);
    expect(carol.code).toBe(3);
    expect(carol.stderr).toMatch(/^hint: .*caseflow-outlook connect --staff carol@firm\.example$/m);
    expect(storeState(w.sb.db)).toEqual(before);

    w.sim.control.revokeUser(ALICE);
    const revoked = await w.sb.json(['import', '--staff', ALICE, '--days', '30']);
    expect(revoked.code).toBe(3);
    expect(revoked.body.error).toMatchObject({ code: 'needs_reconnect', hint: `sign in again: caseflow-outlook connect --staff ${ALICE} --force` });
    // The run met the refusal: the window is put back, and no event came in.
    expect(await syncFrom()).toBe('2026-11-20T00:00:00.000Z');
    expect(await titles()).toEqual([]);
    const again = await w.sb.json(['import', '--staff', ALICE, '--days', '30']);
    expect(again.code).toBe(3);
    expect(again.body.error.code).toBe('needs_reconnect');
  });

  it('a paused staff member, or one whose calendar events are off, is refused with the prefs command to run', async () => {
    w = await world();
    await w.ok(['prefs', 'set', '--staff', ALICE, '--events', 'off']);
    const r = await w.sb.run(['import', '--staff', ALICE, '--days', '30']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`hint: turn them on with: caseflow-outlook prefs set --staff ${ALICE} --enabled on --events on`);
    await w.ok(['prefs', 'set', '--staff', ALICE, '--events', 'on', '--enabled', 'off']);
    const paused = await w.sb.run(['import', '--staff', ALICE, '--days', '30']);
    expect(paused.code).toBe(3);
    expect(paused.stderr).toContain('--enabled on');
    expect(await syncFrom()).toBe('2026-11-20T00:00:00.000Z');
    expect(w.requests(ALICE)).toBe(0);
  });
});

describe('import --all', () => {
  it('imports every connected staff member; a revoked one fails alone and makes it exit 3; skipped ones are listed with the reason', async () => {
    w = await world([ALICE, BOB]);
    await w.ok(['staff', 'add', '--email', 'carol@firm.example', '--name', 'Carol']);
    outlookEvent(ALICE, 'Alice past', '2026-11-02');
    outlookEvent(BOB, 'Bob past', '2026-11-03');
    w.sim.control.revokeUser(ALICE);

    const r = await w.sb.json<{ staff: string; outcome: string; reason: string | null; note: string | null; errors: string[]; pulled: { created: number } }[]>(['import', '--all', '--days', '30']);
    expect(r.code, r.stderr).toBe(3);
    expect(r.body.map((e) => [e.staff, e.outcome, e.reason])).toEqual([
      [ALICE, 'failed', 'needs-reconnect'],
      [BOB, 'synced', null],
      ['carol@firm.example', 'skipped', 'not-connected'],
    ]);
    expect(r.body[0]!.note).toContain(`caseflow-outlook connect --staff ${ALICE} --force`);
    expect(r.body[1]!.pulled.created).toBe(1);
    for (const e of r.body) expect(Object.keys(e).sort()).toEqual(['conflicts', 'errors', 'note', 'outcome', 'pulled', 'pushed', 'reason', 'runId', 'skipped', 'staff']);
    expect(await titles(BOB)).toEqual(['Bob past']);
    expect(await titles(ALICE)).toEqual([]);
    expect(await syncFrom(ALICE)).toBe('2026-11-20T00:00:00.000Z');
    expect(await syncFrom(BOB)).toBe('2026-10-20T23:00:00.000Z');

    // Again: Alice is skipped (must reconnect) without a request; Bob's import is an ordinary run.
    w.sim.control.resetMetrics();
    const again = await w.sb.json<{ staff: string; outcome: string; reason: string | null; pulled: { created: number } }[]>(['import', '--all', '--days', '30']);
    expect(again.code).toBe(3);
    expect(again.body.map((e) => [e.staff, e.outcome, e.reason, e.pulled.created])).toEqual([
      [ALICE, 'skipped', 'needs-reconnect', 0],
      [BOB, 'synced', null, 0],
      ['carol@firm.example', 'skipped', 'not-connected', 0],
    ]);
    expect(w.requests(ALICE)).toBe(0);
  });

  it('prints one tab-separated line per staff member in a pipe', async () => {
    w = await world([ALICE, BOB]);
    outlookEvent(BOB, 'Bob past', '2026-11-03');
    const r = await w.sb.run(['import', '--all', '--days', '30']);
    expect(r.code, r.stderr).toBe(0);
    const rows = r.stdout.trim().split('\n').map((l) => l.split('\t'));
    expect(rows.map((c) => [c[0], c[1], c[4]])).toEqual([
      [ALICE, '0 created, 0 updated, 0 deleted', 'synced'],
      [BOB, '1 created, 0 updated, 0 deleted', 'synced'],
    ]);
    // In a pipe: no spinner frames, no cursor codes.
    expect(r.stderr).not.toMatch(/\x1b\[\?25[lh]/);
  });
});
