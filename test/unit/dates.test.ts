import { describe, expect, it } from 'vitest';
import { addDays, dateInZone, parseBound, parseDate, parseDateTime, resolveLocal, startOfDayUtc } from '../../src/dates.js';

describe('timed values', () => {
  it('reads a wall time in the given zone', () => {
    expect(parseDateTime('2026-12-01T09:00', 'Europe/London', '--start').utc).toBe('2026-12-01T09:00:00.000Z');
    expect(parseDateTime('2026-07-01T09:00', 'Europe/London', '--start').utc).toBe('2026-07-01T08:00:00.000Z');
    expect(parseDateTime('2026-12-01T09:00', 'America/New_York', '--start').utc).toBe('2026-12-01T14:00:00.000Z');
    expect(parseDateTime('2026-12-01T09:00:30', 'Asia/Kolkata', '--start').utc).toBe('2026-12-01T03:30:30.000Z');
  });

  it('accepts a value with an offset as is, whatever the zone', () => {
    expect(parseDateTime('2026-12-01T09:00-05:00', 'Europe/London', '--start').utc).toBe('2026-12-01T14:00:00.000Z');
    expect(parseDateTime('2026-12-01T09:00Z', 'Asia/Tokyo', '--start').utc).toBe('2026-12-01T09:00:00.000Z');
    expect(parseDateTime('2026-12-01T09:00:00+05:30', 'UTC', '--start').utc).toBe('2026-12-01T03:30:00.000Z');
  });

  it('refuses a wall time that does not exist when the clocks go forward', () => {
    expect(() => parseDateTime('2026-03-29T01:30', 'Europe/London', '--start')).toThrow(/does not exist in Europe\/London/);
    expect(() => parseDateTime('2026-03-08T02:30', 'America/New_York', '--end')).toThrow(/--end .* does not exist/);
    // The minute before and the first minute after the gap are fine.
    expect(parseDateTime('2026-03-29T00:59', 'Europe/London', '--start').utc).toBe('2026-03-29T00:59:00.000Z');
    expect(parseDateTime('2026-03-29T02:00', 'Europe/London', '--start').utc).toBe('2026-03-29T01:00:00.000Z');
  });

  it('takes the first occurrence of a wall time that happens twice when the clocks go back', () => {
    expect(parseDateTime('2026-10-25T01:30', 'Europe/London', '--start').utc).toBe('2026-10-25T00:30:00.000Z');
    expect(parseDateTime('2026-11-01T01:30', 'America/New_York', '--start').utc).toBe('2026-11-01T05:30:00.000Z');
    const r = resolveLocal(Date.UTC(2026, 9, 25, 1, 30), 'Europe/London');
    expect(r).toEqual({ kind: 'ambiguous', earlierMs: Date.UTC(2026, 9, 25, 0, 30), laterMs: Date.UTC(2026, 9, 25, 1, 30) });
  });

  it('refuses malformed and impossible values, naming the flag and the format', () => {
    for (const bad of ['2026-12-01 09:00', '2026-12-01T9:00', '2026-13-01T09:00', '2026-02-30T09:00', '2026-12-01T24:00', 'tomorrow', '2026-12-01T09:00+5']) {
      expect(() => parseDateTime(bad, 'UTC', '--start'), bad).toThrow(/--start .* is not a valid date and time: use YYYY-MM-DDTHH:MM/);
    }
  });
});

describe('all-day values', () => {
  it('keeps dates as dates, checking they exist', () => {
    expect(parseDate('2028-02-29', '--start')).toBe('2028-02-29');
    expect(() => parseDate('2026-02-29', '--start')).toThrow(/--start "2026-02-29" is not a valid date: use YYYY-MM-DD/);
    expect(() => parseDate('2026-12-1', '--end')).toThrow(/--end/);
  });

  it('adds days across month, year and DST boundaries without time zones', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-28', 1)).toBe('2026-03-29');
    expect(addDays('2026-03-29', 1)).toBe('2026-03-30');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
  });

  it('finds the start of a day in a zone, including a day whose midnight is skipped', () => {
    expect(startOfDayUtc('2026-12-01', 'Europe/Paris')).toBe('2026-11-30T23:00:00.000Z');
    expect(startOfDayUtc('2026-12-01', 'Pacific/Auckland')).toBe('2026-11-30T11:00:00.000Z');
    // Santiago springs forward at midnight on 2026-09-06: the day starts at 01:00 local (04:00Z).
    expect(startOfDayUtc('2026-09-06', 'America/Santiago')).toBe('2026-09-06T04:00:00.000Z');
    expect(dateInZone(Date.UTC(2026, 10, 30, 23, 30), 'Europe/Paris')).toBe('2026-12-01');
  });

  it('reads a --to date as the end of that whole day', () => {
    expect(parseBound('2026-12-01', 'UTC', '--to', true)).toBe('2026-12-02T00:00:00.000Z');
    expect(parseBound('2026-12-01', 'UTC', '--from', false)).toBe('2026-12-01T00:00:00.000Z');
    expect(parseBound('2026-12-01T12:00', 'UTC', '--to', true)).toBe('2026-12-01T12:00:00.000Z');
  });
});
