// A mailbox reached through the firm's app-only connection that the app may not reach is that
// staff member's problem, not the firm's, and not one a rerun fixes: Exchange's RBAC for
// Applications keeps it out of the app's scope (403 ErrorAccessDenied), or there is no such user
// (404). Such an answer becomes a "person must act" error naming them, and is remembered for
// status until a run gets through. https://learn.microsoft.com/exchange/permissions-exo/application-rbac

import { ActionRequiredError } from '../errors.js';
import { GraphCallError } from '../graph/calendar.js';
import type { RemoteCalendar } from '../sync/ports.js';

/** Graph's codes for "no such mailbox" under /users/{id}. */
const NO_MAILBOX = new Set(['ErrorInvalidUser', 'ResourceNotFound', 'Request_ResourceNotFound', 'MailboxNotEnabledForRESTAPI', 'ErrorNonExistentMailbox']);

export function mailboxRefusal(error: unknown, email: string): ActionRequiredError | null {
  if (!(error instanceof GraphCallError)) return null;
  const other = `or let them sign in themselves: caseflow-outlook connect --staff ${email}`;
  if (error.status === 403 && error.graphCode === 'ErrorAccessDenied') {
    return new ActionRequiredError('mailbox_not_in_scope', `the firm's app-only connection may not reach the mailbox of ${email} (Graph answered 403 ErrorAccessDenied): it is outside the app's RBAC for Applications scope`, {
      hint: `have a Microsoft 365 admin add ${email} to the mail-enabled security group of the app's management scope (a change can take up to two hours to apply), ${other}`,
      cause: error,
    });
  }
  if (error.status === 404 && NO_MAILBOX.has(error.graphCode)) {
    return new ActionRequiredError('mailbox_not_found', `the firm's app-only connection finds no Exchange Online mailbox for ${email} (Graph answered 404 ${error.graphCode})`, {
      hint: `the staff member's email must be their Microsoft 365 user principal name (staff add --email), ${other}`,
      cause: error,
    });
  }
  return null;
}

/** The calendar of a mailbox reached app-only, with the refusals above named and reported. */
export class AppMailboxCalendar implements RemoteCalendar {
  constructor(
    private readonly inner: RemoteCalendar,
    private readonly email: string,
    /** `detail`: Graph's answer in a few words, e.g. `403 ErrorAccessDenied`. */
    private readonly onRefused: (error: ActionRequiredError, detail: string) => void,
  ) {}

  private async guard<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      const refusal = mailboxRefusal(error, this.email);
      if (!refusal) throw error;
      const e = error as GraphCallError;
      this.onRefused(refusal, `Graph answered ${e.status} ${e.graphCode}`);
      throw refusal;
    }
  }

  deltaStart(...a: Parameters<RemoteCalendar['deltaStart']>) {
    return this.guard(() => this.inner.deltaStart(...a));
  }
  deltaNext(...a: Parameters<RemoteCalendar['deltaNext']>) {
    return this.guard(() => this.inner.deltaNext(...a));
  }
  getEvent(...a: Parameters<RemoteCalendar['getEvent']>) {
    return this.guard(() => this.inner.getEvent(...a));
  }
  findByTag(...a: Parameters<RemoteCalendar['findByTag']>) {
    return this.guard(() => this.inner.findByTag(...a));
  }
  write(...a: Parameters<RemoteCalendar['write']>) {
    return this.guard(() => this.inner.write(...a));
  }
  calendarView(...a: Parameters<RemoteCalendar['calendarView']>) {
    return this.guard(() => this.inner.calendarView(...a));
  }
  instances(...a: Parameters<RemoteCalendar['instances']>) {
    return this.guard(() => this.inner.instances(...a));
  }
}
