/** What a browser tells of where a request comes from. */
export interface RequestOrigin {
  /** `Sec-Fetch-Site`: `same-origin`, `same-site`, `cross-site` or `none` (typed, a bookmark); absent in old browsers. */
  secFetchSite?: string | undefined;
  /** `Origin`: the scheme, host and port of the page that sent it; absent from scripts, curl and agents. */
  origin?: string | undefined;
  /** `Host`: the hub as the client addressed it. */
  host?: string | undefined;
}

/**
 * Whether a request was sent by a page of another site (a form or a script on some web page, the browser adding the
 * hub's cookie or its loopback address): what must not change anything, whatever rights its address or cookie
 * give. Browsers say it with `Sec-Fetch-Site` (anything but `same-origin` or `none`), older ones with an `Origin`
 * whose host is not the one the request was sent to. Scripts, curl and agents send neither: never cross-site.
 *
 * @example isCrossSite({ secFetchSite: 'cross-site' }) // true
 * @example isCrossSite({ origin: 'http://hub.lan:5000', host: 'hub.lan:5000' }) // false
 */
export function isCrossSite(request: RequestOrigin): boolean {
  const site = request.secFetchSite?.trim().toLowerCase();
  if (site !== undefined && site !== '') return site !== 'same-origin' && site !== 'none';
  const origin = request.origin?.trim();
  if (origin === undefined || origin === '') return false;
  // A sandboxed frame or a privacy-minded redirect sends "null": not this hub's page.
  if (origin === 'null') return true;
  try {
    return new URL(origin).host.toLowerCase() !== (request.host ?? '').trim().toLowerCase();
  } catch {
    return true;
  }
}
