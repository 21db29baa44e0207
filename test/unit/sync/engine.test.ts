// The engine as it ships (runSync, planner, executor) over the memory ports, scenario by scenario.

import { describe, expect, it } from 'vitest';
import { runSync } from '../../../src/sync/run.js';
import { memoryWorld } from '../../support/memory-host.js';
import { content } from './fixtures.js';

const POLICY = { events: true, tasks: true, deadlines: true, maxDeletes: 25, sensitivity: 'confidential' as const, protectedTitle: 'keep' as const };
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

describe('old-style tags', () => {
  it("a create refused as a duplicate does not take another store's event that carries the same old-style tag", async () => {
    const w = memoryWorld();
    const item = w.store.addItem({ kind: 'event', content: content({ title: 'Mine', attendees: [] }), confidential: false, protected: false });
    // A link from before store instance ids: its create was sent, its answer never came.
    w.store.insertLink({ kind: 'event', localId: item.id, outlookId: null, transactionId: 'tx-old', tag: `event:${item.id}`, generation: 0, state: 'creating', role: 'owner', localHash: null, remoteHash: null, changeKey: null, confidential: false, iCalUId: null });
    // Outlook remembers that transactionId (its event is gone), and another store's event has the same old tag.
    const [mine] = await w.calendar.write([{ op: 'create', payload: { subject: 'Mine', body: { contentType: 'text', content: '' }, start: { dateTime: '2026-12-01T09:00:00.0000000', timeZone: 'UTC' }, end: { dateTime: '2026-12-01T10:00:00.0000000', timeZone: 'UTC' }, isAllDay: false, location: { displayName: '' }, attendees: [], sensitivity: 'normal' }, transactionId: 'tx-old', tag: 'gone' }]);
    w.calendar.userDelete(mine!.status === 'ok' ? mine!.event!.id : '');
    const other = w.calendar.userCreate({ subject: "Someone else's", start: { dateTime: '2026-12-05T09:00:00.0000000', timeZone: 'UTC' }, end: { dateTime: '2026-12-05T10:00:00.0000000', timeZone: 'UTC' }, transactionId: 'tx-someone-else' });
    w.calendar.events.get(other.id)!.tag = `event:${item.id}`;
    await run(w);
    const link = w.store.links().find((l) => l.localId === item.id)!;
    expect(link.outlookId).not.toBe(other.id);
    expect(w.calendar.writes.filter((x) => x.op.op !== 'create')).toEqual([]);
    expect(w.calendar.live().map((e) => e.subject).sort()).toEqual(['Mine', "Someone else's"]);
  });
});

describe('a store restored from a backup', () => {
  it('claims the copy a later run created again, instead of deleting the event and pulling the copy as a stranger', async () => {
    const w = memoryWorld();
    const hearing = w.store.addItem({ kind: 'event', content: content({ title: 'Hearing', description: 'privileged', attendees: [] }), confidential: true, protected: true });
    await run(w);
    const backup = { store: structuredClone((w.store as unknown as { s: unknown }).s), state: structuredClone(w.state) };
    // After the backup: the copy is deleted in Outlook, the hearing edited in CaseFlow, and the
    // next run creates it again in Outlook (the next generation).
    w.calendar.userDelete(w.calendar.live()[0]!.id);
    w.store.editItem('event', hearing.id, { ...hearing.content, location: 'Court 9' });
    await run(w);
    expect(w.calendar.live()).toHaveLength(1);
    // The backup comes back.
    (w.store as unknown as { s: unknown }).s = backup.store;
    Object.assign(w.state, backup.state);
    const summary = await run(w);
    expect(summary.pulled).toEqual({ created: 0, updated: 0, deleted: 0 });
    expect(w.store.items().map((i) => [i.id, i.content.title, i.source])).toEqual([[hearing.id, 'Hearing', 'caseflow']]);
    const [link] = w.store.links();
    expect(link).toMatchObject({ localId: hearing.id, outlookId: w.calendar.live()[0]!.id });
    // Changed on both sides of a protected event since the backup: held for a person, not overwritten.
    expect(link!.state).toBe('paused');
    expect(w.store.conflicts().map((c) => c.status)).toEqual(['open']);
  });
});
