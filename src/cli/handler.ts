// What a command handler returns, and how the program runs one: types only, so the command files
// and the program that registers them share them without importing each other.

import type { SettingKey } from '../config/resolve.js';
import type { Context } from './context.js';
import type { Output } from './output.js';

export interface HandlerResult {
  /** null: nothing more to print (the looping daemon's log lines were its output). */
  output: Output | null;
  /** Set when the command has an answer and still fails (items left pending: 4; held deletions: 3). */
  exitCode?: number;
}

export interface Loaded {
  handler: (ctx: Context) => Promise<HandlerResult>;
  /** false for the few commands that never open the store (the simulator). */
  needsStore?: boolean;
}

/** Creates the context, opens the store if needed, runs the loaded handler and keeps its result. */
export type Runner = (
  load: () => Promise<Loaded>,
  globals: Record<string, unknown>,
  extraFlags?: Partial<Record<SettingKey, unknown>>,
) => Promise<void>;
