// `--due` and `--time-zone` of `tasks update` and `deadlines update`: only what is given changes.

import { assertTimeZone } from '../../dates.js';
import type { Due } from '../../store/due-items.js';
import type { Db } from '../../store/open.js';
import { due } from './due-input.js';

/**
 * The new due of an item being updated, or undefined when neither flag is given. `--due` is read
 * in `--time-zone`, else in the item's own zone (as `events update` reads `--start`);
 * `--time-zone` alone keeps the due instant (or date) and changes the zone it is shown in.
 */
export function dueChange(db: Db, current: { due: string; allDay: boolean; timeZone: string }, flags: { due?: string; timeZone?: string }): Due | undefined {
  if (flags.due !== undefined) return due(db, flags.due, flags.timeZone ?? current.timeZone);
  if (flags.timeZone !== undefined) return { allDay: current.allDay, value: current.due, timeZone: assertTimeZone(flags.timeZone, '--time-zone') };
  return undefined;
}
