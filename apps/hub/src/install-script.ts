// The install script (GET /install.sh): assets/install.sh with this hub's address filled in.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PUBLIC_URL_CHARACTERS } from '@janitor/config';

/** The line of assets/install.sh that receives the hub's address. */
const PLACEHOLDER = "hub='@HUB_URL@'";

/** Where the script is, in a clone (beside src/) and in a packed hub (beside dist/) alike. */
const SCRIPT_FILE = join(import.meta.dirname, '..', 'assets', 'install.sh');

let template: Promise<string> | undefined;

/**
 * The install script for clients of the hub at `hubUrl` (`http://hub.lan:5000`, no trailing slash): it downloads the
 * agent from there and points the agent there. The file is read once.
 * @throws Error when `hubUrl` holds characters the script does not put between quotes or on a crontab line
 */
export async function installScript(hubUrl: string): Promise<string> {
  if (!/^https?:\/\//.test(hubUrl) || !PUBLIC_URL_CHARACTERS.test(hubUrl)) {
    throw new Error(`not a hub address the install script can hold: ${JSON.stringify(hubUrl)}`);
  }
  template ??= readFile(SCRIPT_FILE, 'utf8').then((text) => {
    if (!text.includes(PLACEHOLDER)) throw new Error(`${SCRIPT_FILE} has no ${PLACEHOLDER} line`);
    return text;
  });
  template.catch(() => {
    template = undefined;
  });
  return (await template).replace(PLACEHOLDER, `hub='${hubUrl}'`);
}
