export type { Account, VerifyCredentialsOptions } from './account.ts';
export { verifyCredentials } from './account.ts';
export type { AuthErrorDetails, AuthFailureReason } from './auth-error.ts';
export { AuthError } from './auth-error.ts';
export type { CutOptions, LengthCounting, LengthOptions } from './cut-to-length.ts';
export { cutToLength, statusLength, URL_LENGTH } from './cut-to-length.ts';
export type { MessageTemplate, MessageTemplates, TemplateValues } from './message-template.ts';
export { DEFAULT_TEMPLATE, fillTemplate } from './message-template.ts';
export type {
  AppCredentials,
  AuthorizationUrlOptions,
  ExchangeCodeOptions,
  PasswordGrantOptions,
  Pkce,
  RegisterAppOptions,
} from './oauth.ts';
export {
  authorizationUrl,
  createPkce,
  DEFAULT_SCOPES,
  exchangeCode,
  OOB_REDIRECT_URI,
  passwordGrant,
  registerApp,
} from './oauth.ts';
export type { DrainResult, OutboxPayload, OutboxPort, OutboxWorker, OutboxWorkerOptions } from './outbox-worker.ts';
export { createOutboxWorker } from './outbox-worker.ts';
export type { PublishErrorDetails } from './publish-error.ts';
export { PublishError } from './publish-error.ts';
export type { PostOptions, Publisher, PublisherOptions, PublishResult } from './publisher.ts';
export { createPublisher } from './publisher.ts';
export type { ContentType, InstanceType, RenderOptions, StatusDraft, Visibility } from './status-draft.ts';
export { renderMessage, withDirectMention } from './status-draft.ts';
