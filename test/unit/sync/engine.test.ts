// The engine as it ships (runSync, planner, executor) over the memory ports, scenario by scenario.

import { describe, expect, it } from 'vitest';
import { runSync } from '../../../src/sync/run.js';
import { memoryWorld } from '../../support/memory-host.js';
import { content } from './fixtures.js';

const POLICY = { events: true, tasks: true, deadlines: true, maxDeletes: 25, sensitivity: 'confidential' as const };
const run = (w: ReturnType<typeof memoryWorld>) => runSync(w.host, { trigger: 'scheduled', push: true, policy: POLICY, allowDeletes: false });

describe('the engine over the memory ports', () => {
  it('a Teams join URL Outlook changes later reaches the CaseFlow event (a field not synced, so only the link refreshes)', async () => {
    const w = memoryWorld();
    w.store.addItem({ kind: 'event', content: content({ teamsMeeting: true, attendees: [] }), confidential: false, protected: false });
    await run(w);
    const [copy] = w.calendar.live();
    w.calendar.userEdit(copy!.id, { onlineMeeting: { joinUrl: 'https://teams.example/meet/2' } });
    const summary = await run(w);
    expect(summary).toMatchObject({ pulled: { created: 0, updated: 0, deleted: 0 }, pushed: { created: 0, updated: 0, deleted: 0 } });
    expect(w.store.items()[0]!.joinUrl).toBe('https://teams.example/meet/2');
  });
});
