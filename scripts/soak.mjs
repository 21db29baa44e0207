#!/usr/bin/env node
// `npm run soak`: the looping daemon as a real process for a few minutes (SOAK_SECONDS, default
// 180) against the simulator with faults (5% 503s, 5-20 ms latency), three staff members, and
// edits on both sides every two seconds (SOAK_EDITS=0: none, to see memory when the data is still). Its cycles are a hundred times faster than in production
// (CASEFLOW_DAEMON_TIME_SCALE=0.01: an interval of 30 s is 0.3 s), so the run covers hundreds of
// cycles. Every 10 s it samples the daemon's resident memory, open file descriptors and sockets
// from /proc, and prints them beside the first sample: memory must stay flat and nothing leak.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const { startSimulator } = await import('../dist/simulator/index.js');
const bin = fileURLToPath(new URL('../bin/caseflow-outlook', import.meta.url));
const seconds = Number(process.env.SOAK_SECONDS ?? 180);
// SOAK_EDITS=0: no edits (is memory flat when the data does not grow?).
const editing = process.env.SOAK_EDITS !== '0';
const dir = mkdtempSync(join(tmpdir(), 'caseflow-soak-'));
const STAFF = ['alice@firm.example', 'bob@firm.example', 'carol@firm.example'];
const sim = await startSimulator({ port: 0, caDir: join(dir, 'ca'), deviceCodePollIntervalSeconds: 0.05, users: STAFF.map((email) => ({ email, name: email.split('@')[0] })) });
const config = join(dir, 'config.json');
writeFileSync(config, JSON.stringify({ auth: { authorityHost: sim.url, clientId: '0b6f5d3c-9a1e-4c2b-8d7f-3e5a1c9b7d20' }, graph: { baseUrl: sim.url } }));
const env = { ...process.env, CASEFLOW_DB: join(dir, 'store.db'), CASEFLOW_CONFIG: config, NODE_EXTRA_CA_CERTS: sim.caCertPath, XDG_CONFIG_HOME: join(dir, 'xdg'), CASEFLOW_RETRY_BASE_MS: '5', NO_COLOR: '1' };

function cf(...args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c) => (err += c));
    child.on('close', (code) => resolve({ code, err }));
  });
}

const day = (n) => `2026-12-${String(1 + (n % 28)).padStart(2, '0')}`;
function sample(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  const fds = readdirSync(`/proc/${pid}/fd`);
  const sockets = fds.filter((fd) => {
    try {
      return readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:');
    } catch {
      return false;
    }
  }).length;
  return { rss, fds: fds.length, sockets };
}

try {
  spawnSync(process.execPath, [bin, 'firm', 'set', '--plan', 'multi-practice', '--outlook-beta', 'on', '--time-zone', 'Europe/London'], { env });
  for (const email of STAFF) {
    spawnSync(process.execPath, [bin, 'staff', 'add', '--email', email, '--name', email.split('@')[0]], { env });
    sim.control.setAutoApprove(email);
    spawnSync(process.execPath, [bin, 'connect', '--staff', email], { env });
  }
  sim.control.setAutoApprove(null);
  sim.control.setFaults({ random503: 0.05, latencyMs: [5, 20], retryAfterSeconds: 0.01 });
  // SOAK_TRACE_GC=1: V8 prints the heap after each collection; what survives a full collection
  // (mark-compact) tells a leak from a heap that is still growing into its size.
  const traceGc = process.env.SOAK_TRACE_GC === '1';
  const marks = [];
  // SOAK_NODE_FLAGS: extra V8/Node flags for the daemon (e.g. a small heap, to collect more often).
  const nodeFlags = (process.env.SOAK_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const daemon = spawn(process.execPath, [...(traceGc ? ['--trace-gc'] : []), ...nodeFlags, bin, 'daemon', '--interval', '30'], { env: { ...env, CASEFLOW_DAEMON_TIME_SCALE: '0.01' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let cycles = 0;
  let errors = 0;
  // The daemon's own figures at its last cycle end: what lives outside the JS heap shows in external.
  let memory = null;
  let buffer = '';
  daemon.stdout.setEncoding('utf8').on('data', (chunk) => {
    buffer += chunk;
    for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
      const text = buffer.slice(0, i);
      buffer = buffer.slice(i + 1);
      if (!text.startsWith('{')) {
        const m = /Mark-Compact[^\d]*([\d.]+) \(([\d.]+)\) -> ([\d.]+)/.exec(text);
        if (m) marks.push(Number(m[3]));
        continue;
      }
      const line = JSON.parse(text);
      if (line.event === 'cycle.end') {
        cycles += 1;
        if (line.memory) memory = line.memory;
      }
      if (line.level === 'error') errors += 1;
    }
  });
  const started = Date.now();
  let n = 0;
  // Edits on both sides while it runs.
  const edits = setInterval(() => {
    if (!editing) return;
    n += 1;
    const email = STAFF[n % STAFF.length];
    void cf('events', 'add', '--staff', email, '--title', `Soak ${n}`, '--start', `${day(n)}T09:00`, '--end', `${day(n)}T10:00`);
    sim.control.createEvent(email, { subject: `Outlook ${n}`, start: { dateTime: `${day(n + 7)}T12:00:00`, timeZone: 'UTC' }, end: { dateTime: `${day(n + 7)}T13:00:00`, timeZone: 'UTC' } });
  }, 2000);
  await new Promise((r) => setTimeout(r, 3000));
  const first = sample(daemon.pid);
  const rows = [];
  while (Date.now() - started < seconds * 1000) {
    await new Promise((r) => setTimeout(r, 10_000));
    rows.push({ t: Math.round((Date.now() - started) / 1000), cycles, ...sample(daemon.pid), memory });
    const last = rows.at(-1);
    const inside = last.memory ? `  (heap ${last.memory.heapUsedMiB} MiB, external ${last.memory.externalMiB} MiB)` : '';
    process.stdout.write(`t=${String(last.t).padStart(4)} s  cycles ${String(last.cycles).padStart(5)}  rss ${last.rss.toFixed(1)} MiB${inside}  fds ${last.fds}  sockets ${last.sockets}\n`);
  }
  clearInterval(edits);
  const stopAt = Date.now();
  daemon.kill('SIGTERM');
  const code = await new Promise((r) => daemon.on('close', r));
  const last = rows.at(-1);
  const mid = rows[Math.floor(rows.length / 2)];
  console.log(`\n${seconds} s, ${cycles} cycles, ${n} edits on each side, ${errors} error lines (injected 503s), exit ${code} ${Date.now() - stopAt} ms after SIGTERM`);
  console.log(`rss: first ${first.rss.toFixed(1)} MiB, middle ${mid.rss.toFixed(1)}, last ${last.rss.toFixed(1)} (second half grew ${(last.rss - mid.rss).toFixed(1)} MiB)`);
  console.log(`fds: first ${first.fds}, last ${last.fds}; sockets: first ${first.sockets}, last ${last.sockets}`);
  if (traceGc) console.log(`heap after each full collection (MB): ${marks.map((x) => x.toFixed(1)).join(' ')}`);
} finally {
  await sim.stop();
  rmSync(dir, { recursive: true, force: true });
}
