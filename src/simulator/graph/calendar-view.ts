// GET /me/calendarView (used for imports): every instance overlapping the window, occurrences of
// series included, paged like /me/events.
import { type CalendarRole } from '../mailbox/model.js';
import { orderEvents, page, requireRead, window } from './events.js';
import type { GraphCall, GraphEnv, GraphReply } from './context.js';

export function calendarViewRoute(env: GraphEnv, call: GraphCall, path: string, calendar: CalendarRole): GraphReply {
  requireRead(env);
  const { startMs, endMs } = window(call);
  const instances = env.mailbox.instances(startMs, endMs, calendar).sort((a, b) => a.startMs - b.startMs || (a.key < b.key ? -1 : 1));
  const ordered = orderEvents(instances, call.query.get('$orderby'));
  return page(env, call, path, ordered, 'calendarView');
}
