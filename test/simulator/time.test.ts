// Properties of the pieces every answer depends on: zone conversion and occurrence ids.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatWall, parseWall, resolveZone, utcToWall, wallToUtc } from '../../src/simulator/time.js';
import { occurrenceIds, parseOccurrenceId } from '../../src/simulator/random.js';

const zones = ['UTC', 'America/Los_Angeles', 'Europe/London', 'Australia/Sydney', 'Asia/Kolkata', 'Pacific Standard Time'];
const instant = fc.integer({ min: Date.parse('2000-01-01T00:00:00Z'), max: Date.parse('2040-01-01T00:00:00Z') });

describe('time zones', () => {
  it('maps a wall time back to an instant showing the same wall time', () => {
    fc.assert(
      fc.property(instant, fc.constantFrom(...zones), (ms, name) => {
        const zone = resolveZone(name) as string;
        const wall = utcToWall(ms, zone);
        expect(utcToWall(wallToUtc(wall, zone), zone)).toEqual(wall);
      }),
    );
  });

  it('formats and parses Graph dateTime strings losslessly to the millisecond', () => {
    fc.assert(
      fc.property(instant, (ms) => {
        const text = formatWall(utcToWall(ms, 'UTC'));
        expect(text).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}$/);
        expect(wallToUtc(parseWall(text)!, 'UTC')).toBe(ms);
      }),
    );
  });

  it('refuses impossible dates and unknown zones', () => {
    expect(parseWall('2026-02-30T09:00:00')).toBeNull();
    expect(resolveZone('Mars/Olympus')).toBeNull();
    expect(resolveZone('pacific standard time')).toBe('America/Los_Angeles');
  });
});

describe('occurrence ids', () => {
  it('decode to their series and original start, and are distinct per occurrence', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9a-f]{16}$/), instant, instant, (key, a, b) => {
        const ids = occurrenceIds(key, a);
        expect(parseOccurrenceId(ids.id)).toEqual({ masterKey: key, originalStartMs: a });
        expect(parseOccurrenceId(ids.immutableId)).toEqual({ masterKey: key, originalStartMs: a });
        if (a !== b) expect(occurrenceIds(key, b).id).not.toBe(ids.id);
      }),
    );
  });
});
