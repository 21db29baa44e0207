// sync.protectedTitle in the planner: what a confidential item's Outlook copy is titled, that a
// masked title never comes back as the real one, and that changing the setting retitles the copies.

import { describe, expect, it } from 'vitest';
import { BUSY_TITLE, titleMask, toGraphPayload } from '../../../src/sync/confidentiality.js';
import { localHash } from '../../../src/sync/content.js';
import { plan } from '../../../src/sync/planner.js';
import type { LocalItem, ProtectedTitle } from '../../../src/sync/model.js';
import { content, editedRemote, input, item, linkFor, only, policy, pushedEvent, types, upsert } from './fixtures.js';

const REAL = 'Hearing: Smith v Jones';
const hearing = (over: Partial<LocalItem> = {}) => item({ confidential: true, protected: true, category: 'Hearing', ...over });

/** An item synced under `title`: its Outlook copy as that push left it, and the link. */
function synced(local: LocalItem, title: ProtectedTitle) {
  const remote = pushedEvent(local, `AAMk-${local.kind}-${local.id}`, 'ck-1', title);
  return { local, remote, link: linkFor(local, remote, { titleMask: titleMask(local, title) }) };
}

describe('what a confidential item is titled in Outlook', () => {
  const subject = (i: LocalItem, protectedTitle: ProtectedTitle) => toGraphPayload(i, { sensitivity: 'confidential', protectedTitle }).subject;

  it('keep sends the real title; category the category name; busy "Busy"', () => {
    expect(subject(hearing(), 'keep')).toBe(REAL);
    expect(subject(hearing(), 'category')).toBe('Hearing');
    expect(subject(hearing(), 'busy')).toBe(BUSY_TITLE);
  });

  it('category: a matter-linked event without a category is "Busy", a task "Task", a deadline "Deadline"', () => {
    expect(subject(item({ confidential: true, category: null }), 'category')).toBe('Busy');
    expect(subject(item({ kind: 'task', confidential: true, content: content({ title: 'Task: File brief' }) }), 'category')).toBe('Task');
    expect(subject(item({ kind: 'deadline', confidential: true, content: content({ title: 'Deadline: Expert report' }) }), 'category')).toBe('Deadline');
    expect(subject(item({ kind: 'deadline', confidential: true, content: content({ title: 'Deadline: Expert report' }) }), 'busy')).toBe('Busy');
  });

  it('an item that is not confidential keeps its title whatever the setting', () => {
    for (const mode of ['keep', 'category', 'busy'] as const) expect(subject(item({ category: 'Lunch' }), mode)).toBe(REAL);
  });

  it('a create records the mask it sends, so the link knows what the copy shows', () => {
    const create = only(plan(input({ local: [hearing()], policy: policy({ protectedTitle: 'busy' }) })).actions, 'remote.create');
    expect(create).toMatchObject({ titleMask: 'Busy', payload: { subject: 'Busy' }, content: { title: REAL } });
  });
});

describe('a masked copy edited in Outlook', () => {
  it('a new start comes in; the subject Outlook holds never replaces the real title', () => {
    const { local, remote, link } = synced(hearing(), 'busy');
    const moved = editedRemote(remote, { start: '2026-12-01T11:00:00.000Z', end: '2026-12-01T12:00:00.000Z' });
    const update = only(plan(input({ local: [local], links: [link], remote: [upsert(moved)], policy: policy({ protectedTitle: 'busy' }) })).actions, 'local.update');
    expect(update.content).toMatchObject({ title: REAL, start: '2026-12-01T11:00:00.000Z', description: local.content.description });
    expect(update.titleMask).toBe('Busy');
  });

  it('retitled there and moved: the move comes in, the real title stays, and the next run puts the mask back', () => {
    const { local, remote, link } = synced(hearing(), 'category');
    const edited = editedRemote(remote, { title: 'Lunch with Dana', start: '2026-12-01T11:00:00.000Z', end: '2026-12-01T12:00:00.000Z' });
    const pol = policy({ protectedTitle: 'category' });
    const update = only(plan(input({ local: [local], links: [link], remote: [upsert(edited)], policy: pol })).actions, 'local.update');
    expect(update).toMatchObject({ conflict: false, titleMask: 'Lunch with Dana', content: { title: REAL, start: '2026-12-01T11:00:00.000Z' } });
    // The next run: CaseFlow holds Outlook's move, the link remembers what the copy shows.
    const after = { ...local, content: update.content };
    const next = plan(input({ local: [after], links: [{ ...link, localHash: localHash(after), titleMask: update.titleMask! }], policy: pol }));
    expect(only(next.actions, 'remote.update').payload.subject).toBe('Hearing');
  });

  it('only retitled there: nothing comes in and the mask goes back in the same run, over the version seen', () => {
    const { local, remote, link } = synced(hearing(), 'busy');
    const retitled = editedRemote(remote, { title: REAL }, 'ck-7');
    const r = plan(input({ local: [local], links: [link], remote: [upsert(retitled)], policy: policy({ protectedTitle: 'busy' }) }));
    expect(types(r.actions)).toEqual(['remote.update']);
    expect(only(r.actions, 'remote.update')).toMatchObject({ ifMatch: 'ck-7', payload: { subject: 'Busy' } });
  });

  it('a Sync now (pull only) remembers the retitle for the next scheduled run', () => {
    const { local, remote, link } = synced(hearing(), 'busy');
    const retitled = editedRemote(remote, { title: 'Anything' });
    const r = plan(input({ local: [local], links: [link], remote: [upsert(retitled)], policy: policy({ protectedTitle: 'busy', push: false }) }));
    expect(only(r.actions, 'link.refresh').titleMask).toBe('Anything');
    expect(r.pendingLocal).toBe(1);
  });

  it('with keep, an Outlook retitle of an unmasked copy is a real edit and comes in', () => {
    const { local, remote, link } = synced(hearing(), 'keep');
    const update = only(plan(input({ local: [local], links: [link], remote: [upsert(editedRemote(remote, { title: 'Hearing (moved)' }))] })).actions, 'local.update');
    expect(update.content.title).toBe('Hearing (moved)');
  });
});

describe('changing the setting', () => {
  it('keep -> busy: every confidential copy is updated to "Busy", nothing else moves', () => {
    const secret = synced(hearing({ id: 1 }), 'keep');
    const lunch = synced(item({ id: 2, category: 'Lunch' }), 'keep');
    const r = plan(input({ local: [secret.local, lunch.local], links: [secret.link, lunch.link], policy: policy({ protectedTitle: 'busy' }) }));
    expect(types(r.actions)).toEqual(['remote.update']);
    expect(only(r.actions, 'remote.update')).toMatchObject({ localId: 1, titleMask: 'Busy', payload: { subject: 'Busy', body: { content: 'Confidential' } } });
  });

  it('busy -> keep: the real title goes back; without a push it counts as pending', () => {
    const { local, link } = synced(hearing(), 'busy');
    expect(link.titleMask).toBe('Busy');
    const r = plan(input({ local: [local], links: [link] }));
    expect(only(r.actions, 'remote.update')).toMatchObject({ titleMask: null, payload: { subject: REAL } });
    expect(plan(input({ local: [local], links: [link], policy: policy({ push: false }) })).pendingLocal).toBe(1);
  });

  it('busy -> keep while the copy was moved in Outlook: the move comes in (no conflict), "Busy" never becomes the title', () => {
    const { local, remote, link } = synced(hearing(), 'busy');
    const moved = editedRemote(remote, { start: '2026-12-01T11:00:00.000Z', end: '2026-12-01T12:00:00.000Z' });
    const r = plan(input({ local: [local], links: [link], remote: [upsert(moved)] }));
    const update = only(r.actions, 'local.update');
    expect(update).toMatchObject({ conflict: false, content: { title: REAL, start: '2026-12-01T11:00:00.000Z' } });
    expect(types(r.actions)).toEqual(['local.update']);
  });

  it('a setting change is not a CaseFlow edit: a copy deleted in Outlook is deleted in CaseFlow, a task unlinked', () => {
    const ev = synced(hearing({ id: 1 }), 'keep');
    const task = synced(item({ kind: 'task', id: 2, confidential: true, content: content({ title: 'Task: Brief', attendees: [] }) }), 'keep');
    const gone = (id: string) => ({ kind: 'removed' as const, id, confirmation: 'deleted' as const });
    const r = plan(input({ local: [ev.local, task.local], links: [ev.link, task.link], remote: [gone(ev.remote.id), gone(task.remote.id)], policy: policy({ protectedTitle: 'busy' }) }));
    expect(types(r.actions).sort()).toEqual(['link.unlink', 'local.delete']);
  });

  it('category mode: a new category retitles the copy', () => {
    const { local, link } = synced(hearing(), 'category');
    const r = plan(input({ local: [{ ...local, category: 'Deposition' }], links: [link], policy: policy({ protectedTitle: 'category' }) }));
    expect(only(r.actions, 'remote.update').payload.subject).toBe('Deposition');
  });

  it('a masked copy of an item no longer confidential gets its real title back, and "Busy" is never taken for it', () => {
    const { local, remote, link } = synced(hearing({ protected: false }), 'busy');
    const plain = { ...local, confidential: false, category: null };
    const moved = editedRemote(remote, { location: 'Court 9' });
    const r = plan(input({ local: [plain], links: [link], remote: [upsert(moved)], policy: policy({ protectedTitle: 'busy' }) }));
    // Changed on both sides (no longer confidential; moved room): Outlook's edit wins, the title stays.
    expect(only(r.actions, 'local.update').content).toMatchObject({ title: REAL, location: 'Court 9' });
  });
});
