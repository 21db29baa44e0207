// A spinner on stderr while a command waits on Microsoft 365 (`import`, `connect`'s sign-in).
// Only when stderr is a terminal and the output is not --json: a pipe, a log file or a script
// reading stderr gets no frames and no cursor codes. The daemon never uses one (its stderr is a
// log). ora is loaded only when a spinner is shown.

import { clearLine, cursorTo, moveCursor } from 'node:readline';
import { Writable } from 'node:stream';
import { visible } from '../safe-text.js';
import type { Context, Io } from './context.js';

export interface Spinner {
  /** Shows the spinner with this text (or changes the text of one already spinning). */
  start(text: string): void;
  /** Stops it and leaves one line: a tick and the text. */
  succeed(text: string): void;
  /** Stops it and leaves one line: a cross and the text. */
  fail(text: string): void;
  /** Stops it and clears its line (what comes next, an error for one, says the rest). */
  stop(): void;
}

const OFF: Spinner = { start() {}, succeed() {}, fail() {}, stop() {} };

/** Whether a command run in this context shows a spinner. */
export function spinnerWanted(ctx: Pick<Context, 'io' | 'json'>): boolean {
  return ctx.io.stderrIsTTY && !ctx.json;
}

/**
 * A spinner for this command, idle until `start`. It stops by itself when the command is
 * interrupted (Ctrl-C, SIGTERM), so the interruption's message starts on a clean line.
 */
export async function createSpinner(ctx: Pick<Context, 'io' | 'json' | 'color' | 'signal'>): Promise<Spinner> {
  if (!spinnerWanted(ctx)) return OFF;
  const [{ default: ora }, { Chalk }] = await Promise.all([import('ora'), import('chalk')]);
  const chalk = new Chalk({ level: ctx.color ? 1 : 0 });
  // discardStdin off: ora would put the terminal in raw mode, so that Ctrl-C arrives as a byte on
  // stdin instead of as SIGINT, and read it only from a stdin already flowing; a command here does
  // not open stdin, so Ctrl-C went unheard while a spinner turned. The terminal keeps Ctrl-C.
  const spinner = ora({ stream: stderrStream(ctx.io), isEnabled: true, discardStdin: false, color: ctx.color ? 'cyan' : false });
  const onAbort = () => spinner.stop();
  // ora's stop clears the line and shows the cursor even when it never drew: a run that never
  // waited would leave those codes behind.
  const stop = () => {
    ctx.signal.removeEventListener('abort', onAbort);
    if (spinner.isSpinning) spinner.stop();
  };
  return {
    start(text) {
      if (ctx.signal.aborted) return;
      spinner.text = visible(text);
      if (!spinner.isSpinning) {
        ctx.signal.addEventListener('abort', onAbort, { once: true });
        spinner.start();
      } else {
        // A new text shows at once, not at the next frame.
        spinner.render();
      }
    },
    succeed(text) {
      stop();
      ctx.io.stderr(`${chalk.green('✔')} ${visible(text)}\n`);
    },
    fail(text) {
      stop();
      ctx.io.stderr(`${chalk.red('✖')} ${visible(text)}\n`);
    },
    stop,
  };
}

/** The command's stderr as the terminal stream ora draws on (it writes through `io`, in order). */
function stderrStream(io: Io): NodeJS.WritableStream {
  const stream = new Writable({
    decodeStrings: false,
    write(chunk: string | Buffer, _encoding, done) {
      io.stderr(String(chunk));
      done();
    },
  });
  // What ora asks of a terminal stream beyond write: its size (read at each frame, so a resize
  // is followed; a terminal that reports 0 columns, as a pty without a size does, counts as 80:
  // ora divides by it) and the cursor moves of tty.WriteStream.
  Object.defineProperties(stream, {
    isTTY: { value: true },
    columns: { get: () => process.stderr.columns || 80 },
    rows: { get: () => process.stderr.rows || undefined },
  });
  return Object.assign(stream, {
    cursorTo: (x: number) => cursorTo(stream, x),
    moveCursor: (dx: number, dy: number) => moveCursor(stream, dx, dy),
    clearLine: (dir: -1 | 0 | 1) => clearLine(stream, dir),
  });
}
