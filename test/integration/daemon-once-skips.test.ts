// A scheduled run (`daemon --once` without --staff) lists every staff member with what happened
// and why, so cron hears about a revoked sign-in on every run, not only on the run that met it.

import { afterEach, describe, expect, it } from 'vitest';
import { world, type World } from '../helpers/world.js';

const ALICE = 'alice@firm.example';
const BOB = 'bob@firm.example';
let w: World;
afterEach(async () => {
  await w?.stop();
});

interface Entry {
  staff: string;
  outcome: string;
  reason: string | null;
  note: string | null;
  errors: string[];
  pulled: { created: number };
  pushed: { created: number };
}

const byStaff = (entries: Entry[], email: string) => entries.find((e) => e.staff === email)!;

describe('daemon --once reports every staff member it skipped', () => {
  it('a revoked sign-in is reported by the run that meets it and by every later run, exit 3, while the others sync', async () => {
    w = await world([ALICE, BOB]);
    await w.ok(['daemon', '--once']);
    w.sim.control.revokeUser(ALICE);
    await w.ok(['events', 'add', '--staff', BOB, '--title', 'Hearing', '--start', '2026-12-01T09:00', '--end', '2026-12-01T10:00']);

    const first = await w.sb.json<Entry[]>(['daemon', '--once']);
    expect(first.code, first.stderr).toBe(3);
    expect(first.body.map((e) => e.staff)).toEqual([ALICE, BOB]);
    expect(byStaff(first.body, ALICE)).toMatchObject({ outcome: 'failed', reason: 'needs-reconnect', note: expect.stringContaining(`caseflow-outlook connect --staff ${ALICE} --force`) });
    expect(byStaff(first.body, BOB)).toMatchObject({ outcome: 'synced', reason: null, note: null, pushed: { created: 1 } });

    w.sim.control.resetMetrics();
    const second = await w.sb.json<Entry[]>(['daemon', '--once']);
    expect(second.code, second.stderr).toBe(3);
    expect(byStaff(second.body, ALICE)).toMatchObject({ outcome: 'skipped', reason: 'needs-reconnect', errors: [], note: expect.stringContaining(`caseflow-outlook connect --staff ${ALICE} --force`) });
    expect(byStaff(second.body, BOB)).toMatchObject({ outcome: 'synced', reason: null });
    // Skipped means skipped: not one request for her mailbox.
    expect(w.requests(ALICE)).toBe(0);
    expect(w.requests(BOB)).toBeGreaterThan(0);
    expect(second.stderr).toMatch(new RegExp(`${ALICE}: skipped: the Microsoft sign-in expired or was revoked`));
  });

  it('the human table names the skipped staff member, the reason and the command to run', async () => {
    w = await world([ALICE, BOB]);
    w.sim.control.revokeUser(ALICE);
    await w.sb.run(['daemon', '--once']);
    const r = await w.sb.run(['daemon', '--once']);
    expect(r.code).toBe(3);
    const rows = r.stdout.trim().split('\n').map((line) => line.split('\t'));
    expect(rows).toHaveLength(2);
    const alice = rows.find((cells) => cells[0] === ALICE)!;
    expect(alice.slice(5)).toEqual(['skipped (needs-reconnect)', expect.stringContaining(`caseflow-outlook connect --staff ${ALICE} --force`)]);
    expect(rows.find((cells) => cells[0] === BOB)![5]).toBe('synced');
  });

  it('a paused staff member and one never connected are listed as skipped, and alone they are exit 0', async () => {
    w = await world([ALICE, BOB]);
    await w.ok(['prefs', 'set', '--staff', ALICE, '--enabled', 'off']);
    await w.ok(['staff', 'add', '--email', 'carol@firm.example', '--name', 'Carol']);
    const r = await w.sb.json<Entry[]>(['daemon', '--once']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.body.map((e) => [e.staff, e.outcome, e.reason])).toEqual([
      [ALICE, 'skipped', 'paused'],
      [BOB, 'synced', null],
      ['carol@firm.example', 'skipped', 'not-connected'],
    ]);
    expect(byStaff(r.body, ALICE).note).toContain(`caseflow-outlook prefs set --staff ${ALICE} --enabled on`);
    expect(byStaff(r.body, 'carol@firm.example').note).toContain('caseflow-outlook connect --staff carol@firm.example');
    expect(w.requests(ALICE)).toBe(0);
  });

  it('a firm that is not gated in is still exit 3 for the whole run', async () => {
    w = await world([ALICE, BOB]);
    await w.ok(['firm', 'set', '--outlook-beta', 'off']);
    const r = await w.sb.json(['daemon', '--once']);
    expect(r.code).toBe(3);
    expect(r.body.error.code).toBe('feature_not_enabled');
    expect(r.stderr).toBe('');
  });
});
