// Runs a writer script in a child process whose files cannot grow past 128 KiB (`ulimit -f`): SQLite's commits then
// fail as they would on a full disk (root included: the limit is not a permission).
import { spawn } from 'node:child_process';
import { join } from 'node:path';

/** Runs `script` (a file beside this one) with `path` as its argument; resolves with its exit code, output and errors. */
export async function runOutOfSpace(
  script: string,
  path: string,
): Promise<{ code: number | null; lines: string[]; stderr: string }> {
  // 512-byte blocks (POSIX sh): 128 KiB, room for the -shm file (32 KiB) and a few commits in the WAL.
  const child = spawn(
    '/bin/sh',
    ['-c', 'ulimit -f 256 && exec "$0" "$@"', process.execPath, join(import.meta.dirname, script), path],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    const deadline = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the writer did not finish within 15 s: ${stderr}`));
    }, 15_000);
    child.on('exit', (exitCode) => {
      clearTimeout(deadline);
      resolve(exitCode);
    });
  });
  return { code, lines: stdout.trim().split('\n'), stderr };
}
