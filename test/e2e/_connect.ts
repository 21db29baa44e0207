// Shared by the connect/disconnect end-to-end tests: a sandboxed store pointed at an
// in-process simulator, the firm gated in, staff added; and helpers to look inside the store
// (raw bytes, the accounts table, the decrypted MSAL cache) without going through the CLI.

import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { expect } from 'vitest';
import { decrypt, keyFilePath, loadKey } from '../../src/auth/secrets.js';
import { sandbox, type CliOptions, type CliResult, type Sandbox } from '../helpers/cli.js';
import { startTestSimulator, type Simulator } from '../helpers/sim.js';

export const CLIENT_ID = '5f3c1a0e-7d2b-4c1e-9a6f-2b8d4e6f1a3c';
export const ALICE = 'alice@firm.example';
export const BOB = 'bob@firm.example';

export interface Env {
  sim: Simulator;
  sb: Sandbox;
  cleanup: () => Promise<void>;
}

export interface EnvOptions {
  /** Gate the firm in (multi-practice + beta on). Default true. */
  gate?: boolean;
  staff?: string[];
  /** Access-token lifetime in the simulator. Below MSAL's 300 s staleness margin, every command refreshes. */
  accessTokenLifetimeSeconds?: number;
  sandboxEnv?: Record<string, string>;
}

export async function expectOk(p: Promise<CliResult>, what = 'command'): Promise<CliResult> {
  const r = await p;
  expect(r.code, `${what} failed: ${r.stderr}`).toBe(0);
  return r;
}

export async function setupEnv(o: EnvOptions = {}): Promise<Env> {
  const sim = await startTestSimulator(o.accessTokenLifetimeSeconds ? { accessTokenLifetimeSeconds: o.accessTokenLifetimeSeconds } : {});
  const sb = sandbox({
    CASEFLOW_AUTHORITY_HOST: sim.url,
    CASEFLOW_GRAPH_URL: sim.url,
    CASEFLOW_CLIENT_ID: CLIENT_ID,
    ...o.sandboxEnv,
  });
  if (o.gate ?? true) await expectOk(sb.run(['firm', 'set', '--plan', 'multi-practice', '--outlook-beta', 'on']), 'firm set');
  for (const email of o.staff ?? [ALICE]) await expectOk(sb.run(['staff', 'add', '--email', email, '--name', email.split('@')[0]!]), 'staff add');
  return {
    sim,
    sb,
    cleanup: async () => {
      await sim.stop();
      sb.cleanup();
    },
  };
}

/** The user code in the device-code instruction on stderr, or null while it has not appeared. */
export function userCodeIn(stderr: string): string | null {
  return /enter the code ([A-Z0-9]+) to authenticate/.exec(stderr)?.[1] ?? null;
}

/**
 * Runs the CLI and calls `act` exactly once, when the device code shows up on stderr (with the
 * child, e.g. to send SIGINT). If `act` throws, the child is killed and the error rethrown, so a
 * broken test fails at once instead of leaving the CLI polling until the timeout.
 */
export async function runAtCode(
  sb: Sandbox,
  args: string[],
  act: (userCode: string, child: ChildProcess) => void,
  options: CliOptions = {},
): Promise<CliResult & { userCode: string | null }> {
  let child: ChildProcess | null = null;
  let seen: string | null = null;
  let failure: unknown = null;
  const result = await sb.run(args, {
    ...options,
    onSpawn: (c) => {
      child = c;
    },
    onStderr: (_chunk, all) => {
      const code = userCodeIn(all);
      if (!code || seen) return;
      seen = code;
      try {
        act(code, child!);
      } catch (error) {
        failure = error;
        child!.kill('SIGKILL');
      }
    },
  });
  if (failure) throw failure;
  return { ...result, userCode: seen };
}

/** sha256 of the store file and its WAL (absent files count as such). */
export function fingerprint(dbPath: string): string {
  const h = createHash('sha256');
  for (const f of [dbPath, `${dbPath}-wal`]) h.update(existsSync(f) ? readFileSync(f) : Buffer.from('absent'));
  return h.digest('hex');
}

export function filesIn(dir: string): string[] {
  return readdirSync(dir).sort();
}

export interface AccountRow {
  staff_id: number;
  home_account_id: string;
  username: string;
  token_cache: Buffer;
  connected_at: string;
  last_refresh_at: string;
  needs_reconnect: number;
  reconnect_reason: string | null;
}

function withDb<T>(dbPath: string, fn: (db: Database.Database) => T): T {
  const db = new Database(dbPath, { fileMustExist: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

export function accountRows(dbPath: string): AccountRow[] {
  return withDb(dbPath, (db) => db.prepare('SELECT * FROM accounts ORDER BY staff_id').all() as AccountRow[]);
}

export function auditActions(dbPath: string): string[] {
  return withDb(dbPath, (db) => (db.prepare('SELECT action FROM audit ORDER BY id').all() as { action: string }[]).map((r) => r.action));
}

/** The sync_state row of the first staff member (delta link, syncFrom...). */
export function syncState(dbPath: string): { delta_link: string | null; sync_from: string | null } {
  return withDb(dbPath, (db) => db.prepare('SELECT * FROM sync_state ORDER BY staff_id LIMIT 1').get() as { delta_link: string | null; sync_from: string | null });
}

export function staffId(dbPath: string, email: string): number {
  return withDb(dbPath, (db) => (db.prepare('SELECT id FROM staff WHERE email = ?').get(email) as { id: number }).id);
}

export interface CacheSecrets {
  accessTokens: string[];
  refreshTokens: string[];
  idTokens: string[];
}

/**
 * Decrypts a staff member's stored MSAL cache with the key the CLI used (CASEFLOW_OUTLOOK_KEY in
 * `env`, else the key file beside the store) and returns the token strings it holds.
 */
export function storedSecrets(sb: Sandbox, email: string, env: Record<string, string | undefined> = sb.env): CacheSecrets {
  const id = staffId(sb.db, email);
  const row = accountRows(sb.db).find((r) => r.staff_id === id);
  if (!row) throw new Error(`no accounts row for ${email}`);
  const key = loadKey(env, sb.db, false);
  if (!key) throw new Error(`no key for ${keyFilePath(sb.db)}`);
  const cache = JSON.parse(decrypt(row.token_cache, key.key, id, email).toString('utf8')) as Record<string, Record<string, { secret: string }>>;
  const secrets = (section: string) => Object.values(cache[section] ?? {}).map((c) => c.secret);
  return { accessTokens: secrets('AccessToken'), refreshTokens: secrets('RefreshToken'), idTokens: secrets('IdToken') };
}
