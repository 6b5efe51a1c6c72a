import { MetricsParseError } from './errors.ts';

/** Cumulative received and transmitted bytes of each interface, by interface name. */
export type NetCounters = Record<string, readonly [rxBytes: number, txBytes: number]>;

/** Parses /proc/net/dev (all interfaces, loopback included). */
export function parseNetDev(text: string, source = '/proc/net/dev'): NetCounters {
  const out: NetCounters = {};
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    // The two header lines contain '|' and no interface colon before it.
    if (colon < 0 || line.includes('|')) continue;
    const iface = line.slice(0, colon).trim();
    // Old kernels glue big numbers to the colon ("eth0:1234567 ..."): split after it, not on whitespace alone.
    const fields = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .map(Number);
    const rx = fields[0];
    const tx = fields[8];
    if (!iface || rx === undefined || tx === undefined || !Number.isFinite(rx) || !Number.isFinite(tx)) {
      throw new MetricsParseError(source, `malformed interface line: ${JSON.stringify(line)}`);
    }
    out[iface] = [rx, tx];
  }
  return out;
}

/** True for the loopback interface, which `Sample.network` leaves out (`lo` on Linux, `lo0` on BSD and macOS). */
export function isLoopback(iface: string): boolean {
  return /^lo\d*$/.test(iface) || iface.startsWith('Loopback');
}
