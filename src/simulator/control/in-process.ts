// In-process control of the simulator: act as a user in Outlook, inspect mailboxes, read the
// request log and metrics, inject faults, expire delta state, revoke sign-ins. The HTTP control
// API (http.ts) exposes the same operations under /_control.
import { ControlError, type CalendarRole, type ExtendedProperty, type StoredEvent, type User } from '../mailbox/model.js';
import { parseEventInput } from '../mailbox/event-input.js';
import { acceptInvitation, createEvent, deleteEvent, respondToInvitation, updateEvent, type InvitationResponse } from '../mailbox/calendar-ops.js';
import { etag } from '../graph/event-view.js';
import { parseMalformation, type Malformation } from '../mailbox/malform.js';
import { formatInstant, parseIsoInstant } from '../time.js';
import type { Directory } from '../mailbox/directory.js';
import type { TokenStore } from '../identity/tokens.js';
import type { AppInput, AppRegistry, AppView } from '../identity/apps.js';
import type { ConditionalAccess } from '../identity/endpoints.js';
import type { RequestLog, RequestLogEntry, Metrics } from '../request-log.js';
import type { Faults, FaultSettings } from '../graph/faults.js';
import type { Gate, Limiter, Limits } from '../graph/throttle.js';

/** A stored event as the mailbox holds it: both id formats, body as sent, extended properties. */
export interface EventView {
  id: string;
  immutableId: string;
  calendar: CalendarRole;
  type: string;
  seriesMasterId: string | null;
  seriesMasterImmutableId: string | null;
  originalStart: string | null;
  changeKey: string;
  etag: string;
  iCalUId: string;
  transactionId: string | null;
  createdDateTime: string;
  lastModifiedDateTime: string;
  isOrganizer: boolean;
  organizer: { emailAddress: { name: string; address: string } };
  responseStatus: { response: string; time: string };
  isCancelled: boolean;
  deleted: boolean;
  startUtc: string;
  endUtc: string;
  cancelledOccurrences: string[];
  extendedProperties: ExtendedProperty[];
  [field: string]: unknown;
}

export interface PendingDeviceCode {
  userCode: string;
  clientId: string;
  scope: string;
  expiresAt: string;
  status: string;
}

export interface SimulatorControl {
  addUser(user: { email: string; name?: string }): User;
  users(): User[];
  pendingDeviceCodes(): PendingDeviceCode[];
  approveDeviceCode(userCode: string, email: string): void;
  declineDeviceCode(userCode: string): void;
  /** Device codes and the authorization page both approve as this user at once. */
  setAutoApprove(email: string | null): void;
  /**
   * Registers (or replaces) an app for app-only access: its certificate (PEM, public part) and the
   * mailboxes its RBAC for Applications scope covers (null or absent: every mailbox).
   */
  registerApp(app: AppInput): AppView;
  apps(): AppView[];
  setAppMailboxes(clientId: string, mailboxes: string[] | null): AppView;
  removeApp(clientId: string): void;
  /** Refuse device-code sign-ins the way a Conditional Access policy does (AADSTS53003, or 50199). */
  setConditionalAccess(policy: { blockDeviceCode: boolean; errorCode?: 53003 | 50199 }): ConditionalAccess;
  /** Shortcut for tests that need a bearer token without running a sign-in. */
  issueTokens(email: string, scope?: string): { accessToken: string; refreshToken: string };
  createEvent(email: string, event: Record<string, unknown>, options?: { calendar?: CalendarRole }): EventView;
  updateEvent(email: string, id: string, patch: Record<string, unknown>): EventView;
  deleteEvent(email: string, id: string): void;
  acceptInvitation(email: string, ref: { iCalUId?: string; organizer?: string; eventId?: string }): EventView;
  /** Accept, tentatively accept or decline (declining removes the copy unless `keepInCalendar`). */
  respondToInvitation(email: string, ref: { iCalUId?: string; organizer?: string; eventId?: string }, response: InvitationResponse, options?: { keepInCalendar?: boolean }): EventView;
  events(email: string, options?: { calendar?: CalendarRole | 'all'; includeDeleted?: boolean }): EventView[];
  event(email: string, id: string): EventView | null;
  instances(email: string, seriesId: string, start: string, end: string): EventView[];
  requestLog(sinceSeq?: number): RequestLogEntry[];
  clearRequestLog(): void;
  metrics(): Metrics;
  resetMetrics(): void;
  setFaults(faults: FaultSettings): FaultSettings;
  faults(): FaultSettings;
  clearFaults(): void;
  expireDeltaTokens(email: string): void;
  /**
   * Graph serves this event's JSON rewritten (delta pages, reads, lists, write answers) until
   * cleared; the stored event and its changeKey are untouched. Replaces an earlier malformation.
   */
  malformEvent(email: string, id: string, malformation: Malformation): void;
  /** Serve it well again (every event of the mailbox when no id is given). */
  clearMalformed(email: string, id?: string): void;
  revokeUser(email: string): void;
  /** Hold admitted Graph requests in flight until resume(): every mailbox's, or one mailbox's. */
  pause(email?: string): void;
  resume(): void;
  inFlight(email: string): number;
  waitForInFlight(email: string, count: number, timeoutMs?: number): Promise<void>;
  /** Resolves once no request of the mailbox is in flight (what was admitted has been answered). */
  waitForIdle(email: string, timeoutMs?: number): Promise<void>;
  /** Per-mailbox limits now in force: in flight, and the request budget's size and window. */
  limits(): Limits;
  /** Changes some of them (the rest stay); RangeError for a value out of range. */
  setLimits(limits: Partial<Limits>): Limits;
  /** Requests the mailbox spent within the budget's current window (throttled ones included). */
  budgetSpent(email: string): number;
  /** Moves the simulator's clock (tokens, device codes, the 10-minute budget) forward. */
  advanceClock(seconds: number): void;
}

export interface ControlDeps {
  directory: Directory;
  tokens: TokenStore;
  log: RequestLog;
  faults: Faults;
  limiter: Limiter;
  gate: Gate;
  tenantId: string;
  issuer: string;
  autoApprove: { email: string | null };
  apps: Pick<AppRegistry, 'register' | 'setMailboxes' | 'remove' | 'list'>;
  conditionalAccess: ConditionalAccess;
  advanceClock(seconds: number): void;
}

export function eventView(ev: StoredEvent): EventView {
  return {
    ...structuredClone(ev.fields),
    id: ev.id,
    immutableId: ev.immutableId,
    calendar: ev.calendar,
    type: ev.type,
    seriesMasterId: ev.seriesMaster?.id ?? null,
    seriesMasterImmutableId: ev.seriesMaster?.immutableId ?? null,
    originalStart: ev.originalStartMs === null ? null : new Date(ev.originalStartMs).toISOString(),
    changeKey: ev.changeKey,
    etag: etag(ev.changeKey),
    iCalUId: ev.iCalUId,
    transactionId: ev.transactionId,
    createdDateTime: formatInstant(ev.createdMs),
    lastModifiedDateTime: formatInstant(ev.lastModifiedMs),
    isOrganizer: ev.isOrganizer,
    organizer: structuredClone(ev.organizer),
    responseStatus: { ...ev.responseStatus },
    isCancelled: ev.isCancelled,
    deleted: ev.deleted,
    startUtc: new Date(ev.startMs).toISOString(),
    endUtc: new Date(ev.endMs).toISOString(),
    cancelledOccurrences: ev.cancelledOccurrences.map((ms) => new Date(ms).toISOString()),
    extendedProperties: ev.extendedProperties.map((p) => ({ ...p })),
  };
}

export function createControl(d: ControlDeps): SimulatorControl {
  const code = (userCode: string) => {
    const found = d.tokens.byUserCode(userCode);
    if (!found) throw new ControlError(404, `no pending device code ${userCode}`);
    return found;
  };
  const target = (email: string, id: string) => {
    const ev = d.directory.require(email).resolve(id);
    if (!ev) throw new ControlError(404, `no event ${id} in ${email}`);
    return ev;
  };
  return {
    addUser: (user) => ({ ...d.directory.add(user).user }),
    users: () => d.directory.users(),
    pendingDeviceCodes: () =>
      [...d.tokens.deviceCodes.values()].map((c) => ({
        userCode: c.userCode, clientId: c.clientId, scope: c.scope, expiresAt: new Date(c.expiresAtMs).toISOString(), status: c.status,
      })),
    approveDeviceCode(userCode, email) {
      const c = code(userCode);
      d.directory.require(email);
      c.status = 'approved';
      c.email = email;
    },
    declineDeviceCode(userCode) {
      code(userCode).status = 'declined';
    },
    setAutoApprove(email) {
      d.autoApprove.email = email;
    },
    registerApp: (app) => d.apps.register(app),
    apps: () => d.apps.list(),
    setAppMailboxes: (clientId, mailboxes) => d.apps.setMailboxes(clientId, mailboxes),
    removeApp: (clientId) => d.apps.remove(clientId),
    setConditionalAccess(policy) {
      const errorCode = policy.errorCode ?? 53003;
      if (errorCode !== 53003 && errorCode !== 50199) throw new ControlError(400, 'errorCode must be 53003 or 50199');
      d.conditionalAccess.blockDeviceCode = policy.blockDeviceCode === true;
      d.conditionalAccess.errorCode = errorCode;
      return { ...d.conditionalAccess };
    },
    issueTokens(email, scope = 'Calendars.ReadWrite User.Read openid profile offline_access') {
      const user = d.directory.require(email).user;
      const r = d.tokens.issue(user, d.tenantId, d.issuer, 'simulator-control', scope);
      return { accessToken: r.access_token as string, refreshToken: r.refresh_token as string };
    },
    createEvent(email, event, options = {}) {
      const input = parseEventInput(event);
      const mailbox = d.directory.require(email);
      const meta = { calendar: options.calendar ?? 'primary', transactionId: input.transactionId ?? null, extendedProperties: input.extendedProperties ?? [] };
      return eventView(createEvent(d.directory, mailbox, input, meta));
    },
    updateEvent: (email, id, patch) => eventView(updateEvent(d.directory, d.directory.require(email), target(email, id), parseEventInput(patch))),
    deleteEvent: (email, id) => deleteEvent(d.directory, d.directory.require(email), target(email, id)),
    acceptInvitation: (email, ref) => eventView(acceptInvitation(d.directory, email, ref)),
    respondToInvitation: (email, ref, response, options) => eventView(respondToInvitation(d.directory, email, ref, response, options)),
    events(email, options = {}) {
      const calendar = options.calendar ?? 'all';
      return [...d.directory.require(email).events.values()]
        .filter((e) => (options.includeDeleted || !e.deleted) && (calendar === 'all' || e.calendar === calendar))
        .map(eventView);
    },
    event(email, id) {
      const ev = d.directory.require(email).resolve(id);
      return ev ? eventView(ev) : null;
    },
    instances(email, seriesId, start, end) {
      const master = target(email, seriesId);
      const from = parseIsoInstant(start);
      const to = parseIsoInstant(end);
      if (from === null || to === null) throw new ControlError(400, 'instances needs ISO start and end');
      return d.directory
        .require(email)
        .instances(from, to, master.calendar)
        .filter((e) => e.seriesMaster?.key === master.key)
        .sort((a, b) => a.startMs - b.startMs)
        .map(eventView);
    },
    requestLog: (since) => d.log.list(since),
    clearRequestLog: () => d.log.clear(),
    metrics: () => d.log.snapshot(),
    resetMetrics: () => d.log.resetMetrics(),
    setFaults: (f) => d.faults.set(f),
    faults: () => d.faults.get(),
    clearFaults: () => d.faults.clear(),
    expireDeltaTokens(email) {
      d.directory.require(email).deltaEpoch++;
    },
    malformEvent(email, id, malformation) {
      d.directory.require(email).malformed.set(target(email, id).key, parseMalformation(malformation));
    },
    clearMalformed(email, id) {
      const mailbox = d.directory.require(email);
      if (id === undefined) mailbox.malformed.clear();
      else mailbox.malformed.delete(target(email, id).key);
    },
    revokeUser(email) {
      d.directory.require(email);
      d.tokens.revoke(email);
    },
    pause: (email) => d.gate.pause(email),
    resume: () => d.gate.resume(),
    inFlight: (email) => d.limiter.current(email),
    waitForInFlight: (email, count, timeoutMs) => d.limiter.waitForInFlight(email, count, timeoutMs),
    waitForIdle: (email, timeoutMs) => d.limiter.waitForIdle(email, timeoutMs),
    limits: () => ({ ...d.limiter.limits }),
    setLimits: (limits) => d.limiter.setLimits(limits),
    budgetSpent: (email) => d.limiter.spentInWindow(email),
    advanceClock: (seconds) => d.advanceClock(seconds),
  };
}
