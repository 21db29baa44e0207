// The unkind delta (seeded, so reproducible): order not guaranteed, duplicates within a round,
// replays in the next round, empty pages that still carry a nextLink, nextLink loops.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { graph, signedInUser, startTestSimulator, type Simulator } from '../helpers/sim.js';
import { deltaRound, event, PREFER, windowQuery } from './_delta.js';

const ALICE = 'alice@firm.example';
let sim: Simulator;
let token: string;
beforeEach(async () => {
  sim = await startTestSimulator();
  token = signedInUser(sim, ALICE).token;
  for (let i = 0; i < 8; i++) sim.control.createEvent(ALICE, event(`E${i}`, `2026-03-1${i}T09:00:00`, `2026-03-1${i}T10:00:00`));
});
afterEach(() => sim.stop());

const subjects = (items: any[]) => items.map((e) => e.subject);

describe('unkind delta', () => {
  it('shuffles the order, reproducibly for a seed', async () => {
    sim.control.setFaults({ seed: 7, deltaShuffle: true });
    const a = subjects((await deltaRound(sim, token, windowQuery())).items);
    sim.control.setFaults({ seed: 7, deltaShuffle: true });
    const b = subjects((await deltaRound(sim, token, windowQuery())).items);
    expect(a).toEqual(b);
    expect(a).not.toEqual([...a].sort());
    expect([...a].sort()).toEqual(['E0', 'E1', 'E2', 'E3', 'E4', 'E5', 'E6', 'E7']);
  });

  it('repeats the same event within a round', async () => {
    sim.control.setFaults({ seed: 1, deltaDuplicate: 0.5 });
    const items = (await deltaRound(sim, token, windowQuery())).items;
    expect(items.length).toBeGreaterThan(8);
    expect(new Set(subjects(items)).size).toBe(8);
  });

  it('replays unchanged events in the next round with the same changeKey', async () => {
    sim.control.setFaults({ seed: 3, deltaReplay: 1 });
    const first = await deltaRound(sim, token, windowQuery());
    sim.control.clearFaults();
    const second = await deltaRound(sim, token, first.deltaLink);
    expect(second.items).toHaveLength(8);
    const before = new Map(first.items.map((e) => [e.id, e.changeKey]));
    for (const e of second.items) expect(e.changeKey).toBe(before.get(e.id));
    expect((await deltaRound(sim, token, second.deltaLink)).items).toEqual([]);
  });

  it('sends empty pages that still carry a nextLink, without losing anything', async () => {
    sim.control.setFaults({ seed: 5, deltaEmptyPage: 1 });
    const round = await deltaRound(sim, token, windowQuery(), 'outlook.timezone="UTC", odata.maxpagesize=3');
    expect(round.pages.filter((p) => p.length === 0).length).toBeGreaterThan(0);
    expect(new Set(round.links).size).toBe(round.links.length);
    expect(subjects(round.items).sort()).toEqual(['E0', 'E1', 'E2', 'E3', 'E4', 'E5', 'E6', 'E7']);
  });

  it('can loop nextLinks forever (a client needs loop detection and a page limit)', async () => {
    sim.control.setFaults({ deltaLoop: true });
    let link = `${sim.url}/v1.0${windowQuery()}`;
    const seen: string[] = [];
    for (let i = 0; i < 8; i++) {
      const res = await graph(sim, token, 'GET', link, undefined, { Prefer: 'odata.maxpagesize=4' });
      expect(res.body['@odata.deltaLink']).toBeUndefined();
      link = res.body['@odata.nextLink'];
      seen.push(link);
    }
    expect(new Set(seen).size).toBeLessThan(seen.length);
  });

  it('applies the Prefer header of each page, not of the first (it is not in the link)', async () => {
    const first = await graph(sim, token, 'GET', windowQuery(), undefined, { Prefer: 'odata.maxpagesize=4, outlook.timezone="UTC"' });
    const next = await graph(sim, token, 'GET', first.body['@odata.nextLink'], undefined, { Prefer: PREFER.replace('outlook.timezone="UTC", ', '') });
    expect(first.body.value[0].start.timeZone).toBe('UTC');
    expect(next.body.value[0].start.timeZone).toBe('Pacific Standard Time');
  });
});
