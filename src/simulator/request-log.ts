// Every request the simulator answered (except /_control), so tests can assert what was sent and
// what never was. Authorization headers and token-endpoint secrets are removed before storing.

export interface RequestLogEntry {
  seq: number;
  time: string;
  method: string;
  /** Path and query as received (batch items: `/v1.0` + the item's url). */
  path: string;
  headers: Record<string, string>;
  requestBody: unknown;
  status: number;
  responseBody: unknown;
  responseHeaders: Record<string, string>;
  mailbox: string | null;
  kind: string;
  /** Whether the request carried `Prefer: IdType="ImmutableId"`. */
  immutableId: boolean;
  /** Token and devicecode requests: the scope asked for. */
  scope?: string;
  /** Batch items: seq of the enclosing $batch request. */
  batchSeq?: number;
  /** Which calendar the request touched, when it touched one. */
  calendar?: 'primary' | 'secondary';
  throttled?: boolean;
  dropped?: boolean;
}

export interface MailboxMetrics {
  requests: number;
  peakInFlight: number;
  throttled: number;
}

export interface Metrics {
  byKind: Record<string, number>;
  perMailbox: Record<string, MailboxMetrics>;
  throttled: number;
  total: number;
}

const SECRET_FORM_FIELDS = ['refresh_token', 'device_code', 'client_secret', 'code', 'assertion', 'client_assertion', 'code_verifier', 'password'];
const SECRET_RESPONSE_FIELDS = ['access_token', 'refresh_token', 'id_token', 'device_code'];
const MAX_ENTRIES = 50_000;

export function redactHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined || k.toLowerCase() === 'authorization') continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

export function redactForm(form: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of form) out[k] = SECRET_FORM_FIELDS.includes(k) ? '[redacted]' : v;
  return out;
}

export function redactTokenResponse(body: unknown): unknown {
  if (!body || typeof body !== 'object') return body;
  const out: Record<string, unknown> = { ...(body as Record<string, unknown>) };
  for (const k of SECRET_RESPONSE_FIELDS) if (k in out) out[k] = '[redacted]';
  return out;
}

export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private seq = 0;
  private metrics: Metrics = RequestLog.emptyMetrics();

  static emptyMetrics(): Metrics {
    return { byKind: {}, perMailbox: {}, throttled: 0, total: 0 };
  }

  nextSeq(): number {
    return ++this.seq;
  }

  add(entry: RequestLogEntry): void {
    this.entries.push(entry);
    if (this.entries.length > MAX_ENTRIES) this.entries.splice(0, this.entries.length - MAX_ENTRIES);
  }

  list(sinceSeq = 0): RequestLogEntry[] {
    return this.entries.filter((e) => e.seq > sinceSeq).map((e) => structuredClone(e));
  }

  clear(): void {
    this.entries = [];
  }

  private mailbox(email: string): MailboxMetrics {
    const key = email.toLowerCase();
    let m = this.metrics.perMailbox[key];
    if (!m) {
      m = { requests: 0, peakInFlight: 0, throttled: 0 };
      this.metrics.perMailbox[key] = m;
    }
    return m;
  }

  count(kind: string, mailbox: string | null): void {
    this.metrics.byKind[kind] = (this.metrics.byKind[kind] ?? 0) + 1;
    this.metrics.total++;
    // The envelope and the item marker are not requests of their own: the items are.
    if (mailbox && kind !== 'batch' && kind !== 'batch.item') this.mailbox(mailbox).requests++;
  }

  throttled(mailbox: string | null): void {
    this.metrics.throttled++;
    if (mailbox) this.mailbox(mailbox).throttled++;
  }

  inFlight(mailbox: string, current: number): void {
    const m = this.mailbox(mailbox);
    m.peakInFlight = Math.max(m.peakInFlight, current);
  }

  snapshot(): Metrics {
    return structuredClone(this.metrics);
  }

  resetMetrics(): void {
    this.metrics = RequestLog.emptyMetrics();
  }
}
