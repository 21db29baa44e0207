// Why the engine stopped, as data: who, which conflict, which side, what Graph did. No exit code,
// no hint, no command line: cli/errors.ts turns each into what a person reads and what to run
// next. `message` is one line naming the problem, for logs and the status's last error.

import type { InvalidItem } from './ports.js';

/** Every error the engine raises on purpose (a crash or a bug is not one). */
export abstract class SyncError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Another run (a sync, the daemon, a conflict being resolved) holds this staff member's lock. */
export class LockHeld extends SyncError {
  constructor(readonly staff: string) {
    super(`another run is syncing ${staff} right now`);
  }
}

export type DeltaRoundFailure = 'no-delta-link' | 'paging-loop' | 'page-limit' | 'expired-twice';

/** A delta round that could not be read to its end; nothing of it was applied or saved. */
export class DeltaRoundFailed extends SyncError {
  constructor(
    readonly reason: DeltaRoundFailure,
    /** Pages read before giving up (page-limit). */
    readonly pages?: number,
  ) {
    super(deltaMessage(reason, pages));
  }
}

function deltaMessage(reason: DeltaRoundFailure, pages: number | undefined): string {
  switch (reason) {
    case 'no-delta-link':
      return 'Graph ended a delta round without a deltaLink';
    case 'paging-loop':
      return 'Graph sent the same delta page link twice (a paging loop); the round was abandoned';
    case 'page-limit':
      return `a delta round went past ${pages ?? 'the limit of'} pages without finishing; it was abandoned`;
    case 'expired-twice':
      return 'Graph refused the delta state twice in one run';
  }
}

/** The staff member was disconnected while the run was going: it stopped before its next write. */
export class Disconnected extends SyncError {
  constructor(readonly staff?: string) {
    super(`${staff ?? 'the staff member'} was disconnected during the run; nothing more was written`);
  }
}

/** Microsoft still refused the sign-in (401) after a forced token refresh. */
export class SignInRefused extends SyncError {
  constructor(
    /** What was being done: `delta`, `read event`, ... */
    readonly what: string,
    readonly status: number,
    readonly code: string,
    readonly staff?: string,
  ) {
    super(`${what}: Microsoft refused the sign-in${staff ? ` of ${staff}` : ''} (${status} ${code || 'Unauthorized'}) even after a refresh`);
  }
}

export type Side = 'caseflow' | 'outlook';

/** A conflict cannot be resolved because one side's event no longer exists; nothing was changed. */
export class ConflictGone extends SyncError {
  constructor(
    readonly conflictId: number,
    /** The side whose event is gone. */
    readonly side: Side,
    /** The side that was to be kept. */
    readonly keep: Side,
  ) {
    super(goneMessage(conflictId, side, keep));
  }
}

function goneMessage(id: number, side: Side, keep: Side): string {
  if (side === 'caseflow') return `conflict ${id}: the CaseFlow event is gone; there is nothing to apply`;
  if (keep === 'outlook') return `conflict ${id}: the Outlook event no longer exists, so there is no Outlook version to keep; nothing was changed`;
  return `conflict ${id}: the event changed in Outlook and is now gone there; nothing was changed`;
}

/**
 * The event changed again while its conflict was being resolved; nothing was overwritten. In
 * CaseFlow: look again. In Outlook: `supersededBy` is the conflict that holds both versions now.
 */
export class ConflictChanged extends SyncError {
  constructor(
    readonly conflictId: number,
    readonly side: Side,
    readonly supersededBy?: number,
  ) {
    super(
      side === 'caseflow'
        ? `conflict ${conflictId}: the event was edited in CaseFlow while resolving; nothing was changed`
        : `conflict ${conflictId}: the event changed again in Outlook since it was recorded; nothing was overwritten${supersededBy === undefined ? '' : `, and conflict ${supersededBy} now holds both versions`}`,
    );
  }
}

/** Outlook did not take CaseFlow's version of a conflict's event (throttled, 5xx, ...); nothing was changed. */
export class ConflictNotApplied extends SyncError {
  constructor(
    readonly conflictId: number,
    /** Graph's answer, e.g. `throttled` or `503 ServiceUnavailable`. */
    readonly detail: string,
  ) {
    super(`conflict ${conflictId}: Outlook did not take CaseFlow's version (${detail}); nothing was changed`);
  }
}

/** A single read whose answer failed validation: the event exists but cannot be believed. */
export class InvalidItemError extends SyncError {
  constructor(readonly item: InvalidItem) {
    super(`Outlook event ${item.id ?? '(no id)'} could not be read: ${item.problem}`);
  }
}
