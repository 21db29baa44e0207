// GET /me/calendarView/delta, as unkind as docs/graph.md#delta-query-on-the-calendar-view says:
// a round is computed when it starts (diff of the window against the previous round's snapshot),
// then served page by page behind opaque $skiptoken links; the last page carries a $deltatoken
// link that freezes the window. Removals cover deletions AND events that left or were created
// outside the window. Series come as thin occurrences plus full exceptions, grouped on one page
// even when that exceeds odata.maxpagesize; a deleted or cancelled single occurrence is not
// reported at all, as seen in Outlook (the `deltaHideCancelledOccurrences` fault, on unless turned
// off). Faults add shuffling, duplicates, replays in the next round, empty pages, series masters
// and nextLink loops; an expired mailbox answers 410.
import { GraphError } from '../mailbox/model.js';
import type { Mailbox } from '../mailbox/mailbox.js';
import { renderEvent, renderRemoved, renderThinOccurrence } from './event-view.js';
import { preferenceApplied, renderOptions, type GraphCall, type GraphEnv, type GraphReply } from './context.js';
import { requireRead, window } from './events.js';
import { newOpaqueToken, shuffle, type Rng } from '../random.js';
import { planRound, type DeltaFaults, type DeltaState, type Entry } from './delta-round.js';

const DEFAULT_PAGE_SIZE = 10;
const MAX_KEPT = 5000;

interface Round {
  mailbox: Mailbox;
  epoch: number;
  groups: Entry[][];
  next: DeltaState;
  deltaToken: string | null;
  pageTokens: Map<number, string>;
  emptied: Set<number>;
}

function gone(): GraphError {
  return new GraphError(410, 'SyncStateNotFound', 'The sync state generation is not found. The delta token is expired or invalid; start a new full synchronization.');
}

function remember<K, V>(map: Map<K, V>, key: K, value: V): void {
  map.set(key, value);
  if (map.size > MAX_KEPT) map.delete(map.keys().next().value as K);
}

export class DeltaEngine {
  private readonly states = new Map<string, DeltaState>();
  private readonly rounds = new Map<string, Round>();
  private readonly skips = new Map<string, { round: string; group: number }>();

  constructor(
    private readonly faults: () => DeltaFaults,
    private readonly rng: () => Rng,
  ) {}

  handle(env: GraphEnv, call: GraphCall): GraphReply {
    requireRead(env);
    const unsupported = [...call.query.keys()].filter((k) => k.startsWith('$') && !['$skiptoken', '$deltatoken'].includes(k.toLowerCase()));
    if (unsupported.length > 0) {
      throw new GraphError(
        400,
        'ErrorInvalidUrlQuery',
        `The following parameters are not supported with change tracking over the 'CalendarView' resource: '${unsupported.join(', ')}'.`,
      );
    }
    const mailbox = env.mailbox;
    const skip = call.query.get('$skiptoken');
    const delta = call.query.get('$deltatoken');
    if (skip !== null) {
      const pointer = this.skips.get(skip);
      const round = pointer ? this.rounds.get(pointer.round) : undefined;
      if (!pointer || !round || round.mailbox !== mailbox || round.epoch !== mailbox.deltaEpoch) throw gone();
      return this.page(env, pointer.round, round, pointer.group);
    }
    let state: DeltaState;
    if (delta !== null) {
      const found = this.states.get(delta);
      if (!found || found.mailbox !== mailbox || found.epoch !== mailbox.deltaEpoch) throw gone();
      state = found;
    } else {
      const { startMs, endMs } = window(call);
      state = { mailbox, epoch: mailbox.deltaEpoch, startMs, endMs, snapshot: new Map(), seq: Infinity, replayRemovals: [] };
    }
    const planned = planRound(state, this.faults(), this.rng());
    const round: Round = { ...planned, mailbox, epoch: mailbox.deltaEpoch, deltaToken: null, pageTokens: new Map(), emptied: new Set() };
    const id = newOpaqueToken(12);
    remember(this.rounds, id, round);
    return this.page(env, id, round, 0);
  }

  private link(env: GraphEnv, name: string, token: string): string {
    return `${env.base}/v1.0${env.root}/calendarView/delta?${name}=${token}`;
  }

  private skipLink(env: GraphEnv, roundId: string, round: Round, group: number, fresh = false): string {
    let token = fresh ? undefined : round.pageTokens.get(group);
    if (!token) {
      token = newOpaqueToken(32);
      remember(this.skips, token, { round: roundId, group });
      if (!fresh) round.pageTokens.set(group, token);
    }
    return this.link(env, '$skiptoken', token);
  }

  private page(env: GraphEnv, roundId: string, round: Round, start: number): GraphReply {
    const faults = this.faults();
    const zone = env.prefs.zone ?? env.mailbox.user.timeZone;
    const headers = preferenceApplied(env.prefs, zone);
    if (env.prefs.maxPageSize) headers['Preference-Applied'] = [headers['Preference-Applied'], `odata.maxpagesize=${env.prefs.maxPageSize}`].filter(Boolean).join(', ');
    const body: Record<string, unknown> = { '@odata.context': `${env.base}/v1.0/$metadata#Collection(event)` };
    // An empty page that still carries a nextLink (never twice in a row at the same place).
    if (faults.emptyPage > 0 && !round.emptied.has(start) && this.rng()() < faults.emptyPage) {
      round.emptied.add(start);
      return { status: 200, headers, body: { ...body, value: [], '@odata.nextLink': this.skipLink(env, roundId, round, start, true) } };
    }
    const max = env.prefs.maxPageSize ?? DEFAULT_PAGE_SIZE;
    const entries: Entry[] = [];
    let group = start;
    while (group < round.groups.length && entries.length < max) entries.push(...(round.groups[group++] ?? []));
    const opts = renderOptions(env, { zone });
    const value = (faults.shuffle ? shuffle(entries, this.rng()) : entries).map((e) => render(e, opts));
    if (group < round.groups.length) body['@odata.nextLink'] = this.skipLink(env, roundId, round, group);
    else if (faults.loop) body['@odata.nextLink'] = this.skipLink(env, roundId, round, 0);
    else body['@odata.deltaLink'] = this.link(env, '$deltatoken', this.deltaToken(round));
    return { status: 200, headers, body: { ...body, value } };
  }

  private deltaToken(round: Round): string {
    if (!round.deltaToken) {
      round.deltaToken = newOpaqueToken(48);
      remember(this.states, round.deltaToken, round.next);
    }
    return round.deltaToken;
  }
}

function render(entry: Entry, opts: ReturnType<typeof renderOptions>): Record<string, unknown> {
  if (entry.kind === 'removed') return renderRemoved(opts.immutableIds ? entry.immutableId : entry.id);
  if (entry.ev.type === 'occurrence') return renderThinOccurrence(entry.ev, opts);
  return { '@odata.type': '#microsoft.graph.event', ...renderEvent(entry.ev, opts) };
}
