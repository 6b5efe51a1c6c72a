import type { mastodon } from 'masto';

/** Where the server streams, and the domain of its accounts. */
export interface InstanceLinks {
  /** `wss://…`: `configuration.urls.streaming` (v2), else `urls.streaming_api` (v1), else the server's own address. */
  streamingUrl: string;
  /**
   * The domain in its accounts' handles (`user@domain`): v2 `domain` (Mastodon's LOCAL_DOMAIN), else v1 `uri`, else
   * the host of the server's address.
   */
  domain: string;
  /** False when neither instance endpoint answered and the fallbacks were used (worth asking again later). */
  fromServer: boolean;
}

/** The parts of the v1 and v2 Instance entities read here (masto camel-cases the keys). */
interface InstanceParts {
  domain?: unknown;
  accountDomain?: unknown;
  uri?: unknown;
  urls?: { streamingApi?: unknown; streaming?: unknown };
  configuration?: { urls?: { streaming?: unknown } };
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** `https://host/` or `host` as a bare host. */
function hostOf(value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    return new URL(value.includes('://') ? value : `https://${value}`).host || undefined;
  } catch {
    return undefined;
  }
}

/** Reads the streaming address and the account domain from the instance endpoints (v2, then v1). */
export async function readInstanceLinks(client: mastodon.rest.Client, url: string): Promise<InstanceLinks> {
  let streamingUrl: string | undefined;
  let domain: string | undefined;
  let answered = false;
  const readers = [
    async () => (await client.v2.instance.fetch()) as unknown as InstanceParts,
    async () => (await client.v1.instance.fetch()) as unknown as InstanceParts,
  ];
  for (const read of readers) {
    if (streamingUrl && domain) break;
    let instance: InstanceParts | undefined;
    try {
      instance = await read();
    } catch {
      // Akkoma has no v2 endpoint; an unreachable server leaves the fallbacks.
      continue;
    }
    answered = true;
    streamingUrl ??=
      nonEmpty(instance?.configuration?.urls?.streaming) ??
      nonEmpty(instance?.urls?.streamingApi) ??
      nonEmpty(instance?.urls?.streaming);
    domain ??= hostOf(nonEmpty(instance?.accountDomain) ?? nonEmpty(instance?.domain) ?? nonEmpty(instance?.uri));
  }
  const own = new URL(url);
  return {
    streamingUrl: streamingUrl ?? `${own.protocol === 'https:' ? 'wss:' : 'ws:'}//${own.host}`,
    domain: domain ?? own.host,
    fromServer: answered,
  };
}
