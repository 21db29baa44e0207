// The control API over HTTP: https://127.0.0.1:PORT/_control/..., JSON in and out, no auth
// (loopback only), never logged, never throttled, never faulted. Same operations as in-process.ts.
import { ControlError, GraphError, type CalendarRole } from '../mailbox/model.js';
import type { SimulatorControl } from './in-process.js';
import type { Limits } from '../graph/throttle.js';

export interface ControlReply {
  status: number;
  body?: unknown;
}

type Params = { email: string; id: string };
type Op = (c: SimulatorControl, body: Record<string, unknown>, q: URLSearchParams, p: Params) => unknown;

const str = (v: unknown, name: string): string => {
  if (typeof v !== 'string' || !v) throw new ControlError(400, `${name} is required`);
  return v;
};

function limitsOf(b: Record<string, unknown>): Partial<Limits> {
  const out: Partial<Limits> = {};
  for (const k of ['concurrency', 'requestsPerWindow', 'windowSeconds'] as const) {
    if (b[k] === undefined) continue;
    if (typeof b[k] !== 'number') throw new ControlError(400, `${k} must be a number`);
    out[k] = b[k];
  }
  return out;
}

const ROUTES: [string, RegExp, Op][] = [
  ['GET', /^\/users$/, (c) => c.users()],
  ['POST', /^\/users$/, (c, b) => c.addUser({ email: str(b.email, 'email'), ...(typeof b.name === 'string' ? { name: b.name } : {}) })],
  ['POST', /^\/users\/(?<email>[^/]+)\/revoke$/, (c, _b, _q, p) => c.revokeUser(p.email)],
  ['POST', /^\/users\/(?<email>[^/]+)\/tokens$/, (c, b, _q, p) => c.issueTokens(p.email, typeof b.scope === 'string' ? b.scope : undefined)],
  ['GET', /^\/device-codes$/, (c) => c.pendingDeviceCodes()],
  ['POST', /^\/device-codes\/approve$/, (c, b) => c.approveDeviceCode(str(b.userCode, 'userCode'), str(b.email, 'email'))],
  ['POST', /^\/device-codes\/decline$/, (c, b) => c.declineDeviceCode(str(b.userCode, 'userCode'))],
  ['GET', /^\/apps$/, (c) => c.apps()],
  ['POST', /^\/apps$/, (c, b) => c.registerApp({
    clientId: str(b.clientId, 'clientId'),
    certificatePem: str(b.certificate, 'certificate'),
    ...(Array.isArray(b.roles) ? { roles: b.roles.map(String) } : {}),
    ...(b.mailboxes !== undefined ? { mailboxes: b.mailboxes as string[] | null } : {}),
  })],
  ['PUT', /^\/apps\/(?<id>[^/]+)\/mailboxes$/, (c, b, _q, p) => c.setAppMailboxes(p.id, (b.mailboxes ?? null) as string[] | null)],
  ['DELETE', /^\/apps\/(?<id>[^/]+)$/, (c, _b, _q, p) => c.removeApp(p.id)],
  ['PUT', /^\/conditional-access$/, (c, b) => c.setConditionalAccess({
    blockDeviceCode: b.blockDeviceCode === true,
    ...(b.errorCode !== undefined ? { errorCode: Number(b.errorCode) as 53003 | 50199 } : {}),
  })],
  ['PUT', /^\/auto-approve$/, (c, b) => c.setAutoApprove(typeof b.email === 'string' ? b.email : null)],
  ['GET', /^\/mailboxes\/(?<email>[^/]+)\/events$/, (c, _b, q, p) =>
    c.events(p.email, { calendar: (q.get('calendar') ?? 'all') as CalendarRole | 'all', includeDeleted: q.get('includeDeleted') === 'true' })],
  ['POST', /^\/mailboxes\/(?<email>[^/]+)\/events$/, (c, b, q, p) =>
    c.createEvent(p.email, b, { calendar: (q.get('calendar') ?? 'primary') as CalendarRole })],
  ['GET', /^\/mailboxes\/(?<email>[^/]+)\/events\/(?<id>[^/]+)$/, (c, _b, _q, p) => {
    const ev = c.event(p.email, p.id);
    if (!ev) throw new ControlError(404, `no event ${p.id}`);
    return ev;
  }],
  ['PATCH', /^\/mailboxes\/(?<email>[^/]+)\/events\/(?<id>[^/]+)$/, (c, b, _q, p) => c.updateEvent(p.email, p.id, b)],
  ['DELETE', /^\/mailboxes\/(?<email>[^/]+)\/events\/(?<id>[^/]+)$/, (c, _b, _q, p) => c.deleteEvent(p.email, p.id)],
  ['GET', /^\/mailboxes\/(?<email>[^/]+)\/events\/(?<id>[^/]+)\/instances$/, (c, _b, q, p) =>
    c.instances(p.email, p.id, str(q.get('start'), 'start'), str(q.get('end'), 'end'))],
  ['POST', /^\/mailboxes\/(?<email>[^/]+)\/accept$/, (c, b, _q, p) => c.acceptInvitation(p.email, b as { iCalUId?: string; organizer?: string; eventId?: string })],
  [
    'POST',
    /^\/mailboxes\/(?<email>[^/]+)\/respond$/,
    (c, b, _q, p) => {
      const response = str(b.response, 'response');
      if (response !== 'accepted' && response !== 'tentativelyAccepted' && response !== 'declined') throw new ControlError(400, 'response must be accepted, tentativelyAccepted or declined');
      return c.respondToInvitation(p.email, b as { iCalUId?: string; organizer?: string; eventId?: string }, response, { keepInCalendar: b.keepInCalendar === true });
    },
  ],
  ['POST', /^\/mailboxes\/(?<email>[^/]+)\/expire-delta$/, (c, _b, _q, p) => c.expireDeltaTokens(p.email)],
  ['PUT', /^\/mailboxes\/(?<email>[^/]+)\/events\/(?<id>[^/]+)\/malformed$/, (c, b, _q, p) => c.malformEvent(p.email, p.id, b)],
  ['DELETE', /^\/mailboxes\/(?<email>[^/]+)\/events\/(?<id>[^/]+)\/malformed$/, (c, _b, _q, p) => c.clearMalformed(p.email, p.id)],
  ['DELETE', /^\/mailboxes\/(?<email>[^/]+)\/malformed$/, (c, _b, _q, p) => c.clearMalformed(p.email)],
  ['GET', /^\/log$/, (c, _b, q) => c.requestLog(Number(q.get('since') ?? 0))],
  ['DELETE', /^\/log$/, (c) => c.clearRequestLog()],
  ['GET', /^\/metrics$/, (c) => c.metrics()],
  ['DELETE', /^\/metrics$/, (c) => c.resetMetrics()],
  ['GET', /^\/faults$/, (c) => c.faults()],
  ['PUT', /^\/faults$/, (c, b) => c.setFaults(b)],
  ['DELETE', /^\/faults$/, (c) => c.clearFaults()],
  ['POST', /^\/pause$/, (c, b) => c.pause(b.email === undefined ? undefined : str(b.email, 'email'))],
  ['POST', /^\/resume$/, (c) => c.resume()],
  ['GET', /^\/in-flight\/(?<email>[^/]+)$/, (c, _b, _q, p) => ({ inFlight: c.inFlight(p.email) })],
  ['GET', /^\/limits$/, (c) => c.limits()],
  ['PUT', /^\/limits$/, (c, b) => c.setLimits(limitsOf(b))],
  ['GET', /^\/budget\/(?<email>[^/]+)$/, (c, _b, _q, p) => ({ spent: c.budgetSpent(p.email), ...c.limits() })],
  ['POST', /^\/clock$/, (c, b) => c.advanceClock(Number(b.advanceSeconds ?? 0))],
];

export async function handleControl(control: SimulatorControl, method: string, path: string, query: URLSearchParams, body: unknown): Promise<ControlReply> {
  const sub = path.replace(/^\/_control/, '') || '/';
  for (const [m, re, op] of ROUTES) {
    const match = re.exec(sub);
    if (!match || m !== method) continue;
    const groups = match.groups ?? {};
    const params = { email: decodeURIComponent(groups.email ?? ''), id: decodeURIComponent(groups.id ?? '') };
    try {
      const result = await op(control, (body ?? {}) as Record<string, unknown>, query, params);
      return result === undefined ? { status: 204 } : { status: 200, body: result };
    } catch (error) {
      if (error instanceof ControlError) return { status: error.status, body: { error: { code: 'ControlError', message: error.message } } };
      if (error instanceof GraphError) return { status: error.status, body: { error: { code: error.code, message: error.message } } };
      if (error instanceof RangeError) return { status: 400, body: { error: { code: 'ControlError', message: error.message } } };
      throw error;
    }
  }
  return { status: 404, body: { error: { code: 'ControlError', message: `no control operation ${method} ${sub}` } } };
}
