// `audit`: flags and help. The handler (audit.ts) loads when the command runs.

import type { Command } from 'commander';
import { examples, type Helpers } from '../register.js';

export function register(program: Command, { sub, action }: Helpers): void {
  sub(program, 'audit', 'the audit log, newest first: every change made on either side, and every connect, disconnect, prefs change, conflict and resolution')
    .option('--staff <email>', 'only this staff member')
    .option('--event <id>', 'only this event')
    .option('--action <action>', 'only rows of this action, e.g. delete, create, update, conflict, resolve, import')
    .option('--limit <n>', 'at most this many rows (default 50)')
    .addHelpText('after', examples('audit --staff alice@firm.example --limit 20', 'audit --event 12 --json', 'audit --action delete --limit 100'))
    .action(action(() => import('./audit.js'), (m, ctx, _a, o) => m.audit(ctx, o)));
}
