// `--state FILE`: users, mailboxes, sign-ins and app registrations survive a restart (written atomically, 0600,
// shortly after each change and on stop). Delta state is not kept: old links answer 410, as
// Outlook may at any time.
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { Directory } from './mailbox/directory.js';
import type { StoredEvent, User } from './mailbox/model.js';
import type { PersistedTokens, TokenStore } from './identity/tokens.js';
import type { AppRegistry, PersistedApp } from './identity/apps.js';

interface PersistedMailbox {
  user: User;
  seq: number;
  calendarIds: Record<string, string>;
  events: StoredEvent[];
}

interface PersistedState {
  version: 1;
  mailboxes: PersistedMailbox[];
  tokens: PersistedTokens;
  /** App registrations for app-only access (absent in files written before they existed). */
  apps?: PersistedApp[];
}

export async function loadState(file: string, directory: Directory, tokens: TokenStore, apps: AppRegistry): Promise<void> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const state = JSON.parse(text) as PersistedState;
  if (state.version !== 1) throw new Error(`unsupported simulator state version in ${file}`);
  for (const saved of state.mailboxes) {
    const mailbox = directory.add(saved.user);
    Object.assign(mailbox.user, saved.user);
    Object.assign(mailbox.calendarIds, saved.calendarIds);
    mailbox.seq = saved.seq;
    for (const ev of saved.events) mailbox.restore(ev);
  }
  tokens.restore(state.tokens);
  apps.restore(state.apps);
}

export async function saveState(file: string, directory: Directory, tokens: TokenStore, apps: AppRegistry): Promise<void> {
  const state: PersistedState = {
    version: 1,
    mailboxes: directory.mailboxes().map((m) => ({ user: m.user, seq: m.seq, calendarIds: m.calendarIds, events: [...m.events.values()] })),
    tokens: tokens.persist(),
    apps: apps.persist(),
  };
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(state), { mode: 0o600 });
  await rename(tmp, file);
}

/** Coalesces bursts of changes into one write; flush() writes now and waits. */
export class StateSaver {
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly file: string,
    private readonly directory: Directory,
    private readonly tokens: TokenStore,
    private readonly apps: AppRegistry,
  ) {}

  changed(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, 200);
    this.timer.unref();
  }

  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.writing = this.writing.then(() => saveState(this.file, this.directory, this.tokens, this.apps)).catch((error: unknown) => {
      process.emitWarning(`simulator state not saved: ${String(error)}`);
    });
    return this.writing;
  }
}
