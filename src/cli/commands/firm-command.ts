// `firm show/set`: flags and help. The handlers (firm.ts) load when a command runs.

import { Option, type Command } from '../commander.js';
import { examples, type Helpers } from '../register.js';

const load = () => import('./firm.js');

export function register(program: Command, { sub, top, action }: Helpers): void {
  const firm = top(program, 'firm').addHelpText(
    'after',
    examples('firm show', 'firm set --plan multi-practice --outlook-beta on'),
  );
  sub(firm, 'show', 'show the plan, the Outlook beta switch and the time zone')
    .addHelpText('after', examples('firm show', 'firm show --json'))
    .action(action(load, (m, ctx) => m.show(ctx)));
  sub(firm, 'set', 'change firm settings')
    .addOption(new Option('--plan <plan>', 'the firm plan').choices(['growth', 'multi-practice']))
    .addOption(new Option('--outlook-beta <on|off>', 'the Outlook sync private beta switch').choices(['on', 'off']))
    .option('--time-zone <iana>', 'default time zone for dates typed without an offset, e.g. Europe/London')
    .addHelpText('after', examples('firm set --plan multi-practice --outlook-beta on', 'firm set --time-zone America/New_York'))
    .action(action(load, (m, ctx, _a, o) => m.set(ctx, o)));
}
