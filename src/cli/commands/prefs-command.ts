// `prefs show/set`: flags and help. The handlers (prefs.ts) load when a command runs.

import { Option, type Command } from '../commander.js';
import { examples, type Helpers } from '../register.js';

const load = () => import('./prefs.js');

const onOff = (flag: string, what: string) => new Option(`--${flag} <on|off>`, what).choices(['on', 'off']);

export function register(program: Command, { sub, top, action }: Helpers): void {
  const prefs = top(program, 'prefs').addHelpText(
    'after',
    examples('prefs show --staff alice@firm.example', 'prefs set --staff alice@firm.example --tasks off'),
  );
  sub(prefs, 'show', 'show the four toggles')
    .requiredOption('--staff <email>', 'the staff member')
    .addHelpText('after', examples('prefs show --staff alice@firm.example'))
    .action(action(load, (m, ctx, _a, o) => m.show(ctx, o as { staff: string })));
  sub(prefs, 'set', 'change toggles')
    .requiredOption('--staff <email>', 'the staff member')
    .addOption(onOff('enabled', 'master switch: off pauses everything without disconnecting'))
    .addOption(onOff('events', 'calendar events, both ways'))
    .addOption(onOff('tasks', 'tasks with due dates, CaseFlow to Outlook'))
    .addOption(onOff('deadlines', 'key deadlines, CaseFlow to Outlook'))
    .addHelpText('after', examples('prefs set --staff alice@firm.example --tasks off', 'prefs set --staff alice@firm.example --enabled off'))
    .action(action(load, (m, ctx, _a, o) => m.set(ctx, o as { staff: string })));
}
