// The looping daemon's settings and surroundings: the test-only time scale, SIGHUP re-reading
// the config (flags still win), and the check that the store file is still the one it opened.

import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import { loadSettings } from '../../config/load.js';
import { SETTING_KEYS, type SettingKey } from '../../config/resolve.js';
import { JITTER } from '../../daemon/schedule.js';
import { CliError, ExitCode, UsageError } from '../../errors.js';
import type { Context } from '../context.js';
import { toCliError } from '../errors.js';
import type { DaemonLogger } from './daemon-log.js';

/** How often the store's data version is read for CaseFlow edits. */
export const POLL_MS = 1000;
const SCALE_VAR = 'CASEFLOW_DAEMON_TIME_SCALE';

/**
 * For tests only: every duration of the loop (interval, jitter, quiet delay, polling, backoff)
 * multiplied by this, so `--interval 30` at 0.01 cycles every 0.3 s.
 */
export function timeScale(env: Record<string, string | undefined>): number {
  const raw = env[SCALE_VAR];
  if (raw === undefined || raw === '') return 1;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || n > 1) {
    throw new UsageError(`environment variable ${SCALE_VAR} must be a number above 0 and at most 1 (got ${JSON.stringify(raw)})`, {
      hint: `unset ${SCALE_VAR}: it only exists to make the daemon's tests fast`,
    });
  }
  return n;
}

export function fileIdentity(path: string): { path: string; dev: number; ino: number } | null {
  try {
    const st = statSync(path);
    return { path, dev: st.dev, ino: st.ino };
  } catch {
    return null;
  }
}

/**
 * A store file replaced under the running daemon (restored from a backup, moved away) would go on
 * being synced through the old open file: stop instead (exit 1), so a supervisor starts it again
 * on the new file.
 */
export function checkStoreFile(at: ReturnType<typeof fileIdentity>): void {
  if (!at) return;
  const now = fileIdentity(at.path);
  if (now && now.dev === at.dev && now.ino === at.ino) return;
  throw new CliError('store_replaced', `the store file ${at.path} was ${now ? 'replaced' : 'removed'} while the daemon ran: stopping`, ExitCode.failure, {
    hint: 'start the daemon again (under systemd it is restarted for you): caseflow-outlook daemon',
  });
}

export const timing = (ctx: Context) => ({
  intervalSeconds: ctx.settings['sync.intervalSeconds'],
  concurrency: ctx.settings['daemon.concurrency'],
  quietSeconds: ctx.settings['daemon.quietSeconds'],
});

export function describeTiming(ctx: Context): string {
  const t = timing(ctx);
  return `${t.intervalSeconds} s (±${JITTER * 100}%), ${t.concurrency} staff member(s) at once, CaseFlow edits pushed after ${t.quietSeconds} s of quiet`;
}

/** SIGHUP: the config read again, as at start (flags still win); a bad file changes nothing. */
export function reload(ctx: Context, log: DaemonLogger): void {
  const flags: Partial<Record<SettingKey, unknown>> = {};
  for (const key of SETTING_KEYS) if (ctx.sources[key] === 'flag') flags[key] = ctx.settings[key];
  let loaded: ReturnType<typeof loadSettings>;
  try {
    loaded = loadSettings({ configFlag: ctx.configFile ?? undefined, flags, env: ctx.env, home: ctx.env.HOME || homedir() });
  } catch (error) {
    const e = toCliError(error, { command: 'kill -HUP' });
    log.event('error', 'config.refused', `SIGHUP: the config was not re-read: ${e.message}; the daemon keeps its settings`, { code: e.code, hint: e.hint });
    return;
  }
  const changed: SettingKey[] = [];
  for (const key of SETTING_KEYS) {
    if (loaded.settings[key] === ctx.settings[key]) continue;
    if (key === 'store.path') {
      log.event('warn', 'config.store', `SIGHUP: store.path changed to ${loaded.settings[key]}; the daemon keeps ${ctx.settings[key]} until it is restarted`);
      continue;
    }
    (ctx.settings as unknown as Record<string, unknown>)[key] = loaded.settings[key];
    ctx.sources[key] = loaded.sources[key];
    changed.push(key);
  }
  const what = changed.length ? `changed: ${changed.map((k) => `${k} = ${JSON.stringify(ctx.settings[k])}`).join(', ')}` : 'nothing changed';
  log.event('info', 'config.reloaded', `SIGHUP: config re-read from ${loaded.configFile ?? 'the environment and defaults'}: ${what}; a cycle every ${describeTiming(ctx)}`, {
    file: loaded.configFile,
    changed,
    ...timing(ctx),
  });
}
