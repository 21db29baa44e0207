// What a command group registers itself with: subcommands that answer in our error format, and
// actions that import their handler module only when the command runs. Light on purpose (commander
// and types only): `--help` loads no store, no MSAL and no Graph client.

import type { Command } from 'commander';
import type { SettingKey } from '../config/resolve.js';
import type { Context, Io } from './context.js';
import type { HandlerResult, Runner } from './handler.js';
import type { Output } from './output.js';

/** Commander's parsed options of one command. */
export type Opts = Record<string, any>;

export interface ActionOptions {
  /** false for the commands that never open the store (default true). */
  needsStore?: boolean;
  /** Flags that stand for a setting (`--interval` is sync.intervalSeconds), resolved with the config. */
  flags?: (opts: Opts) => Partial<Record<SettingKey, unknown>>;
}

export interface Helpers {
  /** A command (or group) under `parent` whose help and errors go where ours go. */
  sub(parent: Command, name: string, description: string): Command;
  /** A command of the program itself, described as the program's list of commands says. */
  top(program: Command, name: string): Command;
  /**
   * The action of a command: imports `load()` when it runs and calls `call` with the module, the
   * context, the command's arguments and its options. `call` returns the output, or the output
   * with an exit code.
   */
  action<M>(
    load: () => Promise<M>,
    call: (m: M, ctx: Context, args: string[], opts: Opts) => Promise<Output | HandlerResult>,
    options?: ActionOptions,
  ): (...raw: unknown[]) => Promise<void>;
}

/** The "Examples:" section of a command's help. */
export function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ caseflow-outlook ${l}`).join('\n')}\n`;
}

/** For a repeatable option: `--attendee a --attendee b` -> ['a', 'b']. */
export const collect = (value: string, previous: string[] = []) => [...previous, value];

const isOutput = (r: Output | HandlerResult): r is Output => 'kind' in r;

export function createHelpers(runner: Runner, io: Io, describe: (name: string) => string): Helpers {
  const sub: Helpers['sub'] = (parent, name, description) =>
    parent
      .command(name)
      .description(description)
      .exitOverride()
      .configureOutput({ writeOut: (t) => io.stdout(t), writeErr: () => {}, outputError: () => {} });
  return {
    sub,
    top: (program, name) => sub(program, name, describe(name)),
    action:
      (load, call, options = {}) =>
      async (...raw: unknown[]) => {
        const cmd = raw[raw.length - 1] as Command;
        // An optional argument left out stays undefined (not the string "undefined").
        const args = raw.slice(0, -2).map((v) => (v === undefined ? undefined : String(v))) as string[];
        const opts = cmd.opts();
        await runner(
          async () => {
            const mod = await load();
            return {
              handler: async (ctx) => {
                const result = await call(mod, ctx, args, opts);
                return isOutput(result) ? { output: result } : result;
              },
              needsStore: options.needsStore ?? true,
            };
          },
          cmd.optsWithGlobals(),
          options.flags?.(opts),
        );
      },
  };
}
