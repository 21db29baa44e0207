// Errors may quote what a user or a server sent (a category name, a title): the human lines show
// control characters as text, and the JSON error keeps the exact value.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandbox, type Sandbox } from '../helpers/cli.js';

let sb: Sandbox;
beforeAll(async () => {
  sb = sandbox();
  await sb.run(['staff', 'add', '--email', 'alice@firm.example', '--name', 'Alice']);
});
afterAll(() => sb.cleanup());

const EVIL = '\x1b[2J\x1b]8;;http://evil\x07Court\u009b31m';
const args = ['events', 'add', '--staff', 'alice@firm.example', '--title', 'X', '--start', '2026-12-01T09:00', '--end', '2026-12-01T10:00', '--category', EVIL];

describe('error text from outside', () => {
  it('reaches the terminal without control characters', async () => {
    const r = await sb.run(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('\\x1b[2J');
    expect(r.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  });

  it('keeps the exact value in --json, escaped so it is safe to print', async () => {
    const r = await sb.json(args);
    expect(r.code).toBe(2);
    expect(r.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(r.body.error.message).toContain(EVIL);
  });
});
