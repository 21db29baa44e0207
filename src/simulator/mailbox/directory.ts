// The tenant's users, each with a mailbox. Email addresses match case-insensitively.
import { Mailbox } from './mailbox.js';
import { ControlError, DEFAULT_MAILBOX_ZONE, type User } from './model.js';
import { uuid } from '../random.js';

export class Directory {
  private readonly byEmail = new Map<string, Mailbox>();

  constructor(
    private readonly now: () => number,
    private readonly changed: () => void,
  ) {}

  add(input: { email: string; name?: string; oid?: string }): Mailbox {
    const email = input.email.trim();
    if (!/^[^@\s]+@[^@\s]+$/.test(email)) throw new ControlError(400, `not an email address: ${input.email}`);
    const existing = this.get(email);
    if (existing) return existing;
    const user: User = {
      email,
      name: input.name?.trim() || email.split('@')[0] || email,
      oid: input.oid ?? uuid(),
      timeZone: { ...DEFAULT_MAILBOX_ZONE },
    };
    const mailbox = new Mailbox(user, this.now, this.changed);
    this.byEmail.set(email.toLowerCase(), mailbox);
    this.changed();
    return mailbox;
  }

  get(email: string): Mailbox | undefined {
    return this.byEmail.get(email.trim().toLowerCase());
  }

  /** A mailbox by its user's email or object id, as Graph's `/users/{id | userPrincipalName}` takes either. */
  find(idOrEmail: string): Mailbox | undefined {
    return this.get(idOrEmail) ?? this.mailboxes().find((m) => m.user.oid === idOrEmail.trim());
  }

  require(email: string): Mailbox {
    const mailbox = this.get(email);
    if (!mailbox) throw new ControlError(404, `no such simulator user: ${email}`);
    return mailbox;
  }

  users(): User[] {
    return this.mailboxes().map((m) => ({ ...m.user }));
  }

  mailboxes(): Mailbox[] {
    return [...this.byEmail.values()];
  }
}
