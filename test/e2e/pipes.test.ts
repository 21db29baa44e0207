// A reader that goes away (`status | head -1`) ends the command quietly: exit 0, no EPIPE, no
// stack trace. The output is made far bigger than a pipe's buffer so the write really fails.

import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, sandbox, type Sandbox } from '../helpers/cli.js';

let sb: Sandbox;
const ROWS = 3000;

beforeAll(async () => {
  sb = sandbox();
  const r = await sb.run(['staff', 'add', '--email', 'alice@firm.example', '--name', 'Alice']);
  expect(r.code, r.stderr).toBe(0);
  // The CLI made the schema; fill it fast.
  const db = new Database(sb.db);
  const at = '2026-11-20T12:00:00.000Z';
  const staff = db.prepare('INSERT INTO staff (email, name, created_at) VALUES (?, ?, ?)');
  const audit = db.prepare("INSERT INTO audit (at, staff_id, staff_email, trigger, direction, action, kind, summary) VALUES (?, 1, 'alice@firm.example', 'cli', 'none', 'staff.add', 'staff', ?)");
  db.transaction(() => {
    for (let i = 0; i < ROWS; i += 1) {
      staff.run(`s${i}@firm.example`, `Staff member number ${i} with a long enough name`, at);
      audit.run(at, `row ${i}: ${'x'.repeat(100)}`);
    }
  })();
  db.close();
});
afterAll(() => sb.cleanup());

/** Spawns the CLI with stdout a pipe, reads the first chunk, then closes the pipe as `head -1` does. */
function firstChunkThenClose(args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; first: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...sb.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let first = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').once('data', (chunk: string) => {
      first = chunk;
      child.stdout.destroy();
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, first, stderr }));
  });
}

describe('a closed stdout ends the command quietly', () => {
  it.each([
    ['audit', ['audit', '--limit', String(ROWS)], /^\d+\t/],
    ['status', ['status'], /^\S+@firm\.example\t/],
    ['staff list', ['staff', 'list'], /@firm\.example/],
    ['audit --json', ['--json', 'audit', '--limit', String(ROWS)], /^\[/],
  ])('%s | head -1: exit 0, no EPIPE, no stack trace', async (_name, args, firstLine) => {
    const r = await firstChunkThenClose(args);
    expect(r.first).toMatch(firstLine);
    expect(r.stderr).not.toMatch(/EPIPE|Error|at .*\.js:\d+/);
    expect(r.stderr).toBe('');
    expect(r.signal).toBeNull();
    expect(r.code).toBe(0);
  });
});
