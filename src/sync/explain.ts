// `explain`: one item's sync, in words: where it goes, why it is or is not confidential, whether
// it syncs and why not, and what the next run would do for it. Every reason comes from the rule
// that decides it (the planner, the confidentiality rule), never a second copy of it.

import type { ItemKind, Link, LocalItem, Policy } from './model.js';
import { plan, SKIP_REASON_TEXT } from './planner.js';
import type { SyncStore, SyncWindow } from './ports.js';

export interface ItemStory {
  kind: ItemKind;
  id: number;
  outlookId: string | null;
  /** `two-way` (events), `to Outlook` (tasks, deadlines), `from Outlook, read-only` (recurring in Microsoft 365). */
  direction: 'two-way' | 'to Outlook' | 'from Outlook, read-only';
  linkState: Link['state'] | 'not linked';
  inWindow: boolean;
  /** Whether the next scheduled run would keep this item in step. */
  syncs: boolean;
  /** Why it does not sync (or what holds it), in a user's words. */
  why: string[];
  /** What the next scheduled run would do for it if Outlook had nothing new. */
  nextRun: string;
}

const ACTION_TEXT: Record<string, string> = {
  'remote.create': 'create it in Outlook',
  'remote.update': 'update its Outlook copy',
  'remote.delete': 'delete its Outlook copy',
  'link.drop': 'forget its link (nothing left to sync)',
  'link.unlink': 'unlink it',
};

export interface ExplainInput {
  store: SyncStore;
  staff: number;
  storeId: string;
  window: SyncWindow;
  policy: Omit<Policy, 'pull' | 'allowDeletes'> & { allowDeletes?: boolean };
  /** Reasons outside the engine: not connected, sync paused, the firm not gated in. */
  blockers: string[];
}

export function explainItem(kind: ItemKind, id: number, o: ExplainInput): ItemStory | null {
  const links = o.store.links();
  const link = links.find((l) => l.kind === kind && l.localId === id) ?? null;
  // Read the item whatever the window: a stand-in link makes the store include it.
  const probe: Link = link ?? { id: -1, staff: o.staff, kind, localId: id, itemUid: null, tag: null, outlookId: null, transactionId: '', generation: 0, state: 'unlinked', role: 'owner', localHash: null, remoteHash: null, changeKey: null, confidential: false, iCalUId: null };
  const item: LocalItem | undefined = o.store.localItems(o.window, [probe]).find((i) => i.kind === kind && i.id === id);
  if (!item) return null;
  const result = plan({
    staff: o.staff,
    storeId: o.storeId,
    links: link ? [link] : [],
    local: [item],
    remote: [],
    knownICalUIds: new Map(),
    policy: { ...o.policy, pull: false, allowDeletes: o.policy.allowDeletes ?? false },
  });
  const why = [...o.blockers];
  for (const s of result.skipped) why.push(SKIP_REASON_TEXT[s.reason]);
  if (!link && !item.inWindow) why.push('outside the sync window: only items from the first connect on, up to the horizon, are pushed');
  if (link?.state === 'unlinked' && kind !== 'event') why.push('its Outlook copy was deleted there: it is created again once it changes in CaseFlow');
  const mine = result.actions.filter((a) => a.type in ACTION_TEXT);
  const nextRun = mine.length ? mine.map((a) => ACTION_TEXT[a.type] ?? a.type).join(', ') : result.pendingLocal ? 'it waits: pushing is off for this run' : 'nothing';
  return {
    kind,
    id,
    outlookId: link?.outlookId ?? null,
    direction: item.readOnly ? 'from Outlook, read-only' : kind === 'event' ? 'two-way' : 'to Outlook',
    linkState: link?.state ?? 'not linked',
    inWindow: item.inWindow,
    syncs: why.length === 0,
    why,
    nextRun,
  };
}
