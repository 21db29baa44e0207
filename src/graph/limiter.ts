// At most N requests in flight per mailbox: Outlook allows 4 per app per mailbox
// (https://learn.microsoft.com/graph/throttling-limits#outlook-service-limits).
// One limiter per process per mailbox, so the daemon's parallel work for one staff member shares it.

export class Semaphore {
  private active = 0;
  private readonly waiters: (() => void)[] = [];
  peak = 0;

  constructor(private readonly capacity: number) {}

  async acquire(signal?: AbortSignal): Promise<() => void> {
    if (this.active >= this.capacity) {
      await new Promise<void>((resolve, reject) => {
        const wake = () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        const onAbort = () => {
          const i = this.waiters.indexOf(wake);
          if (i >= 0) this.waiters.splice(i, 1);
          reject(signal!.reason);
        };
        this.waiters.push(wake);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    } else {
      this.active += 1;
    }
    this.peak = Math.max(this.peak, this.active);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      if (next) next(); // the slot passes straight to the next waiter
      else this.active -= 1;
    };
  }
}

const byMailbox = new Map<string, Semaphore>();

export function mailboxLimiter(mailbox: string, capacity: number): Semaphore {
  const key = `${mailbox.toLowerCase()}#${capacity}`;
  let s = byMailbox.get(key);
  if (!s) {
    s = new Semaphore(capacity);
    byMailbox.set(key, s);
  }
  return s;
}
