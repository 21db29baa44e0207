// The one place where an error becomes what a person reads: the exit code, one line naming the
// problem, and a hint naming the command to run next, with the real staff email. The engine's
// errors (sync/errors.ts) carry data only; CliErrors (errors.ts) carry their own words and pass
// through, except that a transient or interrupted one without a hint is told how to run again.

import { CommanderError } from './commander.js';
import { ActionRequiredError, BusyError, CliError, ExitCode, InterruptedError, TransientError, UsageError } from '../errors.js';
import { ConflictChanged, ConflictGone, ConflictNotApplied, DeltaRoundFailed, Disconnected, InvalidItemError, LockHeld, SignInRefused } from '../sync/errors.js';

export interface ErrorContext {
  /** The command to run again, as typed (output flags left out): `caseflow-outlook sync --staff alice@firm.example`. */
  command: string;
  /** The staff member the command is for, when it names one. */
  staff?: string | undefined;
  /** Where the command's flags are explained: `caseflow-outlook firm set --help`. */
  help?: string | undefined;
}

export function toCliError(error: unknown, context: ErrorContext): CliError {
  if (error instanceof CliError) return withRunAgain(error, context);
  const again = `safe to run again: ${context.command}`;
  const cause = { cause: error };
  if (error instanceof LockHeld) return new BusyError(error.message, { hint: `wait for it to finish, then run: ${context.command}`, ...cause });
  if (error instanceof DeltaRoundFailed || error instanceof ConflictNotApplied) return new TransientError(error.message, { hint: again, ...cause });
  if (error instanceof InvalidItemError) {
    return new TransientError(error.message, { hint: `safe to run again later: ${context.command}; if it keeps failing, check that event in Outlook`, ...cause });
  }
  const staff = (error as { staff?: string }).staff ?? context.staff;
  if (error instanceof Disconnected) {
    const message = error.staff === undefined && staff !== undefined ? new Disconnected(staff).message : error.message;
    return new ActionRequiredError('not_connected', message, {
      hint: staff ? `to sync them again, connect: caseflow-outlook connect --staff ${staff}` : 'see who is connected with: caseflow-outlook status',
      ...cause,
    });
  }
  if (error instanceof SignInRefused) {
    const message = error.staff === undefined && staff !== undefined ? new SignInRefused(error.what, error.status, error.code, staff).message : error.message;
    return new ActionRequiredError('needs_reconnect', message, {
      hint: staff ? `sign in again: caseflow-outlook connect --staff ${staff} --force` : 'see who must sign in again with: caseflow-outlook status',
      ...cause,
    });
  }
  const daemon = `caseflow-outlook daemon --once${staff ? ` --staff ${staff}` : ''}`;
  if (error instanceof ConflictGone) {
    if (error.side === 'caseflow') return new UsageError(error.message, { hint: `the next scheduled run settles the Outlook side: ${daemon}`, ...cause });
    if (error.keep === 'outlook') {
      return new UsageError(error.message, { hint: `keep CaseFlow's version to create it again in Outlook: caseflow-outlook conflicts resolve ${error.conflictId} --keep caseflow`, ...cause });
    }
    return new ActionRequiredError('conflict_changed', error.message, { hint: `the next scheduled run settles it: ${daemon}`, ...cause });
  }
  if (error instanceof ConflictChanged) {
    if (error.side === 'caseflow') return new UsageError(error.message, { hint: `look again with: caseflow-outlook conflicts show ${error.conflictId}`, ...cause });
    const newer = error.supersededBy ?? error.conflictId;
    return new ActionRequiredError('conflict_changed', error.message, { hint: `look at it and resolve that one: caseflow-outlook conflicts show ${newer}`, ...cause });
  }
  if (error instanceof CommanderError) {
    const message = error.message.replace(/^error:\s*/i, '').replace(/\s*\n\s*/g, ' ').trim();
    return new UsageError(message, { hint: `see the allowed flags and values: ${context.help ?? 'caseflow-outlook --help'}` });
  }
  if (error instanceof Error && error.name === 'AbortError') return withRunAgain(new InterruptedError(), context);
  const message = error instanceof Error ? error.message : String(error);
  return new CliError('unexpected', `unexpected failure: ${message}`, ExitCode.failure, {
    hint: `run it again with --verbose for details (${context.command} --verbose), and report it if it persists`,
    ...cause,
  });
}

/**
 * A transient failure whose thrower named nothing to check first, or an interruption: run the
 * same command again. A hint the thrower gave (check a setting, the network) is kept.
 */
function withRunAgain(error: CliError, context: ErrorContext): CliError {
  if (error.hint !== undefined) return error;
  if (error.exitCode === ExitCode.transient) {
    const hint = `safe to run again: ${context.command}`;
    return error instanceof TransientError ? new TransientError(error.message, { hint, cause: error }) : new CliError(error.code, error.message, error.exitCode, { hint, cause: error });
  }
  if (error instanceof InterruptedError) return new InterruptedError(error.message, { hint: `what was written is kept; safe to run again: ${context.command}`, cause: error });
  return error;
}
