// `--due` for tasks and deadlines: a date (all day) or a date-time, and how a due time is shown.

import { assertTimeZone, isDateOnly, parseDate, parseDateTime } from '../../dates.js';
import type { Due } from '../../store/due-items.js';
import { getFirm } from '../../store/firm.js';
import type { Db } from '../../store/open.js';
import { localTime } from './common.js';

export function due(db: Db, raw: string, zoneFlag: string | undefined): Due {
  const timeZone = zoneFlag !== undefined ? assertTimeZone(zoneFlag, '--time-zone') : getFirm(db).timeZone;
  if (isDateOnly(raw)) return { allDay: true, value: parseDate(raw, '--due'), timeZone };
  return { allDay: false, value: parseDateTime(raw, timeZone, '--due').utc, timeZone };
}

export const dueText = (d: { due: string; allDay: boolean; timeZone: string }) => (d.allDay ? d.due : `${localTime(d.due, d.timeZone)} ${d.timeZone}`);
