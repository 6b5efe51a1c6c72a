// The install script (GET /install.sh): the hub's assets/install.sh with this hub's address filled in.
import { readFile } from 'node:fs/promises';
import { PUBLIC_URL_CHARACTERS } from '@janitor/config';

/** The line of assets/install.sh that receives the hub's address. */
const PLACEHOLDER = "hub='@HUB_URL@'";

const templates = new Map<string, Promise<string>>();

/**
 * The install script (the template `scriptFile`, read once) for clients of the hub at `hubUrl` (`http://hub.lan:5000`, no trailing slash): it downloads the
 * agent from there and points the agent there. The file is read once.
 * @throws Error when `hubUrl` holds characters the script does not put between quotes or on a crontab line
 */
export async function installScript(hubUrl: string, scriptFile: string): Promise<string> {
  if (!/^https?:\/\//.test(hubUrl) || !PUBLIC_URL_CHARACTERS.test(hubUrl)) {
    throw new Error(`not a hub address the install script can hold: ${JSON.stringify(hubUrl)}`);
  }
  let template = templates.get(scriptFile);
  if (template === undefined) {
    template = readFile(scriptFile, 'utf8').then((text) => {
      if (!text.includes(PLACEHOLDER)) throw new Error(`${scriptFile} has no ${PLACEHOLDER} line`);
      return text;
    });
    templates.set(scriptFile, template);
    template.catch(() => templates.delete(scriptFile));
  }
  return (await template).replace(PLACEHOLDER, `hub='${hubUrl}'`);
}
