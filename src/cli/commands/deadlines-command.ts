// `deadlines add/list`: flags and help. The handlers (deadlines.ts) load when a command runs.

import type { Command } from 'commander';
import { examples, type Helpers } from '../register.js';

const load = () => import('./deadlines.js');

export function register(program: Command, { sub, action }: Helpers): void {
  const deadlines = sub(program, 'deadlines', 'key deadlines on matters (one-way to Outlook, always confidential)').addHelpText('after', examples('deadlines list --matter 1'));
  sub(deadlines, 'add', 'add a deadline to a matter')
    .requiredOption('--matter <id>', 'matter id')
    .requiredOption('--title <text>', 'title')
    .requiredOption('--due <when>', 'due date 2026-12-01 (all day) or 2026-12-01T17:00')
    .option('--time-zone <iana>', "zone for a due time without an offset (default: the firm's)")
    .option('--description <text>', 'description')
    .addHelpText('after', examples('deadlines add --matter 1 --title "Statute of limitations" --due 2027-03-01'))
    .action(action(load, (m, ctx, _a, o) => m.add(ctx, o as never)));
  sub(deadlines, 'list', 'list deadlines')
    .option('--matter <id>', 'only this matter')
    .addHelpText('after', examples('deadlines list --matter 1'))
    .action(action(load, (m, ctx, _a, o) => m.list(ctx, o)));
}
