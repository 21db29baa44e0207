// The looping daemon's log on stdout: one JSON object a line when stdout is not a terminal (cron,
// systemd, a log shipper) or with --json, human lines with the time of day on a terminal. Each line
// goes through src/log.ts, which redacts tokens and makes control characters visible; no line
// carries an event's description (none is ever given to it).

import { createLogger, type Level, type Logger } from '../../log.js';
import type { Io } from '../context.js';
import type { StaffResult } from './daemon-staff.js';
import type { Backoff } from '../../daemon/schedule.js';
import type { Staff } from '../../store/staff.js';
import { counts } from '../run-entry.js';

export interface DaemonLogger extends Logger {
  /** One event: `event` names it for scripts (`cycle.end`, `staff`, ...), `fields` carry its data. */
  event(level: Level, event: string, message: string, fields?: Record<string, unknown>): void;
}

const timeOfDay = (d: Date) => [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');

export function daemonLogger(io: Pick<Io, 'stdout'>, o: { json: boolean; verbose: boolean }): DaemonLogger {
  const base = createLogger({ verbose: o.verbose, json: o.json, write: io.stdout });
  // A human line: the time, the level unless info, the message; the fields are for JSON readers.
  const human = (level: Level, message: string) => {
    const line = `${timeOfDay(new Date())} ${level === 'info' || level === 'debug' ? '' : `${level}: `}${message}`;
    if (level === 'debug') base.debug(line);
    else base.info(line);
  };
  const emit = (level: Level, message: string, fields?: Record<string, unknown>) => (o.json ? base[level](message, fields) : human(level, message));
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    event: (level, event, message, fields) => emit(level, message, { event, ...fields }),
  };
}

/** What the daemon did for one staff member in a cycle: synced, skipped and why, failed and why. */
export type DaemonResult = StaffResult | { staff: Staff; backoff: Backoff };

export function logStaff(log: DaemonLogger, cycle: { number: number; kind: string }, staff: Staff, r: DaemonResult): void {
  const at = { cycle: cycle.number, kind: cycle.kind, staff: staff.email };
  if ('backoff' in r) {
    const b = r.backoff;
    const until = new Date(b.until).toISOString();
    log.event('info', 'staff', `${staff.email}: skipped (backoff): ${b.failures} transient failure(s) in a row; next try from about ${until}`, {
      ...at,
      outcome: 'skipped',
      reason: 'backoff',
      failures: b.failures,
      until,
      lastError: b.lastError,
    });
    return;
  }
  const e = r.entry;
  const fields = { ...at, outcome: e.outcome, reason: e.reason, exitCode: r.exitCode, note: e.note };
  if (e.outcome === 'skipped') {
    log.event(e.reason === 'needs-reconnect' ? 'warn' : 'info', 'staff', `${staff.email}: skipped (${e.reason}): ${e.note}`, fields);
  } else if (e.outcome === 'synced') {
    log.event('info', 'staff', `${staff.email}: synced: pulled ${counts(e.pulled)}; pushed ${counts(e.pushed)}; ${e.conflicts} conflict(s)`, {
      ...fields,
      pulled: e.pulled,
      pushed: e.pushed,
      conflicts: e.conflicts,
      skippedItems: e.skipped,
    });
  } else {
    const why = e.reason ? ` (${e.reason})` : '';
    const id = r.requestId ? ` [request-id ${r.requestId}]` : '';
    log.event(e.reason === 'interrupted' ? 'warn' : 'error', 'staff', `${staff.email}: failed${why}: ${e.errors.join('; ')}${id}${e.note ? `; ${e.note}` : ''}`, {
      ...fields,
      errors: e.errors,
      pulled: e.pulled,
      pushed: e.pushed,
      requestId: r.requestId ?? null,
    });
  }
}
