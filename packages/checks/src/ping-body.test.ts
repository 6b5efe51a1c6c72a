import { describe, expect, it } from 'vitest';
import { pingBodyTail } from './ping-body.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('pingBodyTail', () => {
  it('keeps the last bytes, starting on a whole character', () => {
    // "é" is two bytes: a cut in its middle starts after it.
    expect(pingBodyTail(bytes('aé-end'), 5)).toBe('-end');
    expect(pingBodyTail(bytes('aé-end'), 6)).toBe('é-end');
    expect(pingBodyTail(bytes(`${'x'.repeat(50_000)}last line`), 10_240)).toHaveLength(10_240);
  });

  it('reads bytes that are not UTF-8 as U+FFFD rather than refusing the ping', () => {
    expect(pingBodyTail(new Uint8Array([0x6f, 0x6b, 0xff, 0xfe, 0x21]))).toBe('ok\uFFFD\uFFFD!');
  });

  it.each([
    ['CRLF endings and trailing blank lines', 'copying\r\ndisk full\r\n\r\n', 'copying\ndisk full'],
    ['a progress bar keeps its last state', ' 10%\r 50%\r100% done\nok', '100% done\nok'],
    ['colours and other controls go, tabs stay', '\u001b[31mred\u001b[0m\ta\u0000b\u0007', 'red\tab'],
    ['an empty body', '', ''],
  ])('%s', (_what, input, expected) => {
    expect(pingBodyTail(bytes(input))).toBe(expected);
  });
});
