// `plan --staff E` and `explain EVENT_ID | --task ID | --deadline ID`: flags and help. The
// handlers (plan.ts, explain.ts) load when a command runs.

import type { Command } from 'commander';
import { examples, type Helpers } from '../register.js';

export function register(program: Command, { top, action }: Helpers): void {
  top(program, 'plan')
    .requiredOption('--staff <email>', 'the staff member')
    .addHelpText('after', examples('plan --staff alice@firm.example', 'plan --staff alice@firm.example --json'))
    .action(action(() => import('./plan.js'), (m, ctx, _a, o) => m.plan(ctx, o as { staff: string })));
  top(program, 'explain')
    .argument('[event-id]', 'the event')
    .option('--task <id>', 'a task instead of an event')
    .option('--deadline <id>', 'a deadline instead of an event')
    .addHelpText('after', examples('explain 12', 'explain --task 4 --json', 'explain --deadline 2'))
    .action(action(() => import('./explain.js'), (m, ctx, a, o) => m.explain(ctx, a[0], o as { task?: string; deadline?: string })));
}
