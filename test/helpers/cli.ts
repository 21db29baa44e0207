// Spawns the built CLI (dist/) as a child process, as a user or a script would run it.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/caseflow-outlook', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: Record<string, string | undefined>;
  /** Spawn the built binary even from an in-process sandbox (e.g. an env var read at process start). */
  spawn?: boolean;
  /** Called with the child once it has started (e.g. to send SIGINT). */
  onSpawn?: (child: import('node:child_process').ChildProcess) => void;
  /** Called for every stderr chunk (e.g. to read the device-code instruction). */
  onStderr?: (chunk: string, all: string) => void;
}

export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...process.env, NO_COLOR: '1', ...options.env })) if (v !== undefined) env[k] = v;
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
      options.onStderr?.(c, stderr);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolvePromise({ code: code ?? (signal ? 128 : -1), stdout, stderr }));
    options.onSpawn?.(child);
  });
}

/** A temp dir with a store path and an isolated HOME/XDG so no real config is read. */
export interface Sandbox {
  dir: string;
  db: string;
  env: Record<string, string>;
  /** Runs the CLI against this sandbox's store. */
  run: (args: string[], options?: CliOptions) => Promise<CliResult>;
  /** Runs with --json and parses stdout (throws if stdout is not exactly one JSON document). */
  json: <T = any>(args: string[], options?: CliOptions) => Promise<CliResult & { body: T }>;
  cleanup: () => void;
}

/**
 * Runs the CLI in this process through `main.run(argv, {io})`: the same program, store, engine
 * and HTTP traffic as the binary, without a process start. For what only a real process shows
 * (exit codes set by signals, TTYs, pipes, the bin script) use `runCli`.
 */
export async function runInProcess(args: string[], env: Record<string, string | undefined>): Promise<CliResult> {
  const { run } = await import('../../src/cli/main.js');
  let stdout = '';
  let stderr = '';
  const merged: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', ...env };
  const code = await run(['node', 'caseflow-outlook', ...args], {
    io: { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), stdoutIsTTY: false, stderrIsTTY: false, env: merged },
    signal: new AbortController().signal,
  });
  return { code, stdout, stderr };
}

export interface SandboxOptions {
  /**
   * Run commands in this process (`runInProcess`, the default) or spawn the built binary
   * (`false`: for exit codes set by signals, TTYs, pipes and the bin script). A run given
   * `onSpawn` or `onStderr` always spawns.
   */
  inProcess?: boolean;
}

export function sandbox(extraEnv: Record<string, string> = {}, options: SandboxOptions = {}): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), 'cfo-'));
  const db = join(dir, 'store.db');
  const env = {
    HOME: dir,
    XDG_DATA_HOME: join(dir, 'data'),
    XDG_CONFIG_HOME: join(dir, 'config'),
    CASEFLOW_DB: db,
    CASEFLOW_CONFIG: '',
    ...extraEnv,
  };
  const run = (args: string[], o: CliOptions = {}) =>
    options.inProcess !== false && !o.spawn && !o.onSpawn && !o.onStderr ? runInProcess(args, { ...env, ...o.env }) : runCli(args, { ...o, env: { ...env, ...o.env } });
  return {
    dir,
    db,
    env,
    run,
    json: async (args, options) => {
      const result = await run(['--json', ...args], options);
      return { ...result, body: JSON.parse(result.stdout) };
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
