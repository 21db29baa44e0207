// `sync`: flags and help. The handler (sync.ts) loads when the command runs.

import type { Command } from 'commander';
import { examples, type Helpers } from '../register.js';

export function register(program: Command, { top, action }: Helpers): void {
  top(program, 'sync')
    .requiredOption('--staff <email>', 'the staff member')
    .option('--allow-deletes', 'let the deletions held by the mass-deletion breaker go through (this run and the next scheduled one)')
    .addHelpText('after', examples('sync --staff alice@firm.example', 'sync --staff alice@firm.example --allow-deletes --json'))
    .action(action(() => import('./sync.js'), (m, ctx, _a, o) => m.sync(ctx, o as { staff: string; allowDeletes?: boolean })));
}
