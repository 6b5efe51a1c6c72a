/** The most bytes `janitor send -` reads from stdin: above the hub's 64 KiB message limit, so the check names it. */
const STDIN_LIMIT_BYTES = 1 << 20;

/** Reads a message from a stream (`janitor send -`), without the final line break `echo` adds. */
export async function readMessageFrom(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buffer.length;
    chunks.push(buffer);
    if (size > STDIN_LIMIT_BYTES) break;
  }
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}
