import type { MessageType } from './message-type.ts';

/**
 * Something to tell the account's followers: a script's failure, a test post, an alert.
 * The publisher turns it into a status through the per-type templates.
 */
export interface Message {
  /** The body of the post. */
  text: string;
  /** Optional summary: goes to the content warning (spoiler) unless merged into the text. */
  summary?: string;
  /** Severity; decides the icon. */
  type: MessageType;
  /** Who it is about. The publisher falls back to its own default when absent. */
  hostname?: string;
}
