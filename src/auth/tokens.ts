// Silent token acquisition for every command after connect. The encrypted cache is read before
// and written after every MSAL call, in the store: refresh tokens are replaced on every use
// (https://learn.microsoft.com/entra/identity-platform/refresh-tokens). A quiet run whose stored
// cache is unchanged since the last call takes the access token that call gave while it is fresh.

import { createHash } from 'node:crypto';
import type { ICachePlugin, PublicClientApplication as Pca, TokenCacheContext } from '@azure/msal-node';
import { ActionRequiredError, TransientError } from '../errors.js';
import type { Logger } from '../log.js';
import { forgetFreshToken, getAccount, markNeedsReconnect, saveFreshToken, updateTokenCache, type Account } from '../store/accounts.js';
import type { Db } from '../store/open.js';
import type { Staff } from '../store/staff.js';
import type { SignInToken } from './device-code.js';
import { createPca, isReconnectError, SCOPES, signInServerFailure, type AuthSettings, type SignInClient } from './msal.js';
import { decrypt, encrypt, loadKey } from './secrets.js';

export interface TokenSource {
  /** `forceRefresh` after Graph answered 401: the cached access token was refused. */
  getAccessToken(options?: { forceRefresh?: boolean }): Promise<string>;
}

export function notConnected(staff: Staff): ActionRequiredError {
  return new ActionRequiredError('not_connected', `${staff.email} is not connected to Microsoft 365`, {
    hint: `connect them with: caseflow-outlook connect --staff ${staff.email}`,
  });
}

export function needsReconnect(staff: Staff, reason?: string | null): ActionRequiredError {
  return new ActionRequiredError('needs_reconnect', `the Microsoft sign-in of ${staff.email} has expired or was revoked${reason ? ` (${reason})` : ''}`, {
    hint: `sign in again: caseflow-outlook connect --staff ${staff.email} --force`,
  });
}

export interface TokenSourceOptions {
  db: Db;
  staff: Staff;
  settings: AuthSettings;
  storePath: string;
  env: Record<string, string | undefined>;
  log: Logger;
  now: () => Date;
}

/** What a cached client's cache plugin reads and writes with: the caller of the moment. */
interface Binding {
  staff: Staff;
  key: Buffer;
  now: () => Date;
}

/**
 * The access token a client's last silent call gave, with the digest of the stored cache it came
 * from (or went to), kept sealed in the account row. While the row holds that same ciphertext (a
 * new IV on every write: any write by any process changes it) and the token is fresh by MSAL's
 * own rule, MSAL would hand back this very token from the same cache, so a quiet run, in this
 * process or a new one, takes it without starting MSAL or decrypting the cache.
 */
interface FreshToken {
  cacheDigest: string;
  /** The app and authority that issued it: MSAL keys its cache by them, so a changed setting finds no token. */
  issuer: string;
  homeAccountId: string;
  accessToken: string;
  sinceMs: number;
  untilMs: number;
}

interface CachedClient {
  client: SignInClient<Pca>;
  binding: Binding;
  /** The stored ciphertext MSAL's in-memory cache was last read from or written to. */
  seen: Buffer | null;
  /**
   * The stored ciphertext MSAL's cache snapshot was deserialized from, until MSAL writes: while
   * the row still holds it, a cache access finds MSAL's cache as it would make it and skips the
   * decrypt and deserialize (MSAL rebuilds its cache from that snapshot before a silent call).
   */
  snapshot: Buffer | null;
}

/** Loads a decrypted cache into the client's MSAL cache, unless it holds that one already. */
function loadCache(entry: CachedClient, tokenCache: { deserialize(cache: string): void }, sealed: Buffer | null, plain: () => string): void {
  entry.seen = sealed;
  if (sealed && entry.snapshot?.equals(sealed)) return;
  entry.snapshot = null;
  tokenCache.deserialize(plain());
  entry.snapshot = sealed;
}

/**
 * MSAL refreshes an access token 5 minutes before it expires (tokenRenewalOffsetSeconds), or once
 * its refresh_in time has come:
 * https://learn.microsoft.com/entra/msal/javascript/node/configuration#cache-and-token-renewal
 */
const RENEWAL_OFFSET_MS = 300_000;

function freshUntil(result: { expiresOn: Date | null; refreshOn?: Date }): number {
  const expires = result.expiresOn ? result.expiresOn.getTime() - RENEWAL_OFFSET_MS : -Infinity;
  return result.refreshOn ? Math.min(expires, result.refreshOn.getTime()) : expires;
}

const digestOf = (sealed: Buffer): string => createHash('sha256').update(sealed).digest('base64');

/** MSAL's clock: the system's (a clock turned back makes MSAL refresh, and so here). */
const isFresh = (fresh: FreshToken): boolean => Date.now() >= fresh.sinceMs && Date.now() < fresh.untilMs;

/** Kept tokens as decrypted last, by store handle and staff member: a daemon cycle skips the decrypt. */
const opened = new WeakMap<Db, Map<number, { sealed: Buffer; fresh: FreshToken }>>();

function openFreshToken(db: Db, staff: Staff, sealed: Buffer, key: Buffer): FreshToken | null {
  const known = opened.get(db)?.get(staff.id);
  if (known?.sealed.equals(sealed)) return known.fresh;
  let fresh: FreshToken;
  try {
    fresh = JSON.parse(decrypt(sealed, key, staff.id, staff.email, 'access-token').toString('utf8')) as FreshToken;
  } catch {
    return null; // another key, or not ours: MSAL decides from the cache itself
  }
  if (typeof fresh?.accessToken !== 'string' || typeof fresh.cacheDigest !== 'string' || typeof fresh.issuer !== 'string' || !Number.isFinite(fresh.sinceMs) || !Number.isFinite(fresh.untilMs)) return null;
  remember(db, staff, sealed, fresh);
  return fresh;
}

function remember(db: Db, staff: Staff, sealed: Buffer, fresh: FreshToken): void {
  let perDb = opened.get(db);
  if (!perDb) opened.set(db, (perDb = new Map()));
  perDb.set(staff.id, { sealed, fresh });
}

/** The kept token, when the stored cache is still the one it came from and it is fresh. */
function keptToken(db: Db, staff: Staff, account: Account, key: Buffer, issuer: string): FreshToken | null {
  if (!account.freshToken) return null;
  const fresh = openFreshToken(db, staff, account.freshToken, key);
  if (!fresh || fresh.issuer !== issuer || fresh.homeAccountId !== account.homeAccountId || !isFresh(fresh)) return null;
  return fresh.cacheDigest === digestOf(account.tokenCache) ? fresh : null;
}

/** Keeps the token a silent call gave beside the cache it came from, for the next run. */
function keep(db: Db, staff: Staff, key: Buffer, cache: Buffer, fresh: FreshToken): void {
  const sealed = encrypt(Buffer.from(JSON.stringify(fresh), 'utf8'), key, staff.id, 'access-token');
  saveFreshToken(db, staff.id, cache, sealed);
  remember(db, staff, sealed, fresh);
}

/**
 * Keeps the access token a sign-in gave beside the cache just saved from it: the first run after
 * connect takes it as it would one a silent call gave (MSAL would find it in that cache).
 */
export function keepSignInToken(db: Db, staff: Staff, key: Buffer, settings: AuthSettings, savedCache: Buffer, homeAccountId: string, token: SignInToken): void {
  const fresh = freshToken(savedCache, settings, homeAccountId, token, token.sinceMs);
  if (isFresh(fresh)) keep(db, staff, key, savedCache, fresh);
}

/** What MSAL gave, asked for at `sinceMs`, with the cache it is in (null: none stored yet). */
function freshToken(cache: Buffer | null, settings: AuthSettings, homeAccountId: string, result: { accessToken: string; expiresOn: Date | null; refreshOn?: Date }, sinceMs: number): FreshToken {
  return { cacheDigest: cache ? digestOf(cache) : '', issuer: issuerOf(settings), homeAccountId, accessToken: result.accessToken, sinceMs, untilMs: freshUntil(result) };
}

/**
 * One MSAL public client per staff member, per store handle, per process: the daemon's cycles
 * reuse it instead of building a client (its cache, crypto and logger) for every staff member on
 * every cycle. One client per staff member, never one shared: MSAL keeps one token cache per
 * client, and each staff member's cache is their own row, decrypted before and written after
 * every MSAL call (the plugin below), so a cached client always starts from the store and an
 * account disconnected meanwhile leaves it empty. Keyed by the store handle: a handle closed
 * (its command done) takes its clients with it.
 */
const clients = new WeakMap<Db, Map<string, CachedClient>>();

/** How many MSAL clients this store handle keeps (one per staff member it has served). */
export function signInClientCount(db: Db): number {
  return clients.get(db)?.size ?? 0;
}

/** An empty MSAL cache: what a client holds for a staff member with no stored sign-in. */
const EMPTY_CACHE = JSON.stringify({ Account: {}, IdToken: {}, AccessToken: {}, RefreshToken: {}, AppMetadata: {} });

const issuerOf = (settings: AuthSettings): string => `${settings.clientId}|${settings.authorityHost}/${settings.tenantId}`;

async function clientFor(o: TokenSourceOptions, key: Buffer): Promise<CachedClient> {
  let perDb = clients.get(o.db);
  if (!perDb) clients.set(o.db, (perDb = new Map()));
  const id = `${o.staff.id}|${issuerOf(o.settings)}`;
  const known = perDb.get(id);
  if (known && known.binding.key.equals(key)) {
    known.binding = { staff: o.staff, key, now: o.now };
    return known;
  }
  const db = o.db;
  const entry: CachedClient = { client: undefined as unknown as SignInClient<Pca>, binding: { staff: o.staff, key, now: o.now }, seen: null, snapshot: null };
  const plugin: ICachePlugin = {
    beforeCacheAccess: async (context: TokenCacheContext) => {
      const { staff, key: k } = entry.binding;
      const current = getAccount(db, staff.id);
      loadCache(entry, context.tokenCache, current?.tokenCache ?? null, () => (current ? decrypt(current.tokenCache, k, staff.id, staff.email).toString('utf8') : EMPTY_CACHE));
    },
    afterCacheAccess: async (context: TokenCacheContext) => {
      if (!context.cacheHasChanged) return;
      const { staff, key: k, now } = entry.binding;
      const sealed = encrypt(Buffer.from(context.tokenCache.serialize(), 'utf8'), k, staff.id);
      // A changed cache after a silent call means a refresh happened: the 60-day clock restarts.
      updateTokenCache(db, staff.id, sealed, now().toISOString());
      entry.seen = sealed;
      entry.snapshot = null;
    },
  };
  entry.client = await createPca(o.settings, plugin, o.log);
  perDb.set(id, entry);
  return entry;
}

/** A token source for a connected staff member, or exit 3 when a person must act first. */
export async function tokenSourceFor(o: TokenSourceOptions): Promise<TokenSource> {
  const account = getAccount(o.db, o.staff.id);
  if (!account) throw notConnected(o.staff);
  if (account.needsReconnect) throw needsReconnect(o.staff, account.reconnectReason);
  const keySource = loadKey(o.env, o.storePath, false);
  if (!keySource) {
    throw new ActionRequiredError('wrong_key', `no key to decrypt the saved sign-in of ${o.staff.email} (CASEFLOW_OUTLOOK_KEY is unset and the key file is missing)`, {
      hint: `restore the key file or CASEFLOW_OUTLOOK_KEY, or sign in again: caseflow-outlook connect --staff ${o.staff.email} --force`,
    });
  }
  const key = keySource.key;
  let entry: CachedClient | null = null;
  const acquire = async (forceRefresh = false): Promise<FreshToken> => {
    if (forceRefresh) forgetFreshToken(o.db, o.staff.id);
    if (!entry) {
      entry = await clientFor(o, key);
      // Fail early and clearly on a wrong key, before MSAL sees anything; what is decrypted here
      // is what MSAL then reads.
      loadCache(entry, entry.client.client.getTokenCache(), account.tokenCache, () => decrypt(account.tokenCache, key, o.staff.id, o.staff.email).toString('utf8'));
    }
    const pca = entry.client.client;
    const msAccount = await pca.getTokenCache().getAccountByHomeId(account.homeAccountId);
    if (!msAccount) {
      markNeedsReconnect(o.db, o.staff.id, 'account missing from the token cache');
      throw needsReconnect(o.staff);
    }
    try {
      const startedMs = Date.now();
      const result = await pca.acquireTokenSilent({ account: msAccount, scopes: SCOPES, forceRefresh });
      const seen = entry.seen;
      const fresh = freshToken(seen, o.settings, account.homeAccountId, result, startedMs);
      if (seen) keep(o.db, o.staff, key, seen, fresh);
      return fresh;
    } catch (error) {
      if (isReconnectError(error)) {
        const code = (error as { errorCode?: string }).errorCode ?? 'invalid_grant';
        markNeedsReconnect(o.db, o.staff.id, code);
        throw needsReconnect(o.staff, code);
      }
      const server = await signInServerFailure(error, o.settings);
      if (server) throw server;
      // No hint: the CLI names the command to run again (this one may be a sync, the daemon, a resolve).
      throw new TransientError(`could not refresh the Microsoft sign-in of ${o.staff.email}: ${(error as Error).message}`, { cause: error });
    }
  };
  // Get a token now, before any Graph call: a sign-in that is revoked or expired ends the command
  // here with exit 3, instead of inside the Graph client, whose retry loop would take a failed
  // token call for a network error and back off for half a minute. The first request uses this
  // token (no second token call), even one MSAL would already call stale (a lifetime under its
  // 5-minute margin); later ones take it while it is fresh.
  let current = keptToken(o.db, o.staff, account, key, issuerOf(o.settings)) ?? (await acquire());
  let primed = true;
  return {
    async getAccessToken(options = {}) {
      if (options.forceRefresh || !(primed || isFresh(current))) current = await acquire(options.forceRefresh);
      primed = false;
      return current.accessToken;
    },
  };
}
