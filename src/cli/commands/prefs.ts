// `prefs show/set`: a staff member's four toggles (the master switch, events, tasks, deadlines).

import { UsageError } from '../../errors.js';
import { inTransaction } from '../../store/open.js';
import { getPrefs, PREF_KEYS, setPrefs, type Prefs } from '../../store/prefs.js';
import { requireStaff } from '../../store/staff.js';
import type { Context } from '../context.js';
import { record, type Output } from '../output.js';
import { auditCli, email, onOff } from './common.js';

const LABELS: Record<keyof Prefs, string> = { enabled: 'sync enabled', events: 'calendar events (two-way)', tasks: 'tasks with due dates (one-way)', deadlines: 'key deadlines (one-way)' };

function prefsRecord(staff: string, prefs: Prefs): Output {
  return record(PREF_KEYS.map((k) => [LABELS[k], prefs[k] ? 'on' : 'off', prefs[k] ? 'good' : 'dim']), { staff, ...prefs });
}

export async function show(ctx: Context, opts: { staff: string }): Promise<Output> {
  const db = ctx.db();
  const staff = requireStaff(db, email(opts.staff, '--staff'));
  return prefsRecord(staff.email, getPrefs(db, staff.id));
}

export async function set(ctx: Context, opts: { staff: string } & Partial<Record<keyof Prefs, string>>): Promise<Output> {
  const changes: Partial<Prefs> = {};
  for (const k of PREF_KEYS) if (opts[k] !== undefined) changes[k] = onOff(opts[k]!, `--${k}`);
  if (Object.keys(changes).length === 0) {
    throw new UsageError('prefs set needs at least one of --enabled, --events, --tasks, --deadlines (on or off)', {
      hint: `e.g. caseflow-outlook prefs set --staff ${opts.staff} --tasks off; see the current ones with: caseflow-outlook prefs show --staff ${opts.staff}`,
    });
  }
  const db = ctx.db();
  const staff = requireStaff(db, email(opts.staff, '--staff'));
  const next = inTransaction(db, () => {
    const prefs = { ...getPrefs(db, staff.id), ...changes };
    setPrefs(db, staff.id, prefs, ctx.now().toISOString());
    auditCli(ctx, { staffId: staff.id, staffEmail: staff.email, direction: 'none', action: 'prefs.set', kind: 'prefs', summary: `preferences: ${Object.entries(changes).map(([k, v]) => `${k}=${v ? 'on' : 'off'}`).join(', ')}` });
    return prefs;
  });
  return prefsRecord(staff.email, next);
}
