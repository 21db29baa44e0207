// Conflicts a person can review: both versions field by field in `audit --json` and
// `conflicts show`, who resolved it, and a resolution that goes through the same version checks
// as a scheduled run (If-Match; a 412 becomes a fresh conflict instead of an overwrite).

import { userInfo } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { world, type World } from '../helpers/world.js';

const ALICE = 'alice@firm.example';
let w: World;
afterEach(async () => w?.stop());

const copy = () => w.sim.control.events(ALICE, { calendar: 'primary' }).filter((e) => !e.deleted)[0]!;
const locationOf = () => (copy().location as { displayName: string }).displayName;

async function protectedConflict(): Promise<number> {
  await w.ok(['events', 'add', '--staff', ALICE, '--title', 'Hearing', '--category', 'Hearing', '--start', '2026-12-01T09:00', '--end', '2026-12-01T10:00', '--location', 'Court 1', '--description', 'privileged strategy']);
  await w.ok(['daemon', '--once']);
  w.sim.control.updateEvent(ALICE, copy().id, { location: { displayName: 'Court 7 (Outlook)' } });
  await w.ok(['events', 'update', '1', '--location', 'Court 3 (CaseFlow)']);
  await w.ok(['daemon', '--once']);
  const [c] = await w.ok<{ id: number }[]>(['conflicts', 'list']);
  return c!.id;
}

describe('reviewing and resolving conflicts', () => {
  it('Outlook wins a normal event: the audit row names both versions and audit --json holds them field by field', async () => {
    w = await world([ALICE], {}, { inProcess: true });
    await w.ok(['events', 'add', '--staff', ALICE, '--title', 'Lunch', '--start', '2026-12-01T12:00', '--end', '2026-12-01T13:00', '--location', 'Cafe']);
    await w.ok(['daemon', '--once']);
    w.sim.control.updateEvent(ALICE, copy().id, { subject: 'Lunch (Outlook)' });
    await w.ok(['events', 'update', '1', '--title', 'Lunch (CaseFlow)']);
    await w.ok(['daemon', '--once']);
    const [row] = await w.ok<{ action: string; summary: string; versions: { caseflow: { title: string; location: string }; outlook: { title: string } } }[]>(['audit', '--event', '1', '--limit', '1']);
    expect(row).toMatchObject({ action: 'conflict-outlook-wins', versions: { caseflow: { title: 'Lunch (CaseFlow)', location: 'Cafe' }, outlook: { title: 'Lunch (Outlook)' } } });
    expect(row!.summary).toContain('Lunch (CaseFlow)');
    expect(row!.summary).toContain('Lunch (Outlook)');
    const plain = await w.ok<{ versions: unknown }[]>(['audit', '--limit', '50']);
    expect(plain.filter((r) => r.versions !== null)).toHaveLength(1);
  });

  it('conflicts show lists both versions field by field, differing fields on two lines', async () => {
    w = await world([ALICE], {}, { inProcess: true });
    const id = await protectedConflict();
    const text = await w.sb.run(['conflicts', 'show', String(id)]);
    expect(text.code).toBe(0);
    const fields = new Map(text.stdout.trim().split('\n').map((l) => l.split('\t') as [string, string]));
    expect(fields.get('location (caseflow)')).toBe('Court 3 (CaseFlow)');
    expect(fields.get('location (outlook)')).toBe('Court 7 (Outlook)');
    expect(fields.get('title')).toBe('Hearing');
    expect(fields.get('differs in')).toBe('location');
    // The Outlook copy of a protected event says "Confidential": not a difference, and said so.
    expect(fields.get('description')).toBe('privileged strategy (Outlook shows "Confidential")');
    const json = await w.ok(['conflicts', 'show', String(id)]);
    expect(json).toMatchObject({ differs: ['location'], caseflow: { location: 'Court 3 (CaseFlow)' }, outlook: { location: 'Court 7 (Outlook)' } });
  });

  it('resolving records the person: --by, else the user name of this machine; keep caseflow sends If-Match', async () => {
    w = await world([ALICE], {}, { inProcess: true });
    const id = await protectedConflict();
    const recorded = await w.ok<{ changeKey: string }>(['conflicts', 'show', String(id)]);
    expect(recorded.changeKey).toBe(copy().changeKey);
    const since = Math.max(...w.sim.control.requestLog().map((e) => e.seq));
    const done = await w.ok(['conflicts', 'resolve', String(id), '--keep', 'caseflow', '--by', 'Dana Reyes']);
    expect(done).toMatchObject({ kept: 'caseflow', resolvedBy: 'Dana Reyes', pushed: { updated: 1 } });
    const patch = w.sim.control.requestLog(since).find((e) => e.method === 'PATCH')!;
    expect(patch.headers['if-match']).toBe(`W/"${recorded.changeKey}"`);
    expect(locationOf()).toBe('Court 3 (CaseFlow)');
    expect(await w.ok(['conflicts', 'show', String(id)])).toMatchObject({ status: 'resolved', resolution: 'caseflow', resolvedBy: 'Dana Reyes' });

    // A second conflict, resolved without --by: the operating system's user name.
    w.sim.control.updateEvent(ALICE, copy().id, { location: { displayName: 'Court 9 (Outlook)' } });
    await w.ok(['events', 'update', '1', '--location', 'Court 4 (CaseFlow)']);
    await w.ok(['daemon', '--once']);
    const open = (await w.ok<{ id: number; status: string }[]>(['conflicts', 'list'])).find((c) => c.status === 'open')!;
    const kept = await w.ok(['conflicts', 'resolve', String(open.id), '--keep', 'outlook']);
    expect(kept).toMatchObject({ kept: 'outlook', resolvedBy: userInfo().username, pulled: { updated: 1 } });
    expect((await w.ok(['events', 'show', '1'])).location).toBe('Court 9 (Outlook)');
    expect((await w.ok(['events', 'show', '1'])).description).toBe('privileged strategy');
  });

  it('keep caseflow after Outlook changed again overwrites nothing: a fresh conflict holds the newest Outlook version', async () => {
    w = await world([ALICE], {}, { inProcess: true });
    const id = await protectedConflict();
    w.sim.control.updateEvent(ALICE, copy().id, { location: { displayName: 'Court 11 (Outlook, later)' } });
    const r = await w.sb.json(['conflicts', 'resolve', String(id), '--keep', 'caseflow']);
    expect(r.code).toBe(3);
    expect(r.body.error.message).toContain('changed again in Outlook');
    expect(locationOf()).toBe('Court 11 (Outlook, later)');
    const all = await w.ok<{ id: number; status: string; supersededBy: number | null; outlook: { location: string } }[]>(['conflicts', 'list']);
    expect(all.map((c) => c.status)).toEqual(['superseded', 'open']);
    expect(all[0]!.supersededBy).toBe(all[1]!.id);
    expect(all[1]!.outlook.location).toBe('Court 11 (Outlook, later)');
    const fresh = await w.ok(['conflicts', 'resolve', String(all[1]!.id), '--keep', 'caseflow', '--by', 'Dana']);
    expect(fresh).toMatchObject({ pushed: { updated: 1 } });
    expect(locationOf()).toBe('Court 3 (CaseFlow)');
    const quiet = await w.ok(['daemon', '--once', '--staff', ALICE]);
    expect(quiet).toMatchObject({ conflicts: 0, pushed: { updated: 0 }, pulled: { updated: 0 } });
  });
});
