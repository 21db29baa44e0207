// `--help` stays fast: building the command tree loads commander and the registration of the
// command named only (none for the root's help). The store (better-sqlite3), MSAL and the Graph
// client load when a command runs, never for help; the error report's modules when a command
// fails or runs.
// Only a fresh process shows which modules it loaded, so this spawns the built binary.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';

/**
 * The modules a run of the binary loads, named by a loader hook in a file. The hooks run on a
 * thread of their own: a line written to stderr there can be lost when the process exits first,
 * a line appended to a file before `load` returns cannot.
 */
function loaded(args: string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'cfo-loads-'));
  const file = join(dir, 'loaded.txt');
  writeFileSync(join(dir, 'hooks.mjs'), `import { appendFileSync } from 'node:fs';\nexport async function load(url, context, next) {\n  appendFileSync(${JSON.stringify(file)}, url + '\\n');\n  return next(url, context);\n}\n`);
  writeFileSync(join(dir, 'register.mjs'), `import { register } from 'node:module';\nregister(new URL('./hooks.mjs', import.meta.url));\n`);
  try {
    const r = spawnSync(process.execPath, ['--import', pathToFileURL(join(dir, 'register.mjs')).href, BIN, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(r.status, r.stderr).toBe(0);
    return readFileSync(file, 'utf8').split('\n').filter(Boolean);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const HEAVY = /\/dist\/(store|auth|graph|sync|simulator)\/|\/dist\/cli\/(report|errors)\.js|\/dist\/(log|safe-text)\.js|better-sqlite3|@azure\/msal|microsoft-graph-client|\/dist\/cli\/commands\/(?![\w-]+-command\.js)/;

describe('--help loads no handler', () => {
  it.each([
    [['--help'], []],
    [['-h'], []],
    [['help'], []],
    [['events', 'add', '-h'], ['events-command.js']],
    [['events', 'add', '--help'], ['events-command.js']],
    [['--json', 'conflicts', '--help'], ['conflicts-command.js']],
    [['help', 'disconnect'], ['connect-command.js']],
  ])('%j loads commander and the registration of the command named: %j', (args, registrations) => {
    const urls = loaded(args);
    expect(urls.some((u) => u.endsWith('/dist/cli/program.js'))).toBe(true);
    expect(urls.filter((u) => u.endsWith('-command.js')).map((u) => u.split('/').pop())).toEqual(registrations);
    expect(urls.filter((u) => HEAVY.test(u))).toEqual([]);
  });
});
