// Small validators and formatters shared by the command groups.

import { UsageError } from '../../errors.js';
import { recordAudit, type AuditInput } from '../../store/audit.js';
import type { Context } from '../context.js';

const EMAIL_RE = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/;

/** Where to find the real value of an id or address a user mistyped. */
const LIST_COMMANDS: Record<string, string> = {
  '--staff': 'list staff with: caseflow-outlook staff list',
  '--assign': 'list staff with: caseflow-outlook staff list',
  EVENT_ID: 'list events with: caseflow-outlook events list',
  '--event': 'list events with: caseflow-outlook events list',
  TASK_ID: 'list tasks with: caseflow-outlook tasks list',
  CONFLICT_ID: 'list conflicts with: caseflow-outlook conflicts list',
};

export function email(value: string, flag: string): string {
  const v = value.trim();
  if (!EMAIL_RE.test(v)) {
    throw new UsageError(`${flag} "${value}" is not an email address (expected name@example.com)`, {
      hint: LIST_COMMANDS[flag] ?? `give a full address, e.g. ${flag} dana@client.example`,
    });
  }
  return v.toLowerCase();
}

const TEXT_EXAMPLES: Record<string, string> = {
  '--title': '--title "Hearing"',
  '--name': '--name "Dana Reyes"',
  '--location': '--location "Court 4"',
  NAME: 'categories add "Team lunch"',
};

export function text(value: string | undefined, flag: string, { required = false, max = 2000 } = {}): string {
  const example = TEXT_EXAMPLES[flag] ?? `${flag} "some text"`;
  if (value === undefined) {
    if (required) throw new UsageError(`${flag} is required`, { hint: `give it, e.g. ${example}` });
    return '';
  }
  const v = value.trim();
  if (required && v === '') throw new UsageError(`${flag} must not be empty`, { hint: `give some text, e.g. ${example}` });
  if (v.length > max) throw new UsageError(`${flag} is too long (${v.length} characters; at most ${max})`, { hint: `shorten ${flag} to ${max} characters or fewer` });
  return v;
}

export function onOff(value: string, flag: string): boolean {
  if (value === 'on') return true;
  if (value === 'off') return false;
  throw new UsageError(`${flag} must be on or off (got "${value}")`, { hint: `give ${flag} on or ${flag} off` });
}

export function id(value: string, what: string): number {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value)) || Number(value) < 1) {
    throw new UsageError(`${what} "${value}" is not an id: give the number shown by the list command`, {
      hint: LIST_COMMANDS[what] ?? 'ids are the numbers in the ID column of the list commands',
    });
  }
  return Number(value);
}

export function positiveInt(value: string, flag: string, min: number, max: number, example = min): number {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max} (got "${value}")`, { hint: `e.g. ${flag} ${example}` });
  }
  return Number(value);
}

/** A CLI-side change: one audit row with trigger `cli`. */
export function auditCli(ctx: Context, row: Omit<AuditInput, 'trigger'>): void {
  recordAudit(ctx.db(), { ...row, trigger: 'cli' }, ctx.now().toISOString());
}

const timeFormats = new Map<string, Intl.DateTimeFormat>();

/** A UTC instant shown as wall time in a zone, `2026-12-01 09:00`. */
export function localTime(instant: string, zone: string): string {
  let f = timeFormats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('sv-SE', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    timeFormats.set(zone, f);
  }
  return f.format(new Date(instant));
}

export function yesNo(v: boolean): string {
  return v ? 'yes' : 'no';
}
