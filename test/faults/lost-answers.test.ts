// A write Graph stored whose answer never came back (a 504 after the write, a dropped
// connection), then one more change of the same item before the next run: what Outlook holds is
// the tool's own earlier write, not a person's edit, so a newer CaseFlow edit must win, and a
// deletion in Outlook of what the person saw there must stand. Deterministic (no seed): the
// cases the random suites meet now and then.

import { afterEach, describe, expect, it } from 'vitest';
import { world, type World } from '../helpers/world.js';

const ALICE = 'alice@firm.example';
let w: World | undefined;
afterEach(async () => {
  await w?.stop();
  w = undefined;
});

const subjects = () => w!.sim.control.events(ALICE, { calendar: 'primary' }).filter((e) => !e.deleted).map((e) => e.subject);

describe('a lost answer, then another CaseFlow edit', () => {
  for (const mode of ['504', 'drop'] as const) {
    it(`an update stored without an answer (${mode}) is not taken for an Outlook edit`, async () => {
      w = await world([ALICE]);
      await w.ok(['events', 'add', '--staff', ALICE, '--title', 'Lunch', '--start', '2026-12-01T12:00', '--end', '2026-12-01T13:00']);
      await w.ok(['daemon', '--once']);
      await w.ok(['events', 'update', '1', '--title', 'Lunch v1']);
      w.sim.control.setFaults({ storeThenFail: 1, storeThenFailMode: mode, retryAfterSeconds: 0.01 });
      // Sent again, refused as made over a newer copy: the copy read back holds it, done.
      expect((await w.sb.json(['daemon', '--once'])).code).toBe(0);
      expect(subjects()).toEqual(['Lunch v1']);
      w.sim.control.clearFaults();
      await w.ok(['events', 'update', '1', '--title', 'Lunch v2']);
      await w.ok(['daemon', '--once']);
      await w.ok(['daemon', '--once']);
      expect((await w.ok<{ title: string }>(['events', 'show', '1'])).title).toBe('Lunch v2');
      expect(subjects()).toEqual(['Lunch v2']);
    });

    it(`an update stored without an answer (${mode}), then deleted in Outlook, stays deleted`, async () => {
      w = await world([ALICE]);
      await w.ok(['events', 'add', '--staff', ALICE, '--title', 'Call', '--start', '2026-12-04T12:00', '--end', '2026-12-04T13:00']);
      await w.ok(['daemon', '--once']);
      await w.ok(['events', 'update', '1', '--title', 'Call v1']);
      w.sim.control.setFaults({ storeThenFail: 1, storeThenFailMode: mode, retryAfterSeconds: 0.01 });
      await w.sb.json(['daemon', '--once']);
      w.sim.control.clearFaults();
      // The person sees "Call v1" in Outlook and deletes it there.
      const [event] = w.sim.control.events(ALICE, { calendar: 'primary' });
      expect(event?.subject).toBe('Call v1');
      w.sim.control.deleteEvent(ALICE, event!.id);
      await w.ok(['daemon', '--once']);
      await w.ok(['daemon', '--once']);
      expect(subjects()).toEqual([]);
      expect(await w.ok(['events', 'list'])).toEqual([]);
    });

    it(`a create stored without an answer (${mode}) is linked once, and the newer edit goes out`, async () => {
      w = await world([ALICE]);
      await w.ok(['events', 'add', '--staff', ALICE, '--title', 'Hearing', '--category', 'Hearing', '--start', '2026-12-02T09:00', '--end', '2026-12-02T10:00']);
      w.sim.control.setFaults({ storeThenFail: 1, storeThenFailMode: mode, retryAfterSeconds: 0.01 });
      await w.sb.json(['daemon', '--once']);
      w.sim.control.clearFaults();
      await w.ok(['events', 'update', '1', '--title', 'Hearing (moved)', '--start', '2026-12-03T09:00', '--end', '2026-12-03T10:00']);
      await w.ok(['daemon', '--once']);
      await w.ok(['daemon', '--once']);
      expect((await w.ok<{ title: string }>(['events', 'show', '1'])).title).toBe('Hearing (moved)');
      expect(subjects()).toEqual(['Hearing (moved)']);
      expect(await w.ok(['conflicts', 'list'])).toEqual([]);
    });
  }
});
