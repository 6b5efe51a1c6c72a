import { describe, expect, it } from 'vitest';
import { formatInZone, isValidTimeZone, utcOffset, utcOffsetMinutes } from './time-zone.ts';

describe('formatInZone', () => {
  it.each([
    ['summer time in Madrid', '2025-03-30T01:30:00Z', 'Europe/Madrid', 'Sun 2025-03-30 03:30 +02:00'],
    ['first pass of the repeated hour', '2025-10-26T00:30:00Z', 'Europe/Madrid', 'Sun 2025-10-26 02:30 +02:00'],
    ['second pass of the repeated hour', '2025-10-26T01:30:00Z', 'Europe/Madrid', 'Sun 2025-10-26 02:30 +01:00'],
    ['New York winter', '2025-01-15T17:05:00Z', 'America/New_York', 'Wed 2025-01-15 12:05 -05:00'],
    ['UTC at midnight (24-hour clock)', '2025-01-01T00:00:00Z', 'UTC', 'Wed 2025-01-01 00:00 +00:00'],
    ['a half-hour zone', '2025-06-01T03:30:00Z', 'Asia/Kolkata', 'Sun 2025-06-01 09:00 +05:30'],
  ])('%s', (_, iso, zone, expected) => {
    expect(formatInZone(new Date(iso), zone)).toBe(expected);
  });
});

describe('utcOffset', () => {
  it('gives the offset in force at the instant, as text and in minutes', () => {
    expect(utcOffset(Date.parse('2025-07-01T00:00:00Z'), 'America/New_York')).toBe('-04:00');
    expect(utcOffsetMinutes(Date.parse('2025-07-01T00:00:00Z'), 'America/New_York')).toBe(-240);
    expect(utcOffsetMinutes(Date.parse('2025-07-01T00:00:00Z'), 'Asia/Kolkata')).toBe(330);
    expect(utcOffsetMinutes(Date.parse('2025-07-01T00:00:00Z'), 'UTC')).toBe(0);
  });
});

describe('isValidTimeZone', () => {
  it.each([
    ['Europe/Madrid', true],
    ['UTC', true],
    ['Etc/GMT-2', true],
    ['europe/madrid', true],
    ['Mars/Olympus', false],
    ['+02:00', false],
    ['', false],
  ])('%s: %s', (zone, valid) => {
    expect(isValidTimeZone(zone)).toBe(valid);
  });
});
