// `status`: flags and help. The handler (status.ts) loads when the command runs.

import type { Command } from 'commander';
import { examples, type Helpers } from '../register.js';

export function register(program: Command, { sub, action }: Helpers): void {
  sub(program, 'status', 'connection, toggles, last sync, last error, pending and conflicts')
    .option('--staff <email>', 'one staff member in detail')
    .addHelpText('after', examples('status', 'status --staff alice@firm.example --json'))
    .action(action(() => import('./status.js'), (m, ctx, _a, o) => m.status(ctx, o)));
}
