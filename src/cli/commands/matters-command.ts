// `matters add/list/assign/unassign`: flags and help. The handlers (matters.ts) load when a command runs.

import type { Command } from 'commander';
import { examples, type Helpers } from '../register.js';

const load = () => import('./matters.js');

export function register(program: Command, { sub, top, action }: Helpers): void {
  const matters = top(program, 'matters').addHelpText('after', examples('matters list', 'matters add --name "Reyes v. Acme" --assign alice@firm.example'));
  sub(matters, 'add', 'add a matter')
    .requiredOption('--name <name>', 'the matter name')
    .option('--assign <emails>', 'staff emails, comma-separated')
    .addHelpText('after', examples('matters add --name "Reyes v. Acme" --assign alice@firm.example,bob@firm.example'))
    .action(action(load, (m, ctx, _a, o) => m.add(ctx, o as { name: string; assign?: string })));
  sub(matters, 'list', 'list matters')
    .addHelpText('after', examples('matters list'))
    .action(action(load, (m, ctx) => m.list(ctx)));
  sub(matters, 'assign', "assign a staff member: the matter's deadlines go to their Outlook on the next scheduled run")
    .argument('<id>', 'matter id')
    .argument('<email>', 'staff email')
    .addHelpText('after', examples('matters assign 1 bob@firm.example'))
    .action(action(load, (m, ctx, a) => m.assign(ctx, a[0]!, a[1]!)));
  sub(matters, 'unassign', "unassign a staff member: the matter's deadlines leave their Outlook on the next scheduled run")
    .argument('<id>', 'matter id')
    .argument('<email>', 'staff email')
    .addHelpText('after', examples('matters unassign 1 bob@firm.example'))
    .action(action(load, (m, ctx, a) => m.unassign(ctx, a[0]!, a[1]!)));
}
