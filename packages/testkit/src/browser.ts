// A real headless Chromium for the dashboard's tests and benchmark: Debian's `chromium` package driven by
// playwright-core (which never downloads a browser of its own here).
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Where Debian's `chromium` package puts the browser (`apt-get install -y chromium`). */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * The flags the browser runs with: no sandbox (tests run as root in CI), no GPU, and none of the background traffic
 * (updates, sync, safe browsing lists) that a machine without internet access would wait on.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Options of {@link launchBrowser}. */
export interface LaunchBrowserOptions {
  /** @default {@link CHROMIUM_PATH}, or `JANITOR_CHROMIUM` when set */
  executablePath?: string;
  /** How long the start may take. @default 30000 */
  timeoutMs?: number;
}

/**
 * Starts headless Chromium. Throws, saying how to install it, when the browser is missing. One per test file: a
 * start costs a second or two; each test opens its own context (cookies are per context).
 *
 * @example
 * const browser = await launchBrowser();
 * const page = await (await browser.newContext()).newPage();
 * await page.goto(hubUrl);
 * await browser.close();
 */
export async function launchBrowser(options: LaunchBrowserOptions = {}): Promise<Browser> {
  const executablePath = options.executablePath ?? process.env.JANITOR_CHROMIUM ?? CHROMIUM_PATH;
  if (!existsSync(executablePath)) {
    throw new Error(
      `no browser at ${executablePath}: install Debian's chromium (apt-get update && apt-get install -y chromium), or set JANITOR_CHROMIUM`,
    );
  }
  return chromium.launch({
    executablePath,
    args: [...CHROMIUM_ARGS],
    headless: true,
    timeout: options.timeoutMs ?? 30_000,
  });
}
