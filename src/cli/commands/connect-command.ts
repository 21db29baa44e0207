// `connect` and `disconnect`: flags and help. The handlers (connect.ts) load when a command runs.

import type { Command } from 'commander';
import { examples, type Helpers } from '../register.js';

const load = () => import('./connect.js');

export function register(program: Command, { sub, action }: Helpers): void {
  sub(program, 'connect', 'sign a staff member in to Microsoft 365 with a device code; only access to their own calendar (Calendars.ReadWrite) is asked for')
    .requiredOption('--staff <email>', 'the staff member')
    .option('--force', 'sign in again even if already connected')
    .addHelpText('after', examples('connect --staff alice@firm.example', 'connect --staff alice@firm.example --force --json'))
    .action(action(load, (m, ctx, _a, o) => m.connect(ctx, o as { staff: string; force?: boolean })));
  sub(program, 'disconnect', 'remove the stored sign-in and stop syncing; events stay where they are')
    .requiredOption('--staff <email>', 'the staff member')
    .addHelpText('after', examples('disconnect --staff alice@firm.example'))
    .action(action(load, (m, ctx, _a, o) => m.disconnect(ctx, o as { staff: string })));
}
