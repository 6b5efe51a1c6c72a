export type { AckOutcome, Awaitable, BotAnswer, BotContext, ChartRequest, SilenceAdd } from './answer.ts';
export { answerCommand, refusalAnswer } from './answer.ts';
export type { BotConfigProblem, BotSettings } from './bot-settings.ts';
export {
  BotConfigError,
  DEFAULT_BOT_SETTINGS,
  MAX_POLL_INTERVAL_MS,
  MIN_POLL_INTERVAL_MS,
  normalizeAccount,
  parseBotSettings,
  readBotSettings,
} from './bot-settings.ts';
export type { Command, CommandVerb } from './command.ts';
export {
  COMMAND_USAGE,
  COMMAND_VERBS,
  DEFAULT_GRAPH_RANGE_MS,
  MAX_GRAPH_RANGE_MS,
  MIN_GRAPH_RANGE_MS,
  parseCommand,
  READ_ONLY_VERBS,
} from './command.ts';
export type { CommandRight } from './command-rights.ts';
export { commandRights, isReadOnly } from './command-rights.ts';
export { mentionText } from './mention-text.ts';
export { METRIC_ALIASES } from './metric-names.ts';
export type { Visibility } from './reply-visibility.ts';
export { replyVisibility, VISIBILITIES } from './reply-visibility.ts';
