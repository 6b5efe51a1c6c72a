import { describe, expect, it } from 'vitest';
import { compareSeverity, MESSAGE_ICONS, parseMessageType, worstType } from './message-type.ts';

describe('parseMessageType', () => {
  it.each([
    ['warning', 'warning'],
    ['  ERROR ', 'error'],
    ['Alarm', 'alarm'],
    ['none', 'none'],
  ])('reads %j as %s', (input, expected) => {
    expect(parseMessageType(input)).toBe(expected);
  });

  it.each([['critical'], [''], [3], [null], [undefined]])('rejects %j', (input) => {
    expect(parseMessageType(input)).toBeUndefined();
  });
});

describe('severity', () => {
  it('orders none < info < warning < error < alarm', () => {
    expect(compareSeverity('none', 'info')).toBeLessThan(0);
    expect(compareSeverity('alarm', 'error')).toBeGreaterThan(0);
    expect(worstType(['warning', 'alarm', 'info'])).toBe('alarm');
    expect(worstType([])).toBeUndefined();
  });

  it('uses the original icons', () => {
    expect(MESSAGE_ICONS.warning).toBe('⚠️');
    expect(MESSAGE_ICONS.alarm).toBe('🚨');
    expect(MESSAGE_ICONS.none).toBe('');
  });
});
