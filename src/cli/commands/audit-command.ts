// `audit`: flags and help. The handler (audit.ts) loads when the command runs.

import type { Command } from 'commander';
import { examples, type Helpers } from '../register.js';

export function register(program: Command, { top, action }: Helpers): void {
  top(program, 'audit')
    .option('--staff <email>', 'only this staff member')
    .option('--event <id>', 'only this event')
    .option('--action <action>', 'only rows of this action, e.g. delete, create, update, conflict, resolve, import')
    .option('--limit <n>', 'at most this many rows (default 50)')
    .addHelpText('after', examples('audit --staff alice@firm.example --limit 20', 'audit --event 12 --json', 'audit --action delete --limit 100'))
    .action(action(() => import('./audit.js'), (m, ctx, _a, o) => m.audit(ctx, o)));
}
