import { describe, expect, it } from 'vitest';
import { localHash, remoteHash } from '../../../src/sync/content.js';
import { caseflowIdValue, transactionIdFor } from '../../../src/sync/mapping.js';
import { plan } from '../../../src/sync/planner.js';
import type { RemoteEvent } from '../../../src/sync/model.js';
import { content, editedRemote, input, item, linkFor, only, policy, pushedEvent, STAFF, STORE, types, uidOf, upsert } from './fixtures.js';

function synced(over: Parameters<typeof item>[0] = {}) {
  const local = item(over);
  const remote = pushedEvent(local, `AAMk-${local.kind}-${local.id}`);
  return { local, remote, link: linkFor(local, remote) };
}

function newRemote(id: string, over: Partial<RemoteEvent> = {}): RemoteEvent {
  return { ...pushedEvent(item({ content: content({ title: `Outlook ${id}` }) }), id, `ck-${id}`), iCalUId: `uid-${id}`, ...over };
}

describe('new on each side', () => {
  it('a new CaseFlow event in the window is created in Outlook, tagged, with a derived transactionId', () => {
    const local = item({ id: 5 });
    const r = plan(input({ local: [local] }));
    const create = only(r.actions, 'remote.create');
    expect(create).toMatchObject({ reason: 'new', linkId: null, localId: 5, kind: 'event', generation: 0 });
    expect(create.transactionId).toBe(transactionIdFor(STORE, 'event', uidOf('event', 5), 0));
    expect(create.tag).toBe(caseflowIdValue(STORE, 'event', uidOf('event', 5)));
    expect(create.localHash).toBe(localHash(local));
    expect(r.actions).toHaveLength(1);
  });

  it('a new CaseFlow event outside the window is not pushed', () => {
    expect(plan(input({ local: [item({ inWindow: false })] })).actions).toEqual([]);
  });

  it('a new Outlook event becomes a CaseFlow event owned by the staff member', () => {
    const ev = newRemote('N1');
    const r = plan(input({ remote: [upsert(ev)] }));
    const create = only(r.actions, 'local.create');
    expect(create).toMatchObject({ linkId: null, role: 'owner', readOnly: false, recurringInOutlook: false, staff: STAFF });
    expect(create.content.title).toBe('Outlook N1');
    expect(create.remoteHash).toBe(remoteHash(ev));
    expect(create.changeKey).toBe('ck-N1');
  });

  it('an Outlook occurrence arrives read-only and marked recurring in Microsoft 365', () => {
    const r = plan(input({ remote: [upsert(newRemote('O1', { type: 'occurrence', seriesMasterId: 'M1' }))] }));
    expect(only(r.actions, 'local.create')).toMatchObject({ readOnly: true, recurringInOutlook: true });
  });

  it('a series master seen in the delta is skipped: its occurrences are what syncs', () => {
    const r = plan(input({ remote: [upsert(newRemote('M1', { type: 'seriesMaster' }))] }));
    expect(r.actions).toEqual([]);
    expect(r.skipped).toEqual([{ reason: 'series-master', kind: 'event', outlookId: 'M1' }]);
  });

  it('an invitation organised outside CaseFlow becomes a pull-only (attendee) CaseFlow event', () => {
    const r = plan(input({ remote: [upsert(newRemote('I1', { isOrganizer: false }))] }));
    expect(only(r.actions, 'local.create').role).toBe('attendee');
  });

  it('an Outlook event outside the window is not pulled as new', () => {
    expect(plan(input({ remote: [upsert(newRemote('W1', { inWindow: false }))] })).actions).toEqual([]);
  });
});

describe('edited on each side', () => {
  it('a CaseFlow edit with Outlook unchanged is pushed with If-Match of the last changeKey', () => {
    const { local, link } = synced();
    const edited = { ...local, content: { ...local.content, title: 'Hearing moved' } };
    const r = plan(input({ links: [link], local: [edited] }));
    const update = only(r.actions, 'remote.update');
    expect(update).toMatchObject({ outlookId: link.outlookId, ifMatch: 'ck-1', localHash: localHash(edited) });
    expect(update.payload.subject).toBe('Hearing moved');
    expect(Object.keys(update.payload)).not.toContain('transactionId');
  });

  it('an Outlook edit with CaseFlow unchanged is pulled', () => {
    const { local, remote, link } = synced();
    const moved = editedRemote(remote, { start: '2026-12-02T09:00:00.000Z', end: '2026-12-02T10:00:00.000Z' });
    const r = plan(input({ links: [link], local: [local], remote: [upsert(moved)] }));
    const update = only(r.actions, 'local.update');
    expect(update.content.start).toBe('2026-12-02T09:00:00.000Z');
    expect(update.content.timeZone).toBe('Europe/London');
    expect(update).toMatchObject({ conflict: false, changeKey: 'ck-2', remoteHash: remoteHash(moved) });
  });

  it('an Outlook edit of an event pushed as confidential never overwrites the CaseFlow description', () => {
    const { local, remote, link } = synced({ confidential: true });
    expect(remote.content.description).toBe('Confidential');
    const edited = editedRemote(remote, { title: 'Renamed in Outlook', description: 'Confidential' });
    const update = only(plan(input({ links: [link], local: [local], remote: [upsert(edited)] })).actions, 'local.update');
    expect(update.content.title).toBe('Renamed in Outlook');
    expect(update.content.description).toBe('Bring the bundle');
  });

  it('an Outlook change to fields we do not sync only refreshes the link', () => {
    const { local, remote, link } = synced();
    const renamed = editedRemote(remote, { attendees: [{ email: 'BOB@firm.example', name: 'Robert Smith', type: 'required' }] });
    const r = plan(input({ links: [link], local: [local], remote: [upsert(renamed)] }));
    expect(r.actions).toEqual([{ type: 'link.refresh', linkId: link.id, kind: 'event', localId: link.localId, localHash: link.localHash, remoteHash: link.remoteHash, changeKey: 'ck-2' }]);
  });

  it('with pushing off a CaseFlow edit is counted pending and nothing is written', () => {
    const { local, link } = synced();
    const edited = { ...local, content: { ...local.content, location: 'Court 9' } };
    const r = plan(input({ links: [link], local: [edited], policy: policy({ push: false }) }));
    expect(r.actions).toEqual([]);
    expect(r.pendingLocal).toBe(1);
  });
});

describe('deleted on each side', () => {
  it('deleted in CaseFlow and unchanged in Outlook: deleted in Outlook with If-Match', () => {
    const { link } = synced();
    expect(plan(input({ links: [link] })).actions).toEqual([
      { type: 'remote.delete', linkId: link.id, kind: 'event', localId: 1, outlookId: link.outlookId, ifMatch: 'ck-1' },
    ]);
  });

  it('deleted in Outlook (confirmed) and unchanged in CaseFlow: deleted in CaseFlow', () => {
    const { local, link } = synced();
    const r = plan(input({ links: [link], local: [local], remote: [{ kind: 'removed', id: link.outlookId!, confirmation: 'deleted' }] }));
    expect(r.actions).toEqual([{ type: 'local.delete', linkId: link.id, kind: 'event', localId: 1, outlookId: link.outlookId }]);
  });

  it('deleted on both sides: the link is dropped', () => {
    const { link } = synced();
    const r = plan(input({ links: [link], remote: [{ kind: 'removed', id: link.outlookId!, confirmation: 'deleted' }] }));
    expect(types(r.actions)).toEqual(['link.drop']);
  });
});

describe('deleted on one side while edited on the other: the edit wins', () => {
  it('deleted in Outlook while edited in CaseFlow: re-created in Outlook, next generation, new transactionId', () => {
    const { local, link } = synced();
    const edited = { ...local, content: { ...local.content, title: 'Still happening' } };
    const r = plan(input({ links: [link], local: [edited], remote: [{ kind: 'removed', id: link.outlookId!, confirmation: 'deleted' }] }));
    const create = only(r.actions, 'remote.create');
    expect(create).toMatchObject({ reason: 'recreate', linkId: link.id, generation: 1 });
    expect(create.transactionId).toBe(transactionIdFor(STORE, 'event', uidOf('event', 1), 1));
    expect(create.transactionId).not.toBe(link.transactionId);
    expect(types(r.actions)).not.toContain('local.delete');
  });

  it('deleted in CaseFlow while edited in Outlook: re-created in CaseFlow from Outlook on the same link', () => {
    const { remote, link } = synced();
    const edited = editedRemote(remote, { title: 'Edited in Outlook' });
    const r = plan(input({ links: [link], remote: [upsert(edited)] }));
    const create = only(r.actions, 'local.create');
    expect(create).toMatchObject({ linkId: link.id, content: expect.objectContaining({ title: 'Edited in Outlook' }) });
    expect(types(r.actions)).not.toContain('remote.delete');
  });

  it('with pushing off, an Outlook deletion of an edited item is remembered (unlinked) and counted pending', () => {
    const { local, link } = synced();
    const edited = { ...local, content: { ...local.content, title: 'Still happening' } };
    const r = plan(input({ links: [link], local: [edited], policy: policy({ push: false }), remote: [{ kind: 'removed', id: link.outlookId!, confirmation: 'deleted' }] }));
    expect(types(r.actions)).toEqual(['link.unlink']);
    expect(r.pendingLocal).toBe(1);
  });
});

describe('same edit, echoes and conflicts', () => {
  it('the same edit made on both sides is not a conflict: only the link is refreshed', () => {
    const { local, remote, link } = synced({ protected: true });
    const edited = { ...local, content: { ...local.content, location: 'Court 1' } };
    const r = plan(input({ links: [link], local: [edited], remote: [upsert(editedRemote(remote, { location: 'Court 1' }))] }));
    expect(types(r.actions)).toEqual(['link.refresh']);
    expect(only(r.actions, 'link.refresh')).toMatchObject({ localHash: localHash(edited), changeKey: 'ck-2' });
  });

  it('our own push echoing back with the same changeKey plans nothing', () => {
    const { local, remote, link } = synced();
    expect(plan(input({ links: [link], local: [local], remote: [upsert(remote), upsert(remote)] })).actions).toEqual([]);
  });

  it('our own confidential push echoing back with a moved changeKey is not a change', () => {
    const { local, remote, link } = synced({ confidential: true });
    const r = plan(input({ links: [link], local: [local], remote: [upsert({ ...remote, changeKey: 'ck-9' })] }));
    expect(types(r.actions)).toEqual(['link.refresh']);
  });

  it('a protected event changed on both sides is recorded as a conflict and neither side is written', () => {
    const { local, remote, link } = synced({ protected: true });
    const edited = { ...local, content: { ...local.content, title: 'CaseFlow title' } };
    const theirs = editedRemote(remote, { title: 'Outlook title' });
    const r = plan(input({ links: [link], local: [edited], remote: [upsert(theirs)] }));
    expect(types(r.actions)).toEqual(['conflict.record']);
    expect(only(r.actions, 'conflict.record')).toMatchObject({ caseflow: { title: 'CaseFlow title' }, outlook: { title: 'Outlook title' } });
  });

  it('a normal event changed on both sides: Outlook wins and the CaseFlow version that lost is carried for the audit', () => {
    const { local, remote, link } = synced();
    const edited = { ...local, content: { ...local.content, title: 'CaseFlow title' } };
    const r = plan(input({ links: [link], local: [edited], remote: [upsert(editedRemote(remote, { title: 'Outlook title' }))] }));
    const update = only(r.actions, 'local.update');
    expect(update.conflict).toBe(true);
    expect(update.content.title).toBe('Outlook title');
    expect(update.previous.title).toBe('CaseFlow title');
    expect(types(r.actions)).toEqual(['local.update']);
  });

  it('a paused link is skipped entirely, whatever changed on either side', () => {
    const { local, remote, link } = synced();
    const paused = { ...link, state: 'paused' as const };
    const r = plan(input({ links: [paused], local: [{ ...local, content: content({ title: 'x' }) }], remote: [upsert(editedRemote(remote, { title: 'y' }))] }));
    expect(r.actions).toEqual([]);
    expect(r.skipped).toEqual([{ reason: 'paused', kind: 'event', localId: 1, outlookId: link.outlookId }]);
  });
});

describe('an update whose answer was lost', () => {
  /** "v0" synced, then "v1" sent: the link records it; Outlook stored it (its copy, with a new changeKey). */
  function sentV1(kind: 'event' | 'task' = 'event') {
    const { local, remote, link } = synced({ kind, content: content({ title: 'v0' }) });
    const v1 = item({ kind, content: content({ title: 'v1' }) });
    const stored = pushedEvent(v1, remote.id, 'ck-v1');
    return { local, remote, stored, link: { ...link, sentLocalHash: localHash(v1), sentRemoteHash: remoteHash(stored) } };
  }

  it('its echo with CaseFlow as sent: the link learns it, nothing is written', () => {
    const { stored, link } = sentV1();
    const r = plan(input({ links: [link], local: [item({ content: content({ title: 'v1' }) })], remote: [upsert(stored)] }));
    expect(only(r.actions, 'link.refresh')).toMatchObject({ localHash: link.sentLocalHash, remoteHash: link.sentRemoteHash, changeKey: 'ck-v1' });
    expect(r.actions).toHaveLength(1);
  });

  it('its echo after CaseFlow went back to the older version: CaseFlow is newer and goes out', () => {
    const { local, stored, link } = sentV1();
    const r = plan(input({ links: [link], local: [local], remote: [upsert(stored)] }));
    expect(only(r.actions, 'remote.update')).toMatchObject({ ifMatch: 'ck-v1', content: { title: 'v0' } });
  });

  it('a copy that does not hash as sent is an Outlook edit: changed on both sides, Outlook wins', () => {
    const { stored, link } = sentV1();
    const r = plan(input({ links: [link], local: [item({ content: content({ title: 'v2' }) })], remote: [upsert(editedRemote(stored, { title: 'Outlook' }, 'ck-3'))] }));
    expect(only(r.actions, 'local.update')).toMatchObject({ conflict: true, content: { title: 'Outlook' } });
  });

  it('a task: its echo with CaseFlow as sent is learnt, not pushed again', () => {
    const { stored, link } = sentV1('task');
    const r = plan(input({ links: [link], local: [item({ kind: 'task', content: content({ title: 'v1' }) })], remote: [upsert(stored)] }));
    expect(types(r.actions)).toEqual(['link.refresh']);
  });
});

describe('the sync window', () => {
  it('an event that only left the window (removal confirmed to exist) is never deleted', () => {
    const { local, link } = synced();
    const r = plan(input({ links: [link], local: [local], remote: [{ kind: 'removed', id: link.outlookId!, confirmation: 'exists' }] }));
    expect(r.actions).toEqual([]);
  });

  it('an event moved out of the window in Outlook is updated, not deleted', () => {
    const { local, remote, link } = synced();
    const moved = { ...editedRemote(remote, { start: '2028-01-05T09:00:00.000Z', end: '2028-01-05T10:00:00.000Z' }), inWindow: false };
    const r = plan(input({ links: [link], local: [local], remote: [{ kind: 'removed', id: moved.id, confirmation: 'exists', event: moved }] }));
    expect(types(r.actions)).toEqual(['local.update']);
  });

  it('a linked item now outside the window and unchanged plans nothing', () => {
    const { local, link } = synced({ inWindow: false });
    expect(plan(input({ links: [link], local: [local] })).actions).toEqual([]);
  });
});

describe('duplicates and replays in a round', () => {
  it('the last entry for an id wins: an upsert then a confirmed removal is a deletion', () => {
    const { local, remote, link } = synced();
    const r = plan(input({ links: [link], local: [local], remote: [upsert(editedRemote(remote, { title: 'x' })), { kind: 'removed', id: remote.id, confirmation: 'deleted' }] }));
    expect(types(r.actions)).toEqual(['local.delete']);
  });

  it('a replay of a change already applied (same changeKey as the link) plans nothing', () => {
    const { local, remote, link } = synced();
    const edited = editedRemote(remote, { title: 'x' }, 'ck-7');
    const pulled = { ...local, content: { ...local.content, title: 'x' } };
    const applied = { ...link, changeKey: 'ck-7', remoteHash: remoteHash(edited), localHash: localHash(pulled) };
    expect(plan(input({ links: [applied], local: [pulled], remote: [upsert(edited), upsert(edited)] })).actions).toEqual([]);
  });

  it('a new Outlook event seen twice in a round is created once', () => {
    const ev = newRemote('D1');
    expect(types(plan(input({ remote: [upsert(ev), upsert({ ...ev, changeKey: 'ck-later' })] })).actions)).toEqual(['local.create']);
  });
});
