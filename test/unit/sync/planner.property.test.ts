import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sameOnBothSides } from '../../../src/sync/content.js';
import { CONFIDENTIAL_BODY } from '../../../src/sync/confidentiality.js';
import type { SyncContent } from '../../../src/sync/model.js';
import { content } from './fixtures.js';
import { type LocalRec, World } from './world.js';

// Random two-sided histories, interleaved with sync runs (some pull-only, some replaying or
// duplicating the delta, some with an Outlook edit racing our writes, some crashing mid-run), then
// quiet runs: both sides must end up in step, with no duplicate anywhere.

type Edit =
  | { f: 'title'; v: string }
  | { f: 'location'; v: string }
  | { f: 'description'; v: string }
  | { f: 'time'; v: number }
  | { f: 'attendees'; v: string[] }
  | { f: 'names'; v: string };

const arbEdit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ f: fc.constant('title' as const), v: fc.constantFrom('A', 'B', 'C') }),
  fc.record({ f: fc.constant('location' as const), v: fc.constantFrom('', 'Room 1', 'Room 2') }),
  fc.record({ f: fc.constant('description' as const), v: fc.constantFrom('1', '2', '3') }),
  fc.record({ f: fc.constant('time' as const), v: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ f: fc.constant('attendees' as const), v: fc.subarray(['amy@x.example', 'bob@x.example']) }),
  // Display names only: a change to a field we do not compare (the changeKey still moves).
  fc.record({ f: fc.constant('names' as const), v: fc.constantFrom('', 'X ') }),
);

const SECRET = 'secret-';

function at(c: SyncContent, slot: number): Pick<SyncContent, 'start' | 'end'> {
  if (c.allDay) {
    const day = `2026-12-0${slot + 1}`;
    return { start: day, end: day };
  }
  const start = Date.UTC(2026, 11, 1, 9 + slot);
  return { start: new Date(start).toISOString(), end: new Date(start + 3_600_000).toISOString() };
}

function applyEdit(c: SyncContent, e: Edit, description: (v: string) => string): SyncContent {
  switch (e.f) {
    case 'title':
      return { ...c, title: e.v };
    case 'location':
      return { ...c, location: e.v };
    case 'description':
      return { ...c, description: description(e.v) };
    case 'time':
      return { ...c, ...at(c, e.v) };
    case 'attendees':
      return { ...c, attendees: e.v.map((email) => ({ email, name: email.slice(0, 3), type: 'required' as const })) };
    case 'names':
      return { ...c, attendees: c.attendees.map((a) => ({ ...a, name: `${e.v}${a.email.slice(0, 3)}` })) };
  }
}

const localDescription = (rec: Pick<LocalRec, 'confidential'>) => (v: string) => `${rec.confidential ? SECRET : 'local-'}${v}`;

function fresh(title: string, allDay: boolean, slot: number, description: string): SyncContent {
  const base = content({ title, description, allDay, attendees: [], location: '' });
  return { ...base, ...at(base, slot) };
}

const arbOp = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('localCreate' as const), kind: fc.constantFrom('event' as const, 'task' as const), confidential: fc.boolean(), protected: fc.boolean(), title: fc.constantFrom('A', 'B'), allDay: fc.boolean(), slot: fc.integer({ min: 0, max: 3 }) }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('localEdit' as const), pick: fc.nat(), edit: arbEdit }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('localDelete' as const), pick: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('remoteCreate' as const), occurrence: fc.boolean(), invitation: fc.boolean(), title: fc.constantFrom('A', 'C'), allDay: fc.boolean(), slot: fc.integer({ min: 0, max: 3 }) }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('remoteEdit' as const), pick: fc.nat(), edit: arbEdit }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('remoteDelete' as const), pick: fc.nat() }) },
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('sync' as const),
      pullOnly: fc.boolean(),
      replay: fc.boolean(),
      duplicate: fc.boolean(),
      concurrent: fc.option(fc.record({ pick: fc.nat(), edit: arbEdit }), { nil: null }),
      crashAt: fc.option(fc.nat({ max: 6 }), { nil: null }),
      crashBeforeSend: fc.boolean(),
    }),
  },
);
type Op = typeof arbOp extends fc.Arbitrary<infer T> ? T : never;

function pick<T>(list: T[], n: number): T | undefined {
  return list.length === 0 ? undefined : list[n % list.length];
}

function editableLocal(w: World): LocalRec[] {
  return [...w.local.values()].filter((r) => !r.readOnly).sort((a, b) => (w.key(a.kind, a.id) < w.key(b.kind, b.id) ? -1 : 1));
}

function remoteIds(w: World): string[] {
  return [...w.remote.keys()].sort();
}

function editRemote(w: World, n: number, e: Edit): void {
  const id = pick(remoteIds(w), n);
  if (id) w.editRemote(id, (c) => applyEdit(c, e, (v) => `outlook-${v}`));
}

function apply(w: World, op: Op): void {
  switch (op.op) {
    case 'localCreate': {
      const rec = { confidential: op.confidential };
      const title = op.kind === 'task' ? `Task: ${op.title}` : op.title;
      w.addLocal({ kind: op.kind, content: fresh(title, op.allDay, op.slot, localDescription(rec)('0')), confidential: op.confidential, protected: op.protected, readOnly: false, source: 'caseflow' });
      return;
    }
    case 'localEdit': {
      const rec = pick(editableLocal(w), op.pick);
      if (rec) {
        rec.content = applyEdit(rec.content, op.edit, localDescription(rec));
        if (w.links.some((l) => l.role === 'attendee' && l.localId === rec.id)) w.attendeeEdited.add(rec.id);
      }
      return;
    }
    case 'localDelete': {
      const rec = pick(editableLocal(w), op.pick);
      if (rec) w.local.delete(w.key(rec.kind, rec.id));
      return;
    }
    case 'remoteCreate':
      w.addRemote(fresh(op.title, op.allDay, op.slot, 'outlook-0'), op.occurrence ? 'occurrence' : 'singleInstance', !op.invitation);
      return;
    case 'remoteEdit':
      return editRemote(w, op.pick, op.edit);
    case 'remoteDelete': {
      const id = pick(remoteIds(w), op.pick);
      if (id) w.deleteRemote(id);
      return;
    }
    case 'sync':
      w.round({
        policy: op.pullOnly ? { push: false } : {},
        replay: op.replay,
        duplicate: op.duplicate,
        ...(op.concurrent ? { concurrent: (x: World) => editRemote(x, op.concurrent!.pick, op.concurrent!.edit) } : {}),
        ...(op.crashAt !== null ? { crashAt: op.crashAt, crashBeforeSend: op.crashBeforeSend } : {}),
      });
  }
}

function settle(w: World): number {
  for (let i = 1; i <= 8; i += 1) {
    const r = w.round();
    if (r.actions.length === 0 && w.pending.size === 0) return i;
  }
  throw new Error(`no quiet run after 8 runs: ${JSON.stringify(w.round().actions.map((a) => a.type))}`);
}

function assertInStep(w: World): void {
  // A paused link (open protected conflict) is left entirely to `conflicts resolve` (SPEC §10):
  // either side may have moved or gone since; it must still never be doubled.
  const paused = w.links.filter((l) => l.state === 'paused');
  for (const rec of w.local.values()) {
    const links = w.links.filter((l) => l.kind === rec.kind && l.localId === rec.id);
    expect(links, `links of ${rec.kind}:${rec.id}`).toHaveLength(1);
    const link = links[0]!;
    if (link.state === 'paused') continue;
    if (link.state === 'unlinked') {
      // Only a task or deadline deleted in Outlook waits unlinked, with no Outlook copy.
      expect(rec.kind).not.toBe('event');
      continue;
    }
    expect(link.state).toBe('linked');
    const remote = w.remote.get(link.outlookId ?? '');
    expect(remote, `Outlook copy of ${rec.kind}:${rec.id}`).toBeDefined();
    // Outlook edits to tasks are ignored; CaseFlow edits to a meeting organised elsewhere are not pushed.
    if (rec.kind !== 'event' && w.taskEdited.has(remote!.id)) continue;
    if (link.role === 'attendee' && w.attendeeEdited.has(rec.id)) continue;
    expect(sameOnBothSides(rec.content, remote!.content, link.confidential), `content of ${rec.kind}:${rec.id}`).toBe(true);
    if (link.confidential) {
      // Outlook's user may type over the body; what it must never hold is the CaseFlow text.
      expect([CONFIDENTIAL_BODY, remote!.content.description.startsWith('outlook-') ? remote!.content.description : null]).toContain(remote!.content.description);
      expect(remote!.sensitivity).toBe('confidential');
    }
  }
  for (const [id, ev] of w.remote) {
    const links = w.links.filter((l) => l.outlookId === id && l.state !== 'unlinked');
    // An invitation whose CaseFlow copy was deleted stays in Outlook unlinked: we never write to it.
    if (!ev.isOrganizer && links.length === 0) continue;
    expect(links, `links of Outlook ${id}`).toHaveLength(1);
  }
  for (const link of w.links) {
    if (link.state !== 'paused') expect(w.local.has(w.key(link.kind, link.localId)), `item of link ${link.id}`).toBe(true);
  }
  expect(new Set(paused.map((l) => l.outlookId)).size).toBe(paused.length);
  // Confidential descriptions never reached Outlook, and Outlook never overwrote them.
  for (const ev of w.remote.values()) expect(ev.content.description).not.toContain(SECRET);
  for (const rec of w.local.values()) if (rec.confidential) expect(rec.content.description.startsWith(SECRET)).toBe(true);
}

describe('random two-sided histories (property)', () => {
  it('converge: one Outlook copy per item and one item per Outlook event, contents agree, a quiet run plans nothing', () => {
    fc.assert(
      fc.property(fc.array(arbOp, { minLength: 15, maxLength: 60, size: 'max' }), (ops) => {
        const w = new World();
        for (const op of ops) apply(w, op);
        settle(w);
        assertInStep(w);
        const again = w.round();
        expect(again.actions).toEqual([]);
        expect(again.pendingLocal).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('the model itself can fail: an Outlook edit left unsynced is caught', () => {
    const w = new World();
    w.addLocal({ kind: 'event', content: fresh('A', false, 0, 'local-0'), confidential: false, protected: false, readOnly: false, source: 'caseflow' });
    settle(w);
    assertInStep(w);
    // Edit Outlook without telling the delta: the checks must notice the disagreement.
    const [id, ev] = [...w.remote.entries()][0]!;
    w.remote.set(id, { ...ev, content: { ...ev.content, title: 'Z' } });
    expect(() => assertInStep(w)).toThrow();
  });
});
