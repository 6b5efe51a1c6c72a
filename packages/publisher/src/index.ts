export type { Account, VerifyCredentialsOptions } from './account.ts';
export { verifyCredentials } from './account.ts';
export type { AuthErrorDetails, AuthFailureReason } from './auth-error.ts';
export { AuthError } from './auth-error.ts';
export type { CutOptions, LengthCounting, LengthOptions, SplitOptions } from './cut-to-length.ts';
export { cutToLength, splitToLength, statusLength, URL_LENGTH } from './cut-to-length.ts';
export type { FailureKind } from './http-failure.ts';
export { compareIds } from './ids.ts';
export type { IncomingAccount, IncomingNotification } from './incoming-notification.ts';
export type { ListenErrorDetails } from './listen-error.ts';
export { ListenError } from './listen-error.ts';
export type { MediaUpload } from './media-upload.ts';
export { MAX_DESCRIPTION_LENGTH } from './media-upload.ts';
export type { MessageTemplate, MessageTemplates, TemplateValues } from './message-template.ts';
export { DEFAULT_TEMPLATE, fillTemplate } from './message-template.ts';
export type { NeutralizeOptions } from './neutralize.ts';
export { NEUTRALIZER, neutralize } from './neutralize.ts';
export type { NotificationHandlers, NotificationStream } from './notification-stream.ts';
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
export type { OutboxPayload, PostProgress } from './outbox-payload.ts';
export { isOutboxPayload, mergePayloads, payloadDraft } from './outbox-payload.ts';
export type {
  ConfirmedStatuses,
  DrainResult,
  OutboxPort,
  OutboxPortEntry,
  OutboxWorker,
  OutboxWorkerOptions,
  OutboxWorkerStatus,
} from './outbox-worker.ts';
export { createOutboxWorker, MAX_SERVER_WAIT_MS } from './outbox-worker.ts';
export type { BudgetState, PostBudget, PostBudgetOptions, PostWindow } from './post-budget.ts';
export { createPostBudget, POST_BUDGETS } from './post-budget.ts';
export type { AnswerPost, ChartRequest, MergedPost, PostItem, ReportPost } from './post-item.ts';
export type { PostRoute, PostRoutes } from './post-route.ts';
export { leadingMentions, narrowerVisibility, withMentions } from './post-route.ts';
export type { PublishErrorDetails } from './publish-error.ts';
export { PublishError } from './publish-error.ts';
export type {
  FindPostedOptions,
  PostedStatus,
  PostOptions,
  Publisher,
  PublisherOptions,
  PublishResult,
  ReadOptions,
  WhoAmI,
} from './publisher.ts';
export { createPublisher, partKey } from './publisher.ts';
export type { ContentType, InstanceType, RenderOptions, StatusDraft, Visibility } from './status-draft.ts';
export { renderMessage, withDirectMention } from './status-draft.ts';
export type { LongText, StatusPartsOptions } from './status-parts.ts';
export { statusParts } from './status-parts.ts';
