export type { AccessDecision, AccessPolicyOptions, HubToken } from './access.ts';
export { createAccessPolicy, PRIVATE_NETWORKS } from './access.ts';
export type {
  AlertEngine,
  AlertEngineOptions,
  AlertEngineStore,
  AlertOutcome,
  SilenceRequest,
} from './alert-engine.ts';
export { createAlertEngine, REPORT_TIMES_KEPT } from './alert-engine.ts';
export type { HubDeps, HubOutbox, PublisherState } from './create-hub.ts';
export { createHub } from './create-hub.ts';
export type { HubApp, HubBindings, HubContext, HubEnv, HubVariables } from './http/hub-env.ts';
export { HUB_NODE_FLAGS } from './node-flags.ts';
export type { HubService, HubServiceOptions } from './service.ts';
export { createHubService } from './service.ts';
