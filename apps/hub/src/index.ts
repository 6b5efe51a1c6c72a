export type { HubDeps, HubOutbox, PublisherState } from './create-hub.ts';
export { createHub } from './create-hub.ts';
export type { HubApp, HubBindings, HubContext, HubEnv, HubVariables } from './http/hub-env.ts';
export type { HubService, HubServiceOptions } from './service.ts';
export { createHubService } from './service.ts';
