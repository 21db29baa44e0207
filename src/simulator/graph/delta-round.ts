// Planning one delta round: what changed in the window since the previous round's snapshot.
// Entries are keyed by immutable id (an occurrence and the exception it becomes share one id).
import type { StoredEvent } from '../mailbox/model.js';
import type { Mailbox } from '../mailbox/mailbox.js';
import { parseOccurrenceId, shuffle, type Rng } from '../random.js';

export interface DeltaFaults {
  /** Order of groups and of entries on a page is shuffled. */
  shuffle: boolean;
  /** Probability that an entry appears a second time later in the same round. */
  duplicate: number;
  /** Probability that an entry is replayed in the next round although nothing changed. */
  replay: number;
  /** Probability that a page is empty yet carries a nextLink. */
  emptyPage: number;
  /** Probability that a round includes the series masters of the occurrences it reports. */
  seriesMaster: number;
  /** The last page links back to the first instead of giving a deltaLink. */
  loop: boolean;
  /** A deleted single occurrence is not reported, as seen in Outlook (docs/graph.md#recurring-series). On unless turned off. */
  hideCancelledOccurrences: boolean;
}

export interface SnapshotEntry {
  changeKey: string;
  id: string;
  immutableId: string;
}

export interface DeltaState {
  mailbox: Mailbox;
  epoch: number;
  startMs: number;
  endMs: number;
  snapshot: Map<string, SnapshotEntry>;
  /** Mailbox sequence when the round was computed (Infinity for an initial round). */
  seq: number;
  replayRemovals: SnapshotEntry[];
  /** The snapshot holds the whole window (no entry was taken out of it to be replayed). */
  whole?: boolean;
}

export type Entry = { kind: 'item'; ev: StoredEvent } | { kind: 'removed'; id: string; immutableId: string };

export function planRound(prev: DeltaState, faults: DeltaFaults, rng: Rng): { groups: Entry[][]; next: DeltaState } {
  const mailbox = prev.mailbox;
  // Nothing written to the mailbox since the last round, whose snapshot is whole and which left
  // nothing to replay: an empty round, without walking the mailbox (a quiet round over a large
  // mailbox would otherwise cost the simulator, not the client, most of its time).
  if (prev.seq === mailbox.seq && prev.whole && prev.replayRemovals.length === 0) return { groups: [], next: { ...prev, epoch: mailbox.deltaEpoch } };
  const view = new Map<string, StoredEvent>();
  // Held by reference: only what the round reports is copied (a quiet round over a large mailbox
  // would otherwise copy every event in the window).
  for (const ev of mailbox.instances(prev.startMs, prev.endMs)) view.set(ev.immutableId, ev);
  const seriesInView = new Set([...view.values()].map((e) => e.seriesMaster?.key).filter(Boolean));
  const groups = new Map<string, Entry[]>();
  const add = (group: string, entry: Entry) => groups.set(group, [...(groups.get(group) ?? []), entry]);
  const removed = new Set<string>();
  const remove = (s: SnapshotEntry) => {
    if (removed.has(s.immutableId) || view.has(s.immutableId)) return;
    removed.add(s.immutableId);
    add(`removed:${s.immutableId}`, { kind: 'removed', id: s.id, immutableId: s.immutableId });
  };

  const snapshot = new Map<string, SnapshotEntry>();
  for (const [key, ev] of view) {
    snapshot.set(key, { changeKey: ev.changeKey, id: ev.id, immutableId: ev.immutableId });
    if (prev.snapshot.get(key)?.changeKey !== ev.changeKey) add(ev.seriesMaster?.key ?? key, { kind: 'item', ev: structuredClone(ev) });
  }
  for (const entry of prev.snapshot.values()) {
    if (faults.hideCancelledOccurrences && isCancelledOccurrence(mailbox, entry.immutableId)) continue;
    remove(entry);
  }
  // Changed since the last round but not in the window: created or moved outside it.
  for (const ev of mailbox.events.values()) {
    if (ev.calendar !== 'primary' || ev.seq <= prev.seq || prev.snapshot.has(ev.immutableId)) continue;
    if (ev.type === 'seriesMaster' && seriesInView.has(ev.key)) continue;
    remove(ev);
  }
  for (const entry of prev.replayRemovals) remove(entry);

  if (faults.seriesMaster > 0 && rng() < faults.seriesMaster) {
    for (const [group, entries] of groups) {
      const master = mailbox.events.get(group);
      if (master && !master.deleted && master.type === 'seriesMaster' && entries.some((e) => e.kind === 'item')) {
        entries.unshift({ kind: 'item', ev: structuredClone(master) });
      }
    }
  }

  let ordered = [...groups.values()];
  const duplicates: Entry[][] = [];
  const replayRemovals: SnapshotEntry[] = [];
  let whole = true;
  for (const entry of ordered.flat()) {
    if (faults.duplicate > 0 && rng() < faults.duplicate) duplicates.push([entry]);
    if (faults.replay > 0 && rng() < faults.replay) {
      whole = false;
      if (entry.kind === 'item') snapshot.delete(entry.ev.immutableId);
      else replayRemovals.push({ changeKey: '', id: entry.id, immutableId: entry.immutableId });
    }
  }
  ordered = [...ordered, ...duplicates];
  if (faults.shuffle) ordered = shuffle(ordered, rng);
  const next: DeltaState = {
    mailbox,
    epoch: mailbox.deltaEpoch,
    startMs: prev.startMs,
    endMs: prev.endMs,
    snapshot,
    seq: mailbox.seq,
    replayRemovals,
    whole,
  };
  return { groups: ordered, next };
}

/** True when the removal is a single cancelled occurrence of a series that still exists. */
function isCancelledOccurrence(mailbox: Mailbox, immutableId: string): boolean {
  const occ = parseOccurrenceId(immutableId);
  const master = occ ? mailbox.events.get(occ.masterKey) : undefined;
  return !!occ && !!master && !master.deleted && master.cancelledOccurrences.includes(occ.originalStartMs);
}
