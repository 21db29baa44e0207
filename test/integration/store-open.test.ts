// Why a store cannot be opened or written, as the user reads it: the path, the OS or SQLite code,
// and what to check. Real files in a temp dir. Tests may run as root, where permission bits do
// not stop writes, so the refusals come from what root cannot override either: a path through a
// regular file (ENOTDIR), and a real SQLite file opened read-only (SQLITE_READONLY).

import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inTransaction, openStore } from '../../src/store/open.js';
import { addStaff, listStaff } from '../../src/store/staff.js';
import { refusal } from '../helpers/refusal.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cfo-open-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('a store that cannot be written', () => {
  it('an unmigrated SQLite file opened read-only: "not writable" naming the file, its folder and SQLITE_READONLY', () => {
    const path = join(dir, 'store.db');
    new Database(path).close(); // a real, empty SQLite database
    const before = readFileSync(path);
    const e = refusal(() => openStore(path, { readonly: true }));
    expect(e.code).toBe('store_not_writable');
    expect(e.exitCode).toBe(1);
    expect(e.message).toBe(`the store ${path} is not writable (SQLITE_READONLY)`);
    expect(e.hint).toBe(`check the permissions of ${path} and of its folder ${dir}, or point --db at another path`);
    expect(e.message).not.toMatch(/not a caseflow-outlook store/);
    expect(readFileSync(path)).toEqual(before);
  });

  it('a store that opens for reading but refuses a write: the write is reported the same way, and rolled back', () => {
    const path = join(dir, 'store.db');
    openStore(path).close();
    const db = openStore(path, { readonly: true });
    try {
      expect(listStaff(db)).toEqual([]);
      const e = refusal(() => inTransaction(db, () => addStaff(db, 'a@firm.example', 'A', '2026-11-21T10:00:00.000Z')));
      expect(e.code).toBe('store_not_writable');
      expect(e.message).toBe(`the store ${path} is not writable (SQLITE_READONLY)`);
    } finally {
      db.close();
    }
    const again = openStore(path);
    expect(listStaff(again)).toEqual([]);
    again.close();
  });

  it('a store folder that cannot be created because its parent is a file: ENOTDIR, naming the file in the way', () => {
    const blocker = join(dir, 'plain-file');
    writeFileSync(blocker, 'x');
    const e = refusal(() => openStore(join(blocker, 'caseflow', 'store.db')));
    expect(e.code).toBe('store_not_writable');
    expect(e.message).toBe(`the store folder ${join(blocker, 'caseflow')} cannot be created: ${blocker} is a file, not a folder (ENOTDIR)`);
    expect(e.hint).toBe(`move ${blocker} aside, or point --db at another path`);
    expect(readFileSync(blocker, 'utf8')).toBe('x');
  });
});

describe('a file that is not a caseflow-outlook store', () => {
  it('a text file: not an SQLite database (SQLITE_NOTADB), left as it was', () => {
    const path = join(dir, 'notes.txt');
    writeFileSync(path, 'meeting notes\n');
    const e = refusal(() => openStore(path));
    expect(e.code).toBe('store_unreadable');
    expect(e.message).toBe(`${path} is not a caseflow-outlook store: it is not an SQLite database (SQLITE_NOTADB)`);
    expect(readFileSync(path, 'utf8')).toBe('meeting notes\n');
  });

  it('an SQLite file holding tables of another program: refused before anything is written to it', () => {
    const path = join(dir, 'other.db');
    const other = new Database(path);
    other.exec('CREATE TABLE staff (who TEXT); CREATE TABLE invoices (n INTEGER)');
    other.close();
    const before = readFileSync(path);
    const e = refusal(() => openStore(path));
    expect(e.code).toBe('store_unreadable');
    expect(e.message).toBe(`${path} is not a caseflow-outlook store: it holds tables of another program (invoices, staff)`);
    expect(e.hint).toBe('point --db at the store file, or at a new path to create a store there');
    // Not switched to WAL, no migrations table added.
    expect(readFileSync(path)).toEqual(before);
    expect(existsSync(`${path}-wal`)).toBe(false);
  });
});

describe('statements are compiled once per connection', () => {
  it('the same SQL gives the same statement, and one caller plucking does not change what the next one reads', () => {
    const db = openStore(join(dir, 'store.db'));
    try {
      addStaff(db, 'ann@firm.example', 'Ann', '2026-11-20T00:00:00Z');
      const sql = 'SELECT email, name FROM staff ORDER BY id';
      const first = db.prepare(sql);
      expect(db.prepare(sql)).toBe(first);
      expect(db.prepare(sql).pluck().all()).toEqual(['ann@firm.example']);
      expect(db.prepare(sql).all()).toEqual([{ email: 'ann@firm.example', name: 'Ann' }]);
      // A statement that returns no data is kept too (pluck does not apply to it).
      const write = db.prepare('UPDATE staff SET name = ? WHERE email = ?');
      expect(db.prepare('UPDATE staff SET name = ? WHERE email = ?')).toBe(write);
      write.run('Ann B', 'ann@firm.example');
      expect(listStaff(db).map((s) => s.name)).toEqual(['Ann B']);
    } finally {
      db.close();
    }
  });
});
