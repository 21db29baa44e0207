// Builds the program, runs one command, renders its result and hands every error to report.ts
// (loaded once a command starts, or when one fails; never for help). The one place that knows
// about signals and a closed stdout.

import { isatty } from 'node:tty';
import { Command, CommanderError } from './commander.js';
import { CliError, ExitCode, InterruptedError } from '../errors.js';
import type { Context, GlobalOptions, Io } from './context.js';
import type { Output } from './output.js';
import type { Runner } from './handler.js';
import { buildProgram } from './program.js';

export interface RunOptions {
  io?: Io;
  signal?: AbortSignal;
}

/**
 * A reader that went away (`status | head -1`) closes our stdout: the write fails with EPIPE, as
 * an 'error' event on the stream. Nobody is left to read, so further output is dropped and the
 * command ends as it would have; no stack trace, no unhandled 'error' event. Same for stderr.
 */
const closed = { stdout: false, stderr: false };
let watching = false;
function watchClosedStreams(): void {
  if (watching) return;
  watching = true;
  for (const name of ['stdout', 'stderr'] as const) {
    process[name].on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') {
        closed[name] = true;
        return;
      }
      throw error;
    });
  }
}

async function askAtTerminal(question: string): Promise<boolean> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

function processIo(): Io {
  watchClosedStreams();
  const write = (name: 'stdout' | 'stderr') => (t: string) => {
    if (closed[name] || process[name].destroyed) return;
    process[name].write(t);
  };
  return {
    stdout: write('stdout'),
    stderr: write('stderr'),
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    // A person at the terminal can be asked; a pipe or a script cannot (they pass --yes). isatty,
    // not process.stdin.isTTY: a command that asks nothing does not open stdin (a few ms a start).
    ...(isatty(0) && process.stderr.isTTY ? { confirm: askAtTerminal } : {}),
    env: process.env,
  };
}

export async function run(argv: string[], options: RunOptions = {}): Promise<number> {
  const io = options.io ?? processIo();
  const args = argv.slice(2);
  const wantsJson = args.includes('--json');
  const verbose = args.includes('--verbose');
  const controller = new AbortController();
  const signal = options.signal ?? controller.signal;
  let program: Command | null = null;
  // SIGINT and SIGTERM alike: the first asks the command to stop cleanly (it rolls back, exits
  // 130; the daemon prints what finished); a second one stops at once.
  let signals = 0;
  // The error report's modules: not read for help (a few ms of a start); loaded before a command
  // starts, so that a second signal reports and exits at once, synchronously, with nothing after.
  let reporter: typeof import('./report.js') | null = null;
  const loadReporter = async () => (reporter ??= await import('./report.js'));
  const onSignal = () => {
    signals += 1;
    if (signals === 1) {
      controller.abort(new InterruptedError());
      loadReporter().catch(() => undefined);
      return;
    }
    const again = new InterruptedError('interrupted again: stopped at once');
    process.exit(reporter ? reporter.reportError(again, io, wantsJson, false, program, args) : again.exitCode);
  };
  if (!options.signal) for (const s of SIGNALS) process.on(s, onSignal);

  let ctx: Context | null = null;
  let output: Output | null = null;
  let exitCode: number = ExitCode.ok;

  const runner: Runner = async (load, globals, extraFlags) => {
    const [, { createContext, openContextStore }] = await Promise.all([loadReporter(), import('./context.js')]);
    ctx = createContext(globals as GlobalOptions, io, signal, extraFlags);
    const { handler, needsStore = true } = await load();
    if (needsStore) await openContextStore(ctx);
    const result = await handler(ctx);
    output = result.output;
    if (result.exitCode !== undefined) exitCode = result.exitCode;
  };

  try {
    program = await buildProgram(runner, io, args);
    await program.parseAsync(argv);
    if (output) {
      const { render } = await import('./render.js');
      const c = ctx as Context | null;
      await render(output, {
        json: wantsJson,
        tty: io.stdoutIsTTY,
        color: c ? c.color : !io.env.NO_COLOR,
        write: io.stdout,
      });
    }
    return exitCode;
  } catch (error) {
    // Whatever a command was doing when the signal came (a fetch, a sleep), the signal is why it stopped.
    const e = signal.aborted && !(error instanceof CliError) ? new InterruptedError() : error;
    if (isHelpShown(e)) return ExitCode.ok;
    return (await loadReporter()).reportError(e, io, wantsJson, verbose, program, args);
  } finally {
    (ctx as Context | null)?.close();
    if (!options.signal) for (const s of SIGNALS) process.removeListener(s, onSignal);
  }
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** Help ends through commander's error: not an error to report. */
function isHelpShown(error: unknown): boolean {
  return error instanceof CommanderError && ['commander.helpDisplayed', 'commander.help'].includes(error.code);
}
