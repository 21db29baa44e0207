// plan and explain through the CLI against the simulator: plan reads Outlook and writes nothing
// anywhere (store file bytes and Graph writes unchanged, delta link not saved); explain tells one
// item's story from the rules that decide it.

import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.js';
import { world, type World } from '../helpers/world.js';

const ALICE = 'alice@firm.example';
let w: World;
afterEach(async () => w?.stop());

const storeBytes = () => createHash('sha256').update(readFileSync(w.sb.db)).update(existsSync(`${w.sb.db}-wal`) ? readFileSync(`${w.sb.db}-wal`) : '').digest('hex');
const graphWrites = () => w.sim.control.requestLog().filter((e) => ['POST', 'PATCH', 'DELETE'].includes(e.method) && e.path.includes('/me/events')).length;

describe('plan', () => {
  it('lists what the next run would do on each side, with the invitations it sends, and writes nothing anywhere', async () => {
    w = await world([ALICE], {}, { inProcess: true });
    await w.ok(['events', 'add', '--staff', ALICE, '--title', 'Lunch', '--start', '2026-12-01T12:00', '--end', '2026-12-01T13:00']);
    await w.ok(['daemon', '--once']);
    await w.ok(['events', 'add', '--staff', ALICE, '--title', 'Settlement', '--start', '2026-12-03T09:00', '--end', '2026-12-03T10:00', '--attendee', 'dana@client.example']);
    await w.ok(['events', 'update', '1', '--location', 'Cafe']);
    w.sim.control.createEvent(ALICE, { subject: 'Dentist', start: { dateTime: '2026-12-04T08:00:00', timeZone: 'UTC' }, end: { dateTime: '2026-12-04T09:00:00', timeZone: 'UTC' } });
    // No window kept from the run (as on a new day): plan works it out, and keeps nothing of it.
    const db = openStore(w.sb.db);
    db.prepare('UPDATE sync_state SET window_cache = NULL').run();
    db.close();
    const bytes = storeBytes();
    const writes = graphWrites();
    const state = await w.ok(['status', '--staff', ALICE]);

    const report = await w.ok(['plan', '--staff', ALICE]);
    expect(report.outlook.create.map((i: { title: string }) => i.title)).toEqual(['Settlement']);
    expect(report.outlook.update.map((i: { title: string }) => i.title)).toEqual(['Lunch']);
    expect(report.caseflow.create.map((i: { title: string }) => i.title)).toEqual(['Dentist']);
    expect(report.invitations).toEqual([{ title: 'Settlement', sends: 'invitation', to: ['dana@client.example'] }]);
    const text = await w.sb.run(['plan', '--staff', ALICE]);
    expect(text.stdout.split('\n').filter(Boolean).map((l) => l.split('\t').slice(0, 3).join(' | '))).toEqual([
      'create in Outlook | event 2 | Settlement',
      'update in Outlook | event 1 | Lunch',
      expect.stringMatching(/^create in CaseFlow \| Outlook \S+ \| Dentist$/),
      'Outlook sends invitation |  | Settlement',
    ]);
    expect(storeBytes()).toBe(bytes);
    expect(graphWrites()).toBe(writes);
    expect((await w.ok(['status', '--staff', ALICE])).lastSyncAt).toBe(state.lastSyncAt);
    // The run then does what the plan said.
    expect(await w.ok(['daemon', '--once', '--staff', ALICE])).toMatchObject({ pushed: { created: 1, updated: 1 }, pulled: { created: 1 } });
    const quiet = await w.sb.run(['plan', '--staff', ALICE]);
    expect(quiet.stdout).toBe('');
  });
});

describe('explain', () => {
  it("says where an item goes, why it is confidential, whether it syncs and why not, and its history", async () => {
    w = await world([ALICE], {}, { inProcess: true });
    await w.ok(['events', 'add', '--staff', ALICE, '--title', 'Hearing', '--category', 'Hearing', '--start', '2026-12-01T09:00', '--end', '2026-12-01T10:00']);
    await w.ok(['events', 'add', '--staff', ALICE, '--title', 'Standup', '--start', '2026-12-02T09:00', '--end', '2026-12-02T09:15', '--recurrence', 'FREQ=WEEKLY;COUNT=4']);
    await w.ok(['daemon', '--once']);
    const hearing = await w.ok(['explain', '1']);
    expect(hearing).toMatchObject({ kind: 'event', id: 1, confidential: true, confidentialWhy: 'category "Hearing" is protected' });
    expect(hearing.staff).toEqual([expect.objectContaining({ staff: ALICE, direction: 'two-way', linkState: 'linked', syncs: true, nextRun: 'nothing', outlookId: expect.any(String), lastSyncAt: expect.any(String) })]);
    expect(hearing.audit.map((a: { action: string }) => a.action)).toEqual(['create', 'create']);
    const standup = await w.ok(['explain', '2']);
    expect(standup.staff[0]).toMatchObject({ syncs: false, why: ['recurring events created in CaseFlow are not pushed to Outlook'] });
    await w.ok(['prefs', 'set', '--staff', ALICE, '--enabled', 'off']);
    const paused = await w.sb.run(['explain', '1']);
    expect(paused.stdout).toContain(`syncs\tno: sync is paused for ${ALICE}: caseflow-outlook prefs set --staff ${ALICE} --enabled on`);
    const none = await w.sb.json(['explain', '99']);
    expect(none.code).toBe(2);
    expect(none.body.error.hint).toBe('list them with: caseflow-outlook events list');
    const both = await w.sb.json(['explain', '1', '--task', '2']);
    expect(both.code).toBe(2);
  });
});

describe('audit --action', () => {
  it('lists only rows of that action', async () => {
    w = await world([ALICE], {}, { inProcess: true });
    await w.ok(['events', 'add', '--staff', ALICE, '--title', 'Gone', '--start', '2026-12-01T09:00', '--end', '2026-12-01T10:00']);
    await w.ok(['daemon', '--once']);
    await w.ok(['events', 'delete', '1']);
    await w.ok(['daemon', '--once']);
    const deletes = await w.ok<{ action: string; direction: string }[]>(['audit', '--action', 'delete']);
    expect(deletes.map((a) => [a.action, a.direction])).toEqual([['delete', 'outlook'], ['delete', 'caseflow']]);
    expect((await w.sb.json(['audit', '--action', 'drop table'])).code).toBe(2);
  });
});

describe('explain --task', () => {
  it('explains a task given by flag alone', async () => {
    w = await world([ALICE], {}, { inProcess: true });
    await w.ok(['matters', 'add', '--name', 'Reyes', '--assign', ALICE]);
    await w.ok(['tasks', 'add', '--staff', ALICE, '--title', 'Brief', '--due', '2026-12-03', '--matter', '1']);
    const story = await w.ok(['explain', '--task', '1']);
    expect(story).toMatchObject({ kind: 'task', id: 1, confidential: true, confidentialWhy: 'linked to matter 1' });
    expect(story.staff[0]).toMatchObject({ direction: 'to Outlook', linkState: 'not linked', nextRun: 'create it in Outlook' });
  });
});
