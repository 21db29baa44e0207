// An error is reported once: with --json as the one document on stdout (nothing on stderr),
// otherwise as `error:` and `hint:` lines on stderr. Every error has a hint, never null: when the
// command gives none, the hint names the help of the command that was typed.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandbox, type Sandbox } from '../helpers/cli.js';

let sb: Sandbox;
beforeAll(() => {
  sb = sandbox();
});
afterAll(() => sb.cleanup());

describe('errors with --json', () => {
  it.each([
    ['an invalid date', ['events', 'add', '--staff', 'a@firm.example', '--title', 'T', '--start', 'soon', '--end', 'later']],
    ['a missing required flag', ['staff', 'add', '--email', 'b@firm.example']],
    ['a value outside the choices', ['firm', 'set', '--plan', 'enterprise']],
    ['an unknown command', ['evnts', 'list']],
    ['an unknown staff member', ['sync', '--staff', 'zed@firm.example']],
  ])('%s: one JSON document on stdout with a hint, nothing on stderr', async (_name, args) => {
    const r = await sb.run(['--json', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('');
    const body = JSON.parse(r.stdout);
    expect(Object.keys(body)).toEqual(['error']);
    expect(body.error).toEqual({ code: expect.any(String), message: expect.any(String), hint: expect.stringMatching(/\S/) });
    expect(body.error.message).not.toContain('\n');
  });

  it('the fallback hint names the help of the command typed, skipping option values', async () => {
    const r = await sb.json(['--db', sb.db, 'firm', 'set', '--time-zone', 'UTC', '--plan', 'enterprise']);
    expect(r.body.error.hint).toBe('see the allowed flags and values: caseflow-outlook firm set --help');
    const unknown = await sb.json(['evnts']);
    expect(unknown.body.error).toMatchObject({ code: 'usage', hint: 'see: caseflow-outlook --help' });
    expect(unknown.body.error.message).toMatch(/^unknown command 'evnts' for caseflow-outlook \(did you mean events\?\); allowed: firm, staff, /);
  });
});

describe('errors without --json', () => {
  it('one error line and one hint line on stderr, nothing on stdout', async () => {
    const r = await sb.run(['firm', 'set', '--plan', 'enterprise']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      "error: option '--plan <plan>' argument 'enterprise' is invalid. Allowed choices are growth, multi-practice.\nhint: see the allowed flags and values: caseflow-outlook firm set --help\n",
    );
  });
});
