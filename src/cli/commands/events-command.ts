// `events add/update/delete/list/show`: flags and help. The handlers (events.ts) load when a
// command runs.

import type { Command } from 'commander';
import { collect, examples, type Helpers } from '../register.js';

const load = () => import('./events.js');

/** The flags `add` and `update` share; `update` changes only the ones given. */
function eventFlags(c: Command, adding: boolean): Command {
  return c
    .option('--staff <email>', adding ? 'owner (required)' : 'new owner')
    .option('--title <text>', adding ? 'title (required)' : 'new title')
    .option('--description <text>', 'description (never sent to Outlook for confidential events)')
    .option('--start <when>', 'timed: 2026-12-01T09:00 (or with an offset); all-day: 2026-12-01')
    .option('--end <when>', 'timed: 2026-12-01T10:00; all-day: the LAST day, inclusive (omit for one day)')
    .option('--all-day', 'an all-day event')
    .option('--time-zone <iana>', "zone for timed values without an offset (default: the firm's)")
    .option('--location <text>', 'location')
    .option('--category <name>', 'category (see categories list)')
    .option('--matter <id>', 'link to a matter (makes the event confidential)')
    .option('--teams', 'create a Teams meeting in Outlook')
    .option('--attendee <email>', 'required attendee (repeatable)', collect)
    .option('--optional-attendee <email>', 'optional attendee (repeatable)', collect)
    .option('--recurrence <rrule>', 'CaseFlow-side recurrence, e.g. FREQ=WEEKLY;COUNT=6 (recurring events are not pushed)')
    .option('--push-now', "sync the owner's calendar at once, so invitations go out without waiting for the schedule");
}

export function register(program: Command, { sub, top, action }: Helpers): void {
  const events = top(program, 'events').addHelpText('after', examples('events list --staff alice@firm.example', 'events show 12'));
  eventFlags(sub(events, 'add', 'add an event'), true)
    .addHelpText(
      'after',
      examples(
        'events add --staff alice@firm.example --title "Hearing" --category Hearing --start 2026-12-01T09:00 --end 2026-12-01T10:00',
        'events add --staff alice@firm.example --title "Trial" --all-day --start 2026-12-07 --end 2026-12-09',
        'events add --staff alice@firm.example --title "Call" --start 2026-12-01T09:00-05:00 --end 2026-12-01T09:30-05:00 --teams --attendee dana@client.example --push-now',
      ),
    )
    .action(action(load, (m, ctx, _a, o) => m.add(ctx, o)));
  eventFlags(sub(events, 'update', 'change an event (only the flags given)').argument('<id>', 'event id'), false)
    .option('--no-all-day', 'make it a timed event (give --start and --end)')
    .option('--no-category', 'remove the category')
    .option('--no-matter', 'unlink the matter')
    .option('--no-teams', 'no Teams meeting')
    .option('--no-attendees', 'remove all attendees')
    .option('--no-recurrence', 'remove the recurrence')
    .addHelpText('after', examples('events update 12 --start 2026-12-01T11:00 --end 2026-12-01T12:00', 'events update 12 --no-matter --category Meeting'))
    .action(action(load, (m, ctx, a, o) => m.update(ctx, a[0]!, o)));
  sub(events, 'delete', 'delete an event')
    .argument('<id>', 'event id')
    .addHelpText('after', examples('events delete 12'))
    .action(action(load, (m, ctx, a) => m.remove(ctx, a[0]!)));
  sub(events, 'list', 'list events')
    .option('--staff <email>', 'only this staff member')
    .option('--from <when>', "from this date or date-time (firm's zone)")
    .option('--to <when>', 'up to this date (inclusive) or date-time')
    .addHelpText('after', examples('events list', 'events list --staff alice@firm.example --from 2026-12-01 --to 2026-12-31', 'events list --json'))
    .action(action(load, (m, ctx, _a, o) => m.list(ctx, o)));
  sub(events, 'show', 'show one event')
    .argument('<id>', 'event id')
    .addHelpText('after', examples('events show 12', 'events show 12 --json'))
    .action(action(load, (m, ctx, a) => m.show(ctx, a[0]!)));
}
