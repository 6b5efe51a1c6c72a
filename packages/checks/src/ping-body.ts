/** How much of a ping's body is kept: its last 10 KB, the end of the run's output. */
export const PING_BODY_TAIL_BYTES = 10_240;

const lossy = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false });

// CSI and OSC terminal escapes (colours, titles), then every other control character but tab and line feed.
// biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escapes are control characters
const ESCAPES = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-_]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the body goes into a post: no control characters
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * The tail a check keeps of a ping's body: its last `maxBytes` bytes, started on a character boundary, read as UTF-8
 * (a byte sequence that is not UTF-8 becomes U+FFFD: a ping is never refused for its body's bytes, since losing the
 * ping would make the check late). CRLF line endings become `\n`, a line rewritten with carriage returns (a progress
 * bar) keeps its last state, terminal escapes and control characters other than tab and line feed are removed, and
 * trailing blank lines dropped. Empty for an empty body.
 *
 * @example pingBodyTail(new TextEncoder().encode('copying\r\ndisk full\r\n')) // 'copying\ndisk full'
 */
export function pingBodyTail(bytes: Uint8Array, maxBytes = PING_BODY_TAIL_BYTES): string {
  let start = Math.max(0, bytes.byteLength - maxBytes);
  // Skip the continuation bytes of a character cut in two (at most three).
  for (let i = 0; i < 3 && start > 0 && start < bytes.byteLength && (bytes[start]! & 0xc0) === 0x80; i++) start++;
  const text = lossy.decode(bytes.subarray(start));
  return (
    text
      .replace(ESCAPES, '')
      .split('\n')
      // A CRLF ending is no rewrite; a progress bar's carriage returns leave its last state.
      .map((line) => line.replace(/\r+$/, '').replace(/^.*\r/s, '').replace(CONTROLS, ''))
      .join('\n')
      .replace(/\s+$/, '')
  );
}
