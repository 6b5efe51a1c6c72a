/**
 * What a post is about, as the notification log remembers it: an alert of a host (one incident of one rule), a
 * message sent through `/message`, or anything else (`report`: a local check's report, a test post...). Threads,
 * acknowledgements and "what is this reply about?" are answered from it.
 */
export type PostAbout = AlertAbout | MessageAbout | ReportAbout;

/** A post about one incident of one alert: the rule `key` of `host`, firing since `incidentStartMs`. */
export interface AlertAbout {
  kind: 'alert';
  host: string;
  /** The alert's key (`cpu_percent`, `disk_usage_percent@/data`, `host_silent`). */
  key: string;
  /** When the incident began (epoch ms; the lifecycle's `firingSince`): its posts share it until it resolves. */
  incidentStartMs: number;
  /** Why it was posted: `firing`, `repeat`, `escalated`, `deescalated`, `resolved`, `report`... */
  reason?: string;
}

/** A post of a message sent by a script or a person (`/message`, `janitor send`). */
export interface MessageAbout {
  kind: 'message';
  /** The host the message is about. */
  host?: string;
  /** The outbox group it was queued in (the posting order it keeps). */
  groupKey?: string;
  /** A name the sender gave to follow up on the same subject (its posts form one thread). */
  thread?: string;
}

/** Any other post. */
export interface ReportAbout {
  kind: 'report';
}

/** True for a well-formed {@link PostAbout} (e.g. read back from JSON). Unknown extra fields are allowed. */
export function isPostAbout(value: unknown): value is PostAbout {
  if (typeof value !== 'object' || value === null) return false;
  const about = value as Record<string, unknown>;
  const optionalString = (name: string) => about[name] === undefined || typeof about[name] === 'string';
  switch (about.kind) {
    case 'alert':
      return (
        typeof about.host === 'string' &&
        typeof about.key === 'string' &&
        typeof about.incidentStartMs === 'number' &&
        Number.isFinite(about.incidentStartMs) &&
        optionalString('reason')
      );
    case 'message':
      return optionalString('host') && optionalString('groupKey') && optionalString('thread');
    case 'report':
      return true;
    default:
      return false;
  }
}
