import { CONTENT_TYPES, type ExpositionFormat } from './exposition.ts';

/** The format to answer a scrape in, and its `Content-Type`. */
export interface Negotiated {
  format: ExpositionFormat;
  contentType: string;
}

/** One media range of an Accept header as far as the choice needs it. */
interface Offer {
  format: ExpositionFormat | undefined;
  q: number;
}

function offerOf(range: string): Offer {
  const [type = '', ...params] = range.split(';').map((part) => part.trim());
  let q = 1;
  let version: string | undefined;
  for (const param of params) {
    const eq = param.indexOf('=');
    if (eq === -1) continue;
    const name = param.slice(0, eq).trim().toLowerCase();
    const value = param
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
    if (name === 'q') {
      const parsed = Number(value);
      q = value !== '' && Number.isFinite(parsed) ? Math.min(Math.max(parsed, 0), 1) : 0;
    } else if (name === 'version') version = value;
  }
  switch (type.toLowerCase()) {
    case 'application/openmetrics-text':
      // 1.0.0, or no version (the newest); 0.0.1, the draft, differs in details: answered in text format instead.
      return { format: version === undefined || version === '1.0.0' ? 'openmetrics' : undefined, q };
    case 'text/plain':
      return { format: version === undefined || version === '0.0.4' ? 'text' : undefined, q };
    case 'text/*':
    case '*/*':
      return { format: 'text', q };
    default:
      return { format: undefined, q };
  }
}

/**
 * The exposition format a scraper's `Accept` header asks for: OpenMetrics 1.0.0 when its media range
 * (`application/openmetrics-text`, version 1.0.0 or none) has the highest `q` of those this package writes (the
 * first one listed on a tie), else the text format 0.0.4. A missing, empty or unreadable header, or one that asks
 * only for formats not written here, gets the text format: a scrape is never refused for its Accept header.
 *
 * @example
 * negotiateExposition('application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*\/*;q=0.1')
 * // { format: 'openmetrics', contentType: 'application/openmetrics-text; version=1.0.0; charset=utf-8' }
 */
export function negotiateExposition(accept: string | undefined): Negotiated {
  let format: ExpositionFormat = 'text';
  let bestQ = 0;
  // Prometheus' own header is short; anything far longer is not worth reading.
  if (accept !== undefined && accept.length <= 4096) {
    for (const range of accept.split(',')) {
      const offer = offerOf(range);
      if (offer.format !== undefined && offer.q > bestQ) {
        format = offer.format;
        bestQ = offer.q;
      }
    }
  }
  return { format, contentType: CONTENT_TYPES[format] };
}
