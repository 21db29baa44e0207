#!/usr/bin/env node
// `npm run bench`: speed and memory figures of the built CLI against the simulator on 127.0.0.1
// with a realistic network (50 ms a request, 20 ms a $batch item), each beside its floor (the
// least the work could take on that network) and the issue's target. Prints a table (text and
// markdown) and writes bench/results.json + bench/results.md. See bench/README.md.
//
// Env: BENCH_ONLY=row,row (names below), BENCH_QUICK=1 (skip the 10,000 push, the 10,000 naive
// script and the 100,000 rows), BENCH_LATENCY_MS (50), BENCH_ITEM_LATENCY_MS (20),
// BENCH_BUDGET_WINDOW_SECONDS (600: Graph's; shorter for a quick look at the 10,000 push),
// BENCH_README=1 (also replace the table in README.md's Performance section).

import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { daemonFloor, naiveFloor, pullFloor, pushFloor, quietFloor, BUDGET_WINDOW_SECONDS } from './bench/floors.mjs';
import { median, ROOT, simulatorHasItemLatency, startWorld } from './bench/world.mjs';
import { fmtMs, markdownTable, notesList, textTable } from './bench/table.mjs';

const ROWS = [
  'help', 'push-1000', 'naive-1000', 'push-10000', 'naive-10000', 'pull-10000', 'quiet-10000', 'status-json-10000', 'events-list-10000',
  'quiet-100000', 'status-json-100000', 'events-list-100000', 'daemon-200', 'daemon-1000',
];
const BIG = new Set(['push-10000', 'naive-10000', 'quiet-100000', 'status-json-100000', 'events-list-100000']);
const only = process.env.BENCH_ONLY ? process.env.BENCH_ONLY.split(',').map((s) => s.trim()).filter(Boolean) : null;
const quick = process.env.BENCH_QUICK === '1';
for (const name of only ?? []) {
  if (!ROWS.includes(name)) {
    console.error(`error: BENCH_ONLY names an unknown row '${name}'\nhint: rows are ${ROWS.join(', ')}`);
    process.exit(2);
  }
}
const wanted = (name) => (only ? only.includes(name) : !(quick && BIG.has(name)));

const requestMs = Number(process.env.BENCH_LATENCY_MS ?? 50);
const itemMsAsked = Number(process.env.BENCH_ITEM_LATENCY_MS ?? 20);
const windowSeconds = Number(process.env.BENCH_BUDGET_WINDOW_SECONDS ?? BUDGET_WINDOW_SECONDS);
const itemLatencySupported = simulatorHasItemLatency();
// Without batchItemLatencyMs the simulator makes every batch item wait latencyMs.
const itemMs = itemLatencySupported ? itemMsAsked : requestMs;
const NETWORK = { latencyMs: requestMs, batchItemLatencyMs: itemMsAsked };
const LIMITS = windowSeconds !== BUDGET_WINDOW_SECONDS ? { windowSeconds } : undefined;
const net = { requestMs, itemMs, windowSeconds };
const ALICE = 'bench@firm.example';

const rows = [];
const started = Date.now();
let startupMs = null;

function log(text) {
  process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${text}\n`);
}

function addRow(r) {
  const row = { floorMs: null, ratio: null, pass: null, rssKb: null, note: '', ...r };
  if (row.ratio === null && row.floorMs && row.ms !== undefined && row.ms !== null) row.ratio = row.ms / row.floorMs;
  rows.push(row);
  log(`${row.name}: ${row.figureText ?? fmtMs(row.ms)}${row.pass === null ? '' : row.pass ? ' PASS' : ' MISS'}`);
}

/** Requests in a slice of the simulator's log, by what they were. */
function countRequests(entries) {
  const c = { graph: 0, token: 0, metadata: 0, perMailbox: new Map() };
  for (const e of entries) {
    if (e.kind === 'token' || e.kind === 'devicecode') c.token += 1;
    else if (e.kind === 'openid-configuration' || e.kind === 'keys') c.metadata += 1;
    else if (e.kind !== 'batch') {
      c.graph += 1;
      if (e.mailbox) c.perMailbox.set(e.mailbox, (c.perMailbox.get(e.mailbox) ?? 0) + 1);
    }
  }
  return c;
}

const maxRss = (runs) => (runs.some((r) => r.rssKb === null) ? null : Math.max(...runs.map((r) => r.rssKb)));
/** A wall time less a start-up: the first row's, unless a row measured its own. */
const beyond = (ms, from = startupMs) => Math.max(0, ms - from);

/** Median wall time of `node -e 0` (spawn to exit) in an environment: Node's own start-up. */
async function nodeAlone(env, times = 11) {
  const all = [];
  for (let i = 0; i < times; i += 1) {
    const start = process.hrtime.bigint();
    await new Promise((resolve, reject) => spawn(process.execPath, ['-e', '0'], { env, stdio: 'ignore' }).on('error', reject).on('close', resolve));
    all.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(all);
}

/**
 * `--help` twice over, interleaved: as against Microsoft's cloud (no extra CA: the row's figure),
 * and with the simulator's CA in NODE_EXTRA_CA_CERTS as every sync row runs (the start-up those
 * rows subtract). Node 20 reads the CA file and builds its certificate store when it starts, for
 * any program, so that start-up is Node's and is measured beside Node alone.
 */
async function measureStartup() {
  const w = await startWorld();
  try {
    const plain = [];
    const withCa = [];
    const noCa = { NODE_EXTRA_CA_CERTS: undefined };
    for (let i = 0; i < 11; i += 1) {
      plain.push(await w.ok(['--help'], { extraEnv: noCa }));
      withCa.push(await w.ok(['--help']));
    }
    const helpMs = median(plain.map((r) => r.ms));
    startupMs = median(withCa.map((r) => r.ms));
    const { NODE_EXTRA_CA_CERTS: _ca, ...envNoCa } = w.env;
    const nodeMs = await nodeAlone(envNoCa);
    const nodeCaMs = await nodeAlone(w.env);
    addRow({
      name: 'help', label: 'cold start: --help', ms: helpMs, floorMs: 100, targetText: '< 100 ms', pass: helpMs < 100,
      rssKb: maxRss(plain),
      note: `median of 11 runs without NODE_EXTRA_CA_CERTS, as against Microsoft's cloud (Node alone: ${fmtMs(nodeMs)}); with the simulator's CA in it: ${fmtMs(startupMs)} (Node alone: ${fmtMs(nodeCaMs)}), the start-up subtracted from the push and pull rows (floor = the target: no physical floor)`,
    });
  } finally {
    await w.stop();
  }
}

/** A first push of n new CaseFlow events: `daemon --once` until it exits 0. */
async function push(n) {
  const w = await startWorld({ limits: LIMITS });
  try {
    await w.firm();
    await w.connect(ALICE);
    await w.seedCaseflowEvents(ALICE, n);
    const floor = pushFloor(n, net);
    if (floor.bound === 'budget') log(`push-${n}: ${floor.requests} requests exceed the budget: the floor waits for the ${windowSeconds} s window (expected about ${fmtMs(floor.ms)})`);
    w.sim.control.setFaults(NETWORK);
    w.sim.control.resetMetrics();
    w.sim.control.clearRequestLog();
    settleHarness();
    const runs = [];
    while (runs.length < 40) {
      const r = await w.cf(['daemon', '--once']);
      runs.push(r);
      if (r.code === 0) break;
      if (r.code !== 4) throw new Error(`daemon --once exited ${r.code}: ${r.stderr}`);
    }
    const m = w.sim.control.metrics();
    const created = w.sim.control.events(ALICE).length;
    const ms = runs.reduce((s, r) => s + beyond(r.ms), 0);
    const notes = [`${m.byKind['event.create'] ?? 0} creates, ${m.throttled} throttled; floor bound by ${floor.bound} (${floor.requests} requests with the envelopes)`];
    if (runs.length > 1) notes.push(`${runs.length} runs (exits ${runs.map((r) => r.code).join(', ')}), times summed`);
    if (created !== n) notes.push(`${created} events in the mailbox, expected ${n}`);
    if (floor.bound === 'budget') notes.push('the simulator counts batch items but not envelopes against the budget, so the figure can come in under this floor (which counts both)');
    if (floor.budgetMs > 0 && windowSeconds !== BUDGET_WINDOW_SECONDS) notes.push(`budget window shrunk to ${windowSeconds} s (BENCH_BUDGET_WINDOW_SECONDS)`);
    addRow({
      name: `push-${n}`, label: `first push of ${n.toLocaleString('en')} events`, ms, floorMs: floor.ms, targetText: '<= 1.25x floor',
      pass: created === n && ms <= 1.25 * floor.ms, rssKb: maxRss(runs), requestsText: `${m.perMailbox[ALICE]?.requests ?? 0} + ${m.byKind.batch ?? 0} $batch`,
      note: notes.join('; '),
    });
  } finally {
    await w.stop();
  }
}

/** One POST per event, 4 in flight: the script the tool must never be slower than. */
async function naive(n) {
  const w = await startWorld({ limits: LIMITS });
  try {
    w.sim.control.addUser({ email: ALICE, name: 'Bench' });
    const token = w.sim.control.issueTokens(ALICE).accessToken;
    w.sim.control.setFaults(NETWORK);
    w.sim.control.resetMetrics();
    const child = spawn(process.execPath, [join(ROOT, 'scripts/bench/naive.mjs')], {
      env: { ...w.env, BENCH_SIM_URL: w.sim.url, BENCH_TOKEN: token, BENCH_N: String(n) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c) => (out += c));
    const code = await new Promise((r) => child.on('close', r));
    if (code !== 0) throw new Error(`the naive script exited ${code}`);
    const r = JSON.parse(out);
    const floor = naiveFloor(n, net);
    const tool = rows.find((x) => x.name === `push-${n}`);
    // 10,000 POSTs fit the budget exactly; a scheduled run also reads the delta first, so the
    // tool's push of the same size must wait for the window: not a comparison of code.
    const comparable = pushFloor(n, net).bound !== 'budget' || floor.ms >= pushFloor(n, net).ms;
    let note = tool ? `the tool's push of ${n.toLocaleString('en')}: ${fmtMs(tool.ms)}` : `run push-${n} too for the comparison`;
    if (tool && !comparable) note += `; not comparable: the script's ${n.toLocaleString('en')} requests fit the budget, the tool's run (its delta read too) does not and waits for the window`;
    addRow({
      name: `naive-${n}`, label: `naive script: ${n.toLocaleString('en')} POSTs, 4 in flight`, ms: r.ms, floorMs: floor.ms,
      targetText: 'tool push <= this', pass: tool && comparable ? tool.ms <= r.ms : null, requestsText: `${r.requests} (${r.retried} retried)`, note,
    });
  } finally {
    await w.stop();
  }
}

/**
 * Lets the bench process (it also hosts the simulator) collect its garbage before a timed series,
 * when Node runs it with --expose-gc (`npm run bench` does): after seeding 100,000 events it holds
 * over a gigabyte, and a major collection in it slows the processes it starts and the answers it
 * serves. Figures are then of the tool, not of the harness's heap.
 */
function settleHarness() {
  globalThis.gc?.();
}

/**
 * Runs a quiet `daemon --once` `times` times at the realistic latency, each followed by a
 * `--help` with the simulator's CA: that row's own start-up, measured in the same world at the
 * same moment (a big world makes every process started beside it slower, not only the tool's
 * sync). Figures of each.
 */
async function quietRuns(w, times, args = ['daemon', '--once']) {
  w.sim.control.setFaults(NETWORK);
  settleHarness();
  const runs = [];
  const startups = [];
  for (let i = 0; i < times; i += 1) {
    w.sim.control.clearRequestLog();
    const r = await w.ok(args);
    runs.push({ ...r, requests: countRequests(w.sim.control.requestLog()) });
    startups.push((await w.ok(['--help'])).ms);
  }
  w.sim.control.setFaults({});
  return { runs, startupMs: median(startups) };
}

function quietRow(name, label, { runs, startupMs: rowStartupMs }, staffCount, floor, targetMs) {
  const ms = median(runs.map((r) => beyond(r.ms, rowStartupMs)));
  const wall = median(runs.map((r) => r.ms));
  const perStaff = runs.flatMap((r) => [...r.requests.perMailbox.values()]);
  const everyoneOne = runs.every((r) => r.requests.perMailbox.size === staffCount && [...r.requests.perMailbox.values()].every((v) => v === 1));
  const token = Math.max(...runs.map((r) => r.requests.token));
  const metadata = Math.max(...runs.map((r) => r.requests.metadata));
  const requestsOk = everyoneOne && token === 0 && metadata <= 1;
  const timeOk = targetMs === null ? true : ms < targetMs;
  return {
    name, label, ms, floorMs: floor.ms, targetText: `${targetMs === null ? '' : `< ${fmtMs(targetMs)}; `}1 Graph + 0 sign-in req/staff`,
    pass: timeOk && requestsOk, rssKb: maxRss(runs), startupMs: rowStartupMs,
    requestsText: `${(perStaff.reduce((s, v) => s + v, 0) / runs.length / staffCount).toFixed(2)}/staff, ${token} token, ${metadata} metadata`,
    note: `beyond this row's start-up (${fmtMs(rowStartupMs)}: median --help run after each of its runs; ${fmtMs(beyond(wall))} beyond the first row's ${fmtMs(startupMs)}), median of ${runs.length} runs (wall ${fmtMs(wall)})${metadata > 1 ? `; ${metadata} sign-in metadata reads in one process (once per process would be 1)` : ''}${everyoneOne ? '' : '; not every staff member was sent exactly one Graph request'}`,
  };
}

async function timedRuns(w, args, times) {
  settleHarness();
  const runs = [];
  for (let i = 0; i < times; i += 1) runs.push(await w.ok(args));
  return runs;
}

function listRows(w, n, runsStatus, runsList) {
  if (runsStatus) {
    addRow({
      name: `status-json-${n}`, label: `cold start: status --json (${n.toLocaleString('en')} linked)`, ms: median(runsStatus.map((r) => r.ms)),
      floorMs: 100, targetText: '—', rssKb: maxRss(runsStatus), note: `wall time, median of ${runsStatus.length}; floor = the --help target`,
    });
  }
  if (runsList) {
    addRow({
      name: `events-list-${n}`, label: `events list (${n.toLocaleString('en')} events, to a pipe)`, ms: median(runsList.map((r) => r.ms)),
      targetText: '—', rssKb: maxRss(runsList), note: `wall time, median of ${runsList.length}; ${runsList[0].stdout.split('\n').length - 1} lines`,
    });
  }
}

/**
 * A mailbox of n Outlook events, pulled by the tool (timed when `timedPull`), then quiet runs,
 * `status --json` and `events list` over the linked store.
 */
async function linkedStore(n, { timedPull, quietName, statusName, listName }) {
  const w = await startWorld();
  try {
    await w.firm();
    await w.connect(ALICE);
    log(`${n}: seeding the mailbox`);
    w.seedOutlookEvents(ALICE, n);
    if (timedPull) {
      w.sim.control.setFaults(NETWORK);
      w.sim.control.resetMetrics();
      settleHarness();
      const r = await w.ok(['daemon', '--once']);
      w.sim.control.setFaults({});
      const m = w.sim.control.metrics();
      const floor = pullFloor(n, net);
      const ms = beyond(r.ms);
      const rssOk = r.rssKb !== null && r.rssKb / 1024 < 150;
      addRow({
        name: `pull-${n}`, label: `first pull of ${n.toLocaleString('en')} Outlook events`, ms, floorMs: floor.ms, targetText: 'peak RSS < 150 MB',
        pass: rssOk, rssKb: r.rssKb, requestsText: `${m.byKind.delta ?? 0} delta pages (${floor.requests} floor)`,
        note: `beyond start-up (wall ${fmtMs(r.ms)}); pages of 250 one after another`,
      });
    } else {
      log(`${n}: the tool pulls them (no latency: setup)`);
      await w.ok(['daemon', '--once']);
    }
    await w.ok(['daemon', '--once']); // settles: a quiet round at no latency, nothing left pending
    if (wanted(quietName)) addRow(quietRow(quietName, `no-change run, ${n.toLocaleString('en')} linked`, await quietRuns(w, 5), 1, quietFloor(net), 300));
    const status = wanted(statusName) ? await timedRuns(w, ['status', '--json'], 5) : null;
    const list = wanted(listName) ? await timedRuns(w, ['events', 'list'], 3) : null;
    listRows(w, n, status, list);
  } finally {
    await w.stop();
  }
}

/** A firm of 200 then 1,000 connected staff members with 5 events each: quiet cycles at concurrency 16. */
async function staffCycles() {
  const w = await startWorld();
  try {
    await w.firm();
    const sizes = [200, 1000].filter((s) => wanted(`daemon-${s}`));
    let have = 0;
    for (const size of sizes) {
      const emails = Array.from({ length: size - have }, (_, i) => `staff${have + i}@firm.example`);
      log(`daemon-${size}: connecting ${emails.length} staff members`);
      await w.connectMany(emails, 16);
      for (const e of emails) w.seedOutlookEvents(e, 5);
      have = size;
      log(`daemon-${size}: first cycle (no latency: setup)`);
      await w.ok(['daemon', '--once', '--concurrency', '16']);
      await w.ok(['daemon', '--once', '--concurrency', '16']);
      const runs = await quietRuns(w, 3, ['daemon', '--once', '--concurrency', '16']);
      addRow(quietRow(`daemon-${size}`, `no-change daemon --once, ${size.toLocaleString('en')} staff, concurrency 16`, runs, size, daemonFloor(size, 16, net), size === 1000 ? 5000 : null));
    }
  } finally {
    await w.stop();
  }
}

const plan = [
  [['help'], measureStartup, true],
  [['push-1000'], () => push(1000)],
  [['naive-1000'], () => naive(1000)],
  [['pull-10000', 'quiet-10000', 'status-json-10000', 'events-list-10000'], () => linkedStore(10_000, { timedPull: wanted('pull-10000'), quietName: 'quiet-10000', statusName: 'status-json-10000', listName: 'events-list-10000' })],
  [['daemon-200', 'daemon-1000'], staffCycles],
  [['quiet-100000', 'status-json-100000', 'events-list-100000'], () => linkedStore(100_000, { timedPull: false, quietName: 'quiet-100000', statusName: 'status-json-100000', listName: 'events-list-100000' })],
  [['push-10000'], () => push(10_000)],
  [['naive-10000'], () => naive(10_000)],
];

log(`latency ${requestMs} ms a request, ${itemMs} ms a batch item${itemLatencySupported ? '' : ` (this simulator has no batchItemLatencyMs: items wait latencyMs; ${itemMsAsked} ms asked)`}; budget window ${windowSeconds} s`);
if (wanted('push-10000') && pushFloor(10_000, net).bound === 'budget') log(`push-10000 waits for the budget window: expect about ${fmtMs(pushFloor(10_000, net).ms)} for it (BENCH_BUDGET_WINDOW_SECONDS shortens it)`);
for (const [names, fn, always] of plan) {
  if (always || names.some(wanted)) await fn();
}
const shown = rows.filter((r) => wanted(r.name));

const settings = {
  latencyMs: requestMs,
  batchItemLatencyMs: itemMsAsked,
  simulatorHasBatchItemLatency: itemLatencySupported,
  effectiveItemLatencyMs: itemMs,
  budgetWindowSeconds: windowSeconds,
  quick,
  only,
};
let commit = null;
try {
  commit = execFileSync('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  if (execFileSync('git', ['-C', ROOT, 'status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim()) commit += '+changes';
} catch {
  commit = null;
}
const meta = { generatedAt: new Date().toISOString(), commit, node: process.version, cpus: cpus().length, startupMs, durationSeconds: Math.round((Date.now() - started) / 1000) };
const caveats = [
  `Simulated network: ${requestMs} ms a request, ${itemMs} ms a $batch item${itemLatencySupported ? '' : ` (the simulator has no batchItemLatencyMs yet: every batch item waits ${requestMs} ms, and the floors use that)`}.`,
  ...(windowSeconds !== BUDGET_WINDOW_SECONDS ? [`Budget window shrunk to ${windowSeconds} s (BENCH_BUDGET_WINDOW_SECONDS): the 10,000 push's figure and floor are not Graph's.`] : []),
  `Start-up (median --help with the simulator's CA, measured first in a small world): ${fmtMs(startupMs)}, subtracted from the push and pull rows. The no-change rows subtract their own: a --help after each of their runs, in their world (their notes give both).${globalThis.gc ? ' The bench process, which also hosts the simulator, collects its garbage before each timed series.' : ' Run without --expose-gc: the bench process did not collect its garbage before the timed series.'} ${meta.cpus} CPUs, Node ${process.version}, commit ${commit ?? 'unknown'}.`,
];
const markdown = [markdownTable(shown), '', ...caveats.map((c) => `- ${c}`), ...notesList(shown)].join('\n');

console.log(`\n${textTable(shown)}\n`);
for (const c of caveats) console.log(c);
for (const n of notesList(shown)) console.log(n);
console.log(`\nmarkdown:\n\n${markdown}\n`);

mkdirSync(join(ROOT, 'bench'), { recursive: true });
const full = !only && !quick && windowSeconds === BUDGET_WINDOW_SECONDS;
const base = full ? 'results' : 'results.partial';
writeFileSync(join(ROOT, 'bench', `${base}.json`), `${JSON.stringify({ ...meta, settings, rows: shown.map(({ figureText, ...r }) => r) }, null, 2)}\n`);
writeFileSync(join(ROOT, 'bench', `${base}.md`), `${markdown}\n`);
console.log(`wrote bench/${base}.json and bench/${base}.md${full ? '' : ' (a partial or shortened run: bench/results.json is left as it was)'}`);
if (process.env.BENCH_README === '1' && !full) console.log('BENCH_README=1 ignored: only a whole run (no BENCH_ONLY, BENCH_QUICK or shortened window) replaces the README table');
else if (process.env.BENCH_README === '1') {
  const readme = join(ROOT, 'README.md');
  const text = readFileSync(readme, 'utf8');
  const re = /(<!-- bench:start -->\n)[\s\S]*?(\n<!-- bench:end -->)/;
  if (!re.test(text)) throw new Error('README.md has no <!-- bench:start --> ... <!-- bench:end --> markers');
  writeFileSync(readme, text.replace(re, (_, a, b) => `${a}${markdown}${b}`));
  console.log('replaced the table in README.md (Performance)');
}
const misses = shown.filter((r) => r.pass === false).map((r) => r.name);
console.log(misses.length ? `MISS: ${misses.join(', ')}` : 'every target met');
