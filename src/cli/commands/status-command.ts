// `status`: flags and help. The handler (status.ts) loads when the command runs.

import type { Command } from 'commander';
import { examples, type Helpers } from '../register.js';

export function register(program: Command, { top, action }: Helpers): void {
  top(program, 'status')
    .option('--staff <email>', 'one staff member in detail')
    .addHelpText('after', examples('status', 'status --staff alice@firm.example --json'))
    .action(action(() => import('./status.js'), (m, ctx, _a, o) => m.status(ctx, o)));
}
