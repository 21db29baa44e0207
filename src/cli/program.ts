// The command tree: names, flags, help and examples. Cheap to build: handlers are imported only
// when their command runs, so `--help` loads neither the store nor MSAL nor the Graph client.

import { Command, Option } from 'commander';
import type { SettingKey } from '../config/resolve.js';
import type { Context, Io } from './context.js';
import type { HandlerResult, Runner } from './handler.js';
import type { Output } from './output.js';

const EXIT_CODES = `
Exit codes:
  0    success, including "nothing to do" and empty lists
  1    unexpected failure (a bug, the store unreadable)
  2    bad usage or invalid input (the message names the flag and the allowed values)
  3    a person must act: not connected, sign-in expired or revoked, feature not enabled
  4    transient remote failure after retries (network, throttling, Graph 5xx): safe to run again
  5    busy: another run holds this staff member's sync lock
  130  interrupted (Ctrl-C), after a clean rollback`;

function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ caseflow-outlook ${l}`).join('\n')}\n`;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

type Wrap = (output: Output) => HandlerResult;
const plain: Wrap = (output) => ({ output });

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

  /** Registers a command whose action loads `modulePath` lazily and calls `call`. */
  const action =
    <M>(load: () => Promise<M>, call: (m: M, ctx: Context, args: string[], opts: Record<string, any>) => Promise<HandlerResult>, options: { needsStore?: boolean; flags?: (opts: Record<string, any>) => Partial<Record<SettingKey, unknown>> } = {}) =>
    async (...raw: unknown[]) => {
      const cmd = raw[raw.length - 1] as Command;
      const args = raw.slice(0, -2).map(String);
      const opts = cmd.opts();
      await runner(
        async () => {
          const mod = await load();
          return { handler: (ctx) => call(mod, ctx, args, opts), needsStore: options.needsStore ?? true };
        },
        cmd.optsWithGlobals(),
        options.flags?.(opts),
      );
    };

  const sub = (parent: Command, name: string, description: string) =>
    parent.command(name).description(description).exitOverride().configureOutput({ writeOut: (t) => io.stdout(t), writeErr: () => {}, outputError: () => {} });

  // firm
  const firm = sub(program, 'firm', 'firm settings; Outlook sync needs the Multi-Practice plan with the Outlook beta switched on').addHelpText('after', examples('firm show', 'firm set --plan multi-practice --outlook-beta on'));
  sub(firm, 'show', 'show the plan, the Outlook beta switch and the time zone')
    .addHelpText('after', examples('firm show', 'firm show --json'))
    .action(action(() => import('./commands/firm.js'), async (m, ctx) => plain(await m.show(ctx))));
  sub(firm, 'set', 'change firm settings')
    .addOption(new Option('--plan <plan>', 'the firm plan').choices(['growth', 'multi-practice']))
    .addOption(new Option('--outlook-beta <on|off>', 'the Outlook sync private beta switch').choices(['on', 'off']))
    .option('--time-zone <iana>', 'default time zone for dates typed without an offset, e.g. Europe/London')
    .addHelpText('after', examples('firm set --plan multi-practice --outlook-beta on', 'firm set --time-zone America/New_York'))
    .action(action(() => import('./commands/firm.js'), async (m, ctx, _a, o) => plain(await m.set(ctx, o))));

  // staff
  const staff = sub(program, 'staff', 'staff members').addHelpText('after', examples('staff list', 'staff add --email alice@firm.example --name "Alice Moss"'));
  sub(staff, 'add', 'add a staff member')
    .requiredOption('--email <email>', 'their work email')
    .requiredOption('--name <name>', 'their name')
    .addHelpText('after', examples('staff add --email alice@firm.example --name "Alice Moss"'))
    .action(action(() => import('./commands/staff.js'), async (m, ctx, _a, o) => plain(await m.add(ctx, o as { email: string; name: string }))));
  sub(staff, 'list', 'list staff members')
    .addHelpText('after', examples('staff list', 'staff list --json'))
    .action(action(() => import('./commands/staff.js'), async (m, ctx) => plain(await m.listCommand(ctx))));

  // contacts
  const contacts = sub(program, 'contacts', 'people outside the firm, for attendee matching').addHelpText('after', examples('contacts list', 'contacts add --name "Dana Reyes" --email dana@client.example'));
  sub(contacts, 'add', 'add a contact with one or more emails')
    .requiredOption('--name <name>', 'their name')
    .requiredOption('--email <email>', 'their main email')
    .option('--alt-email <email>', 'another email of theirs (repeatable)', collect)
    .addHelpText('after', examples('contacts add --name "Dana Reyes" --email dana@client.example --alt-email dreyes@home.example'))
    .action(action(() => import('./commands/contacts.js'), async (m, ctx, _a, o) => plain(await m.add(ctx, o as { name: string; email: string; altEmail?: string[] }))));
  sub(contacts, 'list', 'list contacts')
    .addHelpText('after', examples('contacts list'))
    .action(action(() => import('./commands/contacts.js'), async (m, ctx) => plain(await m.listCommand(ctx))));

  // matters
  const matters = sub(program, 'matters', 'matters and who is assigned').addHelpText('after', examples('matters list', 'matters add --name "Reyes v. Acme" --assign alice@firm.example'));
  sub(matters, 'add', 'add a matter')
    .requiredOption('--name <name>', 'the matter name')
    .option('--assign <emails>', 'staff emails, comma-separated')
    .addHelpText('after', examples('matters add --name "Reyes v. Acme" --assign alice@firm.example,bob@firm.example'))
    .action(action(() => import('./commands/matters.js'), async (m, ctx, _a, o) => plain(await m.add(ctx, o as { name: string; assign?: string }))));
  sub(matters, 'list', 'list matters')
    .addHelpText('after', examples('matters list'))
    .action(action(() => import('./commands/matters.js'), async (m, ctx) => plain(await m.listCommand(ctx))));

  // categories
  const categories = sub(program, 'categories', 'event categories; protected ones make events confidential').addHelpText('after', examples('categories list', 'categories protect Mediation'));
  sub(categories, 'list', 'list categories and whether each is protected')
    .addHelpText('after', examples('categories list'))
    .action(action(() => import('./commands/categories.js'), async (m, ctx) => plain(await m.listCommand(ctx))));
  sub(categories, 'add', 'add a category')
    .argument('<name>', 'category name')
    .option('--protected', 'events in it are confidential and their conflicts go to human review')
    .addHelpText('after', examples('categories add Mediation --protected', 'categories add "Team lunch"'))
    .action(action(() => import('./commands/categories.js'), async (m, ctx, a, o) => plain(await m.add(ctx, a[0]!, o))));
  sub(categories, 'protect', 'mark a category protected')
    .argument('<name>', 'category name')
    .addHelpText('after', examples('categories protect Mediation'))
    .action(action(() => import('./commands/categories.js'), async (m, ctx, a) => plain(await m.protect(ctx, a[0]!, true))));
  sub(categories, 'unprotect', 'remove the protected mark')
    .argument('<name>', 'category name')
    .addHelpText('after', examples('categories unprotect Mediation'))
    .action(action(() => import('./commands/categories.js'), async (m, ctx, a) => plain(await m.protect(ctx, a[0]!, false))));

  // events
  const events = sub(program, 'events', 'CaseFlow events').addHelpText('after', examples('events list --staff alice@firm.example', 'events show 12'));
  const eventFlags = (c: Command, adding: boolean) =>
    c
      .option('--staff <email>', adding ? 'owner (required)' : 'new owner')
      .option('--title <text>', adding ? 'title (required)' : 'new title')
      .option('--description <text>', 'description (never sent to Outlook for confidential events)')
      .option('--start <when>', 'timed: 2026-12-01T09:00 (or with an offset); all-day: 2026-12-01')
      .option('--end <when>', 'timed: 2026-12-01T10:00; all-day: the LAST day, inclusive (omit for one day)')
      .option('--all-day', 'an all-day event')
      .option('--time-zone <iana>', "zone for timed values without an offset (default: the firm's)")
      .option('--location <text>', 'location')
      .option('--category <name>', 'category (see categories list)')
      .option('--matter <id>', 'link to a matter (makes the event confidential)')
      .option('--teams', 'create a Teams meeting in Outlook')
      .option('--attendee <email>', 'required attendee (repeatable)', collect)
      .option('--optional-attendee <email>', 'optional attendee (repeatable)', collect)
      .option('--recurrence <rrule>', 'CaseFlow-side recurrence, e.g. FREQ=WEEKLY;COUNT=6 (recurring events are not pushed)')
      .option('--push-now', "sync the owner's calendar at once, so invitations go out without waiting for the schedule");
  eventFlags(sub(events, 'add', 'add an event'), true)
    .addHelpText('after', examples(
      'events add --staff alice@firm.example --title "Hearing" --category Hearing --start 2026-12-01T09:00 --end 2026-12-01T10:00',
      'events add --staff alice@firm.example --title "Trial" --all-day --start 2026-12-07 --end 2026-12-09',
      'events add --staff alice@firm.example --title "Call" --start 2026-12-01T09:00-05:00 --end 2026-12-01T09:30-05:00 --teams --attendee dana@client.example --push-now',
    ))
    .action(action(() => import('./commands/events.js'), (m, ctx, _a, o) => m.add(ctx, o)));
  eventFlags(sub(events, 'update', 'change an event (only the flags given)').argument('<id>', 'event id'), false)
    .option('--no-all-day', 'make it a timed event (give --start and --end)')
    .option('--no-category', 'remove the category')
    .option('--no-matter', 'unlink the matter')
    .option('--no-teams', 'no Teams meeting')
    .option('--no-attendees', 'remove all attendees')
    .option('--no-recurrence', 'remove the recurrence')
    .addHelpText('after', examples('events update 12 --start 2026-12-01T11:00 --end 2026-12-01T12:00', 'events update 12 --no-matter --category Meeting'))
    .action(action(() => import('./commands/events.js'), (m, ctx, a, o) => m.update(ctx, a[0]!, o)));
  sub(events, 'delete', 'delete an event')
    .argument('<id>', 'event id')
    .addHelpText('after', examples('events delete 12'))
    .action(action(() => import('./commands/events.js'), async (m, ctx, a) => plain(await m.remove(ctx, a[0]!))));
  sub(events, 'list', 'list events')
    .option('--staff <email>', 'only this staff member')
    .option('--from <when>', "from this date or date-time (firm's zone)")
    .option('--to <when>', 'up to this date (inclusive) or date-time')
    .addHelpText('after', examples('events list', 'events list --staff alice@firm.example --from 2026-12-01 --to 2026-12-31', 'events list --json'))
    .action(action(() => import('./commands/events.js'), async (m, ctx, _a, o) => plain(await m.listCommand(ctx, o))));
  sub(events, 'show', 'show one event')
    .argument('<id>', 'event id')
    .addHelpText('after', examples('events show 12', 'events show 12 --json'))
    .action(action(() => import('./commands/events.js'), async (m, ctx, a) => plain(await m.show(ctx, a[0]!))));

  // tasks and deadlines
  const tasks = sub(program, 'tasks', 'tasks with due dates (one-way to Outlook)').addHelpText('after', examples('tasks list', 'tasks complete 4'));
  sub(tasks, 'add', 'add a task')
    .requiredOption('--staff <email>', 'assigned staff member')
    .requiredOption('--title <text>', 'title')
    .requiredOption('--due <when>', 'due date 2026-12-01 (all day) or 2026-12-01T17:00')
    .option('--time-zone <iana>', "zone for a due time without an offset (default: the firm's)")
    .option('--matter <id>', 'matter (makes it confidential)')
    .option('--description <text>', 'description')
    .addHelpText('after', examples('tasks add --staff alice@firm.example --title "File brief" --due 2026-12-03'))
    .action(action(() => import('./commands/tasks.js'), async (m, ctx, _a, o) => plain(await m.addTask(ctx, o as never))));
  sub(tasks, 'complete', 'mark a task done')
    .argument('<id>', 'task id')
    .addHelpText('after', examples('tasks complete 4'))
    .action(action(() => import('./commands/tasks.js'), async (m, ctx, a) => plain(await m.complete(ctx, a[0]!))));
  sub(tasks, 'list', 'list tasks')
    .option('--staff <email>', 'only this staff member')
    .addHelpText('after', examples('tasks list --staff alice@firm.example'))
    .action(action(() => import('./commands/tasks.js'), async (m, ctx, _a, o) => plain(await m.listTaskCommand(ctx, o))));
  const deadlines = sub(program, 'deadlines', 'key deadlines on matters (one-way to Outlook, always confidential)').addHelpText('after', examples('deadlines list --matter 1'));
  sub(deadlines, 'add', 'add a deadline to a matter')
    .requiredOption('--matter <id>', 'matter id')
    .requiredOption('--title <text>', 'title')
    .requiredOption('--due <when>', 'due date 2026-12-01 (all day) or 2026-12-01T17:00')
    .option('--time-zone <iana>', "zone for a due time without an offset (default: the firm's)")
    .option('--description <text>', 'description')
    .addHelpText('after', examples('deadlines add --matter 1 --title "Statute of limitations" --due 2027-03-01'))
    .action(action(() => import('./commands/tasks.js'), async (m, ctx, _a, o) => plain(await m.addDeadline(ctx, o as never))));
  sub(deadlines, 'list', 'list deadlines')
    .option('--matter <id>', 'only this matter')
    .addHelpText('after', examples('deadlines list --matter 1'))
    .action(action(() => import('./commands/tasks.js'), async (m, ctx, _a, o) => plain(await m.listDeadlineCommand(ctx, o))));

  // connect, disconnect, prefs
  program
    .command('connect')
    .description('sign a staff member in to Microsoft 365 with a device code; only access to their own calendar (Calendars.ReadWrite) is asked for')
    .requiredOption('--staff <email>', 'the staff member')
    .option('--force', 'sign in again even if already connected')
    .addHelpText('after', examples('connect --staff alice@firm.example', 'connect --staff alice@firm.example --force --json'))
    .action(action(() => import('./commands/connect.js'), async (m, ctx, _a, o) => plain(await m.connect(ctx, o as { staff: string; force?: boolean }))));
  program
    .command('disconnect')
    .description('remove the stored sign-in and stop syncing; events stay where they are')
    .requiredOption('--staff <email>', 'the staff member')
    .addHelpText('after', examples('disconnect --staff alice@firm.example'))
    .action(action(() => import('./commands/connect.js'), async (m, ctx, _a, o) => plain(await m.disconnect(ctx, o as { staff: string }))));
  const prefs = sub(program, 'prefs', 'what syncs for a staff member: a master switch, events (both ways), tasks and deadlines (to Outlook only)').addHelpText('after', examples('prefs show --staff alice@firm.example', 'prefs set --staff alice@firm.example --tasks off'));
  sub(prefs, 'show', 'show the four toggles')
    .requiredOption('--staff <email>', 'the staff member')
    .addHelpText('after', examples('prefs show --staff alice@firm.example'))
    .action(action(() => import('./commands/prefs.js'), async (m, ctx, _a, o) => plain(await m.prefsShow(ctx, o as { staff: string }))));
  const onOffOption = (flag: string, what: string) => new Option(`--${flag} <on|off>`, what).choices(['on', 'off']);
  sub(prefs, 'set', 'change toggles')
    .requiredOption('--staff <email>', 'the staff member')
    .addOption(onOffOption('enabled', 'master switch: off pauses everything without disconnecting'))
    .addOption(onOffOption('events', 'calendar events, both ways'))
    .addOption(onOffOption('tasks', 'tasks with due dates, CaseFlow to Outlook'))
    .addOption(onOffOption('deadlines', 'key deadlines, CaseFlow to Outlook'))
    .addHelpText('after', examples('prefs set --staff alice@firm.example --tasks off', 'prefs set --staff alice@firm.example --enabled off'))
    .action(action(() => import('./commands/prefs.js'), async (m, ctx, _a, o) => plain(await m.prefsSet(ctx, o as { staff: string }))));

  // sync and the scheduled cycle
  program
    .command('sync')
    .description('Sync now: pull Outlook changes for one staff member (CaseFlow changes go out on the next scheduled run)')
    .requiredOption('--staff <email>', 'the staff member')
    .option('--allow-deletes', 'let the deletions held by the mass-deletion breaker go through (this run and the next scheduled one)')
    .addHelpText('after', examples('sync --staff alice@firm.example', 'sync --staff alice@firm.example --allow-deletes --json'))
    .action(action(() => import('./commands/sync.js'), (m, ctx, _a, o) => m.syncCommand(ctx, o as { staff: string; allowDeletes?: boolean })));
  program
    .command('daemon')
    .description("scheduled sync for every connected staff member: reads Outlook's changes, plans both sides, pushes CaseFlow's changes, then applies Outlook's")
    .option('--once', 'run one cycle and exit')
    .option('--staff <email>', 'with --once: only this staff member')
    .option('--interval <seconds>', 'seconds between cycles (config sync.intervalSeconds, default 300)')
    .option('--concurrency <n>', 'staff members synced at once (config daemon.concurrency, default 4)')
    .addHelpText('after', examples('daemon --once', 'daemon --once --staff alice@firm.example --json', 'daemon --interval 300 --concurrency 4'))
    .action(
      action(
        () => import('./commands/daemon.js'),
        async (m, ctx, _a, o) => {
          if (!o.once) throw new (await import('../errors.js')).UsageError('the looping daemon is not available yet: use daemon --once from cron or a systemd timer');
          return m.daemonOnce(ctx, o as { staff?: string });
        },
        { flags: (o) => ({ ...(o.interval !== undefined ? { 'sync.intervalSeconds': o.interval } : {}), ...(o.concurrency !== undefined ? { 'daemon.concurrency': o.concurrency } : {}) }) },
      ),
    );

  program
    .command('simulator')
    .description('a local Microsoft 365 stand-in (sign-in + Graph calendar) on 127.0.0.1, for trying and testing without a tenant')
    .option('--port <n>', 'port to listen on (default 8443; 0 picks a free one)')
    .option('--state <file>', 'keep mailboxes and sign-ins in this JSON file across restarts')
    .option('--auto-approve <email>', 'approve every device-code sign-in as this user')
    .addHelpText('after', examples('simulator', 'simulator --port 9443 --state ~/sim.json --auto-approve alice@firm.example'))
    .action(action(() => import('./commands/simulator.js'), async (m, ctx, _a, o) => plain(await m.simulatorCommand(ctx, o)), { needsStore: false }));

  const conflicts = sub(program, 'conflicts', 'events in a protected category changed on both sides, waiting for a person to choose (elsewhere Outlook wins)').addHelpText('after', examples('conflicts list', 'conflicts resolve 3 --keep outlook'));
  sub(conflicts, 'list', 'list conflicts')
    .option('--staff <email>', 'only this staff member')
    .addHelpText('after', examples('conflicts list', 'conflicts list --staff alice@firm.example --json'))
    .action(action(() => import('./commands/conflicts.js'), async (m, ctx, _a, o) => plain(await m.conflictsList(ctx, o))));
  sub(conflicts, 'show', 'show both versions of one conflict')
    .argument('<id>', 'conflict id')
    .addHelpText('after', examples('conflicts show 3'))
    .action(action(() => import('./commands/conflicts.js'), async (m, ctx, a) => plain(await m.conflictsShow(ctx, a[0]!))));
  sub(conflicts, 'resolve', 'apply the chosen side to the other, now')
    .argument('<id>', 'conflict id')
    .addOption(new Option('--keep <side>', 'which version wins').choices(['caseflow', 'outlook']).makeOptionMandatory())
    .option('--by <name>', 'who resolved it, for the record (default: your user name on this machine)')
    .addHelpText('after', examples('conflicts resolve 3 --keep caseflow', 'conflicts resolve 3 --keep outlook --by "Dana Reyes" --json'))
    .action(action(() => import('./commands/conflicts.js'), (m, ctx, a, o) => m.conflictsResolve(ctx, a[0]!, o)));

  // audit and status
  program
    .command('audit')
    .description('the audit log, newest first: every change made on either side, and every connect, disconnect, prefs change, conflict and resolution')
    .option('--staff <email>', 'only this staff member')
    .option('--event <id>', 'only this event')
    .option('--limit <n>', 'at most this many rows (default 50)')
    .addHelpText('after', examples('audit --staff alice@firm.example --limit 20', 'audit --event 12 --json'))
    .action(action(() => import('./commands/audit.js'), async (m, ctx, _a, o) => plain(await m.auditCommand(ctx, o))));
  program
    .command('status')
    .description('connection, toggles, last sync, last error, pending and conflicts')
    .option('--staff <email>', 'one staff member in detail')
    .addHelpText('after', examples('status', 'status --staff alice@firm.example --json'))
    .action(action(() => import('./commands/status.js'), async (m, ctx, _a, o) => plain(await m.statusCommand(ctx, o, await m.syncPending(ctx)))));

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
      const near = typed === undefined ? undefined : closest(typed, group.commands.map((c) => c.name()));
      const message =
        typed === undefined ? `${path} needs a ${what}: ${names}` : `unknown ${what} '${typed}' for ${path}${near ? ` (did you mean ${near}?)` : ''}; allowed: ${names}`;
      if (typed === undefined && !cmd.optsWithGlobals().json) group.outputHelp({ error: true });
      const { UsageError } = await import('../errors.js');
      throw new UsageError(message, { hint: `see: ${path} --help` });
    });
}

/** The name within two edits of what was typed, if one is (a typo, not a guess). */
function closest(typed: string, names: string[]): string | undefined {
  const distance = (a: string, b: string): number => {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i += 1) {
      let diagonal = row[0]!;
      row[0] = i;
      for (let j = 1; j <= b.length; j += 1) {
        const above = row[j]!;
        row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
        diagonal = above;
      }
    }
    return row[b.length]!;
  };
  let best: { name: string; d: number } | undefined;
  for (const name of names) {
    const d = distance(typed.toLowerCase(), name);
    if (d <= 2 && (!best || d < best.d)) best = { name, d };
  }
  return best?.name;
}
