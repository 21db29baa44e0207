// `import` and `connect` show a spinner while they wait, on a terminal only: the same commands in
// a pipe, or with --json on a terminal, carry no frame and no cursor code on stderr. The program
// runs in this process with a fake terminal (main.run with its own io).

import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { world, type World } from '../helpers/world.js';

const ALICE = 'alice@firm.example';
const CURSOR = /\x1b\[\?25[lh]/;
let w: World;
afterEach(async () => {
  await w?.stop();
});

async function onTerminal(args: string[], tty: boolean) {
  let stdout = '';
  let stderr = '';
  const code = await run(['node', 'caseflow-outlook', ...args], {
    io: { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), stdoutIsTTY: tty, stderrIsTTY: tty, env: { ...process.env, NO_COLOR: '1', ...w.sb.env } },
    signal: new AbortController().signal,
  });
  return { code, stdout, stderr };
}

describe('the spinner of import and connect', () => {
  it('import: spins on a terminal and leaves a ticked line; none in a pipe or with --json', async () => {
    w = await world();
    w.sim.control.createEvent(ALICE, { subject: 'Past', start: { dateTime: '2026-11-02T09:00:00', timeZone: 'UTC' }, end: { dateTime: '2026-11-02T10:00:00', timeZone: 'UTC' } });
    const tty = await onTerminal(['import', '--staff', ALICE, '--days', '30'], true);
    expect(tty.code, tty.stderr).toBe(0);
    expect(tty.stderr).toMatch(CURSOR);
    expect(tty.stderr).toContain(`Importing Outlook events of ${ALICE} from the last 30 days`);
    expect(tty.stderr).toContain(`✔ ${ALICE}: 1 event imported`);
    expect(tty.stdout).not.toMatch(CURSOR);

    const json = await onTerminal(['--json', 'import', '--staff', ALICE, '--days', '30'], true);
    expect(json.code).toBe(0);
    expect(json.stderr).toBe('');
    expect(JSON.parse(json.stdout)).toMatchObject({ staff: ALICE, pulled: { created: 0 } });

    const pipe = await onTerminal(['import', '--all', '--days', '30'], false);
    expect(pipe.code).toBe(0);
    expect(pipe.stderr).not.toMatch(CURSOR);
    expect(pipe.stderr).not.toContain('Importing');
  });

  it('import: a failure stops the spinner before the error line', async () => {
    w = await world();
    w.sim.control.revokeUser(ALICE);
    const tty = await onTerminal(['import', '--staff', ALICE, '--days', '30'], true);
    expect(tty.code).toBe(3);
    const error = tty.stderr.indexOf('error: ');
    expect(error).toBeGreaterThan(0);
    // The last cursor code before the error shows the cursor again: the spinner is gone.
    const codes = tty.stderr.slice(0, error).match(/\x1b\[\?25[lh]/g)!;
    expect(codes.at(-1)).toBe('\x1b[?25h');
    expect(tty.stderr.slice(error)).not.toMatch(CURSOR);
  });

  it('connect: spins while waiting for the sign-in on a terminal, not with --json', async () => {
    w = await world([]);
    await w.ok(['staff', 'add', '--email', ALICE, '--name', 'Alice']);
    w.sim.control.addUser({ email: ALICE, name: 'Alice' });
    w.sim.control.setAutoApprove(ALICE);
    const tty = await onTerminal(['connect', '--staff', ALICE], true);
    expect(tty.code, tty.stderr).toBe(0);
    expect(tty.stderr).toContain(`Waiting for ${ALICE} to sign in`);
    expect(tty.stderr).toMatch(CURSOR);
    // The instruction comes first, the spinner after it, and "Connected" once it has stopped.
    expect(tty.stderr.indexOf('enter the code')).toBeLessThan(tty.stderr.indexOf('Waiting for'));
    expect(tty.stderr.lastIndexOf('\x1b[?25h')).toBeLessThan(tty.stderr.indexOf(`Connected ${ALICE} as`));

    const json = await onTerminal(['--json', 'connect', '--staff', ALICE, '--force'], true);
    expect(json.code, json.stderr).toBe(0);
    expect(json.stderr).not.toMatch(CURSOR);
    expect(json.stderr).not.toContain('Waiting for');
    expect(JSON.parse(json.stdout)).toMatchObject({ staff: ALICE, connected: true, changed: true });
  });
});
