#!/usr/bin/env node
// `npm run bench`: speed and memory figures, printed (not asserted: timed tests flake on shared
// machines). Run after `npm run build`. Traffic goes only to 127.0.0.1.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../bin/caseflow-outlook', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'caseflow-bench-'));
const env = { ...process.env, CASEFLOW_DB: join(dir, 'store.db'), CASEFLOW_CONFIG: '', XDG_CONFIG_HOME: join(dir, 'config') };

function time(args, runs) {
  const samples = [];
  for (let i = 0; i < runs; i += 1) {
    const start = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [bin, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  }
  samples.sort((a, b) => a - b);
  const pick = (q) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))];
  return { median: pick(0.5), p90: pick(0.9), min: samples[0] };
}

const figures = [];
function report(name, r) {
  figures.push({ name, ...r });
  console.log(`${name.padEnd(44)} median ${r.median.toFixed(1)} ms  p90 ${r.p90.toFixed(1)} ms  min ${r.min.toFixed(1)} ms`);
}

try {
  report('caseflow-outlook --help (startup)', time(['--help'], 21));
  report('caseflow-outlook events --help', time(['events', '--help'], 11));
  time(['staff', 'add', '--email', 'a@firm.example', '--name', 'A'], 1);
  report('caseflow-outlook staff list (opens the store)', time(['staff', 'list'], 11));
  const extra = process.env.BENCH_SYNC === '0' ? null : await import('./bench-sync.mjs').catch((e) => (e.code === 'ERR_MODULE_NOT_FOUND' ? null : Promise.reject(e)));
  if (extra) await extra.run({ dir, report: (name, line) => console.log(`${name.padEnd(44)} ${line}`) });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
