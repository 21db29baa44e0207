// sync.protectedTitle against the simulator (the CLI in-process, real SQLite): with `category` or
// `busy` the real title of a confidential item is in no request to Graph; an Outlook edit of a
// masked copy brings its move in but never its title; switching the setting retitles the copies.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { world, type World } from '../helpers/world.js';

const ALICE = 'alice@firm.example';
let w: World;
afterEach(async () => {
  await w?.stop();
});

// Real titles made of words no mask, category, matter or description uses: any trace of one in
// a request is a leak.
const HEARING = 'Zephyr motion hearing';
const PREP = 'Quillon deposition prep';
const TASK = 'Vortigern witness list';
const DEADLINE = 'Marrowind expert report';
const LUNCH = 'Team lunch';

const timed = (day: number, hour: number) => `2026-12-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00`;

function mailbox() {
  return w.sim.control.events(ALICE, { calendar: 'primary' }).filter((e) => !e.deleted && e.type !== 'occurrence');
}
const subjects = () => mailbox().map((e) => e.subject as string).sort();

/** Runs the CLI with a config file that sets sync.protectedTitle. */
async function withTitle<T = any>(setting: string, args: string[]): Promise<T> {
  const file = join(w.sb.dir, `title-${setting}.json`);
  writeFileSync(file, JSON.stringify({ sync: { protectedTitle: setting } }));
  const r = await w.sb.json<T>(['--config', file, ...args]);
  expect(r.code, `${args.join(' ')}\n${r.stderr}\n${r.stdout}`).toBe(0);
  return r.body;
}

/** A hearing (protected category), a matter-linked meeting, a matter task and deadline, and a lunch. */
async function firmDay(): Promise<{ hearing: number; prep: number; lunch: number }> {
  await w.ok(['matters', 'add', '--name', 'Reyes v. Acme', '--assign', ALICE]);
  const add = async (day: number, extra: string[]) => (await w.ok<{ id: number }>(['events', 'add', '--staff', ALICE, '--start', timed(day, 9), '--end', timed(day, 10), ...extra])).id;
  const hearing = await add(1, ['--title', HEARING, '--category', 'Hearing', '--description', 'PRIVILEGED-1']);
  const prep = await add(2, ['--title', PREP, '--matter', '1']);
  const lunch = await add(3, ['--title', LUNCH]);
  await w.ok(['tasks', 'add', '--staff', ALICE, '--title', TASK, '--due', '2026-12-04', '--matter', '1']);
  await w.ok(['deadlines', 'add', '--matter', '1', '--title', DEADLINE, '--due', '2026-12-10T17:00']);
  return { hearing, prep, lunch };
}

/** Every request the simulator served, as sent: path, headers and body (batch items one by one). */
function sent(): string {
  return JSON.stringify(w.sim.control.requestLog().map((r) => [r.method, r.path, r.headers, r.requestBody]));
}

describe('the real title of a confidential item is in no request to Graph', () => {
  it.each([
    ['category', ['Busy', 'Deadline', 'Hearing', LUNCH, 'Task']],
    ['busy', ['Busy', 'Busy', 'Busy', 'Busy', LUNCH]],
  ])('%s: events, tasks and deadlines are titled by the mask; their real titles are sent nowhere', async (setting, titles) => {
    w = await world();
    await firmDay();
    const run = await withTitle(setting, ['daemon', '--once']);
    expect(run[0]).toMatchObject({ pushed: { created: 5 }, errors: [] });
    expect(subjects()).toEqual([...titles].sort());
    // The whole log, answers included: Outlook never held them either.
    const log = JSON.stringify(w.sim.control.requestLog());
    for (const real of [HEARING, PREP, TASK, DEADLINE, 'Zephyr', 'Quillon', 'Vortigern', 'Marrowind', 'PRIVILEGED']) expect(log).not.toContain(real);
    expect(log).toContain(LUNCH);
    // CaseFlow keeps the real titles.
    const events = await w.ok<{ title: string }[]>(['events', 'list']);
    expect(events.map((e) => e.title).sort()).toEqual([PREP, LUNCH, HEARING].sort());
    // A quiet run after it: nothing to push, nothing pulled (our own copies echo back unchanged).
    const quiet = await withTitle(setting, ['daemon', '--once']);
    expect(quiet[0]).toMatchObject({ pushed: { created: 0, updated: 0, deleted: 0 }, pulled: { created: 0, updated: 0, deleted: 0 } });
  });
});

describe('an Outlook edit of a masked copy', () => {
  it('its new start comes in, its subject never; the next scheduled run puts the mask back', async () => {
    w = await world();
    const { hearing } = await firmDay();
    await withTitle('busy', ['daemon', '--once']);
    const copy = mailbox().find((e) => (e.start as { dateTime: string }).dateTime.startsWith('2026-12-01'))!;
    expect(copy.subject).toBe('Busy');
    // As the user in Outlook: a new subject and a new time.
    w.sim.control.updateEvent(ALICE, copy.id, { subject: 'Lunch with Dana', start: { dateTime: '2026-12-01T14:00:00', timeZone: 'UTC' }, end: { dateTime: '2026-12-01T15:00:00', timeZone: 'UTC' } });

    const pulled = await withTitle('busy', ['sync', '--staff', ALICE]);
    expect(pulled).toMatchObject({ pulled: { updated: 1 }, pushed: { updated: 0 }, conflicts: 0 });
    expect(await w.ok(['events', 'show', String(hearing)])).toMatchObject({ title: HEARING, start: '2026-12-01T14:00:00.000Z', end: '2026-12-01T15:00:00.000Z', description: 'PRIVILEGED-1' });
    expect((await withTitle('busy', ['status', '--staff', ALICE])).pending).toBe(1);

    w.sim.control.resetMetrics();
    const before = w.sim.control.requestLog().length;
    const run = await withTitle('busy', ['daemon', '--once']);
    expect(run[0]).toMatchObject({ pushed: { updated: 1 }, pulled: { updated: 0 }, conflicts: 0, errors: [] });
    expect(mailbox().find((e) => e.id === copy.id)).toMatchObject({ subject: 'Busy', start: { dateTime: expect.stringMatching(/^2026-12-01T14:00/) } });
    expect(JSON.stringify(w.sim.control.requestLog().slice(before).map((r) => r.requestBody))).not.toContain('Zephyr');
    expect((await w.ok(['events', 'show', String(hearing)])).title).toBe(HEARING);
  });
});

describe('changing sync.protectedTitle', () => {
  it('keep -> busy retitles every confidential copy at the next run (pending until then); back to keep restores the real titles', async () => {
    w = await world();
    await firmDay();
    await w.ok(['daemon', '--once']);
    expect(subjects()).toEqual([`Deadline: ${DEADLINE}`, `Task: ${TASK}`, PREP, LUNCH, HEARING].sort());

    expect((await withTitle('busy', ['status', '--staff', ALICE])).pending).toBe(4);
    // explain says what each copy will be titled, from the same rule.
    expect(await withTitle('busy', ['explain', '1'])).toMatchObject({ title: HEARING, titleInOutlook: 'Busy' });
    expect(await withTitle('category', ['explain', '1'])).toMatchObject({ titleInOutlook: 'Hearing' });
    expect(await withTitle('category', ['explain', '--deadline', '1'])).toMatchObject({ titleInOutlook: 'Deadline' });
    expect(await w.ok(['explain', '--task', '1'])).toMatchObject({ titleInOutlook: `Task: ${TASK}` });
    expect(await withTitle('busy', ['explain', '3'])).toMatchObject({ title: LUNCH, titleInOutlook: LUNCH });
    const before = w.sim.control.requestLog().length;
    const run = await withTitle('busy', ['daemon', '--once']);
    expect(run[0]).toMatchObject({ pushed: { created: 0, updated: 4, deleted: 0 }, pulled: { created: 0, updated: 0, deleted: 0 }, errors: [] });
    expect(subjects()).toEqual(['Busy', 'Busy', 'Busy', 'Busy', LUNCH]);
    expect(JSON.stringify(w.sim.control.requestLog().slice(before).map((r) => r.requestBody))).not.toMatch(/Zephyr|Quillon|Vortigern|Marrowind/);
    expect((await withTitle('busy', ['status', '--staff', ALICE])).pending).toBe(0);
    expect(sent()).toContain('"subject":"Busy"');

    const back = await w.ok(['daemon', '--once']);
    expect(back[0]).toMatchObject({ pushed: { updated: 4 }, pulled: { updated: 0 } });
    expect(subjects()).toEqual([`Deadline: ${DEADLINE}`, `Task: ${TASK}`, PREP, LUNCH, HEARING].sort());
  });
});
