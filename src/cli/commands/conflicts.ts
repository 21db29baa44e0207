// `conflicts list/show/resolve`: human review of protected events changed on both sides. Resolving applies the chosen side to the other at
// once and records who resolved it and when.

import { userInfo } from 'node:os';
import { NotFoundError, UsageError } from '../../errors.js';
import { getConflict, listConflicts, type ConflictJson } from '../../store/conflicts.js';
import { assertOutlookEnabled } from '../../store/firm.js';
import { getPrefs } from '../../store/prefs.js';
import { requireStaff } from '../../store/staff.js';
import { ConflictChanged } from '../../sync/errors.js';
import { resolveConflict } from '../../sync/resolve.js';
import type { Context } from '../context.js';
import { listing, record, type Output, type Tone } from '../output.js';
import type { HandlerResult } from '../handler.js';
import { runPolicy } from '../run-policy.js';
import { runHostFor } from '../wiring.js';
import { email, id as parseId } from './common.js';

const brief = (c: { title: string; start: string; end: string; location: string }) => `${c.title} (${c.start} .. ${c.end})${c.location ? ` @ ${c.location}` : ''}`;

/** The synced fields that differ between the two versions (descriptions are compared, never shown). */
export function differingFields(c: ConflictJson): string[] {
  const keys = ['title', 'description', 'allDay', 'start', 'end', 'location', 'attendees', 'teamsMeeting'] as const;
  // The Outlook copy of a confidential event says "Confidential": that is not a difference.
  const masked = c.outlook.description.trim() === 'Confidential';
  return keys.filter((k) => !(k === 'description' && masked) && JSON.stringify(c.caseflow[k]) !== JSON.stringify(c.outlook[k]));
}

export async function list(ctx: Context, opts: { staff?: string }): Promise<Output> {
  const db = ctx.db();
  const staffId = opts.staff !== undefined ? requireStaff(db, email(opts.staff, '--staff')).id : undefined;
  return listing<ConflictJson>(
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

const FIELDS = ['title', 'description', 'allDay', 'start', 'end', 'timeZone', 'location', 'attendees', 'teamsMeeting'] as const;

function fieldText(c: ConflictJson['caseflow'], field: (typeof FIELDS)[number]): string {
  const v = c[field];
  if (field === 'attendees') return c.attendees.map((a) => `${a.name ? `${a.name} ` : ''}<${a.email}>${a.type === 'required' ? '' : ` (${a.type})`}`).join(', ');
  return typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v ?? '');
}

/** Both versions, field by field: one line for a field both sides agree on, two where they differ. */
export function versionFields(caseflow: ConflictJson['caseflow'], outlook: ConflictJson['outlook'], differs: string[]): [string, string, Tone?][] {
  const rows: [string, string, Tone?][] = [];
  for (const f of FIELDS) {
    if (!differs.includes(f)) {
      rows.push([f, f === 'description' && outlook.description.trim() === 'Confidential' ? `${fieldText(caseflow, f)} (Outlook shows "Confidential")` : fieldText(caseflow, f)]);
      continue;
    }
    rows.push([`${f} (caseflow)`, fieldText(caseflow, f), 'warn']);
    rows.push([`${f} (outlook)`, fieldText(outlook, f), 'warn']);
  }
  return rows;
}

export async function show(ctx: Context, raw: string): Promise<Output> {
  const c = requireConflict(ctx, raw);
  const differs = differingFields(c);
  // Descriptions are the firm's own data, shown to the operator; never logged.
  return record(
    [
      ['id', String(c.id)],
      ['staff', c.staff],
      ['event', String(c.eventId)],
      ['outlook id', c.outlookId ?? ''],
      ['status', c.status, c.status === 'open' ? 'warn' : undefined],
      ['detected', c.detectedAt],
      ['differs in', differs.join(', ')],
      ...versionFields(c.caseflow, c.outlook, differs),
      ['resolution', c.resolution ? `keep ${c.resolution} (by ${c.resolvedBy} at ${c.resolvedAt})` : c.supersededBy ? `replaced by conflict ${c.supersededBy}` : ''],
    ],
    { ...c, differs },
    c.status === 'open' ? [`resolve with: caseflow-outlook conflicts resolve ${c.id} --keep caseflow|outlook`] : [],
  );
}

/** Who resolves: `--by NAME`, else the name the operating system knows this user by. */
function resolver(ctx: Context, by: string | undefined): string {
  if (by !== undefined) {
    const name = by.trim();
    if (name === '' || name.length > 200 || /[\u0000-\u001f\u007f-\u009f]/.test(name)) {
      throw new UsageError(`--by must be a name of 1 to 200 printable characters (got "${by}")`, { hint: 'e.g. --by "Dana Reyes"' });
    }
    return name;
  }
  try {
    return userInfo().username || ctx.env.USER || ctx.env.LOGNAME || 'unknown';
  } catch {
    return ctx.env.USER || ctx.env.LOGNAME || 'unknown';
  }
}

export async function resolve(ctx: Context, raw: string, opts: { keep?: string; by?: string }): Promise<HandlerResult> {
  if (opts.keep !== 'caseflow' && opts.keep !== 'outlook') {
    throw new UsageError(`--keep must be caseflow or outlook (got ${opts.keep === undefined ? 'nothing' : `"${opts.keep}"`})`, {
      hint: `compare both versions with: caseflow-outlook conflicts show ${raw}, then add --keep caseflow or --keep outlook`,
    });
  }
  const keep = opts.keep;
  const by = resolver(ctx, opts.by);
  const db = ctx.db();
  const c = requireConflict(ctx, raw);
  if (c.status !== 'open') {
    throw new UsageError(`conflict ${c.id} is not open (${c.status === 'superseded' ? `replaced by conflict ${c.supersededBy}` : `kept ${c.resolution}`})`, {
      hint: c.supersededBy ? `resolve the newer one: caseflow-outlook conflicts show ${c.supersededBy}` : 'list open conflicts with: caseflow-outlook conflicts list',
    });
  }
  assertOutlookEnabled(db);
  const staff = requireStaff(db, c.staff);
  const prefs = getPrefs(db, staff.id);
  const host = await runHostFor(ctx, db, staff, ctx.signal);
  const done = await resolveConflict(host, c, keep, by, runPolicy(ctx, prefs));
  if (done.supersededBy !== undefined) throw new ConflictChanged(c.id, 'outlook', done.supersededBy);
  const s = done.summary;
  return {
    output: record(
      [
        ['conflict', String(c.id)],
        ['kept', keep],
        ['resolved by', by],
        ['pulled', `${s.pulled.updated} updated`],
        ['pushed', done.recreated ? 'the Outlook copy was gone: created again on the next run' : `${s.pushed.updated} updated`],
      ],
      { ...s, conflict: c.id, kept: keep, resolvedBy: by, ...(done.recreated ? { recreatedNextRun: true } : {}) },
    ),
  };
}
