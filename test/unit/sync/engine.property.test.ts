// Random two-sided histories through the engine as it ships: the real runSync, planner and
// executor over the in-memory ports (which pass the same contract suites as SQLite and Graph).
// Between runs, CaseFlow and Outlook are edited at random; runs meet faults: failed writes, lost
// answers, throttling, a crash between any two steps, an expired delta, replayed and duplicated
// delta entries, pull-only runs. Outlook holds recurring series too: an occurrence edited becomes
// an exception, one deleted gives no signal in the delta (as Outlook does), a series may go whole,
// with or without its occurrences' removals reported; time passes in CaseFlow, so the hourly read
// of the series comes. Then an hour and quiet runs: both sides must be in step, with no
// duplicate, no deleted occurrence left behind, no lost edit, protected conflicts held, and no
// confidential description in any payload. `sync.protectedTitle` is switched at random between
// runs: a confidential item's Outlook copy ends titled as the last setting says, a masked title
// is never sent under another setting nor taken back as the real one.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sameOnBothSides } from '../../../src/sync/content.js';
import { CONFIDENTIAL_BODY } from '../../../src/sync/confidentiality.js';
import { fromGraphEvent, type GraphEventJson } from '../../../src/sync/mapping.js';
import type { ItemKind, ProtectedTitle, SyncContent } from '../../../src/sync/model.js';
import { SyncError } from '../../../src/sync/errors.js';
import { runSync } from '../../../src/sync/run.js';
import { SERIES_CHECK_MS } from '../../../src/sync/series.js';
import { Crash, type MemoryCalendar, type WriteFault } from '../../support/memory-calendar.js';
import { memoryWorld, type MemoryWorld } from '../../support/memory-host.js';
import { content } from './fixtures.js';

// 300 histories in `npm test` (about 6 s); the fault suite runs 3,000 (vitest.faults.config.ts).
const RUNS = Number(process.env.CASEFLOW_PROPERTY_RUNS_ENGINE ?? 300);
const SECRET = 'secret-';

type Edit =
  | { f: 'title'; v: string }
  | { f: 'location'; v: string }
  | { f: 'description'; v: string }
  | { f: 'time'; v: number }
  | { f: 'attendees'; v: string[] };

const arbEdit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ f: fc.constant('title' as const), v: fc.constantFrom('A', 'B', 'C') }),
  fc.record({ f: fc.constant('location' as const), v: fc.constantFrom('', 'Room 1', 'Room 2') }),
  fc.record({ f: fc.constant('description' as const), v: fc.constantFrom('1', '2', '3') }),
  fc.record({ f: fc.constant('time' as const), v: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ f: fc.constant('attendees' as const), v: fc.subarray(['amy@x.example', 'bob@x.example']) }),
);

function slot(allDay: boolean, n: number): Pick<SyncContent, 'start' | 'end'> {
  if (allDay) return { start: `2026-12-0${n + 1}`, end: `2026-12-0${n + 1}` };
  const start = Date.UTC(2026, 11, 1, 9 + n);
  return { start: new Date(start).toISOString(), end: new Date(start + 3_600_000).toISOString() };
}

function applyEdit(c: SyncContent, e: Edit, description: (v: string) => string): SyncContent {
  switch (e.f) {
    case 'title':
      return { ...c, title: c.title.startsWith('Task: ') ? `Task: ${e.v}` : e.v };
    case 'location':
      return { ...c, location: e.v };
    case 'description':
      return { ...c, description: description(e.v) };
    case 'time':
      return { ...c, ...slot(c.allDay, e.v) };
    case 'attendees':
      return { ...c, attendees: e.v.map((email) => ({ email, name: email.slice(0, 3), type: 'required' as const })) };
  }
}

/** The same edit as Outlook's user makes it, on the event's JSON. */
function editJson(json: GraphEventJson, e: Edit): Partial<GraphEventJson> {
  const c = fromGraphEvent(json, { inWindow: true }).content;
  switch (e.f) {
    case 'title':
      return { subject: e.v };
    case 'location':
      return { location: { displayName: e.v } };
    case 'description':
      return { body: { contentType: 'text', content: `outlook-${e.v}` } };
    case 'time': {
      const t = slot(c.allDay, e.v);
      return c.allDay
        ? { start: { dateTime: `${t.start}T00:00:00.0000000`, timeZone: 'UTC' }, end: { dateTime: `2026-12-0${e.v + 2}T00:00:00.0000000`, timeZone: 'UTC' } }
        : { start: { dateTime: t.start.replace('Z', '0000'), timeZone: 'UTC' }, end: { dateTime: t.end.replace('Z', '0000'), timeZone: 'UTC' } };
    }
    case 'attendees':
      return { attendees: e.v.map((address) => ({ emailAddress: { address, name: address.slice(0, 3) }, type: 'required' })) };
  }
}

const arbFaults = fc.record({
  pullOnly: fc.boolean(),
  replay: fc.boolean(),
  duplicate: fc.boolean(),
  expire: fc.boolean(),
  /** Each write's fate, by position in the run. */
  writes: fc.array(fc.constantFrom<WriteFault>(undefined, undefined, undefined, 'fail', 'lose', 'throttle'), { maxLength: 6 }),
  /** A crash before the Nth call to either port. */
  crashAt: fc.option(fc.nat({ max: 12 }), { nil: null }),
  concurrent: fc.option(fc.record({ pick: fc.nat(), edit: arbEdit }), { nil: null }),
  /** A CaseFlow edit made while the run is going, after it read Outlook's changes. */
  localConcurrent: fc.option(fc.record({ pick: fc.nat(), edit: arbEdit }), { nil: null }),
});

const arbOp = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('localCreate' as const), kind: fc.constantFrom<ItemKind>('event', 'task'), confidential: fc.boolean(), protected: fc.boolean(), category: fc.constantFrom(null, 'Hearing'), title: fc.constantFrom('A', 'B'), allDay: fc.boolean(), slot: fc.integer({ min: 0, max: 3 }) }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('localEdit' as const), pick: fc.nat(), edit: arbEdit }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('localDelete' as const), pick: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('remoteCreate' as const), title: fc.constantFrom('A', 'C'), allDay: fc.boolean(), slot: fc.integer({ min: 0, max: 3 }), occurrence: fc.boolean(), count: fc.integer({ min: 1, max: 3 }), invitation: fc.boolean() }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('remoteEdit' as const), pick: fc.nat(), edit: arbEdit }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('remoteDelete' as const), pick: fc.nat() }) },
  /** A whole series deleted; `quiet`: not even its occurrences' removals reach the delta. */
  { weight: 1, arbitrary: fc.record({ op: fc.constant('seriesDelete' as const), pick: fc.nat(), quiet: fc.boolean() }) },
  /** Time passes in CaseFlow: from an hour on, a run reads every linked series. */
  { weight: 1, arbitrary: fc.record({ op: fc.constant('later' as const), minutes: fc.constantFrom(10, 30, 61) }) },
  { weight: 5, arbitrary: fc.record({ op: fc.constant('sync' as const), faults: arbFaults }) },
  /** The config's sync.protectedTitle changes (SIGHUP, or the next daemon --once). */
  { weight: 1, arbitrary: fc.record({ op: fc.constant('setting' as const), title: fc.constantFrom<ProtectedTitle>('keep', 'category', 'busy') }) },
);
type Op = typeof arbOp extends fc.Arbitrary<infer T> ? T : never;
type Faults = Op extends infer O ? (O extends { op: 'sync'; faults: infer F } ? F : never) : never;

/** CaseFlow copies of meetings organised elsewhere that were edited in CaseFlow. */
const attendeeEdited = new Set<number>();
const pick = <T,>(list: T[], n: number): T | undefined => (list.length === 0 ? undefined : list[n % list.length]);
const description = (confidential: boolean) => (v: string) => `${confidential ? SECRET : 'local-'}${v}`;
const POLICY = { events: true, tasks: true, deadlines: true, maxDeletes: 10_000, sensitivity: 'confidential' as const };
/** The setting the runs are made with (the history's `setting` ops change it). */
let titleSetting: ProtectedTitle = 'keep';
/** Titles only a mask gives: no generated title or Outlook edit uses them. */
const MASKS = ['Busy', 'Hearing', 'Task'];

/** What a confidential item's Outlook copy must be titled under a setting, worked out apart from the engine. */
function expectedTitle(item: { kind: ItemKind; confidential: boolean; category?: string | null; content: SyncContent }, setting: ProtectedTitle): string {
  if (!item.confidential || setting === 'keep') return item.content.title;
  if (setting === 'busy') return 'Busy';
  return item.kind === 'task' ? 'Task' : (item.category ?? 'Busy');
}

/** Outlook events a user may touch: not our task copies (their edits are ignored by design). */
function editableRemote(w: MemoryWorld): GraphEventJson[] {
  const taskCopies = new Set(w.store.links().filter((l) => l.kind !== 'event').flatMap((l) => (l.outlookId ? [l.outlookId] : [])));
  return w.calendar.live().filter((e) => !taskCopies.has(e.id)).sort((a, b) => (a.id < b.id ? -1 : 1));
}

function editRemote(w: MemoryWorld, n: number, e: Edit): void {
  const ev = pick(editableRemote(w), n);
  if (ev) w.calendar.userEdit(ev.id, editJson(ev, e));
}

async function run(w: MemoryWorld, f?: Faults): Promise<void> {
  if (f?.expire) w.calendar.expire();
  w.calendar.faults = f ? { replay: f.replay, duplicate: f.duplicate, write: (_op, i) => f.writes[i] } : {};
  w.clock.at(f?.crashAt ?? null);
  if (f?.concurrent) {
    // An Outlook edit landing between reading the delta and writing: our If-Match meets it.
    const concurrent = f.concurrent;
    const write = w.calendar.write.bind(w.calendar);
    w.calendar.write = async (ops, hooks) => {
      w.calendar.write = write;
      editRemote(w, concurrent.pick, concurrent.edit);
      return write(ops, hooks);
    };
  }
  if (f?.localConcurrent) {
    const { pick: n, edit } = f.localConcurrent;
    for (const verb of ['deltaStart', 'deltaNext'] as const) {
      const read = w.calendar[verb].bind(w.calendar) as (a: string, b: string | number, c?: number) => Promise<Awaited<ReturnType<typeof w.calendar.deltaNext>>>;
      (w.calendar as unknown as Record<string, unknown>)[verb] = async (a: string, b: string | number, c?: number) => {
        const page = await read(a, b, c);
        if (page.deltaLink) {
          const item = pick(w.store.items().filter((i) => !i.readOnly), n);
          if (item) {
            w.store.editItem(item.kind, item.id, applyEdit(item.content, edit, description(item.confidential)));
            if (w.store.links().some((l) => l.role === 'attendee' && l.localId === item.id)) attendeeEdited.add(item.id);
          }
        }
        return page;
      };
    }
  }
  const sent = w.calendar.payloads.length;
  try {
    await runSync(w.host, { trigger: 'scheduled', push: !f?.pullOnly, policy: { ...POLICY, protectedTitle: titleSetting }, allowDeletes: true });
  } catch (error) {
    // A crash, or a run that could not finish (exit 4): the next run starts over.
    // (the engine's own errors, and the CLI ones its adapters may raise, e.g. a transient failure).
    if (!(error instanceof Crash) && !(error instanceof SyncError) && !(error instanceof Error && 'exitCode' in error)) throw error;
  } finally {
    // A confidential item goes out titled as the setting says, in every payload of the run.
    for (const p of w.calendar.payloads.slice(sent)) {
      if (p.sensitivity === 'normal' || titleSetting === 'keep') continue;
      expect(titleSetting === 'busy' ? ['Busy'] : MASKS, `title sent under ${titleSetting}`).toContain(p.subject);
    }
    w.clock.at(null);
    w.calendar.faults = {};
    const proto = Object.getPrototypeOf(w.calendar) as MemoryCalendar;
    w.calendar.write = proto.write.bind(w.calendar);
    w.calendar.deltaStart = proto.deltaStart.bind(w.calendar);
    w.calendar.deltaNext = proto.deltaNext.bind(w.calendar);
  }
}

async function apply(w: MemoryWorld, op: Op): Promise<void> {
  const editable = () => w.store.items().filter((i) => !i.readOnly).sort((a, b) => (`${a.kind}:${a.id}` < `${b.kind}:${b.id}` ? -1 : 1));
  switch (op.op) {
    case 'localCreate': {
      const base = content({ title: op.kind === 'task' ? `Task: ${op.title}` : op.title, description: description(op.confidential)('0'), allDay: op.allDay, attendees: [], location: '' });
      w.store.addItem({ kind: op.kind, content: { ...base, ...slot(op.allDay, op.slot) }, confidential: op.confidential, protected: op.kind === 'event' && op.protected, category: op.kind === 'event' ? op.category : null });
      return;
    }
    case 'localEdit': {
      const item = pick(editable(), op.pick);
      if (!item) return;
      w.store.editItem(item.kind, item.id, applyEdit(item.content, op.edit, description(item.confidential)));
      // A CaseFlow edit to a meeting organised elsewhere is never pushed (the organiser's wins).
      if (w.store.links().some((l) => l.role === 'attendee' && l.localId === item.id)) attendeeEdited.add(item.id);
      return;
    }
    case 'localDelete': {
      const item = pick(editable(), op.pick);
      if (item) w.store.removeItem(item.kind, item.id);
      return;
    }
    case 'remoteCreate': {
      /** On the slot's day plus `day`. */
      const when = (day: number) => {
        const t = slot(op.allDay, op.slot);
        const shift = (iso: string) => new Date(Date.parse(op.allDay ? `${iso}T00:00:00Z` : iso) + day * 86_400_000).toISOString().replace('Z', '0000');
        return op.allDay
          ? { isAllDay: true, start: { dateTime: shift(t.start), timeZone: 'UTC' }, end: { dateTime: shift(`2026-12-0${op.slot + 2}`), timeZone: 'UTC' } }
          : { start: { dateTime: shift(t.start), timeZone: 'UTC' }, end: { dateTime: shift(t.end), timeZone: 'UTC' } };
      };
      const fields = { subject: op.title, body: { contentType: 'text', content: 'outlook-0' }, ...when(0), isOrganizer: !op.invitation };
      // A recurring series (its occurrences read-only in CaseFlow), or a single event; either may
      // be an invitation organised elsewhere.
      if (op.occurrence) w.calendar.userCreateSeries(fields, Array.from({ length: op.count }, (_, i) => when(i)));
      else w.calendar.userCreate(fields);
      return;
    }
    case 'remoteEdit':
      return editRemote(w, op.pick, op.edit);
    case 'remoteDelete': {
      // A single occurrence deleted this way gives no signal in the delta; a master takes its series.
      const ev = pick(editableRemote(w), op.pick);
      if (ev) w.calendar.userDelete(ev.id);
      return;
    }
    case 'seriesDelete': {
      const master = pick(w.calendar.live().filter((e) => e.type === 'seriesMaster').sort((a, b) => (a.id < b.id ? -1 : 1)), op.pick);
      if (master) w.calendar.userDeleteSeries(master.id, { quiet: op.quiet });
      return;
    }
    case 'later':
      return w.store.later(op.minutes * 60_000);
    case 'sync':
      return run(w, op.faults);
    case 'setting':
      titleSetting = op.title;
      return;
  }
}

/** An hour (so every linked series is read), then quiet runs until a run writes nothing on either side. */
async function settle(w: MemoryWorld): Promise<void> {
  w.store.later(SERIES_CHECK_MS);
  for (let i = 0; i < 8; i += 1) {
    const writes = w.calendar.writes.length;
    const audit = w.store.auditRows().length;
    await run(w);
    if (w.calendar.writes.length === writes && w.store.auditRows().length === audit) return;
  }
  throw new Error('no quiet run after 8 runs');
}

function assertInStep(w: MemoryWorld): void {
  const links = w.store.links();
  const live = new Map(w.calendar.live().map((e) => [e.id, e]));
  for (const item of w.store.items()) {
    const mine = links.filter((l) => l.kind === item.kind && l.localId === item.id);
    expect(mine, `links of ${item.kind}:${item.id}`).toHaveLength(1);
    const link = mine[0]!;
    expect(link.itemUid).toBe(item.uid);
    if (link.state === 'paused') continue;
    if (link.state === 'unlinked') {
      // Only a task deleted in Outlook waits unlinked, until it changes in CaseFlow.
      expect(item.kind).not.toBe('event');
      continue;
    }
    expect(link.state, `state of ${item.kind}:${item.id}`).toBe('linked');
    const json = live.get(link.outlookId ?? '');
    expect(json, `Outlook copy of ${item.kind}:${item.id}`).toBeDefined();
    if (item.kind !== 'event') continue; // Outlook edits to tasks are ignored by design
    if (link.role === 'attendee' && attendeeEdited.has(item.id)) continue;
    const remote = fromGraphEvent(json!, { inWindow: true });
    // Our own copies are titled as the setting says (a retitled masked copy gets its mask back);
    // a meeting organised elsewhere keeps its organiser's title.
    const title = link.role === 'owner' ? expectedTitle(item, titleSetting) : item.content.title;
    expect(remote.content.title, `Outlook title of ${item.kind}:${item.id}`).toBe(title);
    expect(sameOnBothSides(item.content, remote.content, link.confidential, true), `content of ${item.kind}:${item.id}`).toBe(true);
    if (link.confidential) {
      expect([CONFIDENTIAL_BODY, remote.content.description.startsWith('outlook-') ? remote.content.description : null]).toContain(remote.content.description);
      expect(remote.sensitivity).toBe('confidential');
    }
  }
  // An occurrence's link names its series and what Outlook calls it (the exceptions are listed by it).
  for (const l of links) {
    const json = l.outlookId ? live.get(l.outlookId) : undefined;
    if (json?.seriesMasterId) expect([l.seriesMasterId, l.outlookType], `series of link ${l.id}`).toEqual([json.seriesMasterId, json.type]);
  }
  // One CaseFlow item per Outlook event, and no Outlook copy made twice (series masters are synced
  // as their occurrences).
  for (const [id, json] of live) {
    if (json.type === 'seriesMaster') continue;
    // An invitation whose CaseFlow copy was deleted stays in Outlook, unlinked: never written to.
    if (json.isOrganizer === false && !links.some((l) => l.outlookId === id)) continue;
    expect(links.filter((l) => l.outlookId === id), `links of Outlook ${id}`).toHaveLength(1);
  }
  const invitations = new Set(w.calendar.live().filter((e) => e.isOrganizer === false).map((e) => e.id));
  expect(w.calendar.writes.filter((x) => x.op.op !== 'create' && invitations.has(x.op.id)), 'writes to a meeting organised elsewhere').toEqual([]);
  const tags = w.calendar.live().map((e) => w.calendar.events.get(e.id)!.tag).filter((t): t is string => t !== null);
  expect(tags.length).toBe(new Set(tags).size);
  // Every copy the tool made is in the audit log once as made, its answer read or lost (a crash,
  // an interrupted run: the copy found again by its tag).
  const made = w.store.auditRows().filter((r) => r.direction === 'outlook' && r.action === 'create');
  for (const e of w.calendar.live()) {
    if (w.calendar.events.get(e.id)!.tag === null) continue;
    expect(made.filter((r) => r.outlookId === e.id), `audit rows for the making of Outlook ${e.id}`).toHaveLength(1);
  }
  // Protected conflicts are held for a person: one open conflict per paused link.
  for (const l of links.filter((x) => x.state === 'paused')) expect(w.store.conflicts().filter((c) => c.record.linkId === l.id && c.status === 'open')).toHaveLength(1);
  // No lost CaseFlow edit: a version with unsynced edits is overwritten only when Outlook's won a
  // change made on both sides, with the lost version kept in the audit; never a protected one.
  const kept = w.store.auditRows().flatMap((r) => (r.action === 'conflict-outlook-wins' ? [JSON.stringify((r.detail as { versions: { caseflow: unknown } }).versions.caseflow)] : []));
  for (const o of w.store.overwrites.filter((x) => x.role === 'owner')) {
    expect(o.protected, `protected ${o.kind}:${o.id} overwritten instead of held for review`).toBe(false);
    expect(kept, `${o.kind}:${o.id} lost a CaseFlow version the audit does not keep`).toContain(JSON.stringify(o.lost));
  }
  // No lost Outlook edit: nothing was written over an Outlook edit that no run had compared (a task's
  // copy is CaseFlow's alone: Outlook edits to it are ignored by design).
  expect(w.calendar.blindWrites.filter((b) => !b.tag || /:event:/.test(b.tag)), 'writes over unseen Outlook edits').toEqual([]);
  // No confidential description ever reached Outlook, in any payload; none was overwritten.
  expect(JSON.stringify(w.calendar.payloads)).not.toContain(SECRET);
  for (const item of w.store.items()) if (item.confidential && item.source === 'caseflow') expect(item.content.description.startsWith(SECRET)).toBe(true);
  // No masked title coming back from Outlook ever replaced a CaseFlow title. (A copy edited in
  // Outlook after its item was deleted in CaseFlow comes back as Outlook holds it: source outlook.)
  for (const item of w.store.items()) if (item.source === 'caseflow') expect(MASKS, `title of ${item.kind}:${item.id}`).not.toContain(item.content.title);
}

describe('random two-sided histories through the real engine (property, memory ports)', () => {
  it(`converge with faults: one copy per item, one item per copy, contents agree, conflicts held, no secret sent (${RUNS} histories)`, async () => {
    const details = await fc.check(
      fc.asyncProperty(fc.array(arbOp, { minLength: 10, maxLength: 40 }), async (ops) => {
        const w = memoryWorld();
        attendeeEdited.clear();
        titleSetting = 'keep';
        for (const op of ops) await apply(w, op);
        await settle(w);
        assertInStep(w);
      }),
      { numRuns: RUNS },
    );
    // fast-check's own account of the run: histories tried, shrinks, the counterexample if any.
    process.stdout.write(`engine property: ${details.numRuns} histories run, ${details.numShrinks} shrink(s), seed ${details.seed}, ${details.failed ? 'FAILED' : 'no counterexample'}\n`);
    if (details.failed) throw new Error(fc.defaultReportMessage(details) ?? 'property failed');
  }, 120_000);

  it('the checks can fail: an Outlook edit the delta never reports is caught', async () => {
    const w = memoryWorld();
    w.store.addItem({ kind: 'event', content: { ...content({ attendees: [] }), ...slot(false, 0) }, confidential: false, protected: false });
    await settle(w);
    assertInStep(w);
    const stored = [...w.calendar.events.values()][0]!;
    stored.json = { ...stored.json, subject: 'Z' };
    expect(() => assertInStep(w)).toThrow();
  });
});
