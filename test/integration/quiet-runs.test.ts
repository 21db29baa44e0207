// Quiet runs read only what changed in CaseFlow (its change log, migration 11): the built CLI
// against the simulator, a real SQLite store. What a run read is the count its --verbose log
// gives (links and items handed to the planner); every kind of CaseFlow change must still reach
// Outlook after quiet runs, and a run killed between its plan and its save reads the same
// changes again.

import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { world, type World } from '../helpers/world.js';

const ALICE = 'alice@firm.example';
const BOB = 'bob@firm.example';
let w: World;
afterEach(async () => {
  await w?.stop();
});

interface Read {
  links: number;
  items: number;
  scoped: boolean;
}

/** One scheduled run for everyone; what it read of CaseFlow for `email` (its one run's log). */
async function run(email = ALICE): Promise<Read & { summary: any }> {
  const r = await w.sb.json(['daemon', '--once', '--staff', email, '--verbose']);
  expect(r.code, r.stderr).toBe(0);
  const m = /CaseFlow: (\d+) link\(s\) and (\d+) item\(s\) read \(([^)]*)\)/.exec(r.stderr);
  expect(m, r.stderr).not.toBeNull();
  return { links: Number(m![1]), items: Number(m![2]), scoped: m![3] !== 'everything', summary: Array.isArray(r.body) ? r.body[0] : r.body };
}

/** Runs until a run reads nothing (the runs' own writes to CaseFlow are read once more). */
async function settle(email = ALICE): Promise<void> {
  for (let i = 0; i < 3; i += 1) if ((await run(email)).items === 0) return;
  throw new Error('runs did not settle');
}

const live = (email: string) => w.sim.control.events(email, { calendar: 'primary' }).filter((e) => !e.deleted);
const subjects = (email: string) => live(email).map((e) => e.subject as string).sort();
const byTitle = (email: string, title: string) => live(email).find((e) => e.subject === title);
const day = (d: number, h = 9) => `2026-12-${String(d).padStart(2, '0')}T${String(h).padStart(2, '0')}:00`;

async function addEvent(title: string, d: number, extra: string[] = []): Promise<number> {
  return (await w.ok<{ id: number }>(['events', 'add', '--staff', ALICE, '--title', title, '--start', day(d), '--end', day(d, 10), ...extra])).id;
}

describe('a quiet run reads what changed, not the store', () => {
  it('reads no link and no item when nothing changed, and exactly the items edited when some were', async () => {
    w = await world();
    const ids: number[] = [];
    for (let i = 0; i < 30; i += 1) ids.push(await addEvent(`Meeting ${i}`, 1 + (i % 25)));
    const first = await run();
    expect(first).toMatchObject({ scoped: false, summary: { pushed: { created: 30 } } });
    await settle();

    w.sim.control.resetMetrics();
    expect(await run()).toMatchObject({ links: 0, items: 0, scoped: true });
    expect(w.requests(ALICE)).toBe(1);

    await w.ok(['events', 'update', String(ids[3]), '--title', 'Meeting 3 (moved)']);
    await w.ok(['events', 'update', String(ids[7]), '--location', 'Room 2']);
    const edited = await run();
    expect(edited).toMatchObject({ links: 2, items: 2, scoped: true, summary: { pushed: { updated: 2 } } });
    expect(byTitle(ALICE, 'Meeting 3 (moved)')).toBeDefined();

    // An Outlook edit (the echoes of the pushes above settled first): the run reads the one item
    // its link points at.
    await settle();
    w.sim.control.updateEvent(ALICE, byTitle(ALICE, 'Meeting 9')!.id as string, { subject: 'Meeting 9 (Outlook)' });
    const pulled = await run();
    expect(pulled).toMatchObject({ links: 1, items: 1, summary: { pulled: { updated: 1 } } });
    await settle();
    expect(await run()).toMatchObject({ links: 0, items: 0 });
    const status = await w.ok(['status', '--staff', ALICE]);
    expect(status.pending).toBe(0);
  });

  it('every kind of CaseFlow change reaches Outlook after quiet runs', async () => {
    w = await world([ALICE, BOB]);
    await w.ok(['categories', 'add', 'Team']);
    await w.ok(['matters', 'add', '--name', 'Reyes v. Acme', '--assign', ALICE]);
    await addEvent('Keep', 1);
    const edit = await addEvent('Edit me', 2);
    const gone = await addEvent('Delete me', 3);
    await addEvent('Team sync', 4, ['--category', 'Team']);
    const done = (await w.ok<{ id: number }>(['tasks', 'add', '--staff', ALICE, '--title', 'Done soon', '--due', '2026-12-05'])).id;
    const moves = (await w.ok<{ id: number }>(['tasks', 'add', '--staff', ALICE, '--title', 'Moves', '--due', '2026-12-06'])).id;
    const filing = (await w.ok<{ id: number }>(['deadlines', 'add', '--matter', '1', '--title', 'Filing', '--due', '2026-12-10'])).id;
    await run();
    await settle();
    await settle(BOB);
    expect(subjects(ALICE)).toEqual(['Deadline: Filing', 'Delete me', 'Edit me', 'Keep', 'Task: Done soon', 'Task: Moves', 'Team sync']);
    expect(byTitle(ALICE, 'Team sync')).toMatchObject({ sensitivity: 'normal' });

    await w.ok(['events', 'add', '--staff', ALICE, '--title', 'New one', '--start', day(7), '--end', day(7, 10)]);
    await w.ok(['events', 'update', String(edit), '--title', 'Edited']);
    await w.ok(['events', 'delete', String(gone)]);
    await w.ok(['tasks', 'complete', String(done)]);
    await w.ok(['tasks', 'update', String(moves), '--staff', BOB]);
    await w.ok(['deadlines', 'update', String(filing), '--due', '2026-12-12']);
    await w.ok(['matters', 'assign', '1', BOB]);
    await w.ok(['categories', 'protect', 'Team']);
    const changed = await run();
    expect(changed.scoped).toBe(true);
    await run(BOB);
    expect(subjects(ALICE)).toEqual(['Deadline: Filing', 'Edited', 'Keep', 'New one', 'Team sync']);
    expect(subjects(BOB)).toEqual(['Deadline: Filing', 'Task: Moves']);
    expect((byTitle(ALICE, 'Deadline: Filing')!.start as { dateTime: string }).dateTime).toMatch(/^2026-12-12/);
    expect(byTitle(ALICE, 'Team sync')).toMatchObject({ sensitivity: 'confidential' });

    await settle();
    await w.ok(['tasks', 'reopen', String(done)]);
    await w.ok(['matters', 'unassign', '1', ALICE]);
    await run();
    expect(subjects(ALICE)).toEqual(['Edited', 'Keep', 'New one', 'Task: Done soon', 'Team sync']);

    // A flow switched off and on: what was added meanwhile goes out when it is back on.
    await settle();
    await w.ok(['prefs', 'set', '--staff', ALICE, '--tasks', 'off']);
    await w.ok(['tasks', 'add', '--staff', ALICE, '--title', 'While off', '--due', '2026-12-08']);
    await run();
    expect(subjects(ALICE)).not.toContain('Task: While off');
    await settle();
    await w.ok(['prefs', 'set', '--staff', ALICE, '--tasks', 'on']);
    expect((await w.ok(['status', '--staff', ALICE])).pending).toBe(1);
    const back = await run();
    expect(back.scoped).toBe(false);
    expect(subjects(ALICE)).toContain('Task: While off');
  });

  it('a run killed between its plan and its save reads the same changes again', async () => {
    w = await world();
    const id = await addEvent('Before', 1);
    for (let i = 0; i < 5; i += 1) await addEvent(`Other ${i}`, 2 + i);
    await run();
    await settle();
    await w.ok(['events', 'update', String(id), '--title', 'After']);

    // Batch items answer slowly: the run is killed while its write is in flight, after its plan.
    w.sim.control.setFaults({ batchItemLatencyMs: 2000 });
    let child: ChildProcess | undefined;
    const before = w.sim.control.metrics().byKind['batch.item'] ?? 0;
    const killed = w.sb.run(['daemon', '--once', '--staff', ALICE], { onSpawn: (c) => (child = c) });
    let poll: NodeJS.Timeout | undefined;
    const writing = new Promise<void>((resolve) => {
      poll = setInterval(() => (w.sim.control.metrics().byKind['batch.item'] ?? 0) > before && resolve(), 2);
    });
    await Promise.race([writing, killed]);
    clearInterval(poll);
    child!.kill('SIGKILL');
    expect((await killed).code).toBe(128);
    w.sim.control.setFaults({});

    const again = await run();
    expect(again).toMatchObject({ scoped: true, links: 1, items: 1 });
    expect(subjects(ALICE)).toEqual(['After', 'Other 0', 'Other 1', 'Other 2', 'Other 3', 'Other 4']);
    await settle();
    expect(await run()).toMatchObject({ links: 0, items: 0 });
  });
});
