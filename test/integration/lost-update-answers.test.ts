// An update Outlook stored whose answer never came back. A 504 after the write is sent again and
// refused (412: the copy changed, by that very update): the copy is read back, and holding what
// was sent, the update is done in that run. A $batch item whose body is not JSON fails the run:
// the next round shows the copy as sent, the tool's own write, so a CaseFlow edit made since goes
// out, and a real Outlook edit made on top of it is still one (changed on both sides: Outlook
// wins). Also an Outlook edit left unsynced by a failed run, then a CaseFlow edit: both sides.

import { afterEach, describe, expect, it } from 'vitest';
import { world, type World } from '../helpers/world.js';

const ALICE = 'alice@firm.example';
let w: World | undefined;
afterEach(async () => {
  await w?.stop();
  w = undefined;
});

const mailbox = () => w!.sim.control.events(ALICE, { calendar: 'primary' }).filter((e) => !e.deleted);
/** Every $batch item's answer is not JSON: the writes are stored, their answers unreadable. */
const NOT_JSON = { corruptBatchItem: 1, corruptMode: 'non-json', seed: 3 } as const;
const title = async () => (await w!.ok<{ title: string }>(['events', 'show', '1'])).title;

/** "Lunch" synced, then "Lunch v1" sent with the given fault on: stored in Outlook; the run exits `code`. */
async function lostUpdate(faults: Parameters<World['sim']['control']['setFaults']>[0], code: number): Promise<void> {
  w = await world([ALICE]);
  await w.ok(['events', 'add', '--staff', ALICE, '--title', 'Lunch', '--start', '2026-12-01T12:00', '--end', '2026-12-01T13:00']);
  await w.ok(['daemon', '--once']);
  await w.ok(['events', 'update', '1', '--title', 'Lunch v1']);
  w.sim.control.setFaults({ retryAfterSeconds: 0.01, ...faults });
  expect((await w.sb.json(['daemon', '--once'])).code).toBe(code);
  w.sim.control.clearFaults();
  expect(mailbox().map((e) => e.subject)).toEqual(['Lunch v1']);
}

describe('an update whose answer was lost', () => {
  it('a $batch item answered with a body that is not JSON, then another CaseFlow edit: the newer CaseFlow edit goes out', async () => {
    await lostUpdate(NOT_JSON, 4);
    await w!.ok(['events', 'update', '1', '--title', 'Lunch v2']);
    const run = await w!.ok<{ conflicts: number; pulled: { updated: number } }[]>(['daemon', '--once']);
    expect(run[0]).toMatchObject({ conflicts: 0, pulled: { updated: 0 } });
    expect(await title()).toBe('Lunch v2');
    expect(mailbox().map((e) => e.subject)).toEqual(['Lunch v2']);
    // The echo of that push is recognised: nothing more moves.
    expect((await w!.ok<{ pushed: { updated: number }; pulled: { updated: number } }[]>(['daemon', '--once']))[0]).toMatchObject({ pushed: { updated: 0 }, pulled: { updated: 0 } });
  });

  it('no further edit: the stored update is taken as answered, nothing is pushed or pulled again', async () => {
    await lostUpdate(NOT_JSON, 4);
    const run = await w!.ok<{ pushed: { updated: number }; pulled: { updated: number } }[]>(['daemon', '--once']);
    expect(run[0]).toMatchObject({ pushed: { updated: 0 }, pulled: { updated: 0 } });
    expect(await title()).toBe('Lunch v1');
  });

  for (const mode of ['504', 'drop'] as const) {
    it(`answered ${mode === '504' ? 'with a 504' : 'by a dropped connection'} and sent again: read back, done in that run`, async () => {
      await lostUpdate({ storeThenFail: 1, storeThenFailMode: mode }, 0);
      expect(await title()).toBe('Lunch v1');
      expect((await w!.ok<{ pushed: { updated: number }; pulled: { updated: number } }[]>(['daemon', '--once']))[0]).toMatchObject({ pushed: { updated: 0 }, pulled: { updated: 0 } });
    });
  }

  it('read back, then deleted in Outlook: the deletion of what the person saw there stands', async () => {
    await lostUpdate({ storeThenFail: 1, storeThenFailMode: 'drop' }, 0);
    w!.sim.control.deleteEvent(ALICE, mailbox()[0]!.id);
    await w!.ok(['daemon', '--once']);
    expect(mailbox()).toEqual([]);
    expect(await w!.ok(['events', 'list'])).toEqual([]);
  });

  it('unread, then deleted in Outlook: whether it was stored is unknown, so the CaseFlow edit stays and its copy is made again', async () => {
    await lostUpdate(NOT_JSON, 4);
    w!.sim.control.deleteEvent(ALICE, mailbox()[0]!.id);
    await w!.ok(['daemon', '--once']);
    expect(await title()).toBe('Lunch v1');
    expect(mailbox().map((e) => e.subject)).toEqual(['Lunch v1']);
  });

  it('then edited in Outlook and in CaseFlow: a change on both sides, Outlook wins', async () => {
    await lostUpdate(NOT_JSON, 4);
    w!.sim.control.updateEvent(ALICE, mailbox()[0]!.id, { subject: 'Lunch (Outlook)' });
    await w!.ok(['events', 'update', '1', '--title', 'Lunch v2']);
    const run = await w!.ok<{ conflicts: number }[]>(['daemon', '--once']);
    expect(run[0]).toMatchObject({ conflicts: 1 });
    expect(await title()).toBe('Lunch (Outlook)');
    expect(mailbox().map((e) => e.subject)).toEqual(['Lunch (Outlook)']);
    expect((await w!.ok<{ action: string }[]>(['audit', '--event', '1']))[0]).toMatchObject({ action: 'conflict-outlook-wins' });
  });
});

describe('an Outlook edit a failed run left unsynced', () => {
  it('then a CaseFlow edit: a change on both sides, Outlook wins, not the later edit', async () => {
    w = await world([ALICE]);
    await w.ok(['events', 'add', '--staff', ALICE, '--title', 'Call', '--start', '2026-12-04T12:00', '--end', '2026-12-04T13:00']);
    await w.ok(['daemon', '--once']);
    w.sim.control.updateEvent(ALICE, mailbox()[0]!.id, { subject: 'Call (Outlook)' });
    // The run reads nothing: its delta answer is not JSON.
    w.sim.control.setFaults({ corruptBody: 1, corruptMode: 'non-json' });
    expect((await w.sb.json(['daemon', '--once'])).code).toBe(4);
    w.sim.control.clearFaults();
    await w.ok(['events', 'update', '1', '--title', 'Call (CaseFlow)']);
    expect((await w.ok<{ conflicts: number }[]>(['daemon', '--once']))[0]).toMatchObject({ conflicts: 1 });
    expect(await title()).toBe('Call (Outlook)');
    expect(mailbox().map((e) => e.subject)).toEqual(['Call (Outlook)']);
  });
});
