import type { Message, MessageType } from '@janitor/protocol';

/** An alert report as @janitor/thresholds' `formatReport` writes it. */
export interface ReportPost {
  /** The content warning, e.g. `🚨 peer-host`. */
  spoiler: string;
  /** The report lines. */
  text: string;
  /** Its message type (the alert's level, `info` for a recovery): picks its route (`status_post.by_type`). */
  type?: MessageType;
}

/** One post as the hub queues it: a message (rendered when posted) or a ready alert report. */
export type PostItem =
  | { kind: 'message'; message: Message }
  | { kind: 'report'; report: ReportPost & { hostname?: string } };

/** Several posts about one host, merged into one status when a storm would exceed the server's posting limits. */
export interface MergedPost {
  kind: 'merged';
  hostname: string;
  /** The merged posts, oldest first. */
  items: PostItem[];
}
