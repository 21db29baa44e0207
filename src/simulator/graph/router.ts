// Maps a Graph v1.0 path to its handler and request kind (the kind is known before running, so
// throttling and metrics can use it). Path segments are case-insensitive, ids are not. `/me/...`
// and `/users/{id}/...` share every handler; whose mailbox it is, is the pipeline's business.
import { GraphError, type CalendarRole } from '../mailbox/model.js';
import { createEventRoute, deleteEventRoute, getEventRoute, instancesRoute, listEventsRoute, updateEventRoute, context } from './events.js';
import { calendarViewRoute } from './calendar-view.js';
import { hasScope, type GraphCall, type GraphEnv, type GraphReply } from './context.js';

export interface Route {
  kind: string;
  run(env: GraphEnv, call: GraphCall): GraphReply;
}

const notSegment = (segment: string) =>
  new GraphError(400, 'BadRequest', `Resource not found for the segment '${segment}'.`);

function methodNotAllowed(method: string): Route {
  return {
    kind: 'unknown',
    run: () => {
      throw new GraphError(405, 'BadRequest', `The HTTP method '${method}' is not allowed for this resource.`);
    },
  };
}

function meRoute(): Route {
  return {
    kind: 'me',
    run(env) {
      if (!hasScope(env, 'User.Read', 'User.ReadWrite', 'User.ReadBasic.All', 'User.Read.All', 'Directory.Read.All')) {
        throw new GraphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
      }
      const u = env.mailbox.user;
      const [givenName = u.name, ...rest] = u.name.split(' ');
      return {
        status: 200,
        body: {
          '@odata.context': `${env.base}/v1.0/$metadata#users/$entity`,
          businessPhones: [], displayName: u.name, givenName, jobTitle: null, mail: u.email, mobilePhone: null,
          officeLocation: null, preferredLanguage: 'en-US', surname: rest.join(' ') || null, userPrincipalName: u.email, id: u.oid,
        },
      };
    },
  };
}

function calendarBody(env: GraphEnv, role: CalendarRole): Record<string, unknown> {
  const m = env.mailbox;
  return {
    id: m.calendarIds[role],
    name: role === 'primary' ? 'Calendar' : 'Family',
    color: role === 'primary' ? 'auto' : 'lightGreen',
    hexColor: '',
    isDefaultCalendar: role === 'primary',
    changeKey: `fJKVL07sbkmIfHqjbDnRgQAAAAAA${role === 'primary' ? 'Aw' : 'Bw'}==`,
    canShare: true,
    canViewPrivateItems: true,
    canEdit: true,
    isRemovable: role !== 'primary',
    isTallyingResponses: true,
    allowedOnlineMeetingProviders: ['teamsForBusiness'],
    defaultOnlineMeetingProvider: 'teamsForBusiness',
    owner: { name: m.user.name, address: m.user.email },
  };
}

function calendarRoute(role: CalendarRole): Route {
  return {
    kind: 'calendar',
    run: (env) => {
      env.note.calendar = role;
      return { status: 200, body: { '@odata.context': context(env, 'calendars/$entity'), ...calendarBody(env, role) } };
    },
  };
}

/** Events and views under one calendar (`/me/events` = the primary calendar). */
function calendarChildren(method: string, rest: string[], path: string, role: CalendarRole, explicit: boolean): Route {
  const [head, id, sub, ...more] = rest;
  const cal = explicit ? role : undefined;
  if (head === 'events' && id === undefined) {
    if (method === 'GET') return { kind: 'event.list', run: (env, call) => ((env.note.calendar = role), listEventsRoute(env, call, path, role)) };
    if (method === 'POST') return { kind: 'event.create', run: (env, call) => ((env.note.calendar = role), createEventRoute(env, call, role)) };
    return methodNotAllowed(method);
  }
  if (head === 'events' && id !== undefined && sub === undefined) {
    if (method === 'GET') return { kind: 'event.get', run: (env, call) => getEventRoute(env, call, id, cal) };
    if (method === 'PATCH') return { kind: 'event.update', run: (env, call) => updateEventRoute(env, call, id, cal) };
    if (method === 'DELETE') return { kind: 'event.delete', run: (env, call) => deleteEventRoute(env, call, id, cal) };
    return methodNotAllowed(method);
  }
  if (head === 'events' && id !== undefined && sub?.toLowerCase() === 'instances' && more.length === 0) {
    return method === 'GET' ? { kind: 'event.instances', run: (env, call) => instancesRoute(env, call, path, id) } : methodNotAllowed(method);
  }
  if (head === 'calendarview' && id === undefined) {
    return method === 'GET' ? { kind: 'calendarView', run: (env, call) => ((env.note.calendar = role), calendarViewRoute(env, call, path, role)) } : methodNotAllowed(method);
  }
  if (head === 'calendarview' && id?.toLowerCase() === 'delta' && sub === undefined && role === 'primary') {
    return method === 'GET' ? { kind: 'delta', run: (env, call) => ((env.note.calendar = role), env.delta.handle(env, call)) } : methodNotAllowed(method);
  }
  const bad = head ?? path;
  return { kind: 'unknown', run: () => { throw notSegment(bad); } };
}

/** Whose mailbox a path names: the signed-in user's (`/me`), or a user's by id or email (`/users/{id}`). */
export type MailboxRef = { kind: 'me' } | { kind: 'user'; id: string };

function segments(path: string): string[] {
  return path.split('/').filter(Boolean).map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  });
}

export function mailboxRef(path: string): MailboxRef | null {
  const raw = segments(path);
  const head = (raw[0] ?? '').toLowerCase();
  if (head === 'me') return { kind: 'me' };
  if (head === 'users' && raw[1] !== undefined) return { kind: 'user', id: raw[1] };
  return null;
}

export function route(method: string, path: string): Route {
  const raw = segments(path);
  // Fixed segments compare case-insensitively; ids (every second segment after a collection) do not.
  const seg = raw.map((s, i) => (i > 0 && ['events', 'calendars', 'users'].includes((raw[i - 1] ?? '').toLowerCase()) ? s : s.toLowerCase()));
  // `/users/{id}/...` reaches the same handlers as `/me/...`, for the mailbox it names.
  const prefix = seg[0] === 'me' ? 1 : seg[0] === 'users' && seg.length >= 2 ? 2 : 0;
  if (prefix === 0) return { kind: 'unknown', run: () => { throw notSegment(raw[0] ?? ''); } };
  const rest = seg.slice(prefix);
  if (rest.length === 0) return method === 'GET' ? meRoute() : methodNotAllowed(method);
  if (rest[0] === 'calendar') {
    if (rest.length === 1) return method === 'GET' ? calendarRoute('primary') : methodNotAllowed(method);
    return calendarChildren(method, rest.slice(1), path, 'primary', false);
  }
  if (rest[0] === 'calendars') {
    if (rest.length === 1) {
      return {
        kind: 'calendar.list',
        run: (env) => ({
          status: 200,
          body: { '@odata.context': context(env, 'calendars'), value: [calendarBody(env, 'primary'), calendarBody(env, 'secondary')] },
        }),
      };
    }
    const calId = rest[1] as string;
    const inner = rest.length === 2 ? null : calendarChildren(method, rest.slice(2), path, 'primary', true);
    return {
      kind: inner?.kind ?? 'calendar',
      run(env, call) {
        const role = (Object.keys(env.mailbox.calendarIds) as CalendarRole[]).find((r) => env.mailbox.calendarIds[r] === calId);
        if (!role) throw new GraphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
        if (!inner) return calendarRoute(role).run(env, call);
        return calendarChildren(method, rest.slice(2), path, role, true).run(env, call);
      },
    };
  }
  return calendarChildren(method, rest, path, 'primary', false);
}
