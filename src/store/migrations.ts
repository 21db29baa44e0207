// Versioned migrations, recorded in `schema_migrations`, each applied in its own transaction.
// Never edit a migration that has shipped: add the next one.

import type Database from 'better-sqlite3';

export interface Migration {
  version: number;
  name: string;
  up: (db: Database.Database, now: string) => void;
  /**
   * Rebuilds tables that others reference: run with foreign keys off (a DROP TABLE would
   * otherwise cascade into the referencing rows) and checked before commit, as SQLite's
   * documented procedure says: https://www.sqlite.org/lang_altertable.html#otheralter
   */
  rebuildsTables?: boolean;
}

/** A random id of 128 bits as 32 hex digits, made by SQLite (for defaults and migrations). */
const RANDOM_ID = 'lower(hex(randomblob(16)))';

/** Protected from the start (an event in one is confidential); the list is editable. */
export const DEFAULT_PROTECTED_CATEGORIES = ['Court Date', 'Hearing', 'Deposition', 'Filing Deadline', 'Statute of Limitations'];

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'caseflow core',
    up(db, now) {
      db.exec(`
        CREATE TABLE firm (
          id INTEGER PRIMARY KEY CHECK (id = 1),
          plan TEXT NOT NULL DEFAULT 'growth' CHECK (plan IN ('growth', 'multi-practice')),
          outlook_beta INTEGER NOT NULL DEFAULT 0 CHECK (outlook_beta IN (0, 1)),
          time_zone TEXT NOT NULL DEFAULT 'UTC',
          updated_at TEXT NOT NULL
        );
        CREATE TABLE staff (
          id INTEGER PRIMARY KEY,
          email TEXT NOT NULL UNIQUE COLLATE NOCASE,
          name TEXT NOT NULL,
          created_at TEXT NOT NULL
        );
        CREATE TABLE contacts (
          id INTEGER PRIMARY KEY,
          name TEXT NOT NULL,
          created_at TEXT NOT NULL
        );
        CREATE TABLE contact_emails (
          contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
          email TEXT NOT NULL COLLATE NOCASE,
          position INTEGER NOT NULL,
          PRIMARY KEY (contact_id, email)
        );
        CREATE INDEX contact_emails_email ON contact_emails(email);
        CREATE TABLE matters (
          id INTEGER PRIMARY KEY,
          name TEXT NOT NULL,
          created_at TEXT NOT NULL
        );
        CREATE TABLE matter_staff (
          matter_id INTEGER NOT NULL REFERENCES matters(id) ON DELETE CASCADE,
          staff_id INTEGER NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
          PRIMARY KEY (matter_id, staff_id)
        );
        CREATE TABLE categories (
          id INTEGER PRIMARY KEY,
          name TEXT NOT NULL UNIQUE COLLATE NOCASE,
          protected INTEGER NOT NULL DEFAULT 0 CHECK (protected IN (0, 1)),
          created_at TEXT NOT NULL
        );
        -- Timed events: start_utc/end_utc instants plus their IANA zone. All-day events: start_date
        -- and end_date (inclusive) as dates, never converted through UTC.
        CREATE TABLE events (
          id INTEGER PRIMARY KEY,
          staff_id INTEGER NOT NULL REFERENCES staff(id),
          title TEXT NOT NULL,
          description TEXT NOT NULL DEFAULT '',
          all_day INTEGER NOT NULL CHECK (all_day IN (0, 1)),
          start_utc TEXT,
          end_utc TEXT,
          start_date TEXT,
          end_date TEXT,
          time_zone TEXT NOT NULL,
          location TEXT NOT NULL DEFAULT '',
          category_id INTEGER REFERENCES categories(id),
          matter_id INTEGER REFERENCES matters(id),
          teams_meeting INTEGER NOT NULL DEFAULT 0 CHECK (teams_meeting IN (0, 1)),
          teams_join_url TEXT,
          recurrence TEXT,
          source TEXT NOT NULL DEFAULT 'caseflow' CHECK (source IN ('caseflow', 'outlook')),
          read_only INTEGER NOT NULL DEFAULT 0 CHECK (read_only IN (0, 1)),
          recurring_in_outlook INTEGER NOT NULL DEFAULT 0 CHECK (recurring_in_outlook IN (0, 1)),
          ical_uid TEXT,
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL,
          CHECK ((all_day = 1 AND start_date IS NOT NULL AND end_date IS NOT NULL AND end_date >= start_date
                  AND start_utc IS NULL AND end_utc IS NULL)
              OR (all_day = 0 AND start_utc IS NOT NULL AND end_utc IS NOT NULL AND end_utc >= start_utc
                  AND start_date IS NULL AND end_date IS NULL))
        );
        CREATE INDEX events_staff_start ON events(staff_id, start_utc, start_date);
        CREATE INDEX events_ical_uid ON events(ical_uid);
        CREATE TABLE event_attendees (
          event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
          email TEXT NOT NULL COLLATE NOCASE,
          name TEXT NOT NULL DEFAULT '',
          type TEXT NOT NULL DEFAULT 'required' CHECK (type IN ('required', 'optional', 'resource')),
          position INTEGER NOT NULL,
          PRIMARY KEY (event_id, email)
        );
        CREATE TABLE tasks (
          id INTEGER PRIMARY KEY,
          staff_id INTEGER NOT NULL REFERENCES staff(id),
          title TEXT NOT NULL,
          description TEXT NOT NULL DEFAULT '',
          matter_id INTEGER REFERENCES matters(id),
          due_all_day INTEGER NOT NULL CHECK (due_all_day IN (0, 1)),
          due_utc TEXT,
          due_date TEXT,
          time_zone TEXT NOT NULL,
          completed_at TEXT,
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL,
          CHECK ((due_all_day = 1 AND due_date IS NOT NULL AND due_utc IS NULL)
              OR (due_all_day = 0 AND due_utc IS NOT NULL AND due_date IS NULL))
        );
        CREATE TABLE deadlines (
          id INTEGER PRIMARY KEY,
          matter_id INTEGER NOT NULL REFERENCES matters(id),
          title TEXT NOT NULL,
          description TEXT NOT NULL DEFAULT '',
          due_all_day INTEGER NOT NULL CHECK (due_all_day IN (0, 1)),
          due_utc TEXT,
          due_date TEXT,
          time_zone TEXT NOT NULL,
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL,
          CHECK ((due_all_day = 1 AND due_date IS NOT NULL AND due_utc IS NULL)
              OR (due_all_day = 0 AND due_utc IS NOT NULL AND due_date IS NULL))
        );
        -- No foreign keys to items: the audit trail outlives what it describes.
        CREATE TABLE audit (
          id INTEGER PRIMARY KEY,
          at TEXT NOT NULL,
          staff_id INTEGER,
          staff_email TEXT,
          trigger TEXT NOT NULL CHECK (trigger IN ('scheduled', 'manual', 'import', 'resolve', 'cli')),
          direction TEXT NOT NULL CHECK (direction IN ('caseflow', 'outlook', 'none')),
          action TEXT NOT NULL,
          kind TEXT NOT NULL,
          event_id INTEGER,
          outlook_id TEXT,
          summary TEXT NOT NULL,
          detail TEXT
        );
        CREATE INDEX audit_staff ON audit(staff_id, id);
        CREATE INDEX audit_event ON audit(kind, event_id);
      `);
      db.prepare(`INSERT INTO firm (id, plan, outlook_beta, time_zone, updated_at) VALUES (1, 'growth', 0, 'UTC', ?)`).run(now);
      const insert = db.prepare(`INSERT INTO categories (name, protected, created_at) VALUES (?, 1, ?)`);
      for (const name of DEFAULT_PROTECTED_CATEGORIES) insert.run(name, now);
    },
  },
  {
    version: 2,
    name: 'outlook accounts and sync state',
    up(db) {
      db.exec(`
        -- One Microsoft account per staff member; the MSAL cache is stored encrypted.
        CREATE TABLE accounts (
          staff_id INTEGER PRIMARY KEY REFERENCES staff(id) ON DELETE CASCADE,
          home_account_id TEXT NOT NULL,
          username TEXT NOT NULL,
          token_cache BLOB NOT NULL,
          connected_at TEXT NOT NULL,
          last_refresh_at TEXT NOT NULL,
          needs_reconnect INTEGER NOT NULL DEFAULT 0 CHECK (needs_reconnect IN (0, 1)),
          reconnect_reason TEXT
        );
        -- The four sync toggles; a missing row means all on.
        CREATE TABLE prefs (
          staff_id INTEGER PRIMARY KEY REFERENCES staff(id) ON DELETE CASCADE,
          enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
          events INTEGER NOT NULL DEFAULT 1 CHECK (events IN (0, 1)),
          tasks INTEGER NOT NULL DEFAULT 1 CHECK (tasks IN (0, 1)),
          deadlines INTEGER NOT NULL DEFAULT 1 CHECK (deadlines IN (0, 1)),
          updated_at TEXT NOT NULL
        );
        CREATE TABLE sync_state (
          staff_id INTEGER PRIMARY KEY REFERENCES staff(id) ON DELETE CASCADE,
          sync_from TEXT,
          delta_link TEXT,
          window_start TEXT,
          window_end TEXT,
          last_sync_at TEXT,
          last_success_at TEXT,
          last_error TEXT,
          allow_deletes INTEGER NOT NULL DEFAULT 0 CHECK (allow_deletes IN (0, 1)),
          breaker TEXT,
          lock_owner TEXT,
          lock_expires_at TEXT
        );
        -- One row per synced item per staff member: what was last synced on each side.
        CREATE TABLE links (
          id INTEGER PRIMARY KEY,
          staff_id INTEGER NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
          kind TEXT NOT NULL CHECK (kind IN ('event', 'task', 'deadline')),
          local_id INTEGER NOT NULL,
          outlook_id TEXT,
          ical_uid TEXT,
          transaction_id TEXT NOT NULL,
          generation INTEGER NOT NULL DEFAULT 0,
          state TEXT NOT NULL CHECK (state IN ('creating', 'linked', 'unlinked', 'paused')),
          role TEXT NOT NULL DEFAULT 'owner' CHECK (role IN ('owner', 'attendee')),
          local_hash TEXT,
          remote_hash TEXT,
          change_key TEXT,
          confidential INTEGER NOT NULL DEFAULT 0 CHECK (confidential IN (0, 1)),
          fail_count INTEGER NOT NULL DEFAULT 0,
          last_error TEXT,
          synced_at TEXT,
          UNIQUE (staff_id, kind, local_id)
        );
        CREATE UNIQUE INDEX links_outlook ON links(staff_id, outlook_id) WHERE outlook_id IS NOT NULL;
        CREATE INDEX links_local ON links(kind, local_id);
        -- Items changed on both sides, held for a person to resolve.
        CREATE TABLE conflicts (
          id INTEGER PRIMARY KEY,
          staff_id INTEGER NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
          link_id INTEGER,
          event_id INTEGER NOT NULL,
          outlook_id TEXT,
          detected_at TEXT NOT NULL,
          status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
          caseflow TEXT NOT NULL,
          outlook TEXT NOT NULL,
          resolution TEXT CHECK (resolution IN ('caseflow', 'outlook')),
          resolved_at TEXT,
          resolved_by TEXT
        );
        CREATE INDEX conflicts_staff ON conflicts(staff_id, status);
      `);
    },
  },
  {
    version: 3,
    name: 'identity for all time: ids never reused, a store instance id, an id per item',
    rebuildsTables: true,
    up(db) {
      // What the tool puts into Outlook to know its events again (the transactionId of a create
      // and the CaseFlowId tag) must never repeat for a different item, and must be this store's
      // own: SQLite reuses the largest rowid of a table without AUTOINCREMENT, so a deleted event's
      // id came back for the next event (https://www.sqlite.org/autoinc.html). Items now carry a
      // random uid, tables are AUTOINCREMENT, and the store has an instance id that a backup
      // carries with it. See docs/identity.md.
      db.exec(`
        CREATE TABLE store_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        -- The flows (events, tasks, deadlines) that were on when the delta link was read.
        ALTER TABLE sync_state ADD COLUMN delta_flows TEXT;
        -- Whose email an attendee's is: a staff member, or a contact by any of their emails.
        ALTER TABLE event_attendees ADD COLUMN staff_id INTEGER REFERENCES staff(id) ON DELETE SET NULL;
        ALTER TABLE event_attendees ADD COLUMN contact_id INTEGER REFERENCES contacts(id) ON DELETE SET NULL;
        UPDATE event_attendees SET staff_id = (SELECT s.id FROM staff s WHERE s.email = event_attendees.email);
        UPDATE event_attendees SET contact_id = (SELECT MIN(ce.contact_id) FROM contact_emails ce WHERE ce.email = event_attendees.email)
          WHERE staff_id IS NULL;
        INSERT INTO store_meta (key, value) VALUES ('instance_id', ${RANDOM_ID});

        CREATE TABLE events_v3 (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          uid TEXT NOT NULL UNIQUE DEFAULT (${RANDOM_ID}),
          staff_id INTEGER NOT NULL REFERENCES staff(id),
          title TEXT NOT NULL,
          description TEXT NOT NULL DEFAULT '',
          all_day INTEGER NOT NULL CHECK (all_day IN (0, 1)),
          start_utc TEXT,
          end_utc TEXT,
          start_date TEXT,
          end_date TEXT,
          time_zone TEXT NOT NULL,
          location TEXT NOT NULL DEFAULT '',
          category_id INTEGER REFERENCES categories(id),
          matter_id INTEGER REFERENCES matters(id),
          teams_meeting INTEGER NOT NULL DEFAULT 0 CHECK (teams_meeting IN (0, 1)),
          teams_join_url TEXT,
          recurrence TEXT,
          source TEXT NOT NULL DEFAULT 'caseflow' CHECK (source IN ('caseflow', 'outlook')),
          read_only INTEGER NOT NULL DEFAULT 0 CHECK (read_only IN (0, 1)),
          recurring_in_outlook INTEGER NOT NULL DEFAULT 0 CHECK (recurring_in_outlook IN (0, 1)),
          ical_uid TEXT,
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL,
          CHECK ((all_day = 1 AND start_date IS NOT NULL AND end_date IS NOT NULL AND end_date >= start_date
                  AND start_utc IS NULL AND end_utc IS NULL)
              OR (all_day = 0 AND start_utc IS NOT NULL AND end_utc IS NOT NULL AND end_utc >= start_utc
                  AND start_date IS NULL AND end_date IS NULL))
        );
        INSERT INTO events_v3 (id, staff_id, title, description, all_day, start_utc, end_utc, start_date, end_date, time_zone,
            location, category_id, matter_id, teams_meeting, teams_join_url, recurrence, source, read_only,
            recurring_in_outlook, ical_uid, created_at, updated_at)
          SELECT id, staff_id, title, description, all_day, start_utc, end_utc, start_date, end_date, time_zone,
            location, category_id, matter_id, teams_meeting, teams_join_url, recurrence, source, read_only,
            recurring_in_outlook, ical_uid, created_at, updated_at FROM events;
        DROP TABLE events;
        ALTER TABLE events_v3 RENAME TO events;
        CREATE INDEX events_staff_start ON events(staff_id, start_utc, start_date);
        CREATE INDEX events_ical_uid ON events(ical_uid);

        CREATE TABLE tasks_v3 (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          uid TEXT NOT NULL UNIQUE DEFAULT (${RANDOM_ID}),
          staff_id INTEGER NOT NULL REFERENCES staff(id),
          title TEXT NOT NULL,
          description TEXT NOT NULL DEFAULT '',
          matter_id INTEGER REFERENCES matters(id),
          due_all_day INTEGER NOT NULL CHECK (due_all_day IN (0, 1)),
          due_utc TEXT,
          due_date TEXT,
          time_zone TEXT NOT NULL,
          completed_at TEXT,
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL,
          CHECK ((due_all_day = 1 AND due_date IS NOT NULL AND due_utc IS NULL)
              OR (due_all_day = 0 AND due_utc IS NOT NULL AND due_date IS NULL))
        );
        INSERT INTO tasks_v3 (id, staff_id, title, description, matter_id, due_all_day, due_utc, due_date, time_zone,
            completed_at, created_at, updated_at)
          SELECT id, staff_id, title, description, matter_id, due_all_day, due_utc, due_date, time_zone,
            completed_at, created_at, updated_at FROM tasks;
        DROP TABLE tasks;
        ALTER TABLE tasks_v3 RENAME TO tasks;

        CREATE TABLE deadlines_v3 (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          uid TEXT NOT NULL UNIQUE DEFAULT (${RANDOM_ID}),
          matter_id INTEGER NOT NULL REFERENCES matters(id),
          title TEXT NOT NULL,
          description TEXT NOT NULL DEFAULT '',
          due_all_day INTEGER NOT NULL CHECK (due_all_day IN (0, 1)),
          due_utc TEXT,
          due_date TEXT,
          time_zone TEXT NOT NULL,
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL,
          CHECK ((due_all_day = 1 AND due_date IS NOT NULL AND due_utc IS NULL)
              OR (due_all_day = 0 AND due_utc IS NOT NULL AND due_date IS NULL))
        );
        INSERT INTO deadlines_v3 (id, matter_id, title, description, due_all_day, due_utc, due_date, time_zone, created_at, updated_at)
          SELECT id, matter_id, title, description, due_all_day, due_utc, due_date, time_zone, created_at, updated_at FROM deadlines;
        DROP TABLE deadlines;
        ALTER TABLE deadlines_v3 RENAME TO deadlines;

        -- item_uid: the uid of the very item the link was made for; tag: the CaseFlowId value
        -- sent with its create (links made before this migration keep the old kind:id value).
        CREATE TABLE links_v3 (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          staff_id INTEGER NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
          kind TEXT NOT NULL CHECK (kind IN ('event', 'task', 'deadline')),
          local_id INTEGER NOT NULL,
          item_uid TEXT,
          tag TEXT,
          outlook_id TEXT,
          ical_uid TEXT,
          transaction_id TEXT NOT NULL,
          generation INTEGER NOT NULL DEFAULT 0,
          state TEXT NOT NULL CHECK (state IN ('creating', 'linked', 'unlinked', 'paused')),
          role TEXT NOT NULL DEFAULT 'owner' CHECK (role IN ('owner', 'attendee')),
          local_hash TEXT,
          remote_hash TEXT,
          change_key TEXT,
          confidential INTEGER NOT NULL DEFAULT 0 CHECK (confidential IN (0, 1)),
          fail_count INTEGER NOT NULL DEFAULT 0,
          last_error TEXT,
          synced_at TEXT,
          UNIQUE (staff_id, kind, local_id)
        );
        INSERT INTO links_v3 (id, staff_id, kind, local_id, item_uid, tag, outlook_id, ical_uid, transaction_id, generation,
            state, role, local_hash, remote_hash, change_key, confidential, fail_count, last_error, synced_at)
          SELECT l.id, l.staff_id, l.kind, l.local_id,
            CASE l.kind WHEN 'event' THEN (SELECT uid FROM events WHERE id = l.local_id)
                        WHEN 'task' THEN (SELECT uid FROM tasks WHERE id = l.local_id)
                        ELSE (SELECT uid FROM deadlines WHERE id = l.local_id) END,
            l.kind || ':' || l.local_id,
            l.outlook_id, l.ical_uid, l.transaction_id, l.generation,
            l.state, l.role, l.local_hash, l.remote_hash, l.change_key, l.confidential, l.fail_count, l.last_error, l.synced_at
          FROM links l;
        DROP TABLE links;
        ALTER TABLE links_v3 RENAME TO links;
        CREATE UNIQUE INDEX links_outlook ON links(staff_id, outlook_id) WHERE outlook_id IS NOT NULL;
        CREATE INDEX links_local ON links(kind, local_id);

        -- change_key: the Outlook version the conflict was recorded against (a resolution that
        -- keeps CaseFlow's version is sent with it as If-Match). 'superseded': Outlook changed
        -- again before the resolution reached it; a fresh conflict replaces this one.
        CREATE TABLE conflicts_v3 (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          staff_id INTEGER NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
          link_id INTEGER,
          event_id INTEGER NOT NULL,
          outlook_id TEXT,
          change_key TEXT,
          detected_at TEXT NOT NULL,
          status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved', 'superseded')),
          caseflow TEXT NOT NULL,
          outlook TEXT NOT NULL,
          resolution TEXT CHECK (resolution IN ('caseflow', 'outlook')),
          resolved_at TEXT,
          resolved_by TEXT,
          superseded_by INTEGER
        );
        INSERT INTO conflicts_v3 (id, staff_id, link_id, event_id, outlook_id, detected_at, status, caseflow, outlook, resolution, resolved_at, resolved_by)
          SELECT id, staff_id, link_id, event_id, outlook_id, detected_at, status, caseflow, outlook, resolution, resolved_at, resolved_by FROM conflicts;
        DROP TABLE conflicts;
        ALTER TABLE conflicts_v3 RENAME TO conflicts;
        CREATE INDEX conflicts_staff ON conflicts(staff_id, status);
      `);
      // An id used before this migration, even by a row deleted since, is never handed out again:
      // links, conflicts and the audit trail remember ids whose rows are gone.
      const seed = db.prepare(`INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)`);
      const clear = db.prepare(`DELETE FROM sqlite_sequence WHERE name = ?`);
      db.exec(`DELETE FROM sqlite_sequence WHERE name LIKE '%_v3'`);
      for (const [table, kind] of [['events', 'event'], ['tasks', 'task'], ['deadlines', 'deadline']] as const) {
        const { n } = db
          .prepare(
            `SELECT MAX(COALESCE(m, 0)) AS n FROM (
               SELECT MAX(id) AS m FROM ${table}
               UNION ALL SELECT MAX(local_id) FROM links WHERE kind = @kind
               UNION ALL SELECT MAX(event_id) FROM audit WHERE kind = @kind
               ${kind === 'event' ? "UNION ALL SELECT MAX(event_id) FROM conflicts UNION ALL SELECT MAX(event_id) FROM audit WHERE kind = 'conflict'" : ''})`,
          )
          .get({ kind }) as { n: number | null };
        clear.run(table);
        seed.run(table, n ?? 0);
      }
      const { n: maxLink } = db.prepare(`SELECT MAX(COALESCE(m, 0)) AS n FROM (SELECT MAX(id) AS m FROM links UNION ALL SELECT MAX(link_id) FROM conflicts)`).get() as { n: number | null };
      clear.run('links');
      seed.run('links', maxLink ?? 0);
    },
  },
  {
    version: 4,
    name: 'outlook items that failed validation',
    up(db) {
      db.exec(`
        -- Outlook events whose JSON could not be believed: skipped without touching CaseFlow and
        -- read again by id on every later run until they read well (then the row goes).
        CREATE TABLE invalid_items (
          staff_id INTEGER NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
          outlook_id TEXT NOT NULL,
          problem TEXT NOT NULL,
          first_seen_at TEXT NOT NULL,
          last_seen_at TEXT NOT NULL,
          seen_count INTEGER NOT NULL DEFAULT 1,
          PRIMARY KEY (staff_id, outlook_id)
        );
      `);
    },
  },
  {
    version: 5,
    name: 'recurring outlook series',
    up(db) {
      db.exec(`
        -- An occurrence or exception of a recurring Outlook series: its master's id, and what
        -- Outlook calls it (singleInstance, occurrence, exception). A deleted or cancelled
        -- occurrence gives no signal in the delta: the series' instances are read to notice it.
        ALTER TABLE links ADD COLUMN series_master_id TEXT;
        ALTER TABLE links ADD COLUMN outlook_type TEXT CHECK (outlook_type IN ('singleInstance', 'occurrence', 'exception', 'seriesMaster'));
        CREATE INDEX links_series ON links(staff_id, series_master_id) WHERE series_master_id IS NOT NULL;
        -- When every linked series of the staff member was last reconciled.
        ALTER TABLE sync_state ADD COLUMN series_checked_at TEXT;
        -- What describes a series in words, from its master: Graph's recurrence (JSON), the
        -- first occurrence's start and end (UTC instants; all-day: dates, end inclusive) and the
        -- zone Outlook keeps the series in.
        CREATE TABLE series (
          staff_id INTEGER NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
          master_id TEXT NOT NULL,
          recurrence TEXT NOT NULL,
          first_start TEXT NOT NULL,
          first_end TEXT NOT NULL,
          all_day INTEGER NOT NULL CHECK (all_day IN (0, 1)),
          time_zone TEXT NOT NULL,
          updated_at TEXT NOT NULL,
          PRIMARY KEY (staff_id, master_id)
        );
        -- Links to Outlook occurrences made before this migration do not know their series: the
        -- next run reads the whole window again (a full round, without duplicates), which names
        -- the series of every occurrence in it.
        UPDATE sync_state SET delta_link = NULL WHERE staff_id IN (
          SELECT l.staff_id FROM links l JOIN events e ON l.kind = 'event' AND e.id = l.local_id WHERE e.recurring_in_outlook = 1);
      `);
    },
  },
  {
    version: 6,
    name: 'daemon lock and per-staff backoff',
    up(db) {
      db.exec(`
        -- One row: the daemon running on this store (or the last one, stopped_at set). A second
        -- daemon refuses to start while it runs; heartbeat_at and the cycle times are what a
        -- monitoring check reads. interval_ms: the holder's cycle, so others can tell it is stale.
        CREATE TABLE daemon_lock (
          id INTEGER PRIMARY KEY CHECK (id = 1),
          pid INTEGER NOT NULL,
          host TEXT NOT NULL,
          mode TEXT NOT NULL CHECK (mode IN ('loop', 'once')),
          started_at TEXT NOT NULL,
          heartbeat_at TEXT NOT NULL,
          interval_ms INTEGER NOT NULL,
          last_cycle_started_at TEXT,
          last_cycle_ended_at TEXT,
          next_cycle_at TEXT,
          stopped_at TEXT
        );
        -- Staff members the running daemon is backing off from after transient failures in a row;
        -- a success removes the row, a daemon starting afresh removes them all.
        CREATE TABLE daemon_backoff (
          staff_id INTEGER PRIMARY KEY REFERENCES staff(id) ON DELETE CASCADE,
          failures INTEGER NOT NULL,
          until TEXT NOT NULL,
          last_error TEXT
        );
      `);
    },
  },
  {
    version: 7,
    name: 'audit rows name the run that wrote them',
    up(db) {
      db.exec(`
        -- restore --run RUN_ID undoes a whole run's deletions: each row says which run wrote it.
        ALTER TABLE audit ADD COLUMN run_id TEXT;
        CREATE INDEX audit_run ON audit(run_id);
      `);
    },
  },
  {
    version: 8,
    name: "what each process spent of Outlook's request budget per mailbox",
    up(db) {
      db.exec(`
        -- Outlook allows 10,000 requests per mailbox per 10 minutes: what a process spent, so the
        -- next one (or another running beside it) does not start with a budget already gone.
        -- One row per mailbox (lower-case) and process (owner: a random id); spent is JSON,
        -- [[epoch ms, requests], ...] by the second, within the last window. Rows older than the
        -- window are removed by the next save.
        CREATE TABLE graph_budget (
          mailbox TEXT NOT NULL,
          owner TEXT NOT NULL,
          spent TEXT NOT NULL,
          updated_ms INTEGER NOT NULL,
          PRIMARY KEY (mailbox, owner)
        );
      `);
    },
  },
  {
    version: 9,
    name: 'the title an outlook copy was given instead of the real one',
    up(db) {
      db.exec(`
        -- sync.protectedTitle: the masked title ("Busy", a category name) sent for a confidential
        -- item instead of its real one; NULL: the real title was sent (every copy made before).
        -- A masked title coming back from Outlook is never taken as the item's real title, and a
        -- copy titled otherwise than the setting now says is pushed again.
        ALTER TABLE links ADD COLUMN title_mask TEXT;
      `);
    },
  },
  {
    version: 10,
    name: 'app-only connection of the firm',
    up(db) {
      db.exec(`
        -- One row: the firm connected app-only (client credentials with a certificate). Never the
        -- private key: where it is read from (certificate_path; NULL: the CASEFLOW_APP_CERT
        -- variable) and the certificate's thumbprint (hex, SHA-256 or SHA-1).
        CREATE TABLE app_connection (
          id INTEGER PRIMARY KEY CHECK (id = 1),
          client_id TEXT NOT NULL,
          tenant_id TEXT NOT NULL,
          thumbprint TEXT NOT NULL,
          certificate_path TEXT,
          connected_at TEXT NOT NULL
        );
        -- Staff members whose mailbox the app may not reach (403 ErrorAccessDenied: outside its
        -- RBAC for Applications scope, or 404: no such user); a run that gets through removes it.
        CREATE TABLE app_mailbox_denied (
          staff_id INTEGER PRIMARY KEY REFERENCES staff(id) ON DELETE CASCADE,
          denied_at TEXT NOT NULL,
          detail TEXT NOT NULL
        );
      `);
    },
  },
  {
    version: 11,
    name: 'a log of caseflow changes, so a quiet run reads only what changed',
    up(db) {
      db.exec(`
        -- Every write to what a run compares with Outlook (events and their attendees, tasks,
        -- deadlines, who works on a matter, which categories are protected) adds the item it
        -- touched here. A run reads the items changed after the number its last run committed
        -- with its delta link (sync_state.change_seq) instead of every item; change_scope is the
        -- window and settings that number was committed under (another: a run reads everything).
        -- Rows every staff member has read past are removed by the next commit.
        CREATE TABLE sync_changes (
          seq INTEGER PRIMARY KEY AUTOINCREMENT,
          kind TEXT NOT NULL CHECK (kind IN ('event', 'task', 'deadline')),
          local_id INTEGER NOT NULL
        );
        ALTER TABLE sync_state ADD COLUMN change_seq INTEGER;
        ALTER TABLE sync_state ADD COLUMN change_scope TEXT;
        ${changeTriggers()}
        -- What status counts, from an index rather than a scan.
        CREATE INDEX links_failing ON links(staff_id, fail_count);
        CREATE INDEX links_state ON links(staff_id, state);
        CREATE INDEX events_recurring ON events(staff_id) WHERE recurrence IS NOT NULL;
        CREATE INDEX events_category ON events(category_id) WHERE category_id IS NOT NULL;
        CREATE INDEX deadlines_matter ON deadlines(matter_id);
      `);
    },
  },
  {
    version: 12,
    name: 'the update sent to an outlook copy whose answer has not come',
    up(db) {
      db.exec(`
        -- Written before an update is sent, cleared once Outlook's version of the copy is known
        -- again: the CaseFlow version sent (its local hash) and the hash of the copy it makes. An
        -- update Outlook stored but whose answer was lost comes back in the next round as a change
        -- hashing as sent_remote_hash: the tool's own write, not an Outlook edit. NULL: none.
        ALTER TABLE links ADD COLUMN sent_local_hash TEXT;
        ALTER TABLE links ADD COLUMN sent_remote_hash TEXT;
      `);
    },
  },
  {
    version: 13,
    name: 'the last access token beside the token cache it came from',
    up(db) {
      db.exec(`
        -- Sealed like the cache: the access token MSAL last gave from this row's cache, with the
        -- cache's digest and how long MSAL would hand it out again. A run in a new process takes
        -- it while the cache is unchanged, without starting MSAL. NULL: none kept.
        ALTER TABLE accounts ADD COLUMN fresh_token BLOB;
      `);
    },
  },
  {
    version: 14,
    name: 'the sync window worked out for today',
    up(db) {
      db.exec(`
        -- JSON: the window a run worked out, the day in the firm's zone it holds for (its first
        -- instant and the next day's), and what it was worked out from (zone, horizon, syncFrom,
        -- the runtime's time-zone data). A run on the same day under the same takes it without
        -- starting the runtime's time-zone support. NULL: none kept.
        ALTER TABLE sync_state ADD COLUMN window_cache TEXT;
      `);
    },
  },
];

/** The triggers of migration 11: each write names the item it touched in sync_changes. */
function changeTriggers(): string {
  const log = (kind: string, id: string) => `INSERT INTO sync_changes (kind, local_id) VALUES ('${kind}', ${id});`;
  const deadlinesOf = (matter: string) => `INSERT INTO sync_changes (kind, local_id) SELECT 'deadline', id FROM deadlines WHERE matter_id = ${matter};`;
  const eventsOf = (category: string) => `INSERT INTO sync_changes (kind, local_id) SELECT 'event', id FROM events WHERE category_id = ${category};`;
  const on = (name: string, when: string, body: string) => `CREATE TRIGGER ${name} AFTER ${when} BEGIN ${body} END;`;
  const out: string[] = [];
  for (const [table, kind] of [['events', 'event'], ['tasks', 'task'], ['deadlines', 'deadline']] as const) {
    out.push(on(`${table}_changes_insert`, `INSERT ON ${table}`, log(kind, 'NEW.id')), on(`${table}_changes_update`, `UPDATE ON ${table}`, log(kind, 'NEW.id')), on(`${table}_changes_delete`, `DELETE ON ${table}`, log(kind, 'OLD.id')));
  }
  out.push(
    on('event_attendees_changes_insert', 'INSERT ON event_attendees', log('event', 'NEW.event_id')),
    on('event_attendees_changes_update', 'UPDATE ON event_attendees', `${log('event', 'OLD.event_id')} ${log('event', 'NEW.event_id')}`),
    on('event_attendees_changes_delete', 'DELETE ON event_attendees', log('event', 'OLD.event_id')),
    on('matter_staff_changes_insert', 'INSERT ON matter_staff', deadlinesOf('NEW.matter_id')),
    on('matter_staff_changes_update', 'UPDATE ON matter_staff', `${deadlinesOf('OLD.matter_id')} ${deadlinesOf('NEW.matter_id')}`),
    on('matter_staff_changes_delete', 'DELETE ON matter_staff', deadlinesOf('OLD.matter_id')),
    on('categories_changes_update', 'UPDATE ON categories', `${eventsOf('OLD.id')} ${eventsOf('NEW.id')}`),
    on('categories_changes_delete', 'DELETE ON categories', eventsOf('OLD.id')),
  );
  return out.join('\n        ');
}

export function migrate(db: Database.Database, now: () => Date, migrations: Migration[] = MIGRATIONS): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version),
  );
  const ran: number[] = [];
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(migration.version)) continue;
    const foreignKeys = db.pragma('foreign_keys', { simple: true }) === 1;
    // The pragma is a no-op inside a transaction: switch it before, and back after.
    if (migration.rebuildsTables) db.pragma('foreign_keys = OFF');
    try {
      db.transaction(() => {
        // Another process may have applied it while this one waited for the write lock.
        if (db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?').get(migration.version)) return;
        const at = now().toISOString();
        migration.up(db, at);
        if (migration.rebuildsTables) {
          const broken = db.pragma('foreign_key_check') as unknown[];
          if (broken.length > 0) throw new Error(`migration ${migration.version} would leave ${broken.length} broken reference(s); nothing was changed`);
        }
        db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(migration.version, migration.name, at);
      }).immediate();
    } finally {
      if (migration.rebuildsTables && foreignKeys) db.pragma('foreign_keys = ON');
    }
    ran.push(migration.version);
  }
  return ran;
}
