// `conflicts list/show/resolve` (SPEC §10). Resolving applies the chosen side to the other at
// once and records who resolved it and when.

import { NotFoundError, UsageError } from '../../errors.js';
import { getConflict, listConflicts, markResolved, type ConflictJson } from '../../store/conflicts.js';
import { requireStaff } from '../../store/staff.js';
import { SqliteSyncStore } from '../../store/sync-store.js';
import { acquireLock } from '../../store/lock.js';
import { localHash, mergeRemoteIntoLocal, remoteHash } from '../../sync/content.js';
import { toGraphPayload } from '../../sync/confidentiality.js';
import { fromGraphEvent, type GraphEventJson } from '../../sync/mapping.js';
import type { RunSummary } from '../../sync/run.js';
import { BusyError, TransientError } from '../../errors.js';
import { assertOutlookEnabled } from '../../store/firm.js';
import type { Context } from '../context.js';
import { list, record, type Output } from '../output.js';
import type { HandlerResult } from '../program.js';
import { email, id as parseId } from './common.js';
import { syncWindow } from '../../store/sync-state.js';
import { remoteCalendarFor } from '../wiring.js';

const brief = (c: { title: string; start: string; end: string; location: string }) => `${c.title} (${c.start} .. ${c.end})${c.location ? ` @ ${c.location}` : ''}`;

/** The synced fields that differ between the two versions (descriptions are compared, never shown). */
export function differingFields(c: ConflictJson): string[] {
  const keys = ['title', 'description', 'allDay', 'start', 'end', 'location', 'attendees', 'teamsMeeting'] as const;
  // The Outlook copy of a confidential event says "Confidential": that is not a difference.
  const masked = c.outlook.description.trim() === 'Confidential';
  return keys.filter((k) => !(k === 'description' && masked) && JSON.stringify(c.caseflow[k]) !== JSON.stringify(c.outlook[k]));
}

export async function conflictsList(ctx: Context, opts: { staff?: string }): Promise<Output> {
  const db = ctx.db();
  const staffId = opts.staff !== undefined ? requireStaff(db, email(opts.staff, '--staff')).id : undefined;
  return list<ConflictJson>(
    [
      { header: 'ID', value: (c) => String(c.id) },
      { header: 'STAFF', value: (c) => c.staff },
      { header: 'EVENT', value: (c) => String(c.eventId) },
      { header: 'STATUS', value: (c) => c.status, tone: (c) => (c.status === 'open' ? 'warn' : 'dim') },
      { header: 'DETECTED', value: (c) => c.detectedAt },
      { header: 'DIFFERS', value: (c) => differingFields(c).join(', ') },
      { header: 'CASEFLOW', value: (c) => brief(c.caseflow) },
      { header: 'OUTLOOK', value: (c) => brief(c.outlook) },
    ],
    listConflicts(db, staffId),
    undefined,
    'no conflicts',
  );
}

function requireConflict(ctx: Context, raw: string): ConflictJson {
  const c = getConflict(ctx.db(), parseId(raw, 'CONFLICT_ID'));
  if (!c) throw new NotFoundError(`conflict ${raw} does not exist`, { hint: 'list them with: caseflow-outlook conflicts list' });
  return c;
}

export async function conflictsShow(ctx: Context, raw: string): Promise<Output> {
  const c = requireConflict(ctx, raw);
  // Descriptions are the firm's own data, shown to the operator; never logged.
  return record(
    [
      ['id', String(c.id)],
      ['staff', c.staff],
      ['event', String(c.eventId)],
      ['outlook id', c.outlookId ?? ''],
      ['status', c.status, c.status === 'open' ? 'warn' : undefined],
      ['detected', c.detectedAt],
      ['caseflow', brief(c.caseflow)],
      ['outlook', brief(c.outlook)],
      ['differs in', differingFields(c).join(', ')],
      ['resolution', c.resolution ? `keep ${c.resolution} (by ${c.resolvedBy} at ${c.resolvedAt})` : ''],
    ],
    c,
    c.status === 'open' ? [`resolve with: caseflow-outlook conflicts resolve ${c.id} --keep caseflow|outlook`] : [],
  );
}

export async function conflictsResolve(ctx: Context, raw: string, opts: { keep?: string }): Promise<HandlerResult> {
  if (opts.keep !== 'caseflow' && opts.keep !== 'outlook') {
    throw new UsageError(`--keep must be caseflow or outlook (got ${opts.keep === undefined ? 'nothing' : `"${opts.keep}"`})`, {
      hint: `compare both versions with: caseflow-outlook conflicts show ${raw}, then add --keep caseflow or --keep outlook`,
    });
  }
  const keep = opts.keep;
  const db = ctx.db();
  const c = requireConflict(ctx, raw);
  if (c.status !== 'open') {
    throw new UsageError(`conflict ${c.id} is already resolved (kept ${c.resolution})`, { hint: `see how with: caseflow-outlook conflicts show ${c.id}; open ones: caseflow-outlook conflicts list` });
  }
  assertOutlookEnabled(db);
  const staff = requireStaff(db, c.staff);
  const lock = acquireLock(db, staff.id, ctx.now());
  if ('heldBy' in lock) throw new BusyError(`another run is syncing ${staff.email} right now`, { hint: 'wait for it to finish, then resolve again' });
  const summary: RunSummary = { staff: staff.email, pulled: { created: 0, updated: 0, deleted: 0 }, pushed: { created: 0, updated: 0, deleted: 0 }, conflicts: 0, skipped: 0, errors: [] };
  try {
    const calendar = await remoteCalendarFor(ctx, db, staff, ctx.signal);
    const store = new SqliteSyncStore(db, staff, ctx.now);
    const link = store.links().find((l) => l.id === c.linkId);
    const window = syncWindow(db, staff, ctx.now(), ctx.settings['sync.horizonDays']);
    const item = link ? store.localItems(window, [link]).find((i) => i.kind === 'event' && i.id === c.eventId) : undefined;
    const settle = { hint: `nothing to choose any more; the next sync settles it: caseflow-outlook sync --staff ${staff.email}` };
    if (!link || !item || !link.outlookId) throw new UsageError(`conflict ${c.id}: the event is gone on one side; nothing to apply`, settle);
    const by = ctx.env.USER || ctx.env.LOGNAME || 'cli';
    const at = ctx.now().toISOString();
    if (keep === 'caseflow') {
      const payload = toGraphPayload(item, { sensitivity: ctx.settings['sync.confidentialSensitivity'] });
      const [answer] = await calendar.write([{ id: '1', method: 'PATCH', url: `/me/events/${encodeURIComponent(link.outlookId)}`, body: payload }]);
      if (!answer || answer.status < 200 || answer.status >= 300) {
        if (answer?.status === 404) throw new UsageError(`conflict ${c.id}: the Outlook event no longer exists`, settle);
        throw new TransientError(`conflict ${c.id}: Outlook did not take the update (${answer?.status ?? 'no answer'}); nothing was changed`, { hint: `safe to run again: caseflow-outlook conflicts resolve ${c.id} --keep caseflow` });
      }
      const event = fromGraphEvent(answer.body as GraphEventJson, { inWindow: true });
      store.transaction(() => {
        store.updateLink(link.id, { state: 'linked', changeKey: event.changeKey, remoteHash: remoteHash(event), localHash: localHash(item), confidential: item.confidential });
        markResolved(db, c.id, keep, by, at);
        store.audit({ trigger: 'resolve', direction: 'outlook', action: 'resolve', kind: 'conflict', eventId: c.eventId, outlookId: link.outlookId, summary: `conflict ${c.id} resolved by ${by}: CaseFlow's version written to Outlook` });
      });
      summary.pushed.updated = 1;
    } else {
      const json = await calendar.getEvent(link.outlookId);
      if (!json) throw new UsageError(`conflict ${c.id}: the Outlook event no longer exists`, settle);
      const event = fromGraphEvent(json, { inWindow: true });
      const content = mergeRemoteIntoLocal(item.content, event.content, link.confidential || item.confidential);
      store.transaction(() => {
        const stored = store.updateEvent(c.eventId, content, event.joinUrl)!;
        store.updateLink(link.id, { state: 'linked', changeKey: event.changeKey, remoteHash: remoteHash(event), localHash: localHash({ content: stored, confidential: item.confidential }) });
        markResolved(db, c.id, keep, by, at);
        store.audit({ trigger: 'resolve', direction: 'caseflow', action: 'resolve', kind: 'conflict', eventId: c.eventId, outlookId: link.outlookId, summary: `conflict ${c.id} resolved by ${by}: Outlook's version kept in CaseFlow`, detail: { lostCaseflowVersion: item.content } });
      });
      summary.pulled.updated = 1;
    }
  } finally {
    lock.release();
  }
  return {
    output: record(
      [
        ['conflict', String(c.id)],
        ['kept', keep],
        ['pulled', `${summary.pulled.updated} updated`],
        ['pushed', `${summary.pushed.updated} updated`],
      ],
      { ...summary, conflict: c.id, kept: keep },
    ),
  };
}
