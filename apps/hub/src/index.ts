export type { AccessDecision, AccessPolicyOptions, HubToken } from './access.ts';
export { createAccessPolicy, PRIVATE_NETWORKS } from './access.ts';
export type { HubDeps, HubOutbox, PublisherState } from './create-hub.ts';
export { createHub } from './create-hub.ts';
export type { HubService, HubServiceOptions } from './service.ts';
export { createHubService } from './service.ts';
export type { SilenceFields, SilenceView } from './silence-request.ts';
export { parseSilenceFields, parseSilenceRequest, silenceView } from './silence-request.ts';
