// `daemon`: flags and help. The handler (daemon.ts) loads when the command runs.

import type { Command } from 'commander';
import { examples, type Helpers } from '../register.js';

const LOOP = `
Without --once it keeps running: a cycle every --interval seconds (up to 10% earlier or later
at random), and CaseFlow edits pushed within seconds (after daemon.quietSeconds of quiet). Its log
is on stdout: JSON lines when stdout is not a terminal. SIGINT/SIGTERM: it starts nothing new, lets
runs in flight stop safely and exits 0. SIGHUP: it reads the config file again. A second daemon on
the same store exits 5, naming the first one's pid.
`;

export function register(program: Command, { top, action }: Helpers): void {
  top(program, 'daemon')
    .option('--once', 'run one cycle and exit (cron, a systemd timer)')
    .option('--staff <email>', 'with --once: only this staff member')
    .option('--interval <seconds>', 'seconds between cycles, at least 30 (config sync.intervalSeconds, default 300)')
    .option('--concurrency <n>', 'staff members synced at once (config daemon.concurrency, default 4)')
    .addHelpText('after', `${LOOP}${examples('daemon --once', 'daemon --once --staff alice@firm.example --json', 'daemon --interval 300 --concurrency 4')}`)
    .action(
      action(() => import('./daemon.js'), (m, ctx, _a, o) => m.daemon(ctx, o as { once?: boolean; staff?: string }), {
        flags: (o) => ({ ...(o.interval !== undefined ? { 'sync.intervalSeconds': o.interval } : {}), ...(o.concurrency !== undefined ? { 'daemon.concurrency': o.concurrency } : {}) }),
      }),
    );
}
