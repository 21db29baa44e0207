// One small hierarchy: every error a user can meet carries its exit code (SPEC §2) and a hint
// naming what to run next. Domain errors are mapped to these at the edge (cli/main.ts), never
// swallowed. Messages must never contain a token, an Authorization header or a description.

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

export function isCliError(error: unknown): error is CliError {
  return error instanceof CliError;
}
