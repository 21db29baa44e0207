// How long pending writes take when Outlook's request budget is what holds them back, or how long a
// read waits for it, in the words `status` and the progress line of a run use: "1,240 writes
// pending: about 4 min at Graph's pace".
// Runs on the real clock (the budget's window is real time, whatever CASEFLOW_NOW says).

import { budgetWindowFromEnv, RequestBudget, writeRequests } from '../graph/budget.js';
import type { RunProgress } from '../graph/calendar.js';
import { getAccount } from '../store/accounts.js';
import { spentOn } from '../store/graph-budget.js';
import type { Db } from '../store/open.js';
import type { Staff } from '../store/staff.js';
import type { Context } from './context.js';
import { createSpinner, spinnerWanted, type Spinner } from './spinner.js';

/** `40 s`, `4 min`, `2 h 5 min`. */
export function duration(ms: number): string {
  const s = Math.max(1, Math.ceil(ms / 1000));
  if (s < 60) return `${s} s`;
  const min = Math.round(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  return min % 60 ? `${h} h ${min % 60} min` : `${h} h`;
}

export function paceText(pending: number, etaMs: number): string {
  return `${pending.toLocaleString('en-US')} write${pending === 1 ? '' : 's'} pending: about ${duration(etaMs)} at Graph's pace`;
}

/** A read held back by the budget (another run or process spent it): "about 8 min". */
export function waitText(ms: number): string {
  return `Graph's request budget for this mailbox is spent: the next request goes out in about ${duration(ms)}`;
}

/**
 * Milliseconds the staff member's pending writes take at the budget's pace, from what the store
 * says was spent on their mailbox; 0 when the budget has room for them all now.
 */
export function pendingEstimateMs(ctx: Pick<Context, 'settings' | 'env'>, db: Db, staff: Staff, pending: number, nowMs = Date.now()): number {
  if (pending <= 0) return 0;
  const mailbox = getAccount(db, staff.id)?.username ?? staff.email;
  const windowMs = budgetWindowFromEnv(ctx.env);
  const budget = new RequestBudget(ctx.settings['graph.requestsPer10Minutes'], windowMs, { now: () => nowMs, sleep: async () => {} });
  budget.attach({ load: () => spentOn(db, mailbox, windowMs, nowMs), save: () => [] });
  return budget.estimateMs(writeRequests(pending));
}

const LOG_EVERY_MS = 60_000;

/**
 * Where a run's progress goes while the budget holds it back: the spinner line of a command
 * on a terminal (`daemon --once`: one part per staff member), otherwise an info line at most once
 * a minute per staff member (the daemon's log, a pipe).
 */
export class PaceReport {
  private readonly parts = new Map<string, string>();
  private readonly logged = new Map<string, number>();

  constructor(
    private readonly ctx: Pick<Context, 'log'>,
    private readonly spinner: Spinner | null = null,
  ) {}

  /** On a terminal (not --json), a spinner line; otherwise log lines. */
  static async onTerminal(ctx: Context): Promise<PaceReport> {
    return new PaceReport(ctx, spinnerWanted(ctx) ? await createSpinner(ctx) : null);
  }

  /** The progress callback for one staff member's run. */
  for(staff: Staff): (p: RunProgress) => void {
    return (p) => {
      const text = 'waitingMs' in p ? waitText(p.waitingMs) : paceText(p.pending, p.etaMs);
      if (this.spinner) {
        this.parts.set(staff.email, `${staff.email}: ${text}`);
        this.spinner.start([...this.parts.values()].join('; '));
        return;
      }
      const now = Date.now();
      if (now - (this.logged.get(staff.email) ?? -Infinity) < LOG_EVERY_MS) return;
      this.logged.set(staff.email, now);
      this.ctx.log.info(`${staff.email}: ${text}`);
    };
  }

  /** A staff member's run ended: their part leaves the line. */
  done(staff: Staff): void {
    if (!this.spinner || !this.parts.delete(staff.email)) return;
    if (this.parts.size === 0) this.spinner.stop();
    else this.spinner.start([...this.parts.values()].join('; '));
  }

  stop(): void {
    this.spinner?.stop();
  }
}
