// Durations are read where the wire reads them (a silence's `for`), in @janitor/protocol; config.yaml's durations
// are read the same way.
export type { DurationRead } from '@janitor/protocol';
export { parseDuration, readDuration } from '@janitor/protocol';
