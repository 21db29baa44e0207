// explain: one item's story, from the rules that decide it, over the memory store.

import { describe, expect, it } from 'vitest';
import { explainItem, type ExplainInput } from '../../../src/sync/explain.js';
import { runSync } from '../../../src/sync/run.js';
import { memoryWorld, MEMORY_WINDOW } from '../../support/memory-host.js';
import { content } from './fixtures.js';

const POLICY = { events: true, tasks: true, deadlines: true, maxDeletes: 25, sensitivity: 'confidential' as const, protectedTitle: 'keep' as const };
const input = (w: ReturnType<typeof memoryWorld>, over: Partial<ExplainInput> = {}): ExplainInput => ({ store: w.store, staff: 7, storeId: w.host.storeId, window: MEMORY_WINDOW, policy: { ...POLICY, push: true }, blockers: [], ...over });

describe('explain', () => {
  it('a new event: two-way, not linked yet, the next run creates it; once pushed, it syncs and the next run does nothing', async () => {
    const w = memoryWorld();
    const e = w.store.addItem({ kind: 'event', content: content({ attendees: [] }), confidential: false, protected: false });
    expect(explainItem('event', e.id, input(w))).toMatchObject({ direction: 'two-way', linkState: 'not linked', syncs: true, why: [], nextRun: 'create it in Outlook' });
    await runSync(w.host, { trigger: 'scheduled', push: true, policy: POLICY, allowDeletes: false });
    expect(explainItem('event', e.id, input(w))).toMatchObject({ linkState: 'linked', outlookId: expect.any(String), nextRun: 'nothing' });
  });

  it('says why an item does not sync: the toggle, the window, a recurrence, and what the caller knows', () => {
    const w = memoryWorld();
    const task = w.store.addItem({ kind: 'task', content: content({ title: 'Task: Brief', attendees: [] }), confidential: true, protected: false });
    const far = w.store.addItem({ kind: 'event', content: content({ start: '2028-01-01T09:00:00.000Z', end: '2028-01-01T10:00:00.000Z', attendees: [] }), confidential: false, protected: false });
    const weekly = w.store.addItem({ kind: 'event', content: content({ attendees: [] }), confidential: false, protected: false, recurring: true });
    expect(explainItem('task', task.id, input(w, { policy: { ...POLICY, tasks: false, push: true } }))).toMatchObject({ direction: 'to Outlook', syncs: false, why: ['this kind of item is switched off in prefs'] });
    expect(explainItem('event', far.id, input(w))!.why).toEqual([expect.stringContaining('outside the sync window')]);
    expect(explainItem('event', weekly.id, input(w))!.why).toEqual(['recurring events created in CaseFlow are not pushed to Outlook']);
    expect(explainItem('event', weekly.id, input(w, { blockers: ['not connected'] }))!.why[0]).toBe('not connected');
    expect(explainItem('event', 999, input(w))).toBeNull();
  });
});
