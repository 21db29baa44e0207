// What `sync` and `daemon --once` answer for each staff member: the run summary, plus what became
// of them (`outcome`), why they were not synced (`reason`) and what to run (`note`).

import type { CliError } from '../errors.js';
import { ExitCode } from '../errors.js';
import { connectionOf } from '../store/connections.js';
import { getAppConnection } from '../store/app-connection.js';
import type { Db } from '../store/open.js';
import { getPrefs } from '../store/prefs.js';
import type { Staff } from '../store/staff.js';
import type { RunSummary } from '../sync/run.js';
import type { HandlerResult } from './handler.js';
import { listing, record, type Output, type Tone } from './output.js';

export type Outcome = 'synced' | 'skipped' | 'failed';
/** Why a staff member was not synced (or not to the end): a stable word for scripts. */
export type Reason = 'needs-reconnect' | 'paused' | 'not-connected' | 'interrupted' | 'no-access';

/**
 * A run summary that says what happened to this staff member and, when it was not synced, why
 * (`reason`) and what to run (`note`). A scheduled run has one for every staff member.
 */
export interface RunEntry extends Omit<RunSummary, 'note' | 'runId'> {
  outcome: Outcome;
  reason: Reason | null;
  note: string | null;
  /** The run that wrote its changes (`restore --run`); null when no run happened. */
  runId: string | null;
}

/** An entry and the exit code it stands for (3 a person must act, 4 run again, ...). */
export interface Scored {
  entry: RunEntry;
  exitCode: number;
}

export const counts = (c: RunSummary['pulled']) => `${c.created} created, ${c.updated} updated, ${c.deleted} deleted`;
const zero = () => ({ created: 0, updated: 0, deleted: 0 });

function entry(staff: Staff, outcome: Outcome, reason: Reason | null, note: string | null, errors: string[] = []): RunEntry {
  return { staff: staff.email, pulled: zero(), pushed: zero(), conflicts: 0, skipped: 0, errors, outcome, reason, note, runId: null };
}

/** Why a staff member cannot be synced at all, known before any request; null when they can. */
export function standingSkip(db: Db, staff: Staff): Scored | null {
  const e = staff.email;
  if (!getPrefs(db, staff.id).enabled) {
    return { entry: entry(staff, 'skipped', 'paused', `sync is paused (prefs --enabled off); resume with: caseflow-outlook prefs set --staff ${e} --enabled on`), exitCode: ExitCode.ok };
  }
  const connection = connectionOf(db, staff.id);
  if (!connection) {
    return { entry: entry(staff, 'skipped', 'not-connected', `not connected to Microsoft 365; connect with: caseflow-outlook connect --staff ${e}`), exitCode: ExitCode.ok };
  }
  if (connection.via === 'sign-in' && connection.account.needsReconnect) {
    return { entry: entry(staff, 'skipped', 'needs-reconnect', reconnectNote(staff, connection.account.reconnectReason, getAppConnection(db) !== null)), exitCode: ExitCode.actionRequired };
  }
  return null;
}

/** Paused is not an error for one named staff member: the answer says so (exit 0). */
export function pausedEntry(db: Db, staff: Staff): Scored | null {
  const skip = standingSkip(db, staff);
  return skip?.entry.reason === 'paused' ? skip : null;
}

function reconnectNote(staff: Staff, why: string | null, app = false): string {
  const instead = app ? `, or leave it to the firm's app-only connection: caseflow-outlook disconnect --staff ${staff.email}` : '';
  return `the Microsoft sign-in expired or was revoked${why ? ` (${why})` : ''}; sign in again: caseflow-outlook connect --staff ${staff.email} --force${instead}`;
}

/** The failures that are one mailbox's and the firm's app-only connection's: no rerun fixes them. */
const NO_ACCESS = new Set(['mailbox_not_in_scope', 'mailbox_not_found']);

/**
 * A run that went to its end: synced, or failed for the items it lists under errors (they stay
 * pending; `retry` is the command that sends them). Held deletions need a person: exit 3.
 */
export function finished(staff: Staff, s: RunSummary, retry: string): Scored {
  const exitCode = s.breaker ? ExitCode.actionRequired : s.errors.length ? ExitCode.transient : ExitCode.ok;
  let note = s.note ?? null;
  if (s.breaker) note = `deletions held back; let them through with: caseflow-outlook sync --staff ${staff.email} --allow-deletes`;
  else if (s.errors.length) note = `some items stay pending; safe to run again: ${retry}`;
  return { entry: { ...s, outcome: s.errors.length ? 'failed' : 'synced', reason: null, note, runId: s.runId ?? null }, exitCode };
}

/** A run that stopped on an error: the sign-in refused mid-run, Graph down, the lock busy. */
export function failed(staff: Staff, e: CliError): Scored {
  const reason: Reason | null =
    e.code === 'needs_reconnect' ? 'needs-reconnect' : e.code === 'not_connected' ? 'not-connected' : NO_ACCESS.has(e.code) ? 'no-access' : null;
  const note = reason === 'needs-reconnect' ? reconnectNote(staff, null) : (e.hint ?? null);
  return { entry: entry(staff, 'failed', reason, note, [e.message]), exitCode: e.exitCode };
}

export function interrupted(staff: Staff, started: boolean): Scored {
  const note = started
    ? 'interrupted before it finished; what was written is kept and the next run carries on'
    : 'not started: the run was interrupted; the next run includes it';
  return { entry: entry(staff, started ? 'failed' : 'skipped', 'interrupted', note, started ? ['interrupted'] : []), exitCode: ExitCode.ok };
}

export function summaryOutput(s: RunEntry): Output {
  return record(
    [
      ['staff', s.staff],
      ['outcome', outcomeText(s), outcomeTone(s)],
      ['pulled', counts(s.pulled)],
      ['pushed', counts(s.pushed)],
      ['conflicts', String(s.conflicts), s.conflicts ? 'warn' : undefined],
      ['skipped', String(s.skipped)],
      ['errors', s.errors.length ? s.errors.join('; ') : 'none', s.errors.length ? 'bad' : undefined],
      ...(s.note ? ([['note', s.note]] as [string, string][]) : []),
      ...(s.runId ? ([['run', s.runId]] as [string, string][]) : []),
    ],
    s,
  );
}

export const outcomeText = (s: RunEntry) => (s.reason ? `${s.outcome} (${s.reason})` : s.outcome);

export function outcomeTone(s: RunEntry): Tone | undefined {
  if (s.outcome === 'failed' && s.reason !== 'interrupted') return 'bad';
  if (s.reason === 'needs-reconnect') return 'bad';
  return s.outcome === 'skipped' ? 'dim' : undefined;
}

/**
 * Every staff member's entry of a run over several of them (`daemon --once`, `import --all`), as
 * a table, with the exit code the worst of theirs. `pushed`: whether the runs push (an import
 * only pulls).
 */
export function entriesOutput(scored: { entry: RunEntry; exitCode: number }[], o: { pushed: boolean }): HandlerResult {
  const worst = Math.max(ExitCode.ok, ...scored.map((r) => r.exitCode));
  const entries = scored.map((r) => r.entry).sort((a, b) => a.staff.localeCompare(b.staff));
  const dash = (s: RunEntry, text: string) => (s.outcome === 'skipped' ? '-' : text);
  return {
    output: listing<RunEntry>(
      [
        { header: 'STAFF', value: (s) => s.staff },
        { header: 'PULLED', value: (s) => dash(s, counts(s.pulled)) },
        ...(o.pushed ? [{ header: 'PUSHED', value: (s: RunEntry) => dash(s, counts(s.pushed)) }] : []),
        { header: 'CONFLICTS', value: (s) => dash(s, String(s.conflicts)) },
        { header: 'ERRORS', value: (s) => s.errors.join('; '), tone: (s) => (s.errors.length ? 'bad' : undefined) },
        { header: 'OUTCOME', value: outcomeText, tone: outcomeTone },
        { header: 'NOTE', value: (s) => s.note ?? '' },
      ],
      entries,
      entries,
      'no staff members yet: add one with caseflow-outlook staff add --email E --name N',
    ),
    exitCode: worst,
  };
}
