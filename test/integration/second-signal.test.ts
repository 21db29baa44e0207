// A second SIGINT or SIGTERM while the first is being honoured stops at once: one report, exit 130,
// nothing printed before it. The first signal's clean stop usually ends a run within a few ms,
// before a second can come, so the two are emitted here back to back, in this process, with the
// process's exit caught (the run then unwinds behind it, as it never would in a real process).

import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/main.js';
import { world, type World } from '../helpers/world.js';

const ALICE = 'alice@firm.example';
let w: World | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  w?.sim.control.resume();
  await w?.stop();
  w = undefined;
});

async function interruptedTwice(args: string[]) {
  w = await world([ALICE]);
  await w.ok(['events', 'add', '--staff', ALICE, '--title', 'Hearing', '--start', '2026-12-01T09:00', '--end', '2026-12-01T10:00']);
  w.sim.control.pause();
  let stdout = '';
  let stderr = '';
  const exits: (number | string | null | undefined)[] = [];
  vi.spyOn(process, 'exit').mockImplementation(((code?: number) => {
    exits.push(code);
  }) as typeof process.exit);
  const io = { stdout: (t: string) => (stdout += t), stderr: (t: string) => (stderr += t), stdoutIsTTY: false, stderrIsTTY: false, env: { ...process.env, NO_COLOR: '1', ...w.sb.env } };
  const done = run(['node', 'caseflow-outlook', ...args], { io });
  try {
    await w.sim.control.waitForInFlight(ALICE, 1);
    process.emit('SIGINT');
    process.emit('SIGTERM');
    // What the second signal printed, synchronously, before the process would have ended.
    return { exits: [...exits], stdout, stderr };
  } finally {
    // The run ends (and takes its signal listeners away) once Graph answers.
    w.sim.control.resume();
    await done;
  }
}

describe('a second signal', () => {
  it('with --json: exit 130 and one error document saying it stopped at once', async () => {
    const r = await interruptedTwice(['--json', 'sync', '--staff', ALICE]);
    expect(r.exits).toEqual([130]);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({
      error: { code: 'interrupted', message: 'interrupted again: stopped at once', hint: `what was written is kept; safe to run again: caseflow-outlook sync --staff ${ALICE}` },
    });
  });

  it('without --json: exit 130, the error and its hint on stderr, nothing on stdout', async () => {
    const r = await interruptedTwice(['sync', '--staff', ALICE]);
    expect(r.exits).toEqual([130]);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`error: interrupted again: stopped at once\nhint: what was written is kept; safe to run again: caseflow-outlook sync --staff ${ALICE}\n`);
  });
});
