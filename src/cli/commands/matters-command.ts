// `matters add/list`: flags and help. The handlers (matters.ts) load when a command runs.

import type { Command } from 'commander';
import { examples, type Helpers } from '../register.js';

const load = () => import('./matters.js');

export function register(program: Command, { sub, action }: Helpers): void {
  const matters = sub(program, 'matters', 'matters and who is assigned').addHelpText('after', examples('matters list', 'matters add --name "Reyes v. Acme" --assign alice@firm.example'));
  sub(matters, 'add', 'add a matter')
    .requiredOption('--name <name>', 'the matter name')
    .option('--assign <emails>', 'staff emails, comma-separated')
    .addHelpText('after', examples('matters add --name "Reyes v. Acme" --assign alice@firm.example,bob@firm.example'))
    .action(action(load, (m, ctx, _a, o) => m.add(ctx, o as { name: string; assign?: string })));
  sub(matters, 'list', 'list matters')
    .addHelpText('after', examples('matters list'))
    .action(action(load, (m, ctx) => m.list(ctx)));
}
