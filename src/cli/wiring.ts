// Plugs the concrete adapters together for one staff member: token source (auth/), Graph client
// and calendar (graph/), SQLite sync store (store/), into the engine's RunHost (sync/). A staff
// member's own sign-in reaches `/me`; the firm's app-only connection reaches `/users/{email}`.

import { randomBytes } from 'node:crypto';
import { appTokenSource } from '../auth/app-tokens.js';
import { dateInZone, startOfDayUtc } from '../dates.js';
import { notConnected, tokenSourceFor, type TokenSource } from '../auth/tokens.js';
import { budgetWindowFromEnv, mailboxBudget, type RequestBudget } from '../graph/budget.js';
import { GraphCalendar, type RunProgress } from '../graph/calendar.js';
import { createGraphClient } from '../graph/client.js';
import { retryPolicyFromEnv } from '../graph/retry.js';
import { budgetPersistence } from '../store/graph-budget.js';
import { clearMailboxDenied, markMailboxDenied } from '../store/app-connection.js';
import { connectionOf, type Connection } from '../store/connections.js';
import { getFirm } from '../store/firm.js';
import { acquireLock } from '../store/lock.js';
import { storeInstanceId } from '../store/meta.js';
import { invalidItemIds, recordInvalidItems } from '../store/invalid-items.js';
import type { Db } from '../store/open.js';
import type { Staff } from '../store/staff.js';
import { SqliteSyncStore } from '../store/sync-store.js';
import { getSyncState, pruneChanges, syncWindow, updateSyncState } from '../store/sync-state.js';
import type { RemoteCalendar } from '../sync/ports.js';
import type { RunHost } from '../sync/run.js';
import { AppMailboxCalendar } from './app-mailbox.js';
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

/** Where a staff member's calendar is in Graph: `/me`, or `/users/{email}` through the firm's app. */
export function calendarRoot(via: 'sign-in' | 'app', staff: Staff): string {
  return via === 'app' ? `/users/${encodeURIComponent(staff.email)}` : '/me';
}

export async function remoteCalendarFor(ctx: Context, db: Db, staff: Staff, signal: AbortSignal, progress?: (p: RunProgress) => void): Promise<RemoteCalendar> {
  return calendarThrough(ctx, db, staff, requireConnection(db, staff), signal, progress);
}

function requireConnection(db: Db, staff: Staff): Connection {
  const connection = connectionOf(db, staff.id);
  if (!connection) throw notConnected(staff);
  return connection;
}

async function calendarThrough(ctx: Context, db: Db, staff: Staff, connection: Connection, signal: AbortSignal, progress?: (p: RunProgress) => void): Promise<RemoteCalendar> {
  let tokens: TokenSource;
  if (connection.via === 'app') {
    tokens = await appTokenSource({ app: connection.app, authorityHost: ctx.settings['auth.authorityHost'], graphBaseUrl: ctx.settings['graph.baseUrl'], env: ctx.env, log: ctx.log });
  } else {
    tokens = await tokenSourceFor({
      db,
      staff,
      settings: { clientId: ctx.settings['auth.clientId'], tenantId: ctx.settings['auth.tenantId'], authorityHost: ctx.settings['auth.authorityHost'] },
      storePath: ctx.settings['store.path'],
      env: ctx.env,
      log: ctx.log,
      now: ctx.now,
    });
  }
  let fatal: Error | null = null;
  const retry = retryPolicyFromEnv(ctx.env);
  const mailbox = connection.via === 'sign-in' ? connection.account.username : staff.email;
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
    ...(progress ? { onBudgetWait: (ms: number) => progress({ waitingMs: ms }) } : {}),
    retry,
    log: ctx.log,
    signal,
  });
  const root = calendarRoot(connection.via, staff);
  const calendar = new GraphCalendar({
    client,
    retry,
    maxInFlight: ctx.settings['sync.maxRequestsInFlightPerMailbox'],
    budget,
    ...(progress ? { progress } : {}),
    log: ctx.log,
    signal,
    fatal: () => fatal,
    staff: staff.email,
    root,
  });
  if (connection.via === 'sign-in') return calendar;
  return new AppMailboxCalendar(calendar, staff.email, (_refusal, detail) => markMailboxDenied(db, staff.id, ctx.now().toISOString(), detail));
}

/**
 * A saved delta link made through the other way in (`/me` vs `/users/...`: the staff member
 * signed in themselves since, or the firm's connection took over) does not fit: a full round
 * starts instead, as for a link on another host.
 */
function fitsRoot(link: string | null, via: 'sign-in' | 'app'): boolean {
  if (!link) return false;
  let path: string;
  try {
    path = new URL(link).pathname.toLowerCase();
  } catch {
    return false;
  }
  return path.startsWith('/v1.0/me/') === (via === 'sign-in');
}

/** The start of today in the firm's zone becomes the staff member's syncFrom, unless they have one. */
export function startSyncFrom(db: Db, staff: Staff, now: Date): void {
  if (getSyncState(db, staff.id).syncFrom) return;
  const zone = getFirm(db).timeZone;
  updateSyncState(db, staff.id, { syncFrom: startOfDayUtc(dateInZone(now.getTime(), zone), zone) });
}

/**
 * What a run against Outlook needs. `rememberWindow`: keep the sync window worked out today in the
 * store for the next run (a sync run; not `plan`, which leaves the store as it is).
 */
export async function runHostFor(ctx: Context, db: Db, staff: Staff, signal: AbortSignal, o: { progress?: (p: RunProgress) => void; rememberWindow?: boolean } = {}): Promise<RunHost> {
  const connection = requireConnection(db, staff);
  const calendar = await calendarThrough(ctx, db, staff, connection, signal, o.progress);
  const via = connection.via;
  // Through the firm's connection syncing starts at their first run, as at a connect of their own.
  if (via === 'app') startSyncFrom(db, staff, ctx.now());
  const runId = randomBytes(6).toString('hex');
  return {
    store: new SqliteSyncStore(db, staff, ctx.now, runId),
    runId,
    calendar,
    staffEmail: staff.email,
    staffId: staff.id,
    storeId: storeInstanceId(db),
    log: ctx.log,
    window: syncWindow(db, staff, ctx.now(), ctx.settings['sync.horizonDays'], { remember: o.rememberWindow === true }),
    readState: () => {
      const state = getSyncState(db, staff.id);
      return {
        deltaLink: fitsRoot(state.deltaLink, via) ? state.deltaLink : null,
        windowStart: state.windowStart,
        windowEnd: state.windowEnd,
        deltaFlows: state.deltaFlows,
        allowDeletes: state.allowDeletes,
        changeSeq: state.changeSeq,
        changeScope: state.changeScope,
      };
    },
    graphOrigin: ctx.settings['graph.baseUrl'],
    saveState: ({ success, ...changes }) => {
      const at = ctx.now().toISOString();
      updateSyncState(db, staff.id, { ...changes, lastSyncAt: at, ...(success ? { lastSuccessAt: at } : {}) });
      if (changes.changeSeq) pruneChanges(db);
      if (success) clearMailboxDenied(db, staff.id);
    },
    lock: () => acquireLock(db, staff.id, ctx.now()),
    invalidIds: () => invalidItemIds(db, staff.id),
    saveInvalid: (items) => recordInvalidItems(db, staff.id, items, ctx.now().toISOString()),
  };
}


