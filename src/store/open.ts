// Opens the CaseFlow store: creates it 0600 (folder 0700) on first use, sets the pragmas, and
// applies pending migrations, each in its own transaction.

import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import { CliError, ExitCode } from '../errors.js';
import { migrate } from './migrations.js';

// Loaded through `require`, as commander is (src/cli/commander.ts): Node then does not parse the
// CommonJS entry again for its named exports on every start.
const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;

export type Db = BetterSqlite3.Database;

export interface OpenOptions {
  /** Clock for timestamps written by migrations (seeding). */
  now?: () => Date;
  /** Open an existing store without writing to it (nothing is created; pending migrations fail). */
  readonly?: boolean;
}

export function openStore(path: string, options: OpenOptions = {}): Db {
  const readonly = options.readonly === true;
  if (path !== ':memory:' && !readonly) {
    try {
      const dir = dirname(path);
      if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
      if (!existsSync(path)) {
        // Create the file ourselves so it is 0600 from its first byte; SQLite gives -wal/-shm the same mode.
        closeSync(openSync(path, 'wx', 0o600));
        chmodSync(path, 0o600);
      }
    } catch (error) {
      throw storeError(path, error, 'create');
    }
  }
  let db: Db;
  try {
    db = new Database(path, { fileMustExist: path !== ':memory:', readonly });
  } catch (error) {
    throw storeError(path, error, 'open');
  }
  try {
    refuseForeign(db, path);
    if (db.pragma('journal_mode', { simple: true }) !== 'wal') db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.pragma('synchronous = NORMAL');
    migrate(db, options.now ?? (() => new Date()));
    reuseStatements(db);
  } catch (error) {
    db.close();
    if (error instanceof CliError) throw error;
    throw storeError(path, error, 'use');
  }
  return db;
}

/**
 * Each SQL text is compiled once per connection and its statement kept: better-sqlite3 compiles
 * anew on every `prepare`, and a daemon that runs for months would otherwise compile the same few
 * hundred statements every cycle, leaving each one's native memory to the garbage collector.
 * Installed after the migrations, so no statement outlives a schema change made here (SQLite
 * recompiles a kept statement by itself after a change made elsewhere:
 * https://www.sqlite.org/c3ref/prepare.html). A kept statement's `pluck` is reset each time it is
 * handed out, so one caller's `.pluck()` does not leak into another's.
 */
function reuseStatements(db: Db): void {
  const compile = db.prepare.bind(db);
  const kept = new Map<string, BetterSqlite3.Statement>();
  db.prepare = ((sql: string) => {
    let statement = kept.get(sql);
    if (!statement) {
      statement = compile(sql);
      // SQL is written in the code, never built from data, so the set is small; the bound keeps it so.
      if (kept.size < 1000) kept.set(sql, statement);
    }
    if (statement.reader) statement.pluck(false);
    return statement;
  }) as Db['prepare'];
}

/**
 * An SQLite file with tables but no migrations table belongs to another program: refuse it before
 * anything is written to it (no WAL switch, no migrations table). Reading the schema is also what
 * finds a file that is not SQLite at all (SQLITE_NOTADB).
 */
function refuseForeign(db: Db, path: string): void {
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
  if (tables.length === 0 || tables.includes('schema_migrations')) return;
  const shown = tables.length > 5 ? `${tables.slice(0, 5).join(', ')}, ...` : tables.join(', ');
  throw new CliError('store_unreadable', `${path} is not a caseflow-outlook store: it holds tables of another program (${shown})`, ExitCode.failure, {
    hint: 'point --db at the store file, or at a new path to create a store there',
  });
}

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
};

/** The nearest ancestor of `dir` that exists: where permissions or a stray file block the way. */
function existingAncestor(dir: string): string {
  let d = dir;
  while (!existsSync(d) && dirname(d) !== d) d = dirname(d);
  return d;
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * One line for why the store cannot be opened or written, with what to do. The OS and SQLite
 * codes are kept in the message: support staff search for them. Codes: Node's errno
 * (EACCES, ENOTDIR...) while creating the file, SQLite's result codes afterwards
 * (https://www.sqlite.org/rescode.html).
 */
export function storeError(path: string, error: unknown, stage: 'create' | 'open' | 'use' | 'write'): CliError {
  const code = String((error as { code?: unknown })?.code ?? '');
  const message = (error as Error)?.message ?? String(error);
  const dir = dirname(path);
  const fail = (errorCode: string, text: string, hint: string, exitCode: 1 | 5 = ExitCode.failure) =>
    new CliError(errorCode, text, exitCode, { hint, cause: error });
  const elsewhere = 'or point --db at another path';

  if (REASONS[code]) {
    const blocked = existingAncestor(dir);
    const what = blocked === dir ? `the store folder ${dir} is not writable` : `the store folder ${dir} cannot be created in ${blocked}`;
    return fail('store_not_writable', `${what}: cannot create ${path} (${REASONS[code]}, ${code})`, `check the permissions of ${blocked}, ${elsewhere}`);
  }
  if (code === 'ENOTDIR' || (code === 'EEXIST' && stage === 'create')) {
    const blocker = existingAncestor(dir);
    return fail('store_not_writable', `the store folder ${dir} cannot be created: ${blocker} is a file, not a folder (${code})`, `move ${blocker} aside, ${elsewhere}`);
  }
  if (code === 'SQLITE_READONLY_DIRECTORY') {
    return fail('store_not_writable', `the store folder ${dir} is not writable, so the store ${path} cannot be written (${code})`, `check the permissions of ${dir}, ${elsewhere}`);
  }
  if (code.startsWith('SQLITE_READONLY')) {
    return fail('store_not_writable', `the store ${path} is not writable (${code})`, `check the permissions of ${path} and of its folder ${dir}, ${elsewhere}`);
  }
  if (code.startsWith('SQLITE_CANTOPEN')) {
    if (isFolder(path)) {
      return fail('store_unreadable', `the store ${path} is a folder, not a store file (${code})`, `point --db at a file, e.g. --db ${join(path, 'store.db')}`);
    }
    // The file opened but its -wal/-shm companions could not be made: the folder refuses writes.
    if (stage === 'use' || stage === 'write') {
      return fail('store_not_writable', `the store folder ${dir} is not writable: SQLite cannot create ${path}-wal beside the store (${code})`, `check the permissions of ${dir}, ${elsewhere}`);
    }
    return fail('store_unreadable', `cannot open the store ${path} (${code}: ${message})`, `check the permissions of ${path} and of ${dir}, ${elsewhere}`);
  }
  if (code === 'SQLITE_NOTADB') {
    return fail('store_unreadable', `${path} is not a caseflow-outlook store: it is not an SQLite database (${code})`, `point --db at the store file, or at a new path to create a store there`);
  }
  if (code.startsWith('SQLITE_CORRUPT')) {
    return fail('store_unreadable', `the store ${path} is damaged (${code})`, 'restore it from a backup, then run the same command again');
  }
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') {
    return fail('store_not_writable', `no space left on the disk holding the store ${path} (${code})`, `free space on the volume of ${dir}, then run the same command again`);
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return fail('store_busy', `the store ${path} is locked by another process (${code})`, 'wait for the other caseflow-outlook command to finish, then run the same command again', ExitCode.busy);
  }
  if (stage === 'use' && code.startsWith('SQLITE_')) {
    // A real SQLite file whose tables are not ours (a migration met a table it did not expect).
    return fail('store_unreadable', `${path} is not a caseflow-outlook store (${message})`, 'point --db at the store file, or at a new path to create a store there');
  }
  return fail('store_unreadable', `cannot ${stage} the store ${path}: ${message}`, `check the path given with --db or CASEFLOW_DB and its permissions`);
}

/** SQLite failures of a write that are about the store file, not about the command. */
const STORE_WRITE_CODES = /^SQLITE_(READONLY|CANTOPEN|FULL|CORRUPT|BUSY|LOCKED|NOTADB)/;

/**
 * Runs `fn` in one transaction (BEGIN IMMEDIATE, so writers queue instead of failing mid-way).
 * A store that opened for reading but refuses the write (a read-only file, a full disk) is
 * reported as such; the transaction was rolled back.
 */
export function inTransaction<T>(db: Db, fn: () => T): T {
  try {
    return db.transaction(fn).immediate();
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (typeof code === 'string' && STORE_WRITE_CODES.test(code) && db.name !== ':memory:') throw storeError(db.name, error, 'write');
    throw error;
  }
}
