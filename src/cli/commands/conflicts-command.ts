// `conflicts list/show/resolve`: flags and help. The handlers (conflicts.ts) load when a command
// runs.

import { Option, type Command } from '../commander.js';
import { examples, type Helpers } from '../register.js';

const load = () => import('./conflicts.js');

export function register(program: Command, { sub, top, action }: Helpers): void {
  const conflicts = top(program, 'conflicts').addHelpText(
    'after',
    examples('conflicts list', 'conflicts resolve 3 --keep outlook'),
  );
  sub(conflicts, 'list', 'list conflicts')
    .option('--staff <email>', 'only this staff member')
    .addHelpText('after', examples('conflicts list', 'conflicts list --staff alice@firm.example --json'))
    .action(action(load, (m, ctx, _a, o) => m.list(ctx, o)));
  sub(conflicts, 'show', 'show both versions of one conflict')
    .argument('<id>', 'conflict id')
    .addHelpText('after', examples('conflicts show 3'))
    .action(action(load, (m, ctx, a) => m.show(ctx, a[0]!)));
  sub(conflicts, 'resolve', 'apply the chosen side to the other, now')
    .argument('<id>', 'conflict id')
    .addOption(new Option('--keep <side>', 'which version wins').choices(['caseflow', 'outlook']).makeOptionMandatory())
    .option('--by <name>', 'who resolved it, for the record (default: your user name on this machine)')
    .addHelpText('after', examples('conflicts resolve 3 --keep caseflow', 'conflicts resolve 3 --keep outlook --by "Dana Reyes" --json'))
    .action(action(load, (m, ctx, a, o) => m.resolve(ctx, a[0]!, o)));
}
