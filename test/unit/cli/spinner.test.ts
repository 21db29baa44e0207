// The spinner is drawn only where a person watches: stderr a terminal and no --json. A pipe, a
// script reading --json, or a log gets no frames and no cursor codes.

import { describe, expect, it } from 'vitest';
import { createContext, type Io } from '../../../src/cli/context.js';
import { createSpinner, spinnerWanted } from '../../../src/cli/spinner.js';

const HIDE_CURSOR = '\x1b[?25l';
const SHOW_CURSOR = '\x1b[?25h';

function context(o: { tty: boolean; json?: boolean; color?: boolean }, signal = new AbortController().signal) {
  const out = { stderr: '', stdout: '' };
  const io: Io = { stdout: (t) => (out.stdout += t), stderr: (t) => (out.stderr += t), stdoutIsTTY: o.tty, stderrIsTTY: o.tty, env: { HOME: '/nonexistent', CASEFLOW_CONFIG: '' } };
  return { ctx: createContext({ json: o.json ?? false, color: o.color ?? false }, io, signal), out };
}

describe('spinner', () => {
  it('on a terminal: draws the text with the cursor hidden, and leaves one ticked line when it succeeds', async () => {
    const { ctx, out } = context({ tty: true });
    expect(spinnerWanted(ctx)).toBe(true);
    const s = await createSpinner(ctx);
    s.start('Importing Outlook events of alice@firm.example');
    expect(out.stderr).toContain(HIDE_CURSOR);
    expect(out.stderr).toContain('Importing Outlook events of alice@firm.example');
    s.succeed('alice@firm.example: 2 events imported');
    expect(out.stderr).toContain(SHOW_CURSOR);
    expect(out.stderr.endsWith('✔ alice@firm.example: 2 events imported\n')).toBe(true);
    expect(out.stdout).toBe('');
  });

  it('in a pipe, and with --json on a terminal: writes nothing at all', async () => {
    for (const o of [{ tty: false }, { tty: true, json: true }, { tty: false, json: true }]) {
      const { ctx, out } = context(o);
      expect(spinnerWanted(ctx)).toBe(false);
      const s = await createSpinner(ctx);
      s.start('Importing');
      s.fail('failed');
      s.succeed('done');
      s.stop();
      expect(out).toEqual({ stderr: '', stdout: '' });
    }
  });

  it('on a terminal, one that never started writes nothing when stopped (a run that never waited)', async () => {
    const { ctx, out } = context({ tty: true });
    const s = await createSpinner(ctx);
    s.stop();
    s.stop();
    expect(out).toEqual({ stderr: '', stdout: '' });
  });

  it('stops by itself when the command is interrupted, cursor shown again, and does not start after', async () => {
    const controller = new AbortController();
    const { ctx, out } = context({ tty: true }, controller.signal);
    const s = await createSpinner(ctx);
    s.start('Waiting for alice@firm.example to sign in');
    controller.abort();
    expect(out.stderr.endsWith(SHOW_CURSOR)).toBe(true);
    const after = out.stderr.length;
    s.start('again');
    expect(out.stderr.length).toBe(after);
  });

  it('on a terminal that reports 0 columns (a pty without a size) clears one line, not endlessly many', async () => {
    const { ctx, out } = context({ tty: true });
    let writes = 0;
    const write = ctx.io.stderr;
    // Each cleared line is a write: a runaway clear would loop for ever; stop it with a failure.
    ctx.io.stderr = (t) => {
      if ((writes += 1) > 1000) throw new Error('runaway clear');
      write(t);
    };
    const had = Object.getOwnPropertyDescriptor(process.stderr, 'columns');
    Object.defineProperty(process.stderr, 'columns', { value: 0, configurable: true });
    try {
      const s = await createSpinner(ctx);
      s.start('Waiting for alice@firm.example to sign in');
      s.stop();
    } finally {
      if (had) Object.defineProperty(process.stderr, 'columns', had);
      else delete (process.stderr as { columns?: number }).columns;
    }
    expect(out.stderr.split('\x1b[1A').length - 1).toBeLessThanOrEqual(1);
    expect(out.stderr).toContain('Waiting for alice@firm.example to sign in');
  });

  it('shows control characters in its text as text, and uses no colour when colour is off', async () => {
    const { ctx, out } = context({ tty: true, color: false });
    const s = await createSpinner(ctx);
    s.start('Importing \x1b]8;;http://evil\x07');
    s.fail('x');
    expect(out.stderr).toContain('Importing \\x1b]8;;http://evil\\x07');
    expect(out.stderr).not.toMatch(/\x1b\[3\dm/);
  });
});
