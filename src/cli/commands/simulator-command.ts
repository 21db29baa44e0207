// `simulator`: flags and help. The handler (simulator.ts) loads when the command runs.

import type { Command } from 'commander';
import { examples, type Helpers } from '../register.js';

export function register(program: Command, { top, action }: Helpers): void {
  top(program, 'simulator')
    .option('--port <n>', 'port to listen on (default 8443; 0 picks a free one)')
    .option('--state <file>', 'keep mailboxes and sign-ins in this JSON file across restarts')
    .option('--auto-approve <email>', 'approve every device-code sign-in as this user')
    .option('--requests-per-window <n>', "each mailbox's request budget per window (default 10000, as Outlook's)")
    .option('--window-seconds <s>', 'length of that window in seconds (default 600, as Outlook\'s)')
    .addHelpText('after', examples('simulator', 'simulator --port 9443 --state ~/sim.json --auto-approve alice@firm.example', 'simulator --requests-per-window 50 --window-seconds 10'))
    .action(action(() => import('./simulator.js'), (m, ctx, _a, o) => m.simulator(ctx, o), { needsStore: false }));
}
