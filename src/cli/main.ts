// Builds the program, runs one command, renders its result and maps every error to an exit code
// (SPEC §2). The one place that knows about exit codes and the error format.

import { CommanderError } from 'commander';
import { CliError, ExitCode, InterruptedError, UsageError } from '../errors.js';
import { redact } from '../log.js';
import type { Context, GlobalOptions, Io } from './context.js';
import type { Output } from './output.js';
import { buildProgram, type Runner } from './program.js';

export interface RunOptions {
  io?: Io;
  signal?: AbortSignal;
}

function processIo(): Io {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    env: process.env,
  };
}

export async function run(argv: string[], options: RunOptions = {}): Promise<number> {
  const io = options.io ?? processIo();
  const wantsJson = argv.slice(2).includes('--json');
  const verbose = argv.slice(2).includes('--verbose');
  const controller = new AbortController();
  const signal = options.signal ?? controller.signal;
  const onSigint = () => controller.abort(new InterruptedError());
  if (!options.signal) process.once('SIGINT', onSigint);

  let ctx: Context | null = null;
  let output: Output | null = null;
  let exitCode: number = ExitCode.ok;

  const runner: Runner = async (load, globals, extraFlags) => {
    const { createContext, openContextStore } = await import('./context.js');
    ctx = createContext(globals as GlobalOptions, io, signal, extraFlags);
    const { handler, needsStore = true } = await load();
    if (needsStore) await openContextStore(ctx);
    const result = await handler(ctx);
    output = result.output;
    if (result.exitCode !== undefined) exitCode = result.exitCode;
  };

  const program = buildProgram(runner, io);
  try {
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
    return reportError(error, io, wantsJson, verbose);
  } finally {
    (ctx as Context | null)?.close();
    if (!options.signal) process.removeListener('SIGINT', onSigint);
  }
}

function normalize(error: unknown): CliError {
  if (error instanceof CliError) return error;
  if (error instanceof CommanderError) {
    const message = error.message.replace(/^error:\s*/i, '');
    return new UsageError(message, { hint: 'see --help for the allowed flags and values' });
  }
  if (error instanceof Error && error.name === 'AbortError') return new InterruptedError();
  const message = error instanceof Error ? error.message : String(error);
  return new CliError('unexpected', `unexpected failure: ${message}`, ExitCode.failure, {
    hint: 'run again with --verbose for details, and report it if it persists',
    cause: error,
  });
}

function reportError(error: unknown, io: Io, json: boolean, verbose: boolean): number {
  if (error instanceof CommanderError && ['commander.helpDisplayed', 'commander.help', 'commander.version'].includes(error.code)) {
    return ExitCode.ok;
  }
  const e = normalize(error);
  const message = redact(e.message);
  const hint = e.hint ? redact(e.hint) : undefined;
  if (json) io.stdout(`${JSON.stringify({ error: { code: e.code, message, hint: hint ?? null } }, null, 2)}\n`);
  io.stderr(`error: ${message}\n`);
  if (hint) io.stderr(`hint: ${hint}\n`);
  if (verbose) {
    const cause = e.cause ?? (e.code === 'unexpected' ? error : undefined);
    const stack = cause instanceof Error ? cause.stack : e.stack;
    if (stack) io.stderr(`${redact(stack)}\n`);
  }
  return e.exitCode;
}

