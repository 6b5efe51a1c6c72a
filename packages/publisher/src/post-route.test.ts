import { type FakeMastodon, startFakeMastodon } from '@janitor/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { leadingMentions, narrowerVisibility, withMentions } from './post-route.ts';
import { createPublisher, type PublisherOptions } from './publisher.ts';

const fakes: FakeMastodon[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function routed(options: Partial<PublisherOptions>) {
  const fake = await startFakeMastodon();
  fakes.push(fake);
  const publisher = createPublisher({ url: fake.url, accessToken: 'test-token', hostname: 'this-host', ...options });
  return { fake, publisher };
}

const ROUTES: PublisherOptions['routes'] = {
  alarm: { visibility: 'direct', mention: ['owner@example.social', '@oncall@example.social'] },
  info: { visibility: 'unlisted', contentWarning: false },
};

describe('routing by severity (status_post.by_type)', () => {
  it('sends an alarm as a direct message that reaches only the routed accounts', async () => {
    const { fake, publisher } = await routed({ routes: ROUTES, usernameToDm: 'someone@example.social' });
    await publisher.publish({ type: 'alarm', summary: 'disk', text: 'full @intruder@evil.example', hostname: 'pi1' });
    const posted = fake.statuses[0]!;
    expect(posted.visibility).toBe('direct');
    expect(posted.mentions.map((m) => m.acct).sort()).toEqual(['oncall@example.social', 'owner@example.social']);
    expect(posted.spoilerText).toContain('disk');
  });

  it('keeps info unlisted with its summary in the text, and other types on the account-wide settings', async () => {
    const { fake, publisher } = await routed({ routes: ROUTES, visibility: 'public' });
    await publisher.publish({ type: 'info', summary: 'backup', text: 'done', hostname: 'pi1' });
    await publisher.publish({ type: 'warning', summary: 'load', text: 'high', hostname: 'pi1' });
    const [info, warning] = fake.statuses;
    expect(info).toMatchObject({ visibility: 'unlisted', spoilerText: '' });
    expect(info!.status).toContain('backup');
    expect(warning).toMatchObject({ visibility: 'public' });
    expect(warning!.spoilerText).toContain('load');
    expect(warning!.mentions).toEqual([]);
  });

  it('routes an alert report by its type', async () => {
    const { fake, publisher } = await routed({ routes: ROUTES });
    await publisher.publishReport({ spoiler: '🚨 pi1', text: 'disk 97 %', type: 'alarm' });
    await publisher.publishReport({ spoiler: 'ℹ️ pi1', text: 'recovered', type: 'info' });
    expect(fake.statuses.map((s) => s.visibility)).toEqual(['direct', 'unlisted']);
    expect(fake.statuses[0]!.mentions).toHaveLength(2);
  });

  it('gives a merged post the narrowest visibility of its items and every routed mention', async () => {
    const { publisher } = await routed({ routes: ROUTES, visibility: 'public' });
    const draft = publisher.renderMerged({
      hostname: 'pi1',
      items: [
        { kind: 'message', message: { type: 'info', text: 'a' } },
        { kind: 'report', report: { spoiler: 's', text: 'b', type: 'alarm' } },
      ],
    });
    expect(draft.visibility).toBe('direct');
    expect(leadingMentions(draft.status)).toEqual(['@owner@example.social', '@oncall@example.social']);
  });

  it('repeats the routed mentions in every part of a long direct post', async () => {
    const { fake, publisher } = await routed({ routes: ROUTES, maxLength: 500 });
    await publisher.publish({ type: 'alarm', text: 'x '.repeat(400), hostname: 'pi1' });
    expect(fake.statuses.length).toBeGreaterThan(1);
    for (const status of fake.statuses) expect(status.mentions).toHaveLength(2);
  });
});

describe('route helpers', () => {
  it('narrows visibility', () => {
    expect(narrowerVisibility('public', 'direct')).toBe('direct');
    expect(narrowerVisibility('private', 'unlisted')).toBe('private');
  });

  it('finds only the mentions a status starts with', () => {
    expect(leadingMentions('@a@x.social @b hello @c')).toEqual(['@a@x.social', '@b']);
    expect(leadingMentions('hello @a')).toEqual([]);
    expect(leadingMentions('@\u200Ba@x.social hi')).toEqual([]);
  });

  it('adds missing mentions once', () => {
    const draft = withMentions({ status: '@a@x.social hi', visibility: 'direct' }, ['@A@x.social', '@b@y.social']);
    expect(draft.status).toBe('@b@y.social @a@x.social hi');
  });
});
