#!/usr/bin/env node
// `npm run demo`: builds a sample firm in a temporary store and shows it, by running the real CLI
// exactly as a support engineer would. Nothing outside the temporary folder is touched.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../bin/caseflow-outlook', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'caseflow-demo-'));
const env = { ...process.env, CASEFLOW_DB: join(dir, 'store.db'), CASEFLOW_CONFIG: '', XDG_CONFIG_HOME: join(dir, 'config') };

function cf(...args) {
  process.stdout.write(`\n$ caseflow-outlook ${args.map((a) => (/[\s"]/.test(a) ? JSON.stringify(a) : a)).join(' ')}\n`);
  const r = spawnSync(process.execPath, [bin, ...args], { env, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`demo: command failed with exit code ${r.status}`);
    process.exit(r.status ?? 1);
  }
}

try {
  console.log(`Demo store: ${env.CASEFLOW_DB}`);
  cf('firm', 'set', '--plan', 'multi-practice', '--outlook-beta', 'on', '--time-zone', 'Europe/London');
  cf('staff', 'add', '--email', 'alice@firm.example', '--name', 'Alice Moss');
  cf('staff', 'add', '--email', 'bob@firm.example', '--name', 'Bob Lee');
  cf('contacts', 'add', '--name', 'Dana Reyes', '--email', 'dana@client.example', '--alt-email', 'dreyes@home.example');
  cf('matters', 'add', '--name', 'Reyes v. Acme', '--assign', 'alice@firm.example,bob@firm.example');
  cf('events', 'add', '--staff', 'alice@firm.example', '--title', 'Motion hearing', '--category', 'Hearing',
    '--start', '2026-12-01T09:30', '--end', '2026-12-01T10:30', '--description', 'Argue the motion to compel (privileged)');
  cf('events', 'add', '--staff', 'alice@firm.example', '--title', 'Client call', '--start', '2026-12-02T14:00',
    '--end', '2026-12-02T14:30', '--teams', '--attendee', 'dreyes@home.example');
  cf('events', 'add', '--staff', 'bob@firm.example', '--title', 'Trial', '--all-day', '--start', '2026-12-07', '--end', '2026-12-09', '--matter', '1');
  cf('tasks', 'add', '--staff', 'alice@firm.example', '--title', 'File reply brief', '--due', '2026-12-04T17:00', '--matter', '1');
  cf('deadlines', 'add', '--matter', '1', '--title', 'Expert disclosures due', '--due', '2027-01-15');
  cf('events', 'list');
  cf('events', 'show', '2');
  cf('categories', 'list');
  cf('audit', '--limit', '5');
  cf('status');
  console.log('\nDemo finished.');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
