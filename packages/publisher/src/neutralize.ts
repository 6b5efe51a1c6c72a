// `neutralize` lives in @janitor/protocol (the bot and the publisher both need it); kept here under its old names.
export type { NeutralizeOptions } from '@janitor/protocol';
export { NEUTRALIZER, neutralize } from '@janitor/protocol';
