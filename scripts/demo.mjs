#!/usr/bin/env node
// `npm run demo`: the real thing on the built-in simulator, unattended, in a temporary store.
// A sample firm; Alice connects by device code (approved by the simulator as her); events are
// pushed (one confidential); an Outlook-side edit and a new Outlook event come back; a protected
// conflict is listed and resolved; a recurring Outlook series arrives and is described; the
// past 30 days are imported (twice: nothing new the second time); `status` and `plan` at the
// end. Every step runs the real CLI as a support engineer would; the simulator listens on
// 127.0.0.1 only. Nothing outside the temp folder is touched.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const { startSimulator } = await import('../dist/simulator/index.js');
const bin = fileURLToPath(new URL('../bin/caseflow-outlook', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'caseflow-demo-'));
const ALICE = 'alice@firm.example';
const started = Date.now();
// Dates from tomorrow on, so the demo's events are always inside the sync window.
const day = (n) => new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate() + n)).toISOString().slice(0, 10);
const [D1, D2, D3, D4] = [day(1), day(2), day(3), day(4)];

const sim = await startSimulator({ port: 0, caDir: join(dir, 'ca'), deviceCodePollIntervalSeconds: 1, users: [{ email: ALICE, name: 'Alice Moss' }] });
sim.control.setAutoApprove(ALICE);
const config = join(dir, 'config.json');
writeFileSync(config, JSON.stringify({ auth: { authorityHost: sim.url, clientId: '0b6f5d3c-9a1e-4c2b-8d7f-3e5a1c9b7d20' }, graph: { baseUrl: sim.url } }, null, 2));
const env = { ...process.env, CASEFLOW_DB: join(dir, 'store.db'), CASEFLOW_CONFIG: config, NODE_EXTRA_CA_CERTS: sim.caCertPath, XDG_CONFIG_HOME: join(dir, 'xdg') };

function say(text) {
  process.stdout.write(`\n# ${text}\n`);
}
// Async spawn: the simulator runs in this process and must keep answering while the CLI runs.
async function cf(...args) {
  return run(args, true);
}
/** The same, without showing it (the demo reads the answer). */
async function quietly(...args) {
  return run(args, false);
}
async function run(args, show) {
  if (show) process.stdout.write(`$ caseflow-outlook ${args.map((a) => (/[\s"|;]/.test(a) ? JSON.stringify(a) : a)).join(' ')}\n`);
  const child = spawn(process.execPath, [bin, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c) => (stderr += c));
  const code = await new Promise((resolve) => child.on('close', resolve));
  if (show) process.stdout.write(stdout);
  if (stderr && show) process.stdout.write(stderr.trimEnd().replace(/^/gm, '  (stderr) ') + '\n');
  if (code !== 0) throw new Error(`demo step failed with exit code ${code}`);
  return stdout;
}
const outlook = () => sim.control.events(ALICE, { calendar: 'primary' }).filter((e) => !e.deleted);

try {
  say(`Simulator (Microsoft 365 stand-in) at ${sim.url}; temporary store ${env.CASEFLOW_DB}`);
  await cf('firm', 'set', '--plan', 'multi-practice', '--outlook-beta', 'on', '--time-zone', 'Europe/London');
  await cf('staff', 'add', '--email', ALICE, '--name', 'Alice Moss');
  await cf('matters', 'add', '--name', 'Reyes v. Acme', '--assign', ALICE);

  say('Alice connects her Microsoft 365 account (device code; the simulator approves it as her)');
  await cf('connect', '--staff', ALICE);

  say('CaseFlow events: a protected hearing with a privileged description, a Teams call, a task');
  await cf('events', 'add', '--staff', ALICE, '--title', 'Motion hearing', '--category', 'Hearing', '--start', `${D1}T09:30`, '--end', `${D1}T10:30`, '--location', 'Court 4', '--description', 'Argue the motion to compel; witness list attached (privileged)');
  await cf('events', 'add', '--staff', ALICE, '--title', 'Client call', '--start', `${D2}T14:00`, '--end', `${D2}T14:30`, '--teams', '--attendee', 'dana@client.example');
  await cf('tasks', 'add', '--staff', ALICE, '--title', 'File reply brief', '--due', D4, '--matter', '1');

  say('The scheduled run pushes them (one $batch request)');
  await cf('daemon', '--once');
  const hearing = outlook().find((e) => e.subject === 'Motion hearing');
  console.log(`  Outlook now holds ${outlook().length} events; the hearing's body there: "${hearing.body.content}", sensitivity: ${hearing.sensitivity}`);
  const leaked = JSON.stringify(sim.control.requestLog()).includes('witness list');
  console.log(`  privileged description in any request sent to Graph: ${leaked ? 'YES (bug!)' : 'no'}`);

  say('In Outlook, Alice moves the client call and adds a dentist appointment');
  const call = outlook().find((e) => e.subject === 'Client call');
  sim.control.updateEvent(ALICE, call.id, { start: { dateTime: `${D2}T15:00:00`, timeZone: 'UTC' }, end: { dateTime: `${D2}T15:30:00`, timeZone: 'UTC' } });
  sim.control.createEvent(ALICE, { subject: 'Dentist', start: { dateTime: `${D3}T08:00:00`, timeZone: 'UTC' }, end: { dateTime: `${D3}T09:00:00`, timeZone: 'UTC' } });
  await cf('sync', '--staff', ALICE);
  await cf('events', 'list');

  say('The hearing moves court in both places before the next run: a protected conflict');
  sim.control.updateEvent(ALICE, hearing.id, { location: { displayName: 'Court 9' } });
  await cf('events', 'update', '1', '--location', 'Court 6');
  await cf('daemon', '--once');
  await cf('conflicts', 'list');
  await cf('conflicts', 'show', '1');
  await cf('conflicts', 'resolve', '1', '--keep', 'caseflow', '--by', 'Support desk');
  console.log(`  Outlook location now: ${outlook().find((e) => e.id === hearing.id).location.displayName}`);

  say('In Outlook, Alice has a weekly partners\' meeting: it arrives as read-only occurrences, described in words');
  const weekday = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'][new Date(`${D1}T12:00:00Z`).getUTCDay()];
  sim.control.createEvent(ALICE, { subject: 'Partners meeting', start: { dateTime: `${D1}T16:00:00`, timeZone: 'UTC' }, end: { dateTime: `${D1}T17:00:00`, timeZone: 'UTC' }, recurrence: { pattern: { type: 'weekly', interval: 1, daysOfWeek: [weekday] }, range: { type: 'numbered', startDate: D1, numberOfOccurrences: 4 } } });
  await cf('sync', '--staff', ALICE);
  const occurrences = JSON.parse(await quietly('events', 'list', '--json')).filter((e) => e.title === 'Partners meeting');
  await cf('events', 'show', String(occurrences[0].id));
  console.log(`  CaseFlow holds ${occurrences.length} occurrences, read-only ("Recurring in Microsoft 365")`);

  say('Alice imports her past 30 days from Outlook (a deposition three weeks ago)');
  sim.control.createEvent(ALICE, { subject: 'Deposition of J. Doe', start: { dateTime: `${day(-21)}T13:00:00`, timeZone: 'UTC' }, end: { dateTime: `${day(-21)}T15:00:00`, timeZone: 'UTC' } });
  await cf('import', '--staff', ALICE, '--days', '30');
  await cf('import', '--staff', ALICE, '--days', '30');
  console.log('  the second import brought in nothing new');

  say('Where things stand');
  await cf('status', '--staff', ALICE);
  const planned = await cf('plan', '--staff', ALICE);
  if (!planned.trim()) console.log('  (plan: nothing to do; the next scheduled run would change nothing)');
  await cf('audit', '--limit', '8');
  console.log(`\nDemo finished in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
} finally {
  await sim.stop();
  rmSync(dir, { recursive: true, force: true });
}
