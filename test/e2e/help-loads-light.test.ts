// `--help` stays fast: building the command tree loads commander and the registrations only. The
// store (better-sqlite3), MSAL and the Graph client load when a command runs, never for help.
// Only a fresh process shows which modules it loaded, so this spawns the built binary.

import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';

/** A loader hook that names every module the process loads, on stderr. */
const HOOK = `data:text/javascript,${encodeURIComponent(`
import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent('export async function load(url, context, next) { process.stderr.write("LOADED " + url + "\\\\n"); return next(url, context); }'));
`)}`;

function loaded(args: string[]): string[] {
  const r = spawnSync(process.execPath, ['--import', HOOK, BIN, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  expect(r.status, r.stderr).toBe(0);
  return r.stderr.split('\n').filter((l) => l.startsWith('LOADED ')).map((l) => l.slice('LOADED '.length));
}

/** Every command group's registration that was built: all of them load, for the root's help. */
const REGISTRATIONS = readdirSync(join(dirname(BIN), '..', 'dist', 'cli', 'commands')).filter((f) => f.endsWith('-command.js')).length;

const HEAVY = /\/dist\/(store|auth|graph|sync\/(?!errors\.js)|simulator)\/|better-sqlite3|@azure\/msal|microsoft-graph-client|\/dist\/cli\/commands\/(?![\w-]+-command\.js)/;

describe('--help loads no handler', () => {
  it.each([[['--help']], [['events', 'add', '--help']], [['conflicts', '--help']]])('%j loads only commander and the registrations', (args) => {
    const urls = loaded(args);
    expect(urls.some((u) => u.endsWith('/dist/cli/program.js'))).toBe(true);
    expect(urls.filter((u) => u.endsWith('-command.js')).length).toBe(REGISTRATIONS);
    expect(urls.filter((u) => HEAVY.test(u))).toEqual([]);
  });
});
