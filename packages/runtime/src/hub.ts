// `@janitor/runtime/hub`: what the hub's service and entry point are made of besides its routes: who may speak to it
// (tokens, scopes, networks, proxies), the bounds on its connections, a graceful stop, the watch on its database file,
// a logger that never throws into a request, the log file checked before anything starts, the dashboard's sessions, and
// the metrics of `/metrics`.
export type { AccessDecision, AccessPolicyOptions, HubToken, TokenDigest, TokenInfo } from './access-policy.ts';
export { createAccessPolicy, PRIVATE_NETWORKS, sha256Hex } from './access-policy.ts';
export type { ChartMediaDeps } from './chart-media.ts';
export { ALERT_CHART_WINDOW_MS, createChartMedia } from './chart-media.ts';
export type { ForwardingHeaders, Sender, SenderResolverOptions } from './client-address.ts';
export { contains, createSenderResolver, plainAddress } from './client-address.ts';
export type { ConnectionLimits, LimitConnectionsOptions } from './connection-limits.ts';
export { CONNECTION_LIMITS, limitConnections, serverOptions } from './connection-limits.ts';
export type { RequestOrigin } from './cross-site.ts';
export { isCrossSite } from './cross-site.ts';
export type { DashboardAnswer, DashboardAuth, DashboardAuthOptions, SessionView } from './dashboard-auth.ts';
export { cameOverHttps, createDashboardAuth } from './dashboard-auth.ts';
export { createHostForgetter } from './host-forgetter.ts';
export { shutdown, trackConnections } from './http-shutdown.ts';
export type { HubMetrics, HubMetricsDeps, ReportValues, RouteMeter } from './hub-metrics.ts';
export { createHubMetrics } from './hub-metrics.ts';
export { checkLogFile } from './log-file.ts';
export type { MentionListener, MentionListenerDeps, MentionNotification, MentionSource } from './mention-listener.ts';
export { createMentionListener, FIRST_START_WINDOW_MS, MENTION_CURSOR_KEY } from './mention-listener.ts';
export type {
  AlertFamilyOptions,
  ExposedAlertState,
  HostMetric,
  HostSnapshot,
  PostFailureReason,
} from './metric-families.ts';
export {
  ALERT_STATE_FAMILY,
  alertFamily,
  exposedAlertState,
  HOST_METRICS,
  hostFamilies,
  LAST_REPORT_FAMILY,
  OTHER_VALUE_FAMILY,
  postFailureReason,
} from './metric-families.ts';
export { cannotStart, exitOnUnexpectedError } from './process-guard.ts';
export { neverThrowing } from './safe-logger.ts';
export type { Session, SessionKeyValue, Sessions, SessionsOptions } from './sessions.ts';
export {
  createSessions,
  csrfMatches,
  MAX_SESSIONS,
  SESSION_COOKIE,
  SESSION_TTL_MS,
  sessionCookie,
  sessionIdOf,
} from './sessions.ts';
export { silenceView } from './silence-view.ts';
export type { StoreWatch, StoreWatchOptions } from './store-watch.ts';
export { createStoreWatch } from './store-watch.ts';
