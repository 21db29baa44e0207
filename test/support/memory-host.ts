// A RunHost over the memory ports: the real runSync, planner and executor, with no server and no
// SQLite. The delta state and the lock live in memory, as the store would keep them.

import { createLogger } from '../../src/log.js';
import type { InvalidItem, SyncWindow } from '../../src/sync/ports.js';
import type { RunHost } from '../../src/sync/run.js';
import { CrashClock, MEMORY_ORIGIN, MemoryCalendar } from './memory-calendar.js';
import { MemorySyncStore } from './memory-store.js';

export const MEMORY_WINDOW: SyncWindow = {
  startUtc: '2026-11-01T00:00:00.000Z',
  endUtc: '2027-11-01T00:00:00.000Z',
  startDate: '2026-11-01',
  endDate: '2027-11-01',
};

export interface MemoryWorld {
  clock: CrashClock;
  store: MemorySyncStore;
  calendar: MemoryCalendar;
  host: RunHost;
  state: { deltaLink: string | null; windowStart: string | null; windowEnd: string | null; deltaFlows: string | null; allowDeletes: boolean; lastError: string | null; changeSeq: number | null; changeScope: string | null };
  invalid: InvalidItem[];
}

export function memoryWorld(storeId = 'f'.repeat(32)): MemoryWorld {
  const clock = new CrashClock();
  const store = new MemorySyncStore(7, clock);
  const calendar = new MemoryCalendar(clock);
  const w: MemoryWorld = {
    clock,
    store,
    calendar,
    state: { deltaLink: null, windowStart: null, windowEnd: null, deltaFlows: null, allowDeletes: false, lastError: null, changeSeq: null, changeScope: null },
    invalid: [],
    host: null as unknown as RunHost,
  };
  let held = false;
  w.host = {
    store,
    calendar,
    staffEmail: 'alice@firm.example',
    staffId: 7,
    storeId,
    log: createLogger({ verbose: false, json: false, write: () => {} }),
    window: MEMORY_WINDOW,
    readState: () => ({ ...w.state }),
    graphOrigin: MEMORY_ORIGIN,
    saveState: ({ success: _s, breaker: _b, ...changes }) => {
      for (const [k, v] of Object.entries(changes)) if (v !== undefined) (w.state as Record<string, unknown>)[k] = v;
    },
    lock: () => {
      if (held) return { heldBy: 'another run' };
      held = true;
      return { renew: () => {}, release: () => void (held = false) };
    },
    invalidIds: () => w.invalid.flatMap((i) => (i.id ? [i.id] : [])),
    saveInvalid: (items) => void (w.invalid = items),
  };
  return w;
}
