// `tasks add/update/complete/reopen/delete/list`: flags and help. The handlers (tasks.ts) load
// when a command runs.

import type { Command } from 'commander';
import { examples, type Helpers } from '../register.js';

const load = () => import('./tasks.js');

/** Which of these flags were typed: commander keeps only the last of `--matter 3 --no-matter`. */
function typed(cmd: Command, names: string[]): Set<string> {
  const seen = new Set<string>();
  for (const name of names) cmd.on(`option:${name}`, () => seen.add(name));
  return seen;
}

export function register(program: Command, { sub, top, action }: Helpers): void {
  const tasks = top(program, 'tasks').addHelpText('after', examples('tasks list', 'tasks update 4 --due 2026-12-05', 'tasks complete 4'));
  sub(tasks, 'add', 'add a task')
    .requiredOption('--staff <email>', 'assigned staff member')
    .requiredOption('--title <text>', 'title')
    .requiredOption('--due <when>', 'due date 2026-12-01 (all day) or 2026-12-01T17:00')
    .option('--time-zone <iana>', "zone for a due time without an offset (default: the firm's)")
    .option('--matter <id>', 'matter (makes it confidential)')
    .option('--description <text>', 'description')
    .addHelpText('after', examples('tasks add --staff alice@firm.example --title "File brief" --due 2026-12-03'))
    .action(action(load, (m, ctx, _a, o) => m.add(ctx, o as never)));
  const update = sub(tasks, 'update', 'change a task (only the flags given); the next scheduled run takes the change to Outlook')
    .argument('<id>', 'task id')
    .option('--title <text>', 'title')
    .option('--due <when>', "due date 2026-12-01 (all day) or 2026-12-01T17:00, read in the task's zone unless --time-zone")
    .option('--time-zone <iana>', 'zone for --due; alone, keeps the due time and changes its zone')
    .option('--staff <email>', "reassign: the task leaves the old assignee's Outlook and goes to the new one's")
    .option('--matter <id>', 'link to a matter (makes it confidential)')
    .option('--no-matter', 'unlink the matter')
    .option('--description <text>', 'description')
    .addHelpText(
      'after',
      examples('tasks update 4 --title "File reply brief" --due 2026-12-05T17:00', 'tasks update 4 --staff bob@firm.example', 'tasks update 4 --no-matter --json'),
    );
  const seen = typed(update, ['matter', 'no-matter']);
  update.action(action(load, (m, ctx, a, o) => m.update(ctx, a[0]!, { ...o, matterAndNoMatter: seen.has('matter') && seen.has('no-matter') })));
  sub(tasks, 'complete', 'mark a task done (it is removed from Outlook on the next scheduled run)')
    .argument('<id>', 'task id')
    .addHelpText('after', examples('tasks complete 4'))
    .action(action(load, (m, ctx, a) => m.complete(ctx, a[0]!)));
  sub(tasks, 'reopen', 'open a completed task again (it goes back to Outlook on the next scheduled run)')
    .argument('<id>', 'task id')
    .addHelpText('after', examples('tasks reopen 4'))
    .action(action(load, (m, ctx, a) => m.reopen(ctx, a[0]!)));
  sub(tasks, 'delete', 'delete a task (its Outlook copy goes on the next scheduled run)')
    .argument('<id>', 'task id')
    .addHelpText('after', examples('tasks delete 4'))
    .action(action(load, (m, ctx, a) => m.remove(ctx, a[0]!)));
  sub(tasks, 'list', 'list tasks')
    .option('--staff <email>', 'only this staff member')
    .addHelpText('after', examples('tasks list --staff alice@firm.example'))
    .action(action(load, (m, ctx, _a, o) => m.list(ctx, o)));
}
