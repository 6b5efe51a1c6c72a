import type { MessageType } from '@janitor/protocol';

/**
 * How a message of one type becomes a status. Placeholders: `{icon}`, `{hostname}`, `{summary}`, `{text}`.
 * When the icon is empty (type `none`), `{icon}` also swallows the one space after it, so no stray space is left.
 */
export interface MessageTemplate {
  /**
   * The content warning when the message has a summary.
   * @default '{icon} {hostname}:\n\n{summary}'
   */
  spoiler?: string;
  /**
   * The status text when the message has a summary.
   * @default '{text}'
   */
  text?: string;
  /**
   * The status text when the message has no summary.
   * @default '{icon} {hostname}:\n\n{text}'
   */
  textWithoutSummary?: string;
}

/** Template overrides per message type; what a type leaves out comes from {@link DEFAULT_TEMPLATE}. */
export type MessageTemplates = Partial<Record<MessageType, MessageTemplate>>;

/** The templates that reproduce the original's posts. */
export const DEFAULT_TEMPLATE: Readonly<Required<MessageTemplate>> = {
  spoiler: '{icon} {hostname}:\n\n{summary}',
  text: '{text}',
  textWithoutSummary: '{icon} {hostname}:\n\n{text}',
};

/** The values a template's placeholders stand for. */
export interface TemplateValues {
  icon: string;
  hostname: string;
  summary: string;
  text: string;
}

const PLACEHOLDER = /\{icon\}( ?)|\{hostname\}|\{summary\}|\{text\}/g;

/**
 * Fills a template in one pass, so a value that itself contains `{text}` is left as written.
 * Unknown placeholders stay as they are.
 */
export function fillTemplate(template: string, values: TemplateValues): string {
  return template.replace(PLACEHOLDER, (match: string, space: string | undefined) => {
    switch (match.startsWith('{icon}') ? '{icon}' : match) {
      case '{icon}':
        return values.icon === '' ? '' : values.icon + (space ?? '');
      case '{hostname}':
        return values.hostname;
      case '{summary}':
        return values.summary;
      default:
        return values.text;
    }
  });
}
