/**
 * `@janitor/runtime/read`: the read side of a hub or a local store (the API's hosts and series, `janitor status` and
 * `janitor history`).
 */
export type {
  FiringAlertBody,
  FleetBody,
  HostBody,
  HostDetailBody,
  HostState,
  ReadModel,
  ReadModelDeps,
  ReadRefusal,
  ReadResult,
  SeriesBody,
  SeriesLimits,
} from './read-model.ts';
export { createReadModel } from './read-model.ts';
