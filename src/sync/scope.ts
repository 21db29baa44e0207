// What a run reads of CaseFlow. Every link and item; or, when the last committed run read under
// the same window and settings, only what can have changed since: the items CaseFlow's change log
// names after the number that run committed, the links every run looks at (store.openLinks), and
// the links and items this round's Outlook changes touch. The planner is fed either the same way:
// a link is only ever passed with its item read by the same rules as the whole read (a link whose
// item was not read would be planned as deleted in CaseFlow), so both plan the same actions for
// what they share, and what only the whole read sees has nothing to do.

import type { Logger } from '../log.js';
import { mayBeOwnCreates } from './claim.js';
import type { Link, LocalItem, RemoteChange } from './model.js';
import type { ItemRef, SyncStore, SyncWindow } from './ports.js';

export interface CaseflowRead {
  links: Link[];
  local: LocalItem[];
}

/** The window and settings a change number is committed under: under others, a run reads everything. */
export function scopeKey(window: SyncWindow, policy: object): string {
  return JSON.stringify({ window, policy: Object.fromEntries(Object.entries(policy).sort(([a], [b]) => (a < b ? -1 : 1))) });
}

export function readAll(store: SyncStore, window: SyncWindow): CaseflowRead {
  const links = store.links();
  return { links, local: store.localItems(window, links) };
}

/** These items and their links, each once. */
export function readItems(store: SyncStore, window: SyncWindow, refs: ItemRef[]): CaseflowRead {
  const unique = [...new Map(refs.map((r) => [`${r.kind}:${r.id}`, r])).values()];
  const links = store.linksOf(unique);
  return { links, local: store.localItems(window, links, unique) };
}

export function refsOf(links: Link[]): ItemRef[] {
  return links.map((l) => ({ kind: l.kind, id: l.localId }));
}

/** What changed in CaseFlow after change `since`, and the items of the links every run looks at. */
export function changedRefs(store: SyncStore, since: number): ItemRef[] {
  return [...store.changedSince(since), ...refsOf(store.openLinks())];
}

const outlookIdOf = (c: RemoteChange) => (c.kind === 'upsert' ? c.event.id : c.id);

/** The iCalUIds a round names (a meeting CaseFlow knows from another staff member). */
export function iCalUIdsOf(changes: RemoteChange[]): string[] {
  return [...new Set(changes.flatMap((c) => (c.event?.iCalUId ? [c.event.iCalUId] : [])))];
}

/**
 * The items Outlook's changes touch: those linked to the Outlook ids named, and the meetings
 * named by iCalUId (a link to one decides whether an invitation is linked again). null when the
 * round may hold copies of our own creates: those are matched against every item.
 */
export function touchedBy(store: SyncStore, changes: RemoteChange[]): ItemRef[] | null {
  const links = store.linksByOutlookId([...new Set(changes.map(outlookIdOf))]);
  if (mayBeOwnCreates(changes, links).length > 0) return null;
  const meetings = [...store.knownICalUIds(iCalUIdsOf(changes)).values()].map((id) => ({ kind: 'event' as const, id }));
  return [...refsOf(links), ...meetings];
}

const keyOf = (r: ItemRef) => `${r.kind}:${r.id}`;

/**
 * A run's read of CaseFlow: what changed after change `since` (null: everything), widened to what
 * the round's Outlook changes touch. What is read after the round came in is read as it is now,
 * not as it was when the run began (`mark`): an item written since then is set aside with its
 * Outlook changes (settle), as the executor sets aside a pull over an edit made during the run.
 */
export class CaseflowReader {
  private readonly refs: ItemRef[];
  private all: CaseflowRead | null = null;
  /** Something was read after the run began (after the constructor). */
  private readLate = false;
  private begun = false;
  /** Items written since the run began, once settled: kept out of the plan. */
  private late = new Set<string>();
  private readonly counted = { links: 0, items: 0 };
  read: CaseflowRead;

  constructor(
    private readonly store: SyncStore,
    private readonly window: SyncWindow,
    private readonly mark: number,
    since: number | null,
  ) {
    this.refs = since === null ? [] : changedRefs(store, since);
    this.read = since === null ? this.everything() : this.count(readItems(store, window, this.refs));
    this.begun = true;
  }

  /** How many links and items all reads so far returned (what a run's cost grows with). */
  get rowsRead(): { links: number; items: number } {
    return { ...this.counted };
  }

  private count(read: CaseflowRead): CaseflowRead {
    this.counted.links += read.links.length;
    this.counted.items += read.local.length;
    return read;
  }

  get scoped(): boolean {
    return this.all === null;
  }

  everything(): CaseflowRead {
    if (this.all === null) {
      this.all = this.count(readAll(this.store, this.window));
      this.readLate = this.begun;
    }
    this.read = this.all;
    return this.all;
  }

  /** The round came in: what its Outlook changes touch is read too (everything, when they may be our own creates). */
  widen(changes: RemoteChange[]): void {
    if (!this.scoped || changes.length === 0) return;
    const touched = touchedBy(this.store, changes);
    if (touched === null) return void this.everything();
    const had = new Set(this.refs.map(keyOf));
    const fresh = touched.filter((r) => !had.has(keyOf(r)));
    if (fresh.length === 0) return;
    this.refs.push(...fresh);
    const more = this.count(readItems(this.store, this.window, fresh));
    this.read = { links: [...this.read.links, ...more.links], local: [...this.read.local, ...more.local] };
    this.readLate = true;
  }

  /** The links again, after claims wrote some (never those set aside). */
  links(): Link[] {
    return (this.scoped ? this.store.linksOf(this.refs) : this.store.links()).filter((l) => !this.late.has(`${l.kind}:${l.localId}`));
  }

  linkedIds(): Pick<ReadonlySet<string>, 'has'> {
    if (!this.scoped) return new Set(this.read.links.flatMap((l) => (l.outlookId ? [l.outlookId] : [])));
    return { has: (id: string) => this.store.linksByOutlookId([id]).length > 0 };
  }

  /** For a full round (it asks only then): every linked Outlook id whose item is in the window. */
  windowLinkedIds(): string[] {
    const { links, local } = this.everything();
    const inWindow = new Set(local.flatMap((i) => (i.inWindow ? [keyOf(i)] : [])));
    return links.flatMap((l) => (l.outlookId && inWindow.has(`${l.kind}:${l.localId}`) ? [l.outlookId] : []));
  }

  /**
   * What the plan gets: the read without the items written since the run began when they were
   * read late, and the Outlook changes without those to their links. `setAside`: some were.
   */
  settle(changes: RemoteChange[], log: Logger): { local: LocalItem[]; remote: RemoteChange[]; setAside: boolean } {
    const late = this.readLate ? new Set(this.store.changedSince(this.mark).map(keyOf)) : new Set<string>();
    this.late = late;
    const aside = new Map(this.read.links.flatMap((l) => (l.outlookId && late.has(`${l.kind}:${l.localId}`) ? [[l.outlookId, l] as const] : [])));
    const remote = changes.filter((c) => !aside.has(outlookIdOf(c)));
    for (const id of new Set(changes.map(outlookIdOf))) {
      const l = aside.get(id);
      if (l) log.info(`${l.kind} ${l.localId} was edited in CaseFlow during the run; the next run compares both sides`);
    }
    this.read = { links: this.read.links.filter((l) => !late.has(`${l.kind}:${l.localId}`)), local: this.read.local.filter((i) => !late.has(keyOf(i))) };
    return { local: this.read.local, remote, setAside: remote.length < changes.length };
  }
}
