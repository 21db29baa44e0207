// Builds the program, runs one command, renders its result and reports every error: errors.ts
// maps it (exit code, message, hint naming the command typed), this prints it. The one place that
// knows about the error format, signals and a closed stdout.

import { isatty } from 'node:tty';
import { Command, CommanderError } from './commander.js';
import { CliError, ExitCode, InterruptedError } from '../errors.js';
import { redact } from '../log.js';
import { terminalSafeJson, visible } from '../safe-text.js';
import type { Context, GlobalOptions, Io } from './context.js';
import { toCliError } from './errors.js';
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
  const onSignal = () => {
    signals += 1;
    if (signals === 1) {
      controller.abort(new InterruptedError());
      return;
    }
    process.exit(reportError(new InterruptedError('interrupted again: stopped at once'), io, wantsJson, false, program, args));
  };
  if (!options.signal) for (const s of SIGNALS) process.on(s, onSignal);

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
    return reportError(e, io, wantsJson, verbose, program, args);
  } finally {
    (ctx as Context | null)?.close();
    if (!options.signal) for (const s of SIGNALS) process.removeListener(s, onSignal);
  }
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** `caseflow-outlook events add`: the command words of argv, skipping options and their values. */
function commandLine(program: Command | null, args: string[]): string {
  const words = ['caseflow-outlook'];
  let current = program;
  for (let i = 0; current && i < args.length; i += 1) {
    const word = args[i]!;
    if (word === '--') break;
    if (word.startsWith('-')) {
      if (!word.includes('=') && takesValue(current, word)) i += 1;
      continue;
    }
    const sub: Command | undefined = current.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (!sub) continue;
    words.push(sub.name());
    current = sub;
  }
  return words.join(' ');
}

function takesValue(cmd: Command, flag: string): boolean {
  for (let c: Command | null = cmd; c; c = c.parent) {
    const option = c.options.find((o) => o.long === flag || o.short === flag);
    if (option) return option.required || option.optional;
  }
  return false;
}

const OUTPUT_FLAGS = new Set(['--json', '--no-color', '--verbose']);
/** Flags whose value never goes into an error or a hint: a description may be confidential. */
const UNSHOWN_VALUES = new Set(['--description']);

/**
 * The command as typed, to run again: `caseflow-outlook sync --staff alice@firm.example`. Output
 * flags are left out (the hint is the same with or without --json), values are quoted for a shell.
 */
export function typedCommand(args: string[]): string {
  const words = ['caseflow-outlook'];
  for (let i = 0; i < args.length; i += 1) {
    const word = args[i]!;
    if (OUTPUT_FLAGS.has(word)) continue;
    if (UNSHOWN_VALUES.has(word.split('=')[0]!)) {
      if (!word.includes('=')) i += 1;
      continue;
    }
    words.push(shellWord(word));
  }
  return words.join(' ');
}

function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The staff member named by `--staff`, if the command line has one. */
function typedStaff(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i += 1) {
    const word = args[i]!;
    if (word === '--') break;
    if (word === '--staff') return args[i + 1]?.trim().toLowerCase();
    if (word.startsWith('--staff=')) return word.slice('--staff='.length).trim().toLowerCase();
  }
  return undefined;
}

/**
 * One error, one report: with --json the `{"error": ...}` document on stdout and nothing on
 * stderr; otherwise `error: ...` and `hint: ...` on stderr. Every error has a hint: one the
 * command gave, else its help.
 */
function reportError(error: unknown, io: Io, json: boolean, verbose: boolean, program: Command | null, args: string[]): number {
  if (error instanceof CommanderError && ['commander.helpDisplayed', 'commander.help', 'commander.version'].includes(error.code)) {
    return ExitCode.ok;
  }
  const help = `${commandLine(program, args)} --help`;
  const e = toCliError(error, { command: typedCommand(args), staff: typedStaff(args), help });
  const message = redact(e.message);
  const hint = redact(e.hint ?? `see: ${help}`);
  // A message may quote what came from outside (a title, a server's answer): JSON keeps it
  // exact but terminal-safe; the human lines show control characters as text.
  if (json) io.stdout(`${terminalSafeJson(JSON.stringify({ error: { code: e.code, message, hint } }, null, 2))}\n`);
  else io.stderr(`error: ${visible(message)}\nhint: ${visible(hint)}\n`);
  if (verbose) {
    const cause = e.cause ?? (e.code === 'unexpected' ? error : undefined);
    const stack = cause instanceof Error ? cause.stack : e.stack;
    if (stack) io.stderr(`${redact(stack).split('\n').map(visible).join('\n')}\n`);
  }
  return e.exitCode;
}
