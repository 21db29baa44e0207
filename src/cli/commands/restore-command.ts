// `restore AUDIT_ID | --run RUN_ID [--yes]`: flags and help. The handler (restore.ts) loads when
// the command runs.

import type { Command } from 'commander';
import { examples, type Helpers } from '../register.js';

export function register(program: Command, { top, action }: Helpers): void {
  top(program, 'restore')
    .argument('[audit-id]', 'the audit row of the deletion')
    .option('--run <run-id>', "every deletion of one run (the run id is in the run's summary and on each audit row)")
    .option('--yes', 'go ahead even though attendees of a meeting created again in Outlook get a new invitation')
    .addHelpText('after', examples('audit --action delete --limit 20', 'restore 118 --yes', 'restore --run 3f9c2a1b7e04 --yes --json'))
    .action(action(() => import('./restore.js'), (m, ctx, a, o) => m.restore(ctx, a[0], o as { run?: string; yes?: boolean })));
}
