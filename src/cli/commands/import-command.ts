// `import`: flags and help. The handler (import.ts) loads when the command runs.

import type { Command } from 'commander';
import { examples, type Helpers } from '../register.js';

export function register(program: Command, { top, action }: Helpers): void {
  top(program, 'import')
    .option('--staff <email>', 'the staff member')
    .option('--all', 'every connected staff member whose sync is on')
    .option('--days <n>', 'how far back: 30 or 90 (90 is the most; contact support for older events)')
    .addHelpText(
      'after',
      `${examples('import --staff alice@firm.example --days 30', 'import --all --days 90 --json')}
Running it again brings in nothing new. Imported events sync both ways from then on, and each is
stamped "import" in the audit log (caseflow-outlook audit --staff E).
`,
    )
    .action(action(() => import('./import.js'), (m, ctx, _a, o) => m.importEvents(ctx, o as { staff?: string; all?: boolean; days?: string })));
}
