// `contacts add/list`: flags and help. The handlers (contacts.ts) load when a command runs.

import type { Command } from 'commander';
import { collect, examples, type Helpers } from '../register.js';

const load = () => import('./contacts.js');

export function register(program: Command, { sub, top, action }: Helpers): void {
  const contacts = top(program, 'contacts').addHelpText(
    'after',
    examples('contacts list', 'contacts add --name "Dana Reyes" --email dana@client.example'),
  );
  sub(contacts, 'add', 'add a contact with one or more emails')
    .requiredOption('--name <name>', 'their name')
    .requiredOption('--email <email>', 'their main email')
    .option('--alt-email <email>', 'another email of theirs (repeatable)', collect)
    .addHelpText('after', examples('contacts add --name "Dana Reyes" --email dana@client.example --alt-email dreyes@home.example'))
    .action(action(load, (m, ctx, _a, o) => m.add(ctx, o as { name: string; email: string; altEmail?: string[] })));
  sub(contacts, 'list', 'list contacts')
    .addHelpText('after', examples('contacts list'))
    .action(action(load, (m, ctx) => m.list(ctx)));
}
