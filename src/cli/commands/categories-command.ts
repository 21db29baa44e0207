// `categories list/add/protect/unprotect`: flags and help. The handlers (categories.ts) load when
// a command runs.

import type { Command } from 'commander';
import { examples, type Helpers } from '../register.js';

const load = () => import('./categories.js');

export function register(program: Command, { sub, top, action }: Helpers): void {
  const categories = top(program, 'categories').addHelpText('after', examples('categories list', 'categories protect Mediation'));
  sub(categories, 'list', 'list categories and whether each is protected')
    .addHelpText('after', examples('categories list'))
    .action(action(load, (m, ctx) => m.list(ctx)));
  sub(categories, 'add', 'add a category')
    .argument('<name>', 'category name')
    .option('--protected', 'events in it are confidential and their conflicts go to human review')
    .addHelpText('after', examples('categories add Mediation --protected', 'categories add "Team lunch"'))
    .action(action(load, (m, ctx, a, o) => m.add(ctx, a[0]!, o)));
  sub(categories, 'protect', 'mark a category protected')
    .argument('<name>', 'category name')
    .addHelpText('after', examples('categories protect Mediation'))
    .action(action(load, (m, ctx, a) => m.protect(ctx, a[0]!)));
  sub(categories, 'unprotect', 'remove the protected mark')
    .argument('<name>', 'category name')
    .addHelpText('after', examples('categories unprotect Mediation'))
    .action(action(load, (m, ctx, a) => m.unprotect(ctx, a[0]!)));
}
