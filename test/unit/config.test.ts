import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/config/load.js';
import { flattenFile, resolve } from '../../src/config/resolve.js';
import { UsageError } from '../../src/errors.js';
import { refusal } from '../helpers/refusal.js';

const base = { flags: {}, env: {}, file: null, home: '/home/u' };

describe('config resolver', () => {
  it('uses the built-in defaults when nothing is given', () => {
    const { settings, sources } = resolve(base);
    expect(settings['store.path']).toBe('/home/u/.local/share/caseflow-outlook/store.db');
    expect(settings['auth.tenantId']).toBe('organizations');
    expect(settings['auth.authorityHost']).toBe('https://login.microsoftonline.com');
    expect(settings['graph.baseUrl']).toBe('https://graph.microsoft.com');
    expect(settings['sync.intervalSeconds']).toBe(300);
    expect(settings['sync.horizonDays']).toBe(365);
    expect(settings['sync.confidentialSensitivity']).toBe('confidential');
    expect(settings['sync.maxDeletesPerRun']).toBe(25);
    expect(settings['sync.maxRequestsInFlightPerMailbox']).toBe(4);
    expect(settings['sync.protectedTitle']).toBe('keep');
    expect(settings['daemon.concurrency']).toBe(4);
    expect(settings['auth.clientId']).toBeNull();
    expect(Object.values(sources).every((s) => s === 'default')).toBe(true);
  });

  it('follows XDG_DATA_HOME for the store', () => {
    const { settings } = resolve({ ...base, env: { XDG_DATA_HOME: '/xdg' } });
    expect(settings['store.path']).toBe('/xdg/caseflow-outlook/store.db');
  });

  it('applies flag > environment > config file > default, and says where each came from', () => {
    const file = { store: { path: '/file.db' }, graph: { baseUrl: 'https://file.example' }, sync: { horizonDays: 90 } };
    const env = { CASEFLOW_DB: '/env.db', CASEFLOW_GRAPH_URL: 'https://env.example' };
    const { settings, sources } = resolve({ ...base, file, env, flags: { 'store.path': '/flag.db' } });
    expect(settings['store.path']).toBe('/flag.db');
    expect(sources['store.path']).toBe('flag');
    expect(settings['graph.baseUrl']).toBe('https://env.example');
    expect(sources['graph.baseUrl']).toBe('env');
    expect(settings['sync.horizonDays']).toBe(90);
    expect(sources['sync.horizonDays']).toBe('file');
    expect(sources['sync.intervalSeconds']).toBe('default');
  });

  it('ignores an empty environment variable', () => {
    const { sources } = resolve({ ...base, env: { CASEFLOW_DB: '' } });
    expect(sources['store.path']).toBe('default');
  });

  it('refuses an unknown key, naming it and the allowed keys, and suggests the one meant', () => {
    const e = refusal(() => flattenFile({ sync: { horizon: 5 } }, 'c.json'));
    expect(e.message).toMatch(/unknown key "sync.horizon".*allowed keys: store.path/);
    expect(e.hint).toBe('fix sync.horizon in c.json: did you mean sync.horizonDays?');
    expect(refusal(() => flattenFile({ graf: { baseUrl: 'https://x.example' } }, 'c.json')).hint).toMatch(/did you mean graph\.baseUrl\?/);
    expect(refusal(() => flattenFile({ weather: { sunny: true } }, 'c.json')).hint).toBe('fix weather.sunny in c.json: rename it to one of the allowed keys or remove it');
  });

  it('validates every key, naming where the bad value came from, and hints how to fix it there', () => {
    const file = refusal(() => resolve({ ...base, file: { sync: { confidentialSensitivity: 'secret' } }, fileName: 'c.json' }));
    expect(file.message).toBe('config file c.json: sync.confidentialSensitivity must be one of confidential, private (got "secret")');
    expect(file.hint).toBe('fix sync.confidentialSensitivity in c.json, e.g. "sync": {"confidentialSensitivity": "confidential"}');
    expect(refusal(() => resolve({ ...base, file: { sync: { maxRequestsInFlightPerMailbox: 5 } } })).message).toMatch(/from 1 to 4 \(got 5\)/);
    const title = refusal(() => resolve({ ...base, file: { sync: { protectedTitle: 'hidden' } }, fileName: 'c.json' }));
    expect(title.message).toBe('config file c.json: sync.protectedTitle must be one of keep, category, busy (got "hidden")');
    expect(title.hint).toBe('fix sync.protectedTitle in c.json, e.g. "sync": {"protectedTitle": "busy"}');
    expect(resolve({ ...base, file: { sync: { protectedTitle: 'category' } } }).settings['sync.protectedTitle']).toBe('category');
    const env = refusal(() => resolve({ ...base, env: { CASEFLOW_AUTHORITY_HOST: 'http://login.example' } }));
    expect(env.message).toBe(
      'environment variable CASEFLOW_AUTHORITY_HOST must be an https URL such as https://login.microsoftonline.com (got "http://login.example", which is not https)',
    );
    expect(env.hint).toBe('fix or unset CASEFLOW_AUTHORITY_HOST, e.g. CASEFLOW_AUTHORITY_HOST=https://login.microsoftonline.com');
    expect(refusal(() => resolve({ ...base, env: { CASEFLOW_GRAPH_URL: 'graph' } })).message).toMatch(/CASEFLOW_GRAPH_URL .*\(got "graph", which is not a URL\)/);
    const flag = refusal(() => resolve({ ...base, flags: { 'daemon.concurrency': '0' } }));
    expect(flag.message).toBe('--concurrency must be a whole number from 1 to 64 (got "0")');
    expect(flag.hint).toBe('give --concurrency a whole number from 1 to 64, e.g. --concurrency 4');
    expect(refusal(() => resolve({ ...base, file: { auth: { clientId: '' } } })).message).toMatch(/auth.clientId must be a non-empty application \(client\) id/);
    const top = refusal(() => resolve({ ...base, file: [], fileName: 'c.json' }));
    expect(top.message).toMatch(/top level must be a JSON object .*\(got a list\)/);
    expect(top.hint).toMatch(/^fix c\.json: one object with the sections store, auth, graph, sync, daemon/);
    const section = refusal(() => resolve({ ...base, file: { sync: 5 }, fileName: 'c.json' }));
    expect(section.message).toMatch(/"sync" must be a JSON object \(got the number 5\); its keys: sync.intervalSeconds, sync.horizonDays/);
    expect(section.hint).toMatch(/^fix "sync" in c\.json, e\.g\. "sync": \{"intervalSeconds": 300\}$/);
  });

  it('refuses a config file value of the wrong JSON type, naming file, key, type and range', () => {
    const asText = refusal(() => resolve({ ...base, file: { sync: { horizonDays: '365' } }, fileName: '/etc/c.json' }));
    expect(asText).toBeInstanceOf(UsageError);
    expect(asText.exitCode).toBe(2);
    expect(asText.message).toBe('config file /etc/c.json: sync.horizonDays must be a JSON number, a whole number from 1 to 1825 (got the string "365")');
    expect(asText.hint).toBe('fix sync.horizonDays in /etc/c.json, e.g. "sync": {"horizonDays": 365}');
    expect(refusal(() => resolve({ ...base, file: { graph: { baseUrl: 42 } }, fileName: 'c.json' })).message).toBe(
      'config file c.json: graph.baseUrl must be a JSON string, an https URL such as https://graph.microsoft.com (got the number 42)',
    );
    expect(refusal(() => resolve({ ...base, file: { sync: { confidentialSensitivity: true } } })).message).toMatch(/must be a JSON string, one of confidential, private \(got the boolean true\)/);
    expect(refusal(() => resolve({ ...base, file: { auth: { clientId: null } } })).message).toMatch(/auth\.clientId must be a JSON string, .* \(got null\)/);
    expect(refusal(() => resolve({ ...base, file: { daemon: { concurrency: [4] } } })).message).toMatch(/daemon\.concurrency must be a JSON number, .* \(got a list\)/);
  });

  it('parses numbers written as text in environment variables and flags, but not in the file', () => {
    expect(resolve({ ...base, flags: { 'daemon.concurrency': ' 8 ' } }).settings['daemon.concurrency']).toBe(8);
    expect(resolve({ ...base, file: { sync: { horizonDays: 90 } } }).settings['sync.horizonDays']).toBe(90);
    expect(() => resolve({ ...base, file: { sync: { horizonDays: '90' } } })).toThrow(/must be a JSON number/);
  });

  it('accepts numbers given as strings from flags and trims a trailing slash from URLs', () => {
    const { settings } = resolve({ ...base, flags: { 'sync.intervalSeconds': '60' }, env: { CASEFLOW_GRAPH_URL: 'https://127.0.0.1:8443/' } });
    expect(settings['sync.intervalSeconds']).toBe(60);
    expect(settings['graph.baseUrl']).toBe('https://127.0.0.1:8443');
  });
});

describe('config.example.json', () => {
  it('documents every key and resolves cleanly', async () => {
    const { readFileSync } = await import('node:fs');
    const file = JSON.parse(readFileSync(new URL('../../config.example.json', import.meta.url), 'utf8'));
    const { sources } = resolve({ ...base, file });
    expect(Object.entries(sources).filter(([, s]) => s !== 'file')).toEqual([]);
  });
});

describe('loading the config file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cfo-config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const load = (env: Record<string, string>, configFlag?: string) => loadSettings({ configFlag, flags: {}, env, home: dir });

  it('a missing file named by CASEFLOW_CONFIG: the hint says to fix or unset that variable', () => {
    const path = join(dir, 'nope.json');
    const e = refusal(() => load({ CASEFLOW_CONFIG: path }));
    expect(e.message).toBe(`config file ${path}: file not found`);
    expect(e.hint).toBe('create it (config.example.json shows every key), or point CASEFLOW_CONFIG at an existing file or unset it');
    expect(refusal(() => load({}, path)).hint).toMatch(/or point --config at an existing file or leave it out$/);
  });

  it('a folder given as the config file is named as a folder', () => {
    const e = refusal(() => load({}, dir));
    expect(e.message).toBe(`config file ${dir}: it is a folder, not a file`);
    expect(e.hint).toMatch(/^name the JSON file itself/);
  });

  it('invalid JSON: the hint names the file to fix', () => {
    const path = join(dir, 'bad.json');
    writeFileSync(path, '{"sync": ');
    const e = refusal(() => load({}, path));
    expect(e.exitCode).toBe(2);
    expect(e.message).toMatch(new RegExp(`^config file ${path}: not valid JSON \\(`));
    expect(e.hint).toBe(`fix the JSON in ${path} (config.example.json shows the expected shape)`);
  });

  it('the default path may be absent: defaults apply', () => {
    expect(load({}).configFile).toBeNull();
  });
});
