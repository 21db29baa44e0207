// Firm settings: the plan and beta switch that gate Outlook sync, and the default time zone.

import { ActionRequiredError } from '../errors.js';
import type { Db } from './open.js';

export type Plan = 'growth' | 'multi-practice';
export const PLANS: Plan[] = ['growth', 'multi-practice'];

export interface Firm {
  plan: Plan;
  outlookBeta: boolean;
  timeZone: string;
  updatedAt: string;
}

export function getFirm(db: Db): Firm {
  const row = db.prepare('SELECT plan, outlook_beta, time_zone, updated_at FROM firm WHERE id = 1').get() as {
    plan: Plan;
    outlook_beta: number;
    time_zone: string;
    updated_at: string;
  };
  return { plan: row.plan, outlookBeta: row.outlook_beta === 1, timeZone: row.time_zone, updatedAt: row.updated_at };
}

export function setFirm(db: Db, changes: Partial<Omit<Firm, 'updatedAt'>>, now: string): Firm {
  const current = getFirm(db);
  const next = { ...current, ...changes };
  db.prepare('UPDATE firm SET plan = ?, outlook_beta = ?, time_zone = ?, updated_at = ? WHERE id = 1').run(
    next.plan,
    next.outlookBeta ? 1 : 0,
    next.timeZone,
    now,
  );
  return getFirm(db);
}

/** Outlook sync needs the Multi-Practice plan with the private beta on. */
export function outlookEnabled(firm: Firm): boolean {
  return firm.plan === 'multi-practice' && firm.outlookBeta;
}

/** connect, sync, import and the daemon refuse with exit 3 when the firm is not gated in. */
export function assertOutlookEnabled(db: Db): void {
  const firm = getFirm(db);
  if (outlookEnabled(firm)) return;
  const why = firm.plan !== 'multi-practice' ? `the firm is on the ${firm.plan} plan` : 'the private beta is switched off for the firm';
  throw new ActionRequiredError('feature_not_enabled', `Outlook sync is not enabled: it needs the Multi-Practice plan with the Outlook private beta switched on, and ${why}`, {
    hint: 'contact CaseFlow support to enable Outlook sync for your firm',
  });
}
