import type { Message, MessageType } from '@janitor/protocol';
import type { Visibility } from './status-draft.ts';

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

/** A chart to attach to a post: a metric of a host over a time range (rendered and uploaded when it is posted). */
export interface ChartRequest {
  host: string;
  /** The series key (`cpu_percent`, `disk_usage_percent@/`). */
  metric: string;
  fromMs: number;
  toMs: number;
  /** A limit to draw. */
  limit?: number;
}

/** An answer to a mention (the bot): a reply in the asker's thread, never merged with other posts. */
export interface AnswerPost {
  kind: 'answer';
  answer: {
    /** Janitor's words; neutralised again when rendered, so only `mention` can notify anyone. */
    text: string;
    /** The asker (`user@domain`), mentioned first. */
    mention: string;
    /** The mention's status. */
    inReplyToId: string;
    /** Never wider than the mention's own. */
    visibility: Visibility;
    chart?: ChartRequest;
  };
}
