export type { CollectOptions } from './collect.ts';
export { collect } from './collect.ts';
export type { Collector, CollectorOptions } from './collector.ts';
export { createCollector } from './collector.ts';
export type { StatFsLike } from './disk-usage.ts';
export { MetricsParseError, MetricsReadError } from './errors.ts';
export { EXCLUDED_FS_TYPES, isRealFilesystem } from './mounts.ts';
export type { OsLike, SourceKind } from './source.ts';
export { defaultStateFile } from './state-file.ts';
