import { describe, expect, it } from 'vitest';
import { flattenFile, resolve } from '../../src/config/resolve.js';

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

  it('refuses an unknown key, naming it and the allowed keys', () => {
    expect(() => flattenFile({ sync: { horizon: 5 } }, 'c.json')).toThrow(/unknown key "sync.horizon".*allowed keys: store.path/);
  });

  it('validates every key, naming where the bad value came from', () => {
    expect(() => resolve({ ...base, file: { sync: { confidentialSensitivity: 'secret' } }, fileName: 'c.json' })).toThrow(
      /config file c.json: sync.confidentialSensitivity must be one of confidential, private/,
    );
    expect(() => resolve({ ...base, file: { sync: { maxRequestsInFlightPerMailbox: 5 } } })).toThrow(/from 1 to 4/);
    expect(() => resolve({ ...base, env: { CASEFLOW_AUTHORITY_HOST: 'http://login.example' } })).toThrow(
      /environment variable CASEFLOW_AUTHORITY_HOST .* must use https/,
    );
    expect(() => resolve({ ...base, flags: { 'daemon.concurrency': '0' } })).toThrow(/--concurrency must be a whole number from 1 to 64/);
    expect(() => resolve({ ...base, file: { auth: { clientId: '' } } })).toThrow(/auth.clientId must be a non-empty string/);
    expect(() => resolve({ ...base, file: [] })).toThrow(/top level must be a JSON object/);
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
