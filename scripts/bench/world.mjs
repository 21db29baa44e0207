// A firm for `npm run bench` and `npm run test:faults`: the simulator over HTTPS on 127.0.0.1 (in
// this process), a store in a temp dir made by the tool's own migrations, the built CLI spawned
// as a real process (timed, with its peak memory), and fast seeding on both sides.

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = join(ROOT, 'bin/caseflow-outlook');
const DIST = join(ROOT, 'dist');
const CLIENT_ID = '0b6f5d3c-9a1e-4c2b-8d7f-3e5a1c9b7d20';
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

/** Whether the built simulator knows `batchItemLatencyMs` (a batch item's own latency). */
export function simulatorHasItemLatency() {
  return readFileSync(join(DIST, 'simulator/graph/faults.js'), 'utf8').includes('batchItemLatencyMs');
}

/**
 * Starts a simulator and a store. `limits` are the simulator's per-mailbox limits (e.g. a shorter
 * budget window). Call `stop()` at the end.
 */
export async function startWorld({ limits, users = [], prefix = 'caseflow-bench-' } = {}) {
  const { startSimulator } = await import(join(DIST, 'simulator/index.js'));
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const sim = await startSimulator({ port: 0, caDir: join(dir, 'ca'), deviceCodePollIntervalSeconds: 0.05, users, ...(limits ? { limits } : {}) });
  const db = join(dir, 'store.db');
  const env = {
    ...process.env,
    HOME: dir,
    XDG_CONFIG_HOME: join(dir, 'config'),
    XDG_DATA_HOME: join(dir, 'data'),
    CASEFLOW_DB: db,
    CASEFLOW_CONFIG: '',
    CASEFLOW_OUTLOOK_KEY: randomBytes(32).toString('base64'),
    NODE_EXTRA_CA_CERTS: sim.caCertPath,
    CASEFLOW_AUTHORITY_HOST: sim.url,
    CASEFLOW_GRAPH_URL: sim.url,
    CASEFLOW_CLIENT_ID: CLIENT_ID,
    NO_COLOR: '1',
  };
  for (const k of ['CASEFLOW_NOW', 'CASEFLOW_RETRY_BASE_MS', 'CASEFLOW_DAEMON_TIME_SCALE']) delete env[k];

  let rssSeq = 0;
  /**
   * Runs the built CLI as a real process. Resolves with exit code, wall time (spawn to exit),
   * peak resident memory (kB, from /usr/bin/time; null without it), stdout and stderr.
   */
  const cf = (args, { extraEnv = {}, onSpawn, nodeFlags = [] } = {}) =>
    new Promise((resolve, reject) => {
      const rssFile = join(dir, `rss-${++rssSeq}`);
      const argv = [process.execPath, ...nodeFlags, BIN, ...args];
      const full = TIME ? [TIME, '-f', '%M', '-o', rssFile, ...argv] : argv;
      const start = process.hrtime.bigint();
      const child = spawn(full[0], full.slice(1), { env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (c) => (stdout += c));
      child.stderr.setEncoding('utf8').on('data', (c) => (stderr += c));
      child.on('error', reject);
      onSpawn?.(child);
      child.on('close', (code, signal) => {
        const ms = Number(process.hrtime.bigint() - start) / 1e6;
        let rssKb = null;
        try {
          // time writes "Command terminated by signal 9" first when the child was killed.
          rssKb = TIME ? Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) : null;
          rmSync(rssFile, { force: true });
        } catch {
          rssKb = null;
        }
        resolve({ code: code ?? (signal ? 128 : -1), signal, ms, rssKb, stdout, stderr });
      });
    });

  /** Runs the CLI and throws unless it exits 0. */
  const ok = async (args, options) => {
    const r = await cf(args, options);
    if (r.code !== 0) throw new Error(`caseflow-outlook ${args.join(' ')} exited ${r.code}:\n${r.stderr}\n${r.stdout}`.slice(0, 4000));
    return r;
  };

  const world = {
    dir,
    db,
    env,
    sim,
    cf,
    ok,
    async firm() {
      await ok(['firm', 'set', '--plan', 'multi-practice', '--outlook-beta', 'on', '--time-zone', 'UTC']);
    },
    /** Adds and connects one staff member through the real device-code sign-in (auto-approved). */
    async connect(email) {
      sim.control.addUser({ email, name: email.split('@')[0] });
      await ok(['staff', 'add', '--email', email, '--name', email.split('@')[0]]);
      sim.control.setAutoApprove(email);
      try {
        await ok(['connect', '--staff', email]);
      } finally {
        sim.control.setAutoApprove(null);
      }
    },
    /**
     * Adds and connects many staff members in one helper process (the CLI's own `staff add` and
     * `connect`, in process, `concurrency` sign-ins at once, each device code approved for its
     * own user through the control API).
     */
    async connectMany(emails, concurrency = 16) {
      for (const email of emails) sim.control.addUser({ email, name: email.split('@')[0] });
      const child = spawn(process.execPath, [join(ROOT, 'scripts/bench/connect-many.mjs')], {
        env: { ...env, BENCH_SIM_URL: sim.url, BENCH_EMAILS: emails.join(','), BENCH_CONCURRENCY: String(concurrency) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (c) => (out += c));
      child.stderr.setEncoding('utf8').on('data', (c) => (out += c));
      const code = await new Promise((r) => child.on('close', r));
      if (code !== 0) throw new Error(`connecting ${emails.length} staff members failed (exit ${code}):\n${out.slice(-3000)}`);
    },
    /**
     * Writes `n` new CaseFlow events for a staff member through the store modules (one
     * transaction), dated from tomorrow over `days` days: what `events add` would have written.
     */
    async seedCaseflowEvents(email, n, { days = 300, title = 'Event' } = {}) {
      const { openStore, inTransaction } = await import(join(DIST, 'store/open.js'));
      const { insertEvent } = await import(join(DIST, 'store/events.js'));
      const { findStaff } = await import(join(DIST, 'store/staff.js'));
      const store = openStore(db);
      try {
        const staff = findStaff(store, email);
        const now = new Date().toISOString();
        const ids = [];
        inTransaction(store, () => {
          for (let i = 0; i < n; i += 1) {
            const { start, end } = slot(i, days);
            ids.push(insertEvent(store, {
              staffId: staff.id, title: `${title} ${i}`, description: 'notes', allDay: false, start, end, timeZone: 'UTC', location: '',
              categoryId: null, matterId: null, teamsMeeting: false, recurrence: null, attendees: [],
            }, now));
          }
        });
        return ids;
      } finally {
        store.close();
      }
    },
    /** Creates `n` events in a mailbox as its user would in Outlook (the control API, in process). */
    seedOutlookEvents(email, n, { days = 300, subject = 'Outlook' } = {}) {
      const out = [];
      for (let i = 0; i < n; i += 1) {
        const { start, end } = slot(i, days);
        out.push(sim.control.createEvent(email, { subject: `${subject} ${i}`, start: { dateTime: start.slice(0, 19), timeZone: 'UTC' }, end: { dateTime: end.slice(0, 19), timeZone: 'UTC' } }));
      }
      return out;
    },
    async stop() {
      await sim.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return world;
}

/** The i-th event's slot: from tomorrow on, one of ten hours a day, spread over `days` days. */
function slot(i, days) {
  const base = new Date();
  base.setUTCHours(0, 0, 0, 0);
  const startMs = base.getTime() + (1 + (i % days)) * 86_400_000 + (8 + (Math.floor(i / days) % 10)) * 3_600_000;
  return { start: new Date(startMs).toISOString(), end: new Date(startMs + 1_800_000).toISOString() };
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
}
