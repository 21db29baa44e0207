// The identity migration on a real SQLite file: a store made before it (ids reusable, no
// instance id) keeps every row and link, and afterwards never hands out an id it ever used.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { insertEvent } from '../../src/store/events.js';
import { storeInstanceId } from '../../src/store/meta.js';
import { migrate, MIGRATIONS } from '../../src/store/migrations.js';
import { openStore } from '../../src/store/open.js';
import { SqliteSyncStore } from '../../src/store/sync-store.js';

const NOW = () => new Date('2026-11-21T10:00:00.000Z');
let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A store as the tool left it before identities were made permanent (migrations 1 and 2). */
function oldStore(path: string): void {
  const db = new Database(path);
  db.pragma('foreign_keys = ON');
  migrate(db, NOW, MIGRATIONS.filter((m) => m.version <= 2));
  const at = NOW().toISOString();
  db.prepare(`INSERT INTO staff (id, email, name, created_at) VALUES (1, 'alice@firm.example', 'Alice', ?)`).run(at);
  const ev = db.prepare(
    `INSERT INTO events (id, staff_id, title, all_day, start_utc, end_utc, time_zone, created_at, updated_at)
     VALUES (?, 1, ?, 0, '2026-12-01T09:00:00.000Z', '2026-12-01T10:00:00.000Z', 'UTC', ?, ?)`,
  );
  ev.run(1, 'Kept', at, at);
  ev.run(2, 'Also kept', at, at);
  db.prepare(`INSERT INTO event_attendees (event_id, email, name, type, position) VALUES (1, 'dana@client.example', 'Dana', 'required', 0)`).run();
  // Event 5 was pushed and then deleted: its link still waits for the run that deletes the copy,
  // and the audit remembers event 7, deleted long ago.
  db.prepare(`INSERT INTO links (id, staff_id, kind, local_id, outlook_id, transaction_id, state, local_hash) VALUES (1, 1, 'event', 1, 'AAA1', 'tx1', 'linked', 'h1')`).run();
  db.prepare(`INSERT INTO links (id, staff_id, kind, local_id, outlook_id, transaction_id, state) VALUES (2, 1, 'event', 5, 'AAA5', 'tx5', 'linked')`).run();
  db.prepare(`INSERT INTO audit (at, staff_id, trigger, direction, action, kind, event_id, summary) VALUES (?, 1, 'cli', 'none', 'delete', 'event', 7, 'deleted')`).run(at);
  db.close();
}

describe('migrating a store to permanent identities', () => {
  it('keeps rows, attendees and links, gives items uids, and never reuses an id any table or link remembers', () => {
    dir = mkdtempSync(join(tmpdir(), 'cfo-mig-'));
    const path = join(dir, 'store.db');
    oldStore(path);
    const db = openStore(path, { now: NOW });
    try {
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(storeInstanceId(db)).toMatch(/^[0-9a-f]{32}$/);
      const events = db.prepare('SELECT id, title, uid FROM events ORDER BY id').all() as { id: number; title: string; uid: string }[];
      expect(events.map((e) => [e.id, e.title])).toEqual([[1, 'Kept'], [2, 'Also kept']]);
      expect(new Set(events.map((e) => e.uid)).size).toBe(2);
      for (const e of events) expect(e.uid).toMatch(/^[0-9a-f]{32}$/);
      expect(db.prepare('SELECT email FROM event_attendees WHERE event_id = 1').all()).toEqual([{ email: 'dana@client.example' }]);

      const links = new SqliteSyncStore(db, { id: 1, email: 'alice@firm.example', name: 'Alice', createdAt: '' }, NOW).links();
      expect(links.map((l) => [l.id, l.localId, l.outlookId, l.tag, l.itemUid])).toEqual([
        [1, 1, 'AAA1', 'event:1', events[0]!.uid],
        [2, 5, 'AAA5', 'event:5', null],
      ]);
      expect(links[0]!.localHash).toBe('h1');

      // The next event is neither 3 (after the largest row) nor 5 (a link) nor 7 (the audit).
      const next = insertEvent(db, { staffId: 1, title: 'New', description: '', allDay: false, start: '2026-12-02T09:00:00.000Z', end: '2026-12-02T10:00:00.000Z', timeZone: 'UTC', location: '', categoryId: null, matterId: null, teamsMeeting: false, recurrence: null, attendees: [] }, NOW().toISOString());
      expect(next).toBe(8);
      db.prepare('DELETE FROM events WHERE id = ?').run(next);
      expect(insertEvent(db, { staffId: 1, title: 'Newer', description: '', allDay: true, start: '2026-12-03', end: '2026-12-03', timeZone: 'UTC', location: '', categoryId: null, matterId: null, teamsMeeting: false, recurrence: null, attendees: [] }, NOW().toISOString())).toBe(9);
    } finally {
      db.close();
    }
    // Opening again migrates nothing more and keeps the instance id.
    const again = openStore(path, { now: NOW });
    const id = storeInstanceId(again);
    again.close();
    const third = openStore(path, { now: NOW });
    expect(storeInstanceId(third)).toBe(id);
    third.close();
  });

  it('two new stores have different instance ids; a copy of a store keeps its id', () => {
    dir = mkdtempSync(join(tmpdir(), 'cfo-mig-'));
    const a = openStore(join(dir, 'a.db'), { now: NOW });
    const b = openStore(join(dir, 'b.db'), { now: NOW });
    expect(storeInstanceId(a)).not.toBe(storeInstanceId(b));
    a.exec(`VACUUM INTO '${join(dir, 'copy.db')}'`);
    const copy = openStore(join(dir, 'copy.db'), { now: NOW });
    expect(storeInstanceId(copy)).toBe(storeInstanceId(a));
    for (const db of [a, b, copy]) db.close();
  });
});
