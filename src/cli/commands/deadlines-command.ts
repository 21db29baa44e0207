// `deadlines add/update/delete/list`: flags and help. The handlers (deadlines.ts) load when a command runs.

import type { Command } from 'commander';
import { examples, type Helpers } from '../register.js';

const load = () => import('./deadlines.js');

export function register(program: Command, { sub, top, action }: Helpers): void {
  const deadlines = top(program, 'deadlines').addHelpText('after', examples('deadlines list --matter 1', 'deadlines update 3 --due 2027-01-20'));
  sub(deadlines, 'add', 'add a deadline to a matter')
    .requiredOption('--matter <id>', 'matter id')
    .requiredOption('--title <text>', 'title')
    .requiredOption('--due <when>', 'due date 2026-12-01 (all day) or 2026-12-01T17:00')
    .option('--time-zone <iana>', "zone for a due time without an offset (default: the firm's)")
    .option('--description <text>', 'description')
    .addHelpText('after', examples('deadlines add --matter 1 --title "Statute of limitations" --due 2027-03-01'))
    .action(action(load, (m, ctx, _a, o) => m.add(ctx, o as never)));
  sub(deadlines, 'update', 'change a deadline (only the flags given); the next scheduled run takes the change to Outlook')
    .argument('<id>', 'deadline id')
    .option('--title <text>', 'title')
    .option('--due <when>', "due date 2026-12-01 (all day) or 2026-12-01T17:00, read in the deadline's zone unless --time-zone")
    .option('--time-zone <iana>', 'zone for --due; alone, keeps the due time and changes its zone')
    .option('--description <text>', 'description (never leaves CaseFlow)')
    .addHelpText('after', examples('deadlines update 3 --due 2027-01-20', 'deadlines update 3 --title "Expert disclosures (extended)" --json'))
    .action(action(load, (m, ctx, a, o) => m.update(ctx, a[0]!, o)));
  sub(deadlines, 'delete', "delete a deadline (its copies leave the assigned staff members' Outlook on the next scheduled run)")
    .argument('<id>', 'deadline id')
    .addHelpText('after', examples('deadlines delete 3'))
    .action(action(load, (m, ctx, a) => m.remove(ctx, a[0]!)));
  sub(deadlines, 'list', 'list deadlines')
    .option('--matter <id>', 'only this matter')
    .addHelpText('after', examples('deadlines list --matter 1'))
    .action(action(load, (m, ctx, _a, o) => m.list(ctx, o)));
}
