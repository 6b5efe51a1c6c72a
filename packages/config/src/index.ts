export { addCidr, isCidr } from './cidr.ts';
export type { AppLogger, CreateLoggerOptions } from './create-logger.ts';
export { createLogger, SECRET_KEYS, toTsLogLevel } from './create-logger.ts';
export type { ResolvedToken, TokenSource } from './credentials.ts';
export { isReadableByOthers, readClientCredentials, resolveAccessToken, writeSecretFile } from './credentials.ts';
export type { ConfigProblem } from './errors.ts';
export { ConfigError } from './errors.ts';
export type { LoadConfigOptions, LoadedConfig, ParseConfigOptions } from './load-config.ts';
export { defaultStateDir, loadConfig, parseConfig } from './load-config.ts';
export type { MigrateOriginalOptions, OriginalMigration } from './migrate-original.ts';
export { findOriginalLayout, MIGRATED_MARKER, migrateOriginalConfig } from './migrate-original.ts';
export type { KeyMove, OriginalConversion } from './original-layout.ts';
export {
  convertOriginalKeys,
  ORIGINAL_KEY_MOVES,
  ORIGINAL_ONLY_ACTIONS,
  ORIGINAL_UNUSED_KEYS,
} from './original-layout.ts';
export { publisherSettings } from './publisher-options.ts';
export type { ConfigData, RawConfig } from './schema.ts';
export type { HubTokenScope } from './schema-constants.ts';
export { HUB_TOKEN_SCOPES, MIN_HUB_TOKEN_LENGTH, PUBLIC_URL_CHARACTERS } from './schema-constants.ts';
export { PLACEHOLDER_SERVER, requireServer } from './server.ts';
export type { SplitLayout } from './split-layout.ts';
export { isSplitLayoutMain, readSplitLayout } from './split-layout.ts';
export { unknownKeys } from './unknown-keys.ts';
export type { WritablePathsOptions } from './writable-paths.ts';
export { checkWritablePaths } from './writable-paths.ts';
export type { RepeatedKey, YamlText } from './yaml-file.ts';
export { parseYamlText } from './yaml-file.ts';
