// Opens the CaseFlow store: creates it 0600 (folder 0700) on first use, sets the pragmas, and
// applies pending migrations, each in its own transaction (STYLE.md "Store").

import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { CliError, ExitCode } from '../errors.js';
import { migrate } from './migrations.js';

export type Db = Database.Database;

export interface OpenOptions {
  /** Clock for timestamps written by migrations (seeding). */
  now?: () => Date;
  readonly?: boolean;
}

export function openStore(path: string, options: OpenOptions = {}): Db {
  if (path !== ':memory:') {
    const dir = dirname(path);
    if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!existsSync(path)) {
      // Create the file ourselves so it is 0600 from its first byte; SQLite gives -wal/-shm the same mode.
      closeSync(openSync(path, 'wx', 0o600));
      chmodSync(path, 0o600);
    }
  }
  let db: Db;
  try {
    db = new Database(path, { fileMustExist: path !== ':memory:' });
  } catch (error) {
    throw new CliError('store_unreadable', `cannot open the store ${path}: ${(error as Error).message}`, ExitCode.failure, {
      hint: 'check the path given with --db or CASEFLOW_DB and its permissions',
      cause: error,
    });
  }
  try {
    if (db.pragma('journal_mode', { simple: true }) !== 'wal') db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.pragma('synchronous = NORMAL');
    migrate(db, options.now ?? (() => new Date()));
  } catch (error) {
    db.close();
    if (error instanceof CliError) throw error;
    throw new CliError('store_unreadable', `cannot use the store ${path}: ${(error as Error).message}`, ExitCode.failure, {
      hint: 'the file may not be a caseflow-outlook store; point --db at another path',
      cause: error,
    });
  }
  return db;
}

/** Runs `fn` in one transaction (BEGIN IMMEDIATE, so writers queue instead of failing mid-way). */
export function inTransaction<T>(db: Db, fn: () => T): T {
  return db.transaction(fn).immediate();
}
