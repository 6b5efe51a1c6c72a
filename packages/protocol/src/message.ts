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
  /**
   * A key naming its subject (`backup-nightly`): messages with the same key within the hub's `threads.window` are
   * posted as replies to the first one, one thread instead of a wall of posts.
   */
  thread?: string;
}
