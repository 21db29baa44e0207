// The command tree: the root, its global options, the exit codes in its help, and each command
// group's registration (commands/<group>-command.ts: flags, help, examples, beside the group's
// handlers in commands/<group>.ts). Cheap to build: only the registration of the command a
// command line names is imported (the rest are listed from the table below), and a handler
// module only when its command runs, so `--help` loads no command module, no store, no MSAL and
// no Graph client.
//
// Handlers are named for their subcommand: add, list, show, update, set, complete, resolve,
// protect, unprotect; `remove` for delete (a reserved word); a command without subcommands is
// named for itself (sync, daemon, status, audit, connect, disconnect, simulator).

import { Command, Help } from './commander.js';
import { UsageError } from '../errors.js';
import type { Io } from './context.js';
import type { Runner } from './handler.js';
import { createHelpers, examples, type Helpers } from './register.js';
import { closest } from '../suggest.js';

const EXIT_CODES = `
Exit codes:
  0    success, including "nothing to do" and empty lists
  1    unexpected failure (a bug, the store unreadable)
  2    bad usage or invalid input (the message names the flag and the allowed values)
  3    a person must act: not connected, sign-in expired or revoked, feature not enabled
  4    transient remote failure after retries (network, throttling, Graph 5xx): safe to run again
  5    busy: another run holds this staff member's sync lock
  130  interrupted (Ctrl-C or SIGTERM), after a clean rollback`;

type Register = (program: Command, helpers: Helpers) => void;

interface TopCommand {
  name: string;
  /** What follows the name in the root's list of commands (as commander writes it from the command's options and arguments). */
  args: string;
  description: string;
  /** The module that registers it (with its subcommands, flags and help); a module may register two. */
  load: () => Promise<{ register: Register }>;
}

/** Every command, in the order `--help` lists them. */
const COMMANDS: TopCommand[] = [
  { name: 'firm', args: '', description: 'firm settings; Outlook sync needs the Multi-Practice plan with the Outlook beta switched on', load: () => import('./commands/firm-command.js') },
  { name: 'staff', args: '', description: 'staff members', load: () => import('./commands/staff-command.js') },
  { name: 'contacts', args: '', description: 'people outside the firm, for attendee matching', load: () => import('./commands/contacts-command.js') },
  { name: 'matters', args: '', description: 'matters and who is assigned', load: () => import('./commands/matters-command.js') },
  { name: 'categories', args: '', description: 'event categories; protected ones make events confidential', load: () => import('./commands/categories-command.js') },
  { name: 'events', args: '', description: 'CaseFlow events', load: () => import('./commands/events-command.js') },
  { name: 'tasks', args: '', description: 'tasks with due dates (one-way to Outlook)', load: () => import('./commands/tasks-command.js') },
  { name: 'deadlines', args: '', description: 'key deadlines on matters (one-way to Outlook, always confidential)', load: () => import('./commands/deadlines-command.js') },
  { name: 'connect', args: '[options]', description: 'sign a staff member in to Microsoft 365 (device code or browser), or connect the whole firm app-only; only calendar access (Calendars.ReadWrite) is asked for', load: () => import('./commands/connect-command.js') },
  { name: 'disconnect', args: '[options]', description: "remove a staff member's stored sign-in, or the firm's app-only connection, and stop syncing; events stay where they are", load: () => import('./commands/connect-command.js') },
  { name: 'prefs', args: '', description: 'what syncs for a staff member: a master switch, events (both ways), tasks and deadlines (to Outlook only)', load: () => import('./commands/prefs-command.js') },
  { name: 'sync', args: '[options]', description: 'Sync now: pull Outlook changes for one staff member (CaseFlow changes go out on the next scheduled run)', load: () => import('./commands/sync-command.js') },
  { name: 'import', args: '[options]', description: "bring past Outlook events (the last 30 or 90 days) into CaseFlow: the staff member's sync window starts that much earlier from now on", load: () => import('./commands/import-command.js') },
  { name: 'daemon', args: '[options]', description: "scheduled sync for every connected staff member: reads Outlook's changes, plans both sides, pushes CaseFlow's changes, then applies Outlook's", load: () => import('./commands/daemon-command.js') },
  { name: 'plan', args: '[options]', description: 'what the next scheduled run would do on each side, without doing it (reads Outlook, writes nothing anywhere)', load: () => import('./commands/plan-command.js') },
  { name: 'explain', args: '[options] [event-id]', description: "one item's sync: where it goes, why it is or is not confidential, whether it syncs and why not, its history", load: () => import('./commands/plan-command.js') },
  { name: 'restore', args: '[options] [audit-id]', description: 'undo a deletion the tool made on either side in the last 30 days (see audit --action delete)', load: () => import('./commands/restore-command.js') },
  { name: 'simulator', args: '[options]', description: 'a local Microsoft 365 stand-in (sign-in + Graph calendar) on 127.0.0.1, for trying and testing without a tenant', load: () => import('./commands/simulator-command.js') },
  { name: 'conflicts', args: '', description: 'events in a protected category changed on both sides, waiting for a person to choose (elsewhere Outlook wins)', load: () => import('./commands/conflicts-command.js') },
  { name: 'audit', args: '[options]', description: 'the audit log, newest first: every change made on either side, and every connect, disconnect, prefs change, conflict and resolution', load: () => import('./commands/audit-command.js') },
  { name: 'status', args: '[options]', description: 'connection, toggles, last sync, last error, pending and conflicts', load: () => import('./commands/status-command.js') },
];

/**
 * The command a command line names: its first word that is not an option (nor the value of one
 * of the root's options that take one); after `help`, the word after it. undefined: none, or one
 * we do not know (the root then says so); a usage error for `help` and a word that names no
 * command.
 */
function namedCommand(root: Command, args: string[]): TopCommand | undefined {
  const words: string[] = [];
  for (let i = 0; i < args.length && words.length < 2; i += 1) {
    const word = args[i]!;
    if (word === '--') break;
    if (!word.startsWith('-')) words.push(word);
    else if (root.options.find((o) => o.long === word || o.short === word)?.required) i += 1;
  }
  const help = words[0] === 'help';
  const name = help ? words[1] : words[0];
  const command = COMMANDS.find((c) => c.name === name);
  // `help evnts`: commander would print the root's help on stderr and exit 0, which tells a
  // script nothing and leaves --json without its document.
  if (help && name !== undefined && !command) {
    const names = COMMANDS.map((c) => c.name);
    const near = closest(name, names, 2);
    throw new UsageError(`no help for unknown command '${name}'${near ? ` (did you mean ${near}?)` : ''}; allowed: ${names.join(', ')}`, { hint: 'see: caseflow-outlook --help' });
  }
  return command;
}

/**
 * The program for a command line: the root, and the command it names registered in full (its
 * module imported now). The others are listed by name, description and usage alone, which is all
 * the root's help and an unknown command's suggestion need; so `--help` imports no command
 * module. Without `args`, every command is registered in full.
 */
export async function buildProgram(runner: Runner, io: Io, args?: string[]): Promise<Command> {
  const program = new Command('caseflow-outlook')
    .description("Keep a law firm's CaseFlow calendar in two-way step with each staff member's Outlook calendar.")
    .option('--db <path>', 'the CaseFlow store (env CASEFLOW_DB; default $XDG_DATA_HOME/caseflow-outlook/store.db)')
    .option('--config <path>', 'config file (env CASEFLOW_CONFIG; default $XDG_CONFIG_HOME/caseflow-outlook/config.json)')
    .option('--json', 'print exactly one JSON document on stdout (errors too)')
    .option('--no-color', 'no colour (NO_COLOR is honoured too)')
    .option('--verbose', 'more detail on stderr (never tokens or descriptions)')
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({
      writeOut: (t) => io.stdout(t),
      // Commander's own error text is replaced by ours (report.ts), one line + hint.
      writeErr: () => {},
      outputError: () => {},
    })
    .addHelpText('after', `${examples('firm set --plan multi-practice --outlook-beta on', 'staff add --email alice@firm.example --name "Alice Moss"', 'events list --staff alice@firm.example --from 2026-12-01', 'status --json')}${EXIT_CODES}\n`);

  const helpers = createHelpers(runner, io, (name) => COMMANDS.find((c) => c.name === name)!.description);
  const named = args === undefined ? undefined : namedCommand(program, args);
  if (args === undefined || named) {
    const wanted = args === undefined ? COMMANDS : [named!];
    // A module that registers two commands is one module: its register runs once.
    const registers = new Set((await Promise.all(wanted.map((c) => c.load()))).map((m) => m.register));
    for (const register of registers) register(program, helpers);
  } else {
    for (const c of COMMANDS) program.command(c.name).description(c.description);
    // A listed command's usage as the table has it; commander's own for its `help` command.
    const commanderTerm = new Help();
    program.configureHelp({
      subcommandTerm: (c) => {
        const listed = COMMANDS.find((t) => t.name === c.name());
        return listed ? [listed.name, listed.args].filter(Boolean).join(' ') : commanderTerm.subcommandTerm(c);
      },
    });
  }

  for (const group of [program, ...program.commands]) if (group.commands.length) needsSubcommand(group, io);
  for (const c of program.commands) c.exitOverride();
  return program;
}

/**
 * A group typed without a subcommand (`events`, `events --json`) is a usage error, as git treats
 * `git worktree`: the group's help on stderr (not with --json, whose stdout carries the one error
 * document), then `error:` and `hint:`, exit 2. Without --json stdout stays empty, so a script
 * gets no help text as data. An unknown subcommand gets the error and hint alone.
 */
function needsSubcommand(group: Command, io: Io): void {
  const path = group.parent ? `caseflow-outlook ${group.name()}` : 'caseflow-outlook';
  const what = group.parent ? 'subcommand' : 'command';
  group
    .helpCommand(true) // an action would otherwise drop the implicit `help [command]`
    .allowExcessArguments()
    .configureOutput({ writeErr: (t) => io.stderr(t) })
    .action(async (...raw: unknown[]) => {
      const cmd = raw[raw.length - 1] as Command;
      const names = group.commands.map((c) => c.name()).join(', ');
      const typed = cmd.args[0];
      const near = typed === undefined ? undefined : closest(typed, group.commands.map((c) => c.name()), 2);
      const message =
        typed === undefined ? `${path} needs a ${what}: ${names}` : `unknown ${what} '${typed}' for ${path}${near ? ` (did you mean ${near}?)` : ''}; allowed: ${names}`;
      if (typed === undefined && !cmd.optsWithGlobals().json) group.outputHelp({ error: true });
      throw new UsageError(message, { hint: `see: ${path} --help` });
    });
}
