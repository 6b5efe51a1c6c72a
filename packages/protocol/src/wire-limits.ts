/**
 * The limits the wire parsers enforce. Lengths count UTF-16 code units (JavaScript's `string.length`).
 * The hub should apply `bodyBytes` as its body limit (413) before parsing.
 */
export const WIRE_LIMITS = Object.freeze({
  /** Largest request body: room for a 64 KiB message percent-encoded, or a report with 256 disks. */
  bodyBytes: 1_048_576,
  /** Deepest nesting of arrays and objects in a JSON body. */
  jsonDepth: 32,
  /** Most keys in one JSON object. */
  jsonKeys: 1024,
  /** Most fields in a form-encoded body. */
  formFields: 1024,
  /** Longest hostname (the DNS limit; script hostnames are free text such as `Auto Git Pull at myhostname`). */
  hostnameLength: 255,
  /** Longest message text (64 KiB). */
  messageLength: 65_536,
  /** Longest summary (it becomes the content warning). */
  summaryLength: 1000,
  /** Most metrics in a legacy `sys_data` or a v2 `sample.metrics`. */
  metricKeys: 256,
  /** Most entries in `sample.disks`. */
  disks: 256,
  /** Most entries in `sample.network`. */
  networkInterfaces: 256,
  /** Longest mount point or device path (Linux PATH_MAX). */
  pathLength: 4096,
  /** Longest filesystem type or interface name. */
  nameLength: 255,
  /**
   * Most alerts in one webhook payload (Alertmanager, Grafana). A bigger group is refused whole (413): the sender's
   * `max_alerts` keeps it under, and the alerts it leaves out are said in a post.
   */
  webhookAlerts: 1000,
  /** Most problems listed in one rejection. */
  issues: 20,
});

/** What a metric name looks like: lower case letters, digits and underscores, starting with a letter, at most 64. */
export const METRIC_NAME_PATTERN: RegExp = /^[a-z][a-z0-9_]{0,63}$/;
