import type { AlertTransition } from './alert-state.ts';

/** A post that is due about one alert of one host: {@link AlertTransition} and where it happened. */
export interface AlertNotification extends AlertTransition {
  hostname: string;
  /** The alert's state key (`cpu_percent`, `disk_usage_percent@/data`, `host_silent`). */
  key: string;
  /** The metric, or `host_silent`. */
  metric: string;
  /** The filesystem of a per-mount alert. */
  mount?: string;
  /** When the post became due (the observation's time). */
  at: number;
  /** `host_silent`: the host's last report (absent for an expected host never seen). */
  lastSeenAt?: number;
}
