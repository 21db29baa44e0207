// The daemon's settings: the interval is at least 30 s wherever it comes from; the quiet delay
// before a prompt push defaults to 2 s.

import { describe, expect, it } from 'vitest';
import { resolve } from '../../../src/config/resolve.js';
import { refusal } from '../../helpers/refusal.js';

const base = { flags: {}, env: {}, file: null, home: '/home/u', fileName: 'c.json' };

describe('daemon settings', () => {
  it('an interval below 30 s is refused from the flag, naming the minimum (exit 2)', () => {
    const e = refusal(() => resolve({ ...base, flags: { 'sync.intervalSeconds': '29' } }));
    expect(e.exitCode).toBe(2);
    expect(e.message).toBe('--interval must be a whole number from 30 to 86400 (got "29")');
  });

  it('an interval below 30 s is refused from the config file too', () => {
    const e = refusal(() => resolve({ ...base, file: { sync: { intervalSeconds: 10 } } }));
    expect(e.message).toBe('config file c.json: sync.intervalSeconds must be a whole number from 30 to 86400 (got 10)');
    expect(e.hint).toBe('fix sync.intervalSeconds in c.json, e.g. "sync": {"intervalSeconds": 300}');
  });

  it('30 s itself is allowed', () => {
    expect(resolve({ ...base, flags: { 'sync.intervalSeconds': '30' } }).settings['sync.intervalSeconds']).toBe(30);
  });

  it('the quiet delay defaults to 2 s and takes 0 to 60 from the file', () => {
    expect(resolve(base).settings['daemon.quietSeconds']).toBe(2);
    expect(resolve({ ...base, file: { daemon: { quietSeconds: 0 } } }).settings['daemon.quietSeconds']).toBe(0);
    expect(refusal(() => resolve({ ...base, file: { daemon: { quietSeconds: 61 } } })).message).toBe(
      'config file c.json: daemon.quietSeconds must be a whole number from 0 to 60 (got 61)',
    );
  });
});
