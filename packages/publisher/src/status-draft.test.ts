import type { Message, MessageType } from '@janitor/protocol';
import { goldens } from '@janitor/testkit';
import { describe, expect, it } from 'vitest';
import { type RenderOptions, renderMessage, withDirectMention } from './status-draft.ts';

// The original's shipped config: instance_type pleroma, content_type text/markdown, visibility public.
const ORIGINAL: RenderOptions = {
  instanceType: 'pleroma',
  contentType: 'text/markdown',
  visibility: 'public',
  hostname: 'this-machine',
};

const messageCases = goldens.cases.filter((c) => c.request.path === '/message' && c.posted !== null);

describe('renderMessage reproduces the original', () => {
  it('has /message goldens to compare with', () => {
    expect(messageCases.length).toBeGreaterThanOrEqual(4);
  });

  it.each(messageCases.map((c) => [c.name, c] as const))('%s', (_name, golden) => {
    const form = golden.request.form ?? {};
    const message: Message = {
      text: form.message ?? '',
      type: (form.message_type ?? 'none') as MessageType,
      ...(form.hostname ? { hostname: form.hostname } : {}),
      ...(form.summary ? { summary: form.summary } : {}),
    };
    const draft = renderMessage(message, ORIGINAL);
    expect({
      status: draft.status,
      spoiler_text: draft.spoilerText ?? null,
      visibility: draft.visibility,
      content_type: draft.contentType,
    }).toEqual(golden.posted);
  });
});

describe('renderMessage', () => {
  const base: RenderOptions = { hostname: 'default-host' };

  it.each([
    // What each case means, then the message, the options and the expected draft.
    [
      'type none adds no icon and no stray space',
      { type: 'none', text: 'hello', hostname: 'peer-host' },
      {},
      { status: 'peer-host:\n\nhello', visibility: 'public' },
    ],
    [
      'type none with a summary: no stray space in the content warning',
      { type: 'none', text: 'hello', summary: 'Heads up', hostname: 'peer-host' },
      {},
      { status: 'hello', spoilerText: 'peer-host:\n\nHeads up', visibility: 'public' },
    ],
    [
      'a message without hostname uses the default host',
      { type: 'info', text: 'hi' },
      {},
      { status: '\u2139\uFE0F default-host:\n\nhi', visibility: 'public' },
    ],
    [
      'a blank hostname uses the default host',
      { type: 'info', text: 'hi', hostname: '  ' },
      {},
      { status: '\u2139\uFE0F default-host:\n\nhi', visibility: 'public' },
    ],
    [
      'an empty summary counts as no summary',
      { type: 'alarm', text: 'hi', summary: '', hostname: 'h' },
      {},
      { status: '\u{1F6A8} h:\n\nhi', visibility: 'public' },
    ],
    [
      'merge_summary_into_text puts the content warning above the text, and no spoiler',
      { type: 'warning', text: '3 files were skipped', summary: 'Backup', hostname: 'h' },
      { mergeSummaryIntoText: true },
      { status: '\u26A0\uFE0F h:\n\nBackup\n\n3 files were skipped', visibility: 'public' },
    ],
    [
      'merge_summary_into_text without a summary changes nothing',
      { type: 'warning', text: 'x', hostname: 'h' },
      { mergeSummaryIntoText: true },
      { status: '\u26A0\uFE0F h:\n\nx', visibility: 'public' },
    ],
    [
      'mastodon gets no content_type',
      { type: 'error', text: 'x', hostname: 'h' },
      { instanceType: 'mastodon', contentType: 'text/markdown' },
      { status: '\u{1F525} h:\n\nx', visibility: 'public' },
    ],
    [
      'gotosocial gets the content_type',
      { type: 'error', text: 'x', hostname: 'h' },
      { instanceType: 'gotosocial', contentType: 'text/markdown' },
      { status: '\u{1F525} h:\n\nx', visibility: 'public', contentType: 'text/markdown' },
    ],
    [
      'akkoma gets the default content_type text/plain',
      { type: 'error', text: 'x', hostname: 'h' },
      { instanceType: 'akkoma' },
      { status: '\u{1F525} h:\n\nx', visibility: 'public', contentType: 'text/plain' },
    ],
    [
      'direct visibility mentions username_to_dm first',
      { type: 'alarm', text: 'x', hostname: 'h' },
      { visibility: 'direct', usernameToDm: 'admin@example.social' },
      { status: '@admin@example.social \u{1F6A8} h:\n\nx', visibility: 'direct' },
    ],
    [
      'username_to_dm may be written with its leading @',
      { type: 'alarm', text: 'x', summary: 's', hostname: 'h' },
      { visibility: 'direct', usernameToDm: '@admin@example.social' },
      { status: '@admin@example.social x', spoilerText: '\u{1F6A8} h:\n\ns', visibility: 'direct' },
    ],
    [
      'private visibility does not mention anyone',
      { type: 'alarm', text: 'x', hostname: 'h' },
      { visibility: 'private', usernameToDm: 'admin@example.social' },
      { status: '\u{1F6A8} h:\n\nx', visibility: 'private' },
    ],
    [
      'language is passed on',
      { type: 'info', text: 'x', hostname: 'h' },
      { language: 'de' },
      { status: '\u2139\uFE0F h:\n\nx', visibility: 'public', language: 'de' },
    ],
    [
      'per-type templates and icons override the defaults, other types keep theirs',
      { type: 'warning', text: 'disk', summary: 'full', hostname: 'h' },
      { templates: { warning: { spoiler: '[{hostname}] {summary}' } }, icons: { warning: 'W' } },
      { status: 'disk', spoilerText: '[h] full', visibility: 'public' },
    ],
    [
      'a template override of undefined keeps the default',
      { type: 'info', text: 'x', hostname: 'h' },
      { templates: { info: { textWithoutSummary: undefined, text: 'unused' } } },
      { status: '\u2139\uFE0F h:\n\nx', visibility: 'public' },
    ],
    [
      'placeholders inside the text are not expanded',
      { type: 'info', text: 'literal {hostname} and {icon}', hostname: 'h' },
      {},
      { status: '\u2139\uFE0F h:\n\nliteral {hostname} and {icon}', visibility: 'public' },
    ],
  ] as Array<[string, Message, Partial<RenderOptions>, unknown]>)('%s', (_what, message, options, expected) => {
    expect(renderMessage(message, { ...base, ...options })).toEqual(expected);
  });
});

describe('withDirectMention', () => {
  it('does not mention twice', () => {
    const once = withDirectMention({ status: 'hi', visibility: 'direct' }, 'a@b.c');
    expect(once.status).toBe('@a@b.c hi');
    expect(withDirectMention(once, 'a@b.c').status).toBe('@a@b.c hi');
  });

  it('leaves a draft alone without a user to mention', () => {
    const draft = { status: 'hi', visibility: 'direct' as const };
    expect(withDirectMention(draft, undefined)).toBe(draft);
    expect(withDirectMention(draft, ' ')).toBe(draft);
  });
});
