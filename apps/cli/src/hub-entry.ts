// Where janitor-hub's entry point is, without loading anything else (`janitor scheduler` asks, and runs every minute).
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The hub's entry point: `main.ts` (or, once built, `main.js`) beside the `janitor-hub` package's entry, or the
 * workspace's copy when the package is not linked into this one.
 */
export function hubEntryPoint(): string {
  try {
    const index = fileURLToPath(import.meta.resolve('janitor-hub'));
    const main = join(dirname(index), basename(index).replace(/^index\./, 'main.'));
    if (existsSync(main)) return main;
  } catch {
    // Not linked (yet): fall back to the workspace layout.
  }
  return fileURLToPath(new URL('../../hub/src/main.ts', import.meta.url));
}
