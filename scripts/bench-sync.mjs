// Sync figures for `npm run bench`: a first push of N events and a quiet run, on the simulator
// over HTTPS on 127.0.0.1; wall time, Graph requests and the CLI's peak memory.

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../bin/caseflow-outlook', import.meta.url));

export async function run({ dir, report }) {
  const { startSimulator } = await import('../dist/simulator/index.js');
  const { openStore } = await import('../dist/store/open.js');
  const N = Number(process.env.BENCH_EVENTS ?? 1000);
  const ALICE = 'bench@firm.example';
  const sim = await startSimulator({ port: 0, caDir: join(dir, 'ca'), deviceCodePollIntervalSeconds: 0.05, users: [{ email: ALICE, name: 'Bench' }] });
  const db = join(dir, 'sync.db');
  const env = { ...process.env, CASEFLOW_DB: db, CASEFLOW_CONFIG: '', NODE_EXTRA_CA_CERTS: sim.caCertPath, CASEFLOW_AUTHORITY_HOST: sim.url, CASEFLOW_GRAPH_URL: sim.url, CASEFLOW_CLIENT_ID: '0b6f5d3c-9a1e-4c2b-8d7f-3e5a1c9b7d20' };
  const cf = (args, timed = false) =>
    new Promise((resolve, reject) => {
      const argv = timed ? ['/usr/bin/time', '-f', '%M', process.execPath, bin, ...args] : [process.execPath, bin, ...args];
      const child = spawn(argv[0], argv.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      child.stderr.on('data', (c) => (err += c));
      const start = process.hrtime.bigint();
      child.on('close', (code) => (code === 0 ? resolve({ ms: Number(process.hrtime.bigint() - start) / 1e6, rssKb: Number(err.trim().split('\n').pop()) }) : reject(new Error(`${args.join(' ')} exited ${code}: ${err}`))));
    });
  try {
    sim.control.setAutoApprove(ALICE);
    await cf(['firm', 'set', '--plan', 'multi-practice', '--outlook-beta', 'on']);
    await cf(['staff', 'add', '--email', ALICE, '--name', 'Bench']);
    await cf(['connect', '--staff', ALICE]);
    // Seed the store directly: the benchmark is about the sync, not about N CLI starts.
    const store = openStore(db);
    const insert = store.prepare(`INSERT INTO events (staff_id, title, description, all_day, start_utc, end_utc, time_zone, created_at, updated_at)
      VALUES (1, ?, 'notes', 0, ?, ?, 'UTC', ?, ?)`);
    const now = new Date().toISOString();
    store.transaction(() => {
      for (let i = 0; i < N; i += 1) {
        const start = new Date(Date.now() + (1 + (i % 300)) * 86_400_000 + (i % 8) * 3_600_000);
        insert.run(`Event ${i}`, start.toISOString(), new Date(start.getTime() + 3_600_000).toISOString(), now, now);
      }
    })();
    store.close();
    const hasTime = await new Promise((r) => spawn('/usr/bin/time', ['true']).on('error', () => r(false)).on('close', (c) => r(c === 0)));
    sim.control.resetMetrics();
    const first = await cf(['daemon', '--once'], hasTime);
    const m1 = sim.control.metrics();
    report(`daemon --once, first push of ${N} events`, `${first.ms.toFixed(0)} ms, ${m1.byKind.batch ?? 0} $batch requests, ${m1.throttled} throttled${hasTime ? `, peak RSS ${(first.rssKb / 1024).toFixed(0)} MiB` : ''}`);
    console.log(`  (requests by kind: ${JSON.stringify(m1.byKind)})`);
    sim.control.resetMetrics();
    const echo = await cf(['daemon', '--once'], hasTime);
    const me = sim.control.metrics();
    report(`daemon --once, our ${N} creates echo back`, `${echo.ms.toFixed(0)} ms, ${me.byKind.delta ?? 0} delta pages, ${(me.byKind.batch ?? 0)} writes${hasTime ? `, peak RSS ${(echo.rssKb / 1024).toFixed(0)} MiB` : ''}`);
    sim.control.resetMetrics();
    const quiet = await cf(['daemon', '--once'], hasTime);
    const m2 = sim.control.metrics();
    report(`daemon --once, nothing changed (${N} linked)`, `${quiet.ms.toFixed(0)} ms, ${m2.perMailbox[ALICE]?.requests ?? 0} Graph request(s)${hasTime ? `, peak RSS ${(quiet.rssKb / 1024).toFixed(0)} MiB` : ''}`);
    const status = await cf(['status', '--staff', ALICE]);
    report(`status --staff (${N} linked)`, `${status.ms.toFixed(0)} ms`);
  } finally {
    await sim.stop();
  }
}
