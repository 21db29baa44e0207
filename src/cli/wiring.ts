// Plugs the concrete adapters together for one staff member: token source (auth/), Graph client
// and calendar (graph/), SQLite sync store (store/), into the engine's RunHost (sync/).

import { randomBytes } from 'node:crypto';
import { tokenSourceFor } from '../auth/tokens.js';
import { budgetWindowFromEnv, mailboxBudget, type RequestBudget } from '../graph/budget.js';
import { GraphCalendar, type WriteProgress } from '../graph/calendar.js';
import { createGraphClient } from '../graph/client.js';
import { retryPolicyFromEnv } from '../graph/retry.js';
import { getAccount } from '../store/accounts.js';
import { budgetPersistence } from '../store/graph-budget.js';
import { acquireLock } from '../store/lock.js';
import { storeInstanceId } from '../store/meta.js';
import { invalidItemIds, recordInvalidItems } from '../store/invalid-items.js';
import type { Db } from '../store/open.js';
import type { Staff } from '../store/staff.js';
import { SqliteSyncStore } from '../store/sync-store.js';
import { getSyncState, syncWindow, updateSyncState } from '../store/sync-state.js';
import type { RunHost } from '../sync/run.js';
import type { Context } from './context.js';

export { runPolicy } from './run-policy.js';

/**
 * The process's request budget for a mailbox, as this store remembers it: shared by every run in
 * the process, and what earlier processes spent is read from the store.
 */
export function budgetFor(ctx: Pick<Context, 'settings' | 'env' | 'log'>, db: Db, mailbox: string): RequestBudget {
  const windowMs = budgetWindowFromEnv(ctx.env);
  const budget = mailboxBudget(storeInstanceId(db), mailbox, ctx.settings['graph.requestsPer10Minutes'], windowMs);
  budget.attach(budgetPersistence(db, mailbox, budget.owner, windowMs), (error) =>
    ctx.log.debug(`the request budget of ${mailbox} was not saved: ${(error as Error).message}`),
  );
  return budget;
}

export async function remoteCalendarFor(ctx: Context, db: Db, staff: Staff, signal: AbortSignal, progress?: (p: WriteProgress) => void): Promise<GraphCalendar> {
  const tokens = await tokenSourceFor({
    db,
    staff,
    settings: { clientId: ctx.settings['auth.clientId'], tenantId: ctx.settings['auth.tenantId'], authorityHost: ctx.settings['auth.authorityHost'] },
    storePath: ctx.settings['store.path'],
    env: ctx.env,
    log: ctx.log,
    now: ctx.now,
  });
  let fatal: Error | null = null;
  const retry = retryPolicyFromEnv(ctx.env);
  const mailbox = getAccount(db, staff.id)?.username ?? staff.email;
  const budget = budgetFor(ctx, db, mailbox);
  const client = createGraphClient({
    baseUrl: ctx.settings['graph.baseUrl'],
    getAccessToken: async (options) => {
      try {
        return await tokens.getAccessToken(options);
      } catch (error) {
        fatal = error as Error;
        throw error;
      }
    },
    mailbox,
    maxInFlight: ctx.settings['sync.maxRequestsInFlightPerMailbox'],
    budget,
    retry,
    log: ctx.log,
    signal,
  });
  return new GraphCalendar({
    client,
    retry,
    maxInFlight: ctx.settings['sync.maxRequestsInFlightPerMailbox'],
    budget,
    ...(progress ? { progress } : {}),
    log: ctx.log,
    signal,
    fatal: () => fatal,
    staff: staff.email,
  });
}

export async function runHostFor(ctx: Context, db: Db, staff: Staff, signal: AbortSignal, progress?: (p: WriteProgress) => void): Promise<RunHost> {
  const calendar = await remoteCalendarFor(ctx, db, staff, signal, progress);
  const runId = randomBytes(6).toString('hex');
  return {
    store: new SqliteSyncStore(db, staff, ctx.now, runId),
    runId,
    calendar,
    staffEmail: staff.email,
    staffId: staff.id,
    storeId: storeInstanceId(db),
    log: ctx.log,
    window: syncWindow(db, staff, ctx.now(), ctx.settings['sync.horizonDays']),
    readState: () => {
      const state = getSyncState(db, staff.id);
      return { deltaLink: state.deltaLink, windowStart: state.windowStart, windowEnd: state.windowEnd, deltaFlows: state.deltaFlows, allowDeletes: state.allowDeletes };
    },
    graphOrigin: ctx.settings['graph.baseUrl'],
    saveState: ({ success, ...changes }) => {
      const at = ctx.now().toISOString();
      updateSyncState(db, staff.id, { ...changes, lastSyncAt: at, ...(success ? { lastSuccessAt: at } : {}) });
    },
    lock: () => acquireLock(db, staff.id, ctx.now()),
    invalidIds: () => invalidItemIds(db, staff.id),
    saveInvalid: (items) => recordInvalidItems(db, staff.id, items, ctx.now().toISOString()),
  };
}


