// `staff add/list`: flags and help. The handlers (staff.ts) load when a command runs.

import type { Command } from 'commander';
import { examples, type Helpers } from '../register.js';

const load = () => import('./staff.js');

export function register(program: Command, { sub, top, action }: Helpers): void {
  const staff = top(program, 'staff').addHelpText('after', examples('staff list', 'staff add --email alice@firm.example --name "Alice Moss"'));
  sub(staff, 'add', 'add a staff member')
    .requiredOption('--email <email>', 'their work email')
    .requiredOption('--name <name>', 'their name')
    .addHelpText('after', examples('staff add --email alice@firm.example --name "Alice Moss"'))
    .action(action(load, (m, ctx, _a, o) => m.add(ctx, o as { email: string; name: string })));
  sub(staff, 'list', 'list staff members')
    .addHelpText('after', examples('staff list', 'staff list --json'))
    .action(action(load, (m, ctx) => m.list(ctx)));
}
