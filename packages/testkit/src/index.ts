export { countCharacters, graphemeLength, URL_CHARACTER_WEIGHT } from './character-count.ts';
export type {
  AccountJson,
  ApplicationJson,
  FakeAccount,
  MediaAttachmentJson,
  MentionJson,
  StatusJson,
  StatusVisibility,
} from './entities.ts';
export type {
  FakeMastodon,
  FakeMastodonOptions,
  FakeUser,
  RecordedRequest,
} from './fake-mastodon.ts';
export { startFakeMastodon } from './fake-mastodon.ts';
export type { FailNextOptions, Fault, FaultKind } from './faults.ts';
export { nginxErrorPage } from './faults.ts';
export type { ErrorReply, Flavour, FlavourProfile, IdempotencyMode, RateLimitHeaderStyle } from './flavour.ts';
export { FLAVOURS, flavourProfile, isFlavour } from './flavour.ts';
export type { Golden, GoldenFile } from './goldens.ts';
export { goldens } from './goldens.ts';
export type { Finished, NodeProcess, NodeProcesses, NodeProcessOptions, RanToEnd } from './node-process.ts';
export { closedPort, nodeProcesses, runToEnd, tempDir } from './node-process.ts';
export type { AuthorizeRequest, GrantType, RecordedApp, RecordedToken, StaticToken } from './oauth.ts';
export { FakeOAuthError, OOB_REDIRECT_URI, pkceChallenge } from './oauth.ts';
export type { RealHub, RealHubOptions } from './real-hub.ts';
export { HUB_TOKEN, startRealHub } from './real-hub.ts';
export type { Answer, Recorded, RecordingHub } from './recording-hub.ts';
export { startRecordingHub } from './recording-hub.ts';
export type { Params, UploadedFile } from './request-body.ts';
export type { RecordedMedia, RecordedStatus } from './statuses.ts';
export type { WebhookFixture } from './webhook-fixtures.ts';
export { webhookFixture } from './webhook-fixtures.ts';
