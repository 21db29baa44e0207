// One small hierarchy: every error a user can meet carries its exit code and a hint naming what to
// run next. The engine's own errors (sync/errors.ts) carry data only and are mapped to these in one
// place, cli/errors.ts, never swallowed. Messages must never contain a token, an Authorization
// header or a description.

export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  actionRequired: 3,
  transient: 4,
  busy: 5,
  interrupted: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export interface CliErrorOptions {
  hint?: string | undefined;
  cause?: unknown;
}

export class CliError extends Error {
  readonly exitCode: ExitCodeValue;
  /** Stable machine-readable code for `--json` (`{"error":{"code":...}}`). */
  readonly code: string;
  readonly hint: string | undefined;

  constructor(code: string, message: string, exitCode: ExitCodeValue, options: CliErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = exitCode;
    this.hint = options.hint;
  }
}

/** Exit 2: bad usage or invalid input. The message names the flag and the allowed values. */
export class UsageError extends CliError {
  constructor(message: string, options: CliErrorOptions = {}) {
    super('usage', message, ExitCode.usage, options);
  }
}

/** Exit 2, for an id or name that does not exist in the store. */
export class NotFoundError extends CliError {
  constructor(message: string, options: CliErrorOptions = {}) {
    super('not_found', message, ExitCode.usage, options);
  }
}

/** Exit 3: a person must act (not connected, sign-in expired, feature not enabled). */
export class ActionRequiredError extends CliError {
  constructor(code: string, message: string, options: CliErrorOptions = {}) {
    super(code, message, ExitCode.actionRequired, options);
  }
}

/** Exit 4: transient remote failure after retries; safe to run again. */
export class TransientError extends CliError {
  constructor(message: string, options: CliErrorOptions = {}) {
    super('transient', message, ExitCode.transient, options);
  }
}

/** Exit 5: another run holds this staff member's sync lock. */
export class BusyError extends CliError {
  constructor(message: string, options: CliErrorOptions = {}) {
    super('busy', message, ExitCode.busy, options);
  }
}

/** Exit 130: interrupted by SIGINT after a clean rollback. */
export class InterruptedError extends CliError {
  constructor(message = 'interrupted', options: CliErrorOptions = {}) {
    super('interrupted', message, ExitCode.interrupted, options);
  }
}

/**
 * Exit 4: a server could not be reached at all (connection refused, host not found, TLS refused,
 * timed out). Safe to run again once the address or the network is right; the hint says which
 * setting names the server.
 */
export class UnreachableError extends CliError {
  constructor(message: string, options: CliErrorOptions = {}) {
    super('unreachable', message, ExitCode.transient, options);
  }
}

export type NetworkFailureKind = 'refused' | 'dns' | 'tls' | 'timeout' | 'reset' | 'unreachable';

export interface NetworkFailure {
  kind: NetworkFailureKind;
  /** The OS or TLS code as Node reports it: ECONNREFUSED, ENOTFOUND, SELF_SIGNED_CERT_IN_CHAIN... */
  code: string;
  /** A few words for the message: "connection refused". */
  reason: string;
}

const NETWORK_CODES: Record<string, [NetworkFailureKind, string]> = {
  ECONNREFUSED: ['refused', 'connection refused'],
  ENOTFOUND: ['dns', 'host not found'],
  EAI_AGAIN: ['dns', 'host name lookup failed'],
  EAI_NONAME: ['dns', 'host not found'],
  ETIMEDOUT: ['timeout', 'timed out'],
  UND_ERR_CONNECT_TIMEOUT: ['timeout', 'timed out'],
  UND_ERR_HEADERS_TIMEOUT: ['timeout', 'timed out'],
  ECONNRESET: ['reset', 'connection reset'],
  EPIPE: ['reset', 'connection reset'],
  UND_ERR_SOCKET: ['reset', 'connection closed by the server'],
  EHOSTUNREACH: ['unreachable', 'host unreachable'],
  ENETUNREACH: ['unreachable', 'network unreachable'],
  ENETDOWN: ['unreachable', 'network down'],
  DEPTH_ZERO_SELF_SIGNED_CERT: ['tls', 'self-signed certificate not trusted'],
  SELF_SIGNED_CERT_IN_CHAIN: ['tls', 'self-signed certificate not trusted'],
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: ['tls', 'certificate not trusted'],
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: ['tls', 'certificate not trusted'],
  UNABLE_TO_GET_ISSUER_CERT: ['tls', 'certificate not trusted'],
  CERT_HAS_EXPIRED: ['tls', 'certificate expired'],
  CERT_NOT_YET_VALID: ['tls', 'certificate not yet valid'],
  ERR_TLS_CERT_ALTNAME_INVALID: ['tls', 'certificate does not match the host name'],
};

/**
 * The network failure behind an error, read from its `cause` chain the way Node's fetch reports
 * it (`TypeError: fetch failed` whose cause carries `code`), or null when it is not one.
 */
export function networkFailure(error: unknown): NetworkFailure | null {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0) {
    const e = queue.shift();
    if (e === null || typeof e !== 'object' || seen.has(e)) continue;
    seen.add(e);
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') {
      const known = NETWORK_CODES[code];
      if (known) return { kind: known[0], code, reason: known[1] };
      if (/CERT|SSL|TLS/.test(code)) return { kind: 'tls', code, reason: 'TLS failure' };
    }
    queue.push((e as { cause?: unknown }).cause);
    const errors = (e as { errors?: unknown }).errors;
    if (Array.isArray(errors)) queue.push(...errors);
  }
  return null;
}

/**
 * "cannot reach Microsoft Graph at https://host (connection refused)", with a hint naming the
 * setting that holds the address. `setting` is e.g. "graph.baseUrl (env CASEFLOW_GRAPH_URL)".
 */
export function unreachable(server: string, url: string, failure: NetworkFailure, setting: string, cause?: unknown): UnreachableError {
  const where = `cannot reach ${server} at ${url}`;
  const again = 'then run the same command again';
  let hint: string;
  let reason = failure.reason;
  switch (failure.kind) {
    case 'tls':
      reason = `${failure.reason}: ${failure.code}`;
      hint = `for the local simulator, set NODE_EXTRA_CA_CERTS to the CA certificate file it prints when it starts; otherwise check ${setting} and any TLS-inspecting proxy, ${again}`;
      break;
    case 'dns':
      hint = `check the host name in ${setting} and the network's DNS, ${again}`;
      break;
    case 'timeout':
      hint = `check ${setting} and the network (a proxy or firewall may be in the way), ${again}`;
      break;
    default:
      hint = `check ${setting} and the network, ${again}`;
  }
  return new UnreachableError(`${where} (${reason})`, { hint, cause });
}
