// Reports one error: errors.ts maps it (exit code, message, hint naming the command typed), this
// prints it, in the one error format there is. main.ts loads it when a command starts or fails,
// so that a start that only prints help reads none of the error modules.

import type { Command } from './commander.js';
import type { Io } from './context.js';
import { redact } from '../log.js';
import { terminalSafeJson, visible } from '../safe-text.js';
import { toCliError } from './errors.js';

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
export function reportError(error: unknown, io: Io, json: boolean, verbose: boolean, program: Command | null, args: string[]): number {
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
