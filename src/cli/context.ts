// Wires what a command needs: settings, the store (opened on first use), clock, logger, output
// streams. Commands receive this and return data; they never touch process or console.

import { homedir } from 'node:os';
import { loadSettings } from '../config/load.js';
import type { Resolved, SettingKey, Settings } from '../config/resolve.js';
import { createLogger, type Logger } from '../log.js';
import { visible } from '../safe-text.js';
import type { Db } from '../store/open.js';

export interface GlobalOptions {
  db?: string;
  config?: string;
  json?: boolean;
  color?: boolean;
  verbose?: boolean;
}

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  env: Record<string, string | undefined>;
  /** Asks a yes/no question at the terminal; absent when there is nobody to ask (a pipe, a script). */
  confirm?: (question: string) => Promise<boolean>;
}

export interface Context {
  settings: Settings;
  sources: Resolved['sources'];
  configFile: string | null;
  json: boolean;
  verbose: boolean;
  /** Colour on a TTY unless --no-color or NO_COLOR (chalk does not read NO_COLOR: we do). */
  color: boolean;
  io: Io;
  env: Record<string, string | undefined>;
  now: () => Date;
  log: Logger;
  /** Progress, prompts and instructions: stderr, so `--json` stdout stays one document. */
  notice: (text: string) => void;
  /** The store, created and migrated on first use. */
  db: () => Db;
  /** Aborted on SIGINT. */
  signal: AbortSignal;
  close: () => void;
}

export function createContext(
  globals: GlobalOptions,
  io: Io,
  signal: AbortSignal,
  extraFlags: Partial<Record<SettingKey, unknown>> = {},
): Context {
  const env = io.env;
  const flags: Partial<Record<SettingKey, unknown>> = { ...extraFlags };
  if (globals.db !== undefined) flags['store.path'] = globals.db;
  const loaded = loadSettings({ configFlag: globals.config, flags, env, home: env.HOME || homedir() });
  const json = Boolean(globals.json);
  const verbose = Boolean(globals.verbose);
  const noColorEnv = env.NO_COLOR !== undefined && env.NO_COLOR !== '';
  const color = globals.color !== false && !noColorEnv;
  const now = () => (env.CASEFLOW_NOW ? new Date(env.CASEFLOW_NOW) : new Date());
  let store: Db | null = null;
  const ctx: Context = {
    settings: loaded.settings,
    sources: loaded.sources,
    configFile: loaded.configFile,
    json,
    verbose,
    color,
    io,
    env,
    now,
    log: createLogger({ verbose, json: !io.stderrIsTTY && json, write: io.stderr, now }),
    // Line by line: a notice may span lines, but no control character reaches the terminal.
    notice: (text) => io.stderr(`${text.replace(/\n$/, '').split('\n').map(visible).join('\n')}\n`),
    signal,
    db: () => {
      if (!store) {
        // Lazy: better-sqlite3 is loaded only by commands that need the store (fast --help).
        throw new Error('store not opened: call openContextStore first');
      }
      return store;
    },
    close: () => {
      if (store) {
        store.close();
        store = null;
      }
    },
  };
  (ctx as ContextInternals).attachStore = (db: Db) => {
    store = db;
  };
  return ctx;
}

interface ContextInternals extends Context {
  attachStore: (db: Db) => void;
}

/** Opens the store named by the settings (imports better-sqlite3 only now). */
export async function openContextStore(ctx: Context): Promise<Db> {
  const { openStore } = await import('../store/open.js');
  const db = openStore(ctx.settings['store.path'], { now: ctx.now });
  (ctx as ContextInternals).attachStore(db);
  if (ctx.verbose) ctx.log.debug(`store ${ctx.settings['store.path']} (from ${ctx.sources['store.path']})`);
  return db;
}
