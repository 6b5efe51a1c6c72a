// Runs a writer script in a child process whose files cannot grow past 128 KiB (`ulimit -f`): SQLite's commits then
// fail as they would on a full disk (root included: the limit is not a permission).
import { join } from 'node:path';
import { runToEnd } from '@janitor/testkit';

/** Runs `script` (a file beside this one) with `path` as its argument; resolves with its exit code, output and errors. */
export async function runOutOfSpace(
  script: string,
  path: string,
): Promise<{ code: number | null; lines: string[]; stderr: string }> {
  // 512-byte blocks (POSIX sh): 128 KiB, room for the -shm file (32 KiB) and a few commits in the WAL.
  const ran = await runToEnd(
    '/bin/sh',
    ['-c', 'ulimit -f 256 && exec "$0" "$@"', process.execPath, join(import.meta.dirname, script), path],
    { what: 'the writer' },
  );
  return { code: ran.code, lines: ran.stdout.trim().split('\n'), stderr: ran.stderr };
}
