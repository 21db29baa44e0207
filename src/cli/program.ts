// The command tree: the root, its global options, the exit codes in its help, and each command
// group's registration (commands/<group>-command.ts: flags, help, examples, beside the group's
// handlers in commands/<group>.ts). Cheap to build: a handler module is imported only when its
// command runs, so `--help` loads neither the store nor MSAL nor the Graph client.
//
// Handlers are named for their subcommand: add, list, show, update, set, complete, resolve,
// protect, unprotect; `remove` for delete (a reserved word); a command without subcommands is
// named for itself (sync, daemon, status, audit, connect, disconnect, simulator).

import { Command } from './commander.js';
import { UsageError } from '../errors.js';
import { register as audit } from './commands/audit-command.js';
import { register as categories } from './commands/categories-command.js';
import { register as conflicts } from './commands/conflicts-command.js';
import { register as connect } from './commands/connect-command.js';
import { register as contacts } from './commands/contacts-command.js';
import { register as daemon } from './commands/daemon-command.js';
import { register as deadlines } from './commands/deadlines-command.js';
import { register as events } from './commands/events-command.js';
import { register as firm } from './commands/firm-command.js';
import { register as importEvents } from './commands/import-command.js';
import { register as matters } from './commands/matters-command.js';
import { register as plan } from './commands/plan-command.js';
import { register as prefs } from './commands/prefs-command.js';
import { register as restore } from './commands/restore-command.js';
import { register as simulator } from './commands/simulator-command.js';
import { register as staff } from './commands/staff-command.js';
import { register as status } from './commands/status-command.js';
import { register as sync } from './commands/sync-command.js';
import { register as tasks } from './commands/tasks-command.js';
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

/** In the order `--help` lists them. */
const GROUPS: ((program: Command, helpers: Helpers) => void)[] = [
  firm,
  staff,
  contacts,
  matters,
  categories,
  events,
  tasks,
  deadlines,
  connect,
  prefs,
  sync,
  importEvents,
  daemon,
  plan,
  restore,
  simulator,
  conflicts,
  audit,
  status,
];

export function buildProgram(runner: Runner, io: Io): Command {
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
      // Commander's own error text is replaced by ours (main.ts), one line + hint.
      writeErr: () => {},
      outputError: () => {},
    })
    .addHelpText('after', `${examples('firm set --plan multi-practice --outlook-beta on', 'staff add --email alice@firm.example --name "Alice Moss"', 'events list --staff alice@firm.example --from 2026-12-01', 'status --json')}${EXIT_CODES}\n`);

  const helpers = createHelpers(runner, io);
  for (const register of GROUPS) register(program, helpers);

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
