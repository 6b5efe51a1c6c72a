// Where an installed Janitor app's command is, without loading anything else (`janitor scheduler` asks, and runs
// every minute).
import { readFileSync } from 'node:fs';
import { findPackageJSON } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The file the `bin` of an installed package names (`src/main.ts` in a clone, `dist/main.js` once packed),
 * resolved from `from` (the caller's `import.meta.url`: the package that depends on it). Starting a hub or an agent
 * goes through this, never through a path into another app's folder.
 * @throws Error when the package is not installed where `from` can see it, or has no such bin
 */
export function binEntryPoint(pkgName: string, from: string | URL, bin = pkgName): string {
  const manifest = findPackageJSON(pkgName, from);
  if (manifest === undefined) throw new Error(`${pkgName} is not installed: install it beside janitor`);
  const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { bin?: string | Record<string, string> };
  const file = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin?.[bin];
  if (file === undefined) throw new Error(`${pkgName} has no ${bin} command in ${manifest}`);
  return join(dirname(manifest), file);
}

/** janitor-hub's entry point, seen from `from` ({@link binEntryPoint}). */
export function hubEntryPoint(from: string | URL): string {
  return binEntryPoint('janitor-hub', from);
}
