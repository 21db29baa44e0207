// What users read: help that cites no document they do not have, a daemon description that says
// what a run does, command groups typed alone, and status warnings shown rather than counted.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import { run } from '../../src/cli/main.js';
import { buildProgram } from '../../src/cli/program.js';
import type { Io } from '../../src/cli/context.js';
import { sandbox, type Sandbox } from '../helpers/cli.js';

const GROUPS = ['firm', 'staff', 'contacts', 'matters', 'categories', 'events', 'tasks', 'deadlines', 'prefs', 'conflicts'];

let sb: Sandbox;
beforeAll(() => {
  sb = sandbox();
});
afterAll(() => sb.cleanup());

/** The CLI in this process (main.run), against the sandbox's store. */
async function inProcess(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: Io = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), stdoutIsTTY: false, stderrIsTTY: false, env: { ...sb.env, NO_COLOR: '1' } };
  const code = await run(['node', 'caseflow-outlook', ...args], { io, signal: new AbortController().signal });
  return { code, stdout, stderr };
}

async function commandPaths(): Promise<string[][]> {
  const io: Io = { stdout: () => {}, stderr: () => {}, stdoutIsTTY: false, stderrIsTTY: false, env: {} };
  const walk = (cmd: Command, path: string[]): string[][] => [path, ...cmd.commands.flatMap((c) => walk(c, [...path, c.name()]))];
  return walk(await buildProgram(async () => {}, io), []);
}

describe('words for users', () => {
  it('no --help text of any command cites SPEC, GRAPH.md, STYLE.md or the shared docs', async () => {
    const paths = await commandPaths();
    expect(paths.length).toBeGreaterThan(40);
    for (const path of paths) {
      const help = await inProcess([...path, '--help']);
      expect(help.code, path.join(' ')).toBe(0);
      expect(help.stdout, path.join(' ')).toContain('Usage: caseflow-outlook');
      expect(help.stdout, path.join(' ')).not.toMatch(/SPEC|GRAPH\.md|STYLE\.md|shared docs/);
    }
  });

  it('daemon --help says a run reads Outlook first, then pushes CaseFlow and applies Outlook', async () => {
    const help = await sb.run(['daemon', '--help']);
    expect(help.code).toBe(0);
    const text = help.stdout.replace(/\s+/g, ' ');
    expect(text).toContain("reads Outlook's changes, plans both sides, pushes CaseFlow's changes, then applies Outlook's");
    expect(text).not.toContain('push then pull');
  });

  it('a group typed alone prints its help on stderr, nothing on stdout, one error line and a hint, exit 2', async () => {
    const r = await sb.run(['events']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^Usage: caseflow-outlook events \[options\] \[command\]\n/);
    expect(r.stderr).toContain('  list [options]         list events\n');
    expect(r.stderr.endsWith('error: caseflow-outlook events needs a subcommand: add, update, delete, list, show\nhint: see: caseflow-outlook events --help\n')).toBe(true);
  });

  it('a group typed alone with --json prints exactly one JSON error document, exit 2', async () => {
    const r = await sb.json(['events']);
    expect(r.code).toBe(2);
    expect(r.body).toEqual({ error: { code: 'usage', message: 'caseflow-outlook events needs a subcommand: add, update, delete, list, show', hint: 'see: caseflow-outlook events --help' } });
    expect(r.stderr).not.toContain('Usage:');
  });

  it('every command group, and the bare program, answers the same way in-process', async () => {
    for (const group of [...GROUPS, null]) {
      const args = group ? [group] : [];
      const json = await inProcess(['--json', ...args]);
      expect(json.code, String(group)).toBe(2);
      const body = JSON.parse(json.stdout);
      expect(body.error.code).toBe('usage');
      expect(body.error.message).toMatch(group ? new RegExp(`^caseflow-outlook ${group} needs a subcommand: \\w+`) : /^caseflow-outlook needs a command: firm, staff/);
      const text = await inProcess(args);
      expect(text.code, String(group)).toBe(2);
      expect(text.stdout).toBe('');
      expect(text.stderr).toContain(`Usage: caseflow-outlook ${group ? `${group} ` : ''}[options] [command]`);
      expect(text.stderr).toContain(`error: ${body.error.message}\n`);
    }
  });

  it('an unknown subcommand is one error line naming the allowed ones, and `help` still works', async () => {
    const bad = await inProcess(['events', 'lst']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe("error: unknown subcommand 'lst' for caseflow-outlook events (did you mean list?); allowed: add, update, delete, list, show\nhint: see: caseflow-outlook events --help\n");
    const help = await inProcess(['events', 'help', 'list']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: caseflow-outlook events list [options]');
    const groupOk = await inProcess(['events', 'list']);
    expect(groupOk).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('status without --staff shows each warning in a pipe, and --json is unchanged', async () => {
    await sb.run(['staff', 'add', '--email', 'alice@firm.example', '--name', 'Alice']);
    await sb.run(['events', 'add', '--staff', 'alice@firm.example', '--title', 'Standup', '--start', '2026-12-01T09:00', '--end', '2026-12-01T09:15', '--recurrence', 'FREQ=WEEKLY;COUNT=4']);
    const json = await sb.json(['status']);
    const warnings: string[] = json.body[0].warnings;
    expect(warnings).toHaveLength(2);
    const piped = await sb.run(['status']);
    expect(piped.code).toBe(0);
    const cells = piped.stdout.trimEnd().split('\t');
    expect(cells[0]).toBe('alice@firm.example');
    expect(cells.at(-1)).toBe(warnings.join(' | '));
    expect(cells.at(-1)).toContain('Outlook sync is not enabled for this firm');
    expect(cells.at(-1)).toContain('1 recurring event(s) created in CaseFlow are not pushed');
  });
});
