// `tasks add/complete/list`: flags and help. The handlers (tasks.ts) load when a command runs.

import type { Command } from 'commander';
import { examples, type Helpers } from '../register.js';

const load = () => import('./tasks.js');

export function register(program: Command, { sub, action }: Helpers): void {
  const tasks = sub(program, 'tasks', 'tasks with due dates (one-way to Outlook)').addHelpText('after', examples('tasks list', 'tasks complete 4'));
  sub(tasks, 'add', 'add a task')
    .requiredOption('--staff <email>', 'assigned staff member')
    .requiredOption('--title <text>', 'title')
    .requiredOption('--due <when>', 'due date 2026-12-01 (all day) or 2026-12-01T17:00')
    .option('--time-zone <iana>', "zone for a due time without an offset (default: the firm's)")
    .option('--matter <id>', 'matter (makes it confidential)')
    .option('--description <text>', 'description')
    .addHelpText('after', examples('tasks add --staff alice@firm.example --title "File brief" --due 2026-12-03'))
    .action(action(load, (m, ctx, _a, o) => m.add(ctx, o as never)));
  sub(tasks, 'complete', 'mark a task done')
    .argument('<id>', 'task id')
    .addHelpText('after', examples('tasks complete 4'))
    .action(action(load, (m, ctx, a) => m.complete(ctx, a[0]!)));
  sub(tasks, 'list', 'list tasks')
    .option('--staff <email>', 'only this staff member')
    .addHelpText('after', examples('tasks list --staff alice@firm.example'))
    .action(action(load, (m, ctx, _a, o) => m.list(ctx, o)));
}
