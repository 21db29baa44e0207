// A run with nothing to do, in a new process, does no work that grows with the store and starts
// nothing it does not need: the sync window worked out by the first run of the day is taken from
// the store, so the runtime's time-zone support (the first date formatter, about 20 ms) is not
// started, and Graph is asked without Node's fetch. Only a fresh process shows that, so these
// spawn the built binary.

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { world, type World } from '../helpers/world.js';

let w: World;
let dir: string;
/** Where the last run noted whether it loaded fetch. */
let loadedFetch = '';
afterEach(async () => {
  await w?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Runs `daemon --once` as a new process that notes each date formatter made, and at its exit
 * whether Node's fetch (undici) was loaded; returns how many formatters.
 */
async function formattersMade(): Promise<number> {
  const file = join(dir, `made-${Math.random().toString(36).slice(2)}.txt`);
  loadedFetch = join(dir, `fetch-${Math.random().toString(36).slice(2)}.txt`);
  const spy = join(dir, 'spy.mjs');
  writeFileSync(
    spy,
    `import { appendFileSync } from 'node:fs';
const Made = Intl.DateTimeFormat;
function Spy(...args) { appendFileSync(${JSON.stringify(file)}, 'made\\n'); return new Made(...args); }
Spy.prototype = Made.prototype;
Spy.supportedLocalesOf = Made.supportedLocalesOf;
Intl.DateTimeFormat = Spy;
process.on('exit', () => appendFileSync(${JSON.stringify(loadedFetch)}, JSON.stringify(process.moduleLoadList.some((m) => m.includes('undici')))));
`,
  );
  const r = await w.sb.json(['daemon', '--once'], { spawn: true, env: { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${pathToFileURL(spy).href}`.trim() } });
  expect(r.code, r.stderr).toBe(0);
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).length : 0;
}

describe('a quiet run in a new process', () => {
  it('takes the window from the store: no date formatter, one delta request; a changed firm zone works it out again', async () => {
    dir = mkdtempSync(join(tmpdir(), 'cfo-quiet-'));
    w = await world(['alice@firm.example']);
    await w.ok(['events', 'add', '--staff', 'alice@firm.example', '--title', 'Hearing', '--start', '2026-12-01T09:00', '--end', '2026-12-01T10:00']);
    // The first run of the day works the window out and pushes the event; the second reads
    // Outlook's copy back (its dates go through the zone).
    expect(await formattersMade()).toBeGreaterThan(0);
    await w.ok(['daemon', '--once']);
    w.sim.control.clearRequestLog();
    expect(await formattersMade()).toBe(0);
    expect(w.sim.control.requestLog().map((e) => e.kind)).toEqual(['delta']);
    // Graph is asked over node:https: fetch's first use would load undici (about 45 ms).
    expect(readFileSync(loadedFetch, 'utf8')).toBe('false');

    await w.ok(['firm', 'set', '--time-zone', 'America/New_York']);
    expect(await formattersMade()).toBeGreaterThan(0);
    await w.ok(['daemon', '--once']);
    expect(await formattersMade()).toBe(0);
    const events = await w.ok<{ title: string; outlookId: string | null }[]>(['events', 'list']);
    expect(events).toMatchObject([{ title: 'Hearing', outlookId: expect.any(String) }]);
  });
});
