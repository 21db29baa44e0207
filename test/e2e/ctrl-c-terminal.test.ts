// Ctrl-C typed at a real terminal while a spinner turns: the terminal's own SIGINT reaches the
// command. Only a pseudo-terminal shows it (the spinner must not put it in raw mode), so the built
// binary runs under script(1), and Ctrl-C is the byte 0x03 typed into it.

import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';
import { world, type World } from '../helpers/world.js';

const ALICE = 'alice@firm.example';
let w: World | undefined;
afterEach(async () => {
  await w?.stop();
  w = undefined;
});

/**
 * The built CLI under script(1), on a pseudo-terminal of its own. script runs the command through
 * $SHELL; `exec` makes that shell become the CLI, so the terminal's SIGINT reaches the CLI alone
 * (a dash that stays in between dies of it at once, and script reports 130 whatever the CLI does).
 */
function onTerminal(args: string[], extraEnv: Record<string, string> = {}) {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, NO_COLOR: '1', ...w!.sb.env, ...extraEnv })) if (v !== undefined) env[k] = v;
  const command = `exec ${[process.execPath, BIN, ...args].map((a) => `'${a}'`).join(' ')}`;
  const child = spawn('script', ['-qec', command, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  let screen = '';
  let look = () => {};
  child.stdout.setEncoding('utf8').on('data', (c: string) => {
    screen += c;
    look();
  });
  const shown = (ready: (screen: string) => boolean) =>
    new Promise<void>((resolve, reject) => {
      const late = setTimeout(() => reject(new Error(`not shown within 15 s:\n${screen}`)), 15_000);
      look = () => {
        if (!ready(screen)) return;
        clearTimeout(late);
        resolve();
      };
      look();
    });
  return { child, exited, shown, screen: () => screen };
}

/** Resolves once `ready` matches the screen, then types Ctrl-C; the run is killed (code null) when it is not heard within 10 s. */
async function ctrlCAt(args: string[], extraEnv: Record<string, string>, ready: (screen: string) => boolean) {
  const t = onTerminal(args, extraEnv);
  await t.shown(ready);
  t.child.stdin.write('\x03');
  const unheard = setTimeout(() => t.child.kill('SIGKILL'), 10_000);
  const code = await t.exited;
  clearTimeout(unheard);
  return { code, screen: t.screen() };
}

describe('Ctrl-C at a terminal', () => {
  it('stops daemon --once while its progress line says the writes wait on the budget: exit 0, what finished is said', async () => {
    w = await world([ALICE]);
    for (let i = 0; i < 25; i += 1) await w.ok(['events', 'add', '--staff', ALICE, '--title', `Hearing ${i}`, '--start', `2026-12-${String(i + 1).padStart(2, '0')}T09:00`, '--end', `2026-12-${String(i + 1).padStart(2, '0')}T10:00`]);
    const config = join(w.sb.dir, 'budget.json');
    writeFileSync(config, JSON.stringify({ graph: { requestsPer10Minutes: 10 } }));
    const r = await ctrlCAt(['daemon', '--once'], { CASEFLOW_CONFIG: config }, (screen) => screen.includes("at Graph's pace"));
    expect(r.code, r.screen).toBe(0);
    expect(r.screen).toMatch(/interrupted: 1 run\(s\) in flight stopped/);
  });

  it('stops connect while its spinner waits for the sign-in: exit 130, nothing stored', async () => {
    w = await world([]);
    w.sim.control.addUser({ email: ALICE, name: 'alice' });
    await w.ok(['staff', 'add', '--email', ALICE, '--name', 'alice']);
    // The device code is shown, then the spinner hides the cursor.
    const r = await ctrlCAt(['connect', '--staff', ALICE], {}, (screen) => /devicelogin/.test(screen) && screen.includes('\x1b[?25l'));
    expect(r.code, r.screen).toBe(130);
    expect(r.screen).toMatch(/error: interrupted/);
    const status = await w.sb.json(['status', '--staff', ALICE]);
    expect(status.body).toMatchObject({ staff: ALICE, connected: false, account: null });
  });
});
