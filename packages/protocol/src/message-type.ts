/** The severity of a message or an alert, lowest first. `none` adds no icon. */
export type MessageType = 'none' | 'info' | 'warning' | 'error' | 'alarm';

/** Every message type, from the least to the most severe. */
export const MESSAGE_TYPES: readonly MessageType[] = ['none', 'info', 'warning', 'error', 'alarm'];

/** The icon the original put before a message of each type. */
export const MESSAGE_ICONS: Readonly<Record<MessageType, string>> = {
  none: '',
  info: '\u2139\uFE0F',
  warning: '\u26A0\uFE0F',
  error: '\u{1F525}',
  alarm: '\u{1F6A8}',
};

/** The marker appended to a report line whose metric crossed its limit. */
export const CROSSED_MARKER = '\u2757\uFE0F';

/** True when `value` names a message type (exact, lower case). */
export function isMessageType(value: unknown): value is MessageType {
  return typeof value === 'string' && (MESSAGE_TYPES as readonly string[]).includes(value);
}

/**
 * Reads a message type as users write it: case-insensitive, surrounding blanks ignored.
 * Returns `undefined` for anything else, so the caller can name the field in its error.
 */
export function parseMessageType(value: unknown): MessageType | undefined {
  if (typeof value !== 'string') return undefined;
  const lower = value.trim().toLowerCase();
  return isMessageType(lower) ? lower : undefined;
}

/** Orders types by severity: negative when `a` is less severe than `b`. */
export function compareSeverity(a: MessageType, b: MessageType): number {
  return MESSAGE_TYPES.indexOf(a) - MESSAGE_TYPES.indexOf(b);
}

/** The most severe of `types`, or `undefined` when there are none. */
export function worstType(types: Iterable<MessageType>): MessageType | undefined {
  let worst: MessageType | undefined;
  for (const t of types) if (worst === undefined || compareSeverity(t, worst) > 0) worst = t;
  return worst;
}
