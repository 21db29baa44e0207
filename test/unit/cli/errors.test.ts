// The one mapping from what went wrong to what a person reads: exit code, one line, and a hint
// naming the command to run next with the real staff email.

import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { toCliError } from '../../../src/cli/errors.js';
import { typedCommand } from '../../../src/cli/report.js';
import { ActionRequiredError, CliError, InterruptedError, TransientError, UsageError } from '../../../src/errors.js';
import {
  ConflictChanged,
  ConflictGone,
  ConflictNotApplied,
  DeltaRoundFailed,
  Disconnected,
  InvalidItemError,
  LockHeld,
  SignInRefused,
  SyncError,
} from '../../../src/sync/errors.js';

const ALICE = 'alice@firm.example';
const SYNC = { command: `caseflow-outlook sync --staff ${ALICE}`, staff: ALICE };
const RESOLVE = { command: 'caseflow-outlook conflicts resolve 3 --keep caseflow' };

const shown = (e: CliError) => ({ code: e.code, exitCode: e.exitCode, message: e.message, hint: e.hint });

describe('engine errors become one line and the command to run next', () => {
  it('a held lock is exit 5 naming the staff member, and the same command once the other run is done', () => {
    expect(shown(toCliError(new LockHeld(ALICE), RESOLVE))).toEqual({
      code: 'busy',
      exitCode: 5,
      message: `another run is syncing ${ALICE} right now`,
      hint: 'wait for it to finish, then run: caseflow-outlook conflicts resolve 3 --keep caseflow',
    });
  });

  it.each(['no-delta-link', 'paging-loop', 'page-limit', 'expired-twice'] as const)('a delta round that could not finish (%s) is exit 4: safe to run the same command again', (reason) => {
    const e = toCliError(new DeltaRoundFailed(reason, 500), SYNC);
    expect(e.exitCode).toBe(4);
    expect(e.message).not.toContain('\n');
    expect(e.hint).toBe(`safe to run again: caseflow-outlook sync --staff ${ALICE}`);
  });

  it('a sign-in Graph still refuses after a refresh is exit 3 with the connect command for that very staff member', () => {
    const fromError = toCliError(new SignInRefused('delta', 401, 'InvalidAuthenticationToken', 'bob@firm.example'), SYNC);
    expect(shown(fromError)).toEqual({
      code: 'needs_reconnect',
      exitCode: 3,
      message: 'delta: Microsoft refused the sign-in of bob@firm.example (401 InvalidAuthenticationToken) even after a refresh',
      hint: 'sign in again: caseflow-outlook connect --staff bob@firm.example --force',
    });
    // The calendar did not know whose it was: the command line's --staff names them.
    const fromCommand = toCliError(new SignInRefused('read event', 401, ''), SYNC);
    expect(fromCommand.message).toBe(`read event: Microsoft refused the sign-in of ${ALICE} (401 Unauthorized) even after a refresh`);
    expect(fromCommand.hint).toBe(`sign in again: caseflow-outlook connect --staff ${ALICE} --force`);
    // Nobody to name: a real command that shows who, never a placeholder.
    expect(toCliError(new SignInRefused('delta', 401, ''), RESOLVE).hint).toBe('see who must sign in again with: caseflow-outlook status');
  });

  it('a disconnect during the run is exit 3; the hint connects that staff member again, or points at status', () => {
    const e = toCliError(new Disconnected(), SYNC);
    expect(shown(e)).toEqual({
      code: 'not_connected',
      exitCode: 3,
      message: `${ALICE} was disconnected during the run; nothing more was written`,
      hint: `to sync them again, connect: caseflow-outlook connect --staff ${ALICE}`,
    });
    expect(toCliError(new Disconnected(), RESOLVE).hint).toBe('see who is connected with: caseflow-outlook status');
  });

  it('conflicts that can no longer be resolved as asked say which command settles them', () => {
    expect(shown(toCliError(new ConflictGone(3, 'caseflow', 'outlook'), RESOLVE))).toMatchObject({
      exitCode: 2,
      message: 'conflict 3: the CaseFlow event is gone; there is nothing to apply',
      hint: 'the next scheduled run settles the Outlook side: caseflow-outlook daemon --once',
    });
    expect(toCliError(new ConflictGone(3, 'outlook', 'outlook'), RESOLVE)).toMatchObject({
      exitCode: 2,
      hint: "keep CaseFlow's version to create it again in Outlook: caseflow-outlook conflicts resolve 3 --keep caseflow",
    });
    expect(toCliError(new ConflictGone(3, 'outlook', 'caseflow'), { ...RESOLVE, staff: ALICE })).toMatchObject({
      code: 'conflict_changed',
      exitCode: 3,
      hint: `the next scheduled run settles it: caseflow-outlook daemon --once --staff ${ALICE}`,
    });
    expect(shown(toCliError(new ConflictChanged(3, 'outlook', 4), RESOLVE))).toEqual({
      code: 'conflict_changed',
      exitCode: 3,
      message: 'conflict 3: the event changed again in Outlook since it was recorded; nothing was overwritten, and conflict 4 now holds both versions',
      hint: 'look at it and resolve that one: caseflow-outlook conflicts show 4',
    });
    expect(toCliError(new ConflictChanged(3, 'caseflow'), RESOLVE)).toMatchObject({ exitCode: 2, hint: 'look again with: caseflow-outlook conflicts show 3' });
    expect(toCliError(new ConflictNotApplied(3, '503 ServiceUnavailable'), RESOLVE)).toMatchObject({
      exitCode: 4,
      message: "conflict 3: Outlook did not take CaseFlow's version (503 ServiceUnavailable); nothing was changed",
      hint: 'safe to run again: caseflow-outlook conflicts resolve 3 --keep caseflow',
    });
  });

  it('an Outlook event that fails validation is exit 4 without its text, and says to look at it if it persists', () => {
    const e = toCliError(new InvalidItemError({ id: 'AAMk1', problem: 'end is missing' }), SYNC);
    expect(shown(e)).toEqual({
      code: 'transient',
      exitCode: 4,
      message: 'Outlook event AAMk1 could not be read: end is missing',
      hint: `safe to run again later: caseflow-outlook sync --staff ${ALICE}; if it keeps failing, check that event in Outlook`,
    });
  });

  it('engine errors carry data only: no exit code, no hint, no command line', () => {
    const all: SyncError[] = [
      new LockHeld(ALICE),
      new DeltaRoundFailed('paging-loop'),
      new Disconnected(ALICE),
      new SignInRefused('delta', 401, '', ALICE),
      new ConflictGone(1, 'caseflow', 'caseflow'),
      new ConflictChanged(1, 'outlook', 2),
      new ConflictNotApplied(1, 'throttled'),
      new InvalidItemError({ id: null, problem: 'id is missing' }),
    ];
    for (const e of all) {
      expect(e).toBeInstanceOf(SyncError);
      expect(e).not.toHaveProperty('exitCode');
      expect(e).not.toHaveProperty('hint');
      expect(e.message).not.toMatch(/caseflow-outlook|--staff/);
    }
  });
});

describe('CliErrors pass through, told how to run again when they do not say', () => {
  it('a transient failure without a hint gets the command; one that names a setting to check keeps it', () => {
    const bare = toCliError(new TransientError('delta: Graph answered 503'), SYNC);
    expect(shown(bare)).toEqual({ code: 'transient', exitCode: 4, message: 'delta: Graph answered 503', hint: `safe to run again: caseflow-outlook sync --staff ${ALICE}` });
    expect(bare.cause).toBeInstanceOf(TransientError);
    const own = new TransientError('no answer', { hint: 'check graph.baseUrl and the network, then run the same command again' });
    expect(toCliError(own, SYNC)).toBe(own);
  });

  it('an interruption without a hint says what was written is kept and how to run it again', () => {
    expect(toCliError(new InterruptedError(), SYNC).hint).toBe(`what was written is kept; safe to run again: caseflow-outlook sync --staff ${ALICE}`);
    const usage = new UsageError('--keep must be caseflow or outlook');
    expect(toCliError(usage, RESOLVE)).toBe(usage);
    const action = new ActionRequiredError('feature_not_enabled', 'not enabled', { hint: 'contact support' });
    expect(toCliError(action, SYNC)).toBe(action);
  });

  it('commander refusals are usage errors pointing at the help; anything else is exit 1 naming --verbose', () => {
    const usage = toCliError(new CommanderError(1, 'commander.invalidArgument', "error: option '--plan <plan>' argument 'x' is invalid.\n"), {
      command: 'caseflow-outlook firm set --plan x',
      help: 'caseflow-outlook firm set --help',
    });
    expect(shown(usage)).toEqual({ code: 'usage', exitCode: 2, message: "option '--plan <plan>' argument 'x' is invalid.", hint: 'see the allowed flags and values: caseflow-outlook firm set --help' });
    const bug = toCliError(new TypeError('x is undefined'), SYNC);
    expect(shown(bug)).toEqual({
      code: 'unexpected',
      exitCode: 1,
      message: 'unexpected failure: x is undefined',
      hint: `run it again with --verbose for details (caseflow-outlook sync --staff ${ALICE} --verbose), and report it if it persists`,
    });
  });
});

describe('the command to run again', () => {
  it('is the command as typed, without output flags or a description, quoted for a shell', () => {
    expect(typedCommand(['--json', 'sync', '--staff', ALICE, '--verbose'])).toBe(`caseflow-outlook sync --staff ${ALICE}`);
    expect(typedCommand(['--db', '/tmp/a b/store.db', 'conflicts', 'resolve', '3', '--keep', 'caseflow', '--by', "Dana O'Reyes"])).toBe(
      "caseflow-outlook --db '/tmp/a b/store.db' conflicts resolve 3 --keep caseflow --by 'Dana O'\\''Reyes'",
    );
    expect(typedCommand(['events', 'update', '3', '--description', 'privileged notes', '--description=more', '--push-now'])).toBe('caseflow-outlook events update 3 --push-now');
  });
});
