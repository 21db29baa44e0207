import { describe, expect, it } from 'vitest';
import { localHash, remoteHash } from '../../../src/sync/content.js';
import { transactionIdFor } from '../../../src/sync/mapping.js';
import { plan } from '../../../src/sync/planner.js';
import type { Link, LocalItem, RemoteEvent } from '../../../src/sync/model.js';
import { content, editedRemote, input, item, linkFor, only, policy, pushedEvent, STAFF, STORE, types, uidOf, upsert } from './fixtures.js';

function synced(over: Partial<LocalItem> = {}, linkOver: Partial<Link> = {}) {
  const local = item(over);
  const remote = pushedEvent(local, `AAMk-${local.kind}-${local.id}`);
  return { local, remote, link: linkFor(local, remote, linkOver) };
}
const task = (over: Partial<LocalItem> = {}, linkOver: Partial<Link> = {}) =>
  synced({ kind: 'task', id: 3, content: content({ title: 'Task: File brief', attendees: [], location: '' }), ...over }, linkOver);
const removed = (id: string) => ({ kind: 'removed' as const, id, confirmation: 'deleted' as const });

describe('tasks and deadlines are one-way', () => {
  it('an Outlook edit to a pushed task is ignored', () => {
    const { local, remote, link } = task();
    const r = plan(input({ links: [link], local: [local], remote: [upsert(editedRemote(remote, { title: 'changed in Outlook' }))] }));
    expect(r.actions).toEqual([]);
    expect(r.skipped.map((s) => s.reason)).toEqual(['outlook-edit-ignored']);
  });

  it('a task edited in CaseFlow is pushed without If-Match, even over an Outlook edit', () => {
    const { local, remote, link } = task();
    const edited = { ...local, content: { ...local.content, title: 'Task: File brief today' } };
    const r = plan(input({ links: [link], local: [edited], remote: [upsert(editedRemote(remote, { title: 'x' }))] }));
    expect(only(r.actions, 'remote.update').ifMatch).toBeNull();
  });

  it('a task deleted in Outlook is unlinked, not deleted in CaseFlow and not re-created', () => {
    const { local, link } = task();
    const r = plan(input({ links: [link], local: [local], remote: [removed(link.outlookId!)] }));
    expect(types(r.actions)).toEqual(['link.unlink']);
  });

  it('an unlinked task is not re-created while it is unchanged', () => {
    const { local, link } = task({}, { state: 'unlinked' });
    expect(plan(input({ links: [link], local: [local] })).actions).toEqual([]);
  });

  it('an unlinked task is re-created once it changes in CaseFlow, next generation and new transactionId', () => {
    const { local, link } = task({}, { state: 'unlinked', generation: 2 });
    const edited = { ...local, content: { ...local.content, start: '2026-12-03T09:00:00.000Z', end: '2026-12-03T09:30:00.000Z' } };
    const create = only(plan(input({ links: [link], local: [edited] })).actions, 'remote.create');
    expect(create).toMatchObject({ reason: 'recreate', linkId: link.id, generation: 3, transactionId: transactionIdFor(STORE, 'task', uidOf('task', 3), 3) });
  });

  it('a task deleted in CaseFlow is deleted in Outlook even after an Outlook edit', () => {
    const { remote, link } = task();
    const r = plan(input({ links: [link], remote: [upsert(editedRemote(remote, { title: 'x' }))] }));
    expect(only(r.actions, 'remote.delete')).toMatchObject({ ifMatch: null, kind: 'task' });
  });

  it('a deadline is pushed confidential: configured sensitivity and body "Confidential"', () => {
    const deadline = item({ kind: 'deadline', id: 9, confidential: true, content: content({ title: 'Deadline: Appeal', description: 'Privileged strategy' }) });
    const create = only(plan(input({ local: [deadline], policy: policy({ sensitivity: 'private' }) })).actions, 'remote.create');
    expect(create.payload.sensitivity).toBe('private');
    expect(create.payload.body.content).toBe('Confidential');
    expect(JSON.stringify(create.payload)).not.toContain('Privileged');
  });
});

describe('one meeting, one CaseFlow event', () => {
  const invite: RemoteEvent = { ...pushedEvent(item(), 'INV-1', 'ck-i'), iCalUId: 'uid-meeting', isOrganizer: false };

  it('an invitation to a meeting CaseFlow already has is linked to it as attendee, not created again', () => {
    const r = plan(input({ remote: [upsert(invite)], knownICalUIds: new Map([['uid-meeting', 42]]) }));
    expect(r.actions).toEqual([
      { type: 'link.attendee', staff: STAFF, localId: 42, outlookId: 'INV-1', iCalUId: 'uid-meeting', remoteHash: remoteHash(invite), changeKey: 'ck-i' },
    ]);
  });

  it('an attendee link never writes to Outlook: a CaseFlow edit only refreshes the link', () => {
    const organiserEvent = item({ id: 42, staff: STAFF + 1 });
    const link = linkFor(organiserEvent, invite, { role: 'attendee' });
    const edited = { ...organiserEvent, content: { ...organiserEvent.content, title: 'Moved by organiser' } };
    const r = plan(input({ links: [link], local: [edited] }));
    expect(types(r.actions)).toEqual(['link.refresh']);
    expect(only(r.actions, 'link.refresh').localHash).toBe(localHash(edited));
  });

  it("an attendee link pulls the organiser's edit arriving in the invitation", () => {
    const organiserEvent = item({ id: 42, staff: STAFF + 1 });
    const link = linkFor(organiserEvent, invite, { role: 'attendee' });
    const r = plan(input({ links: [link], local: [organiserEvent], remote: [upsert(editedRemote(invite, { location: 'Room 2' }))] }));
    expect(only(r.actions, 'local.update').content.location).toBe('Room 2');
  });

  it("removing the invitation never deletes another staff member's event: the link is dropped", () => {
    const organiserEvent = item({ id: 42, staff: STAFF + 1 });
    const link = linkFor(organiserEvent, invite, { role: 'attendee' });
    expect(types(plan(input({ links: [link], local: [organiserEvent], remote: [removed('INV-1')] })).actions)).toEqual(['link.drop']);
  });

  it('an invitation already linked for this staff member is not linked twice', () => {
    const existing = linkFor(item({ id: 42, staff: STAFF + 1 }), { ...invite, id: 'INV-0' }, { role: 'attendee' });
    const r = plan(input({ links: [existing], local: [item({ id: 42, staff: STAFF + 1 })], remote: [upsert(invite)], knownICalUIds: new Map([['uid-meeting', 42]]) }));
    expect(types(r.actions)).toEqual([]);
    expect(r.skipped.map((s) => s.reason)).toEqual(['already-linked']);
  });
});

describe('mass-deletion breaker', () => {
  const many = (n: number) => Array.from({ length: n }, (_, i) => synced({ id: i + 1 }));

  it('more CaseFlow deletions than the limit delete nothing in Outlook, and say why', () => {
    const pairs = many(4);
    const r = plan(input({ links: pairs.map((p) => p.link), policy: policy({ maxDeletes: 3 }) }));
    expect(types(r.actions)).not.toContain('remote.delete');
    expect(r.breaker).toEqual({ side: 'outlook', wouldDelete: 4, limit: 3, outlook: 4, caseflow: 0 });
    expect(r.skipped.filter((s) => s.reason === 'breaker')).toHaveLength(4);
    expect(r.pendingLocal).toBe(4);
  });

  it('exactly the limit goes through', () => {
    const r = plan(input({ links: many(3).map((p) => p.link), policy: policy({ maxDeletes: 3 }) }));
    expect(types(r.actions)).toEqual(['remote.delete', 'remote.delete', 'remote.delete']);
    expect(r.breaker).toBeUndefined();
  });

  it('allow-deletes lets a large deletion through', () => {
    const r = plan(input({ links: many(4).map((p) => p.link), policy: policy({ maxDeletes: 3, allowDeletes: true }) }));
    expect(types(r.actions).filter((t) => t === 'remote.delete')).toHaveLength(4);
  });

  it('more Outlook deletions than the limit delete nothing in CaseFlow, other work still goes on', () => {
    const pairs = many(3);
    const fresh = item({ id: 99 });
    const r = plan(input({ links: pairs.map((p) => p.link), local: [...pairs.map((p) => p.local), fresh], remote: pairs.map((p) => removed(p.remote.id)), policy: policy({ maxDeletes: 2 }) }));
    expect(types(r.actions)).toEqual(['remote.create']);
    expect(r.breaker).toMatchObject({ side: 'caseflow', wouldDelete: 3 });
  });
});

describe('toggles, recurring and read-only items', () => {
  it('with the events toggle off, events are neither pushed nor pulled and linked ones stay as they are', () => {
    const { local, link } = synced({ id: 1 });
    const edited = { ...local, content: { ...local.content, title: 'x' } };
    const fresh = item({ id: 2 });
    const r = plan(input({ links: [link], local: [edited, fresh], remote: [upsert(pushedEvent(item({ id: 3 }), 'NEW'))], policy: policy({ events: false }) }));
    expect(r.actions).toEqual([]);
    expect(r.skipped.map((s) => s.reason)).toEqual(['toggle-off', 'toggle-off', 'toggle-off']);
  });

  it('with the tasks toggle off, tasks are not pushed but events still are', () => {
    const r = plan(input({ local: [item({ kind: 'task', id: 1 }), item({ id: 2 })], policy: policy({ tasks: false }) }));
    expect(only(r.actions, 'remote.create').kind).toBe('event');
  });

  it('a recurring CaseFlow event is not pushed, with the reason', () => {
    const r = plan(input({ local: [item({ recurring: true })] }));
    expect(r.actions).toEqual([]);
    expect(r.skipped).toEqual([{ reason: 'recurring-in-caseflow', kind: 'event', localId: 1 }]);
  });

  it('a read-only (recurring in Outlook) event changed in CaseFlow is not pushed', () => {
    const { local, link } = synced({ readOnly: true, source: 'outlook' });
    const r = plan(input({ links: [link], local: [{ ...local, content: { ...local.content, title: 'x' } }] }));
    expect(r.actions).toEqual([]);
    expect(r.skipped.map((s) => s.reason)).toEqual(['read-only']);
  });
});

describe('creation that never got an answer', () => {
  it('a creating link without outlookId is sent again with the SAME transactionId', () => {
    const local = item();
    const link: Link = { ...linkFor(local, pushedEvent(local)), outlookId: null, state: 'creating', transactionId: 'tx-original', tag: 'event:1', localHash: null, remoteHash: null, changeKey: null };
    const create = only(plan(input({ links: [link], local: [local] })).actions, 'remote.create');
    // The same transactionId and the same tag as the first attempt, even an old-style tag.
    expect(create).toMatchObject({ reason: 'retry', linkId: link.id, transactionId: 'tx-original', tag: 'event:1', generation: 0 });
  });

  it('a creating link whose item was deleted is dropped', () => {
    const local = item();
    const link: Link = { ...linkFor(local, pushedEvent(local)), outlookId: null, state: 'creating' };
    expect(types(plan(input({ links: [link] })).actions)).toEqual(['link.drop']);
  });
});

describe('confidentiality changes', () => {
  it('an item that becomes confidential is pushed again as confidential', () => {
    const { local, link } = synced();
    const r = plan(input({ links: [link], local: [{ ...local, confidential: true }] }));
    const update = only(r.actions, 'remote.update');
    expect(update.confidential).toBe(true);
    expect(update.payload.body.content).toBe('Confidential');
  });

  it('a link whose hash already says confidential but whose Outlook copy is not is still pushed', () => {
    const { local, link } = synced();
    const now = { ...local, confidential: true };
    const r = plan(input({ links: [{ ...link, localHash: localHash(now) }], local: [now] }));
    expect(only(r.actions, 'remote.update').payload.sensitivity).toBe('confidential');
  });
});

describe('determinism', () => {
  it('the same input in any order gives the same actions in the same order', () => {
    const a = synced({ id: 1 });
    const b = synced({ id: 2 });
    const editedB = { ...b.local, content: { ...b.local.content, title: 'B2' } };
    const news = [item({ id: 5 }), item({ id: 4, kind: 'task' })];
    const remotes = [upsert(pushedEvent(item({ id: 8 }), 'Z9')), upsert(editedRemote(a.remote, { title: 'A2' })), upsert(pushedEvent(item({ id: 9 }), 'A0'))];
    const one = plan(input({ links: [a.link, b.link], local: [a.local, editedB, ...news], remote: remotes }));
    const two = plan(input({ links: [b.link, a.link], local: [...news].reverse().concat([editedB, a.local]), remote: [...remotes].reverse() }));
    expect(two).toEqual(one);
    expect(types(one.actions)).toEqual(['local.update', 'remote.update', 'remote.create', 'remote.create', 'local.create', 'local.create']);
  });
});

describe('replies to invitations', () => {
  const invite: RemoteEvent = { ...pushedEvent(item(), 'INV-3', 'ck-i'), isOrganizer: false };
  const declined = (ev: RemoteEvent, changeKey = 'ck-d'): RemoteEvent => ({ ...ev, changeKey, declined: true });

  it('a declined invitation is not created in CaseFlow; a tentative or accepted one is', () => {
    const r = plan(input({ remote: [upsert(declined(invite)), upsert({ ...invite, id: 'INV-4', declined: false })] }));
    expect(r.actions.map((a) => (a.type === 'local.create' ? a.event.id : a.type))).toEqual(['INV-4']);
    expect(r.skipped).toContainEqual({ reason: 'declined', kind: 'event', outlookId: 'INV-3' });
  });

  it("declining one already pulled removes this staff member's own copy", () => {
    const own = item({ source: 'outlook' });
    const link = linkFor(own, invite, { role: 'attendee' });
    expect(types(plan(input({ links: [link], local: [own], remote: [upsert(declined(invite))] })).actions)).toEqual(['local.delete']);
  });

  it("declining a colleague's meeting drops only this staff member's link: the event stays for the others", () => {
    const organiserEvent = item({ id: 42, staff: STAFF + 1 });
    const link = linkFor(organiserEvent, invite, { role: 'attendee' });
    expect(types(plan(input({ links: [link], local: [organiserEvent], remote: [upsert(declined(invite))] })).actions)).toEqual(['link.drop']);
  });
});

describe('invitations and pushes that could not happen', () => {
  const invite: RemoteEvent = { ...pushedEvent(item(), 'INV-2', 'ck-i'), isOrganizer: false };

  it('an invitation removed in Outlook deletes the CaseFlow event made from it, even after a CaseFlow edit', () => {
    const own = item({ source: 'outlook' });
    const link = linkFor(own, invite, { role: 'attendee' });
    const edited = { ...own, content: { ...own.content, title: 'my notes' } };
    expect(types(plan(input({ links: [link], local: [edited], remote: [removed('INV-2')] })).actions)).toEqual(['local.delete']);
  });

  it('deleting the CaseFlow copy of an invitation never deletes it in Outlook: the link is dropped', () => {
    const own = item({ source: 'outlook' });
    const link = linkFor(own, invite, { role: 'attendee' });
    expect(types(plan(input({ links: [link] })).actions)).toEqual(['link.drop']);
  });

  it('an unlinked event (its edit won over an Outlook deletion) is re-created at the next push, changed or not', () => {
    const { local, link } = synced({}, { state: 'unlinked', outlookId: null });
    expect(only(plan(input({ links: [link], local: [local] })).actions, 'remote.create')).toMatchObject({ reason: 'recreate', generation: 1 });
  });

  it('deleted in CaseFlow while pushing is off: counted pending, and the changeKey Outlook moved is kept current', () => {
    const { remote, link } = synced();
    const r = plan(input({ links: [link], remote: [upsert({ ...remote, changeKey: 'ck-5' })], policy: policy({ push: false }) }));
    expect(r.pendingLocal).toBe(1);
    expect(only(r.actions, 'link.refresh').changeKey).toBe('ck-5');
  });

  it('with pulling off, Outlook changes are skipped and say so', () => {
    const { local, remote, link } = synced();
    const r = plan(input({ links: [link], local: [local], remote: [upsert(editedRemote(remote, { title: 'x' })), upsert(pushedEvent(item({ id: 2 }), 'NEW'))], policy: policy({ pull: false }) }));
    expect(r.actions).toEqual([]);
    expect(r.skipped.map((s) => s.reason)).toEqual(['pull-off', 'pull-off']);
  });

  it('the join URL Outlook adds after creation reaches CaseFlow through the refresh', () => {
    const { local, remote, link } = synced({ content: content({ teamsMeeting: true }) });
    const r = plan(input({ links: [link], local: [local], remote: [upsert({ ...remote, changeKey: 'ck-3', joinUrl: 'https://teams.example/j/9' })] }));
    expect(only(r.actions, 'link.refresh').joinUrl).toBe('https://teams.example/j/9');
  });

  it('the breaker holds both sides at once when both are over the limit', () => {
    const gone = [1, 2].map((id) => synced({ id }));
    const kept = [3, 4].map((id) => synced({ id }));
    const r = plan(input({ links: [...gone, ...kept].map((p) => p.link), local: kept.map((p) => p.local), remote: kept.map((p) => removed(p.remote.id)), policy: policy({ maxDeletes: 1 }) }));
    expect(r.actions).toEqual([]);
    expect(r.breaker).toEqual({ side: 'both', wouldDelete: 4, limit: 1, outlook: 2, caseflow: 2 });
  });
});

describe('Outlook deletions of items that may not be pushed', () => {
  it('an occurrence deleted in Outlook goes from CaseFlow even if its CaseFlow copy changed', () => {
    const { local, link } = synced({ readOnly: true, source: 'outlook' });
    const r = plan(input({ links: [link], local: [{ ...local, content: { ...local.content, title: 'x' } }], remote: [removed(link.outlookId!)] }));
    expect(types(r.actions)).toEqual(['local.delete']);
  });

  it('an event made recurring in CaseFlow after its push stops syncing when Outlook deletes it', () => {
    const { local, link } = synced();
    const r = plan(input({ links: [link], local: [{ ...local, recurring: true, content: { ...local.content, title: 'weekly' } }], remote: [removed(link.outlookId!)] }));
    expect(types(r.actions)).toEqual(['link.drop']);
  });
});

describe("an invitation from outside, edited on both sides", () => {
  it("the organiser's edit wins over this staff member's CaseFlow edit, which the audit keeps", () => {
    const invite: RemoteEvent = { ...pushedEvent(item(), 'INV-9', 'ck-i'), isOrganizer: false };
    const own = item({ source: 'outlook' });
    const link = linkFor(own, invite, { role: 'attendee' });
    const edited = { ...own, content: { ...own.content, location: 'my note: room 3' } };
    const update = only(plan(input({ links: [link], local: [edited], remote: [upsert(editedRemote(invite, { start: '2026-12-01T11:00:00.000Z', end: '2026-12-01T12:00:00.000Z' }))] })).actions, 'local.update');
    expect(update).toMatchObject({ conflict: true, content: { start: '2026-12-01T11:00:00.000Z' }, previous: { location: 'my note: room 3' } });
  });
});
