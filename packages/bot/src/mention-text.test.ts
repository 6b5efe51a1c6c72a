import { describe, expect, it } from 'vitest';
import { mentionText } from './mention-text.ts';

// The bot's mention as each server flavour renders it in a status's `content`.
const MASTODON =
  '<span class="h-card" translate="no"><a href="https://example.social/@janitor" class="u-url mention">@<span>janitor</span></a></span>';
const PLEROMA =
  '<span class="h-card"><a class="u-url mention" data-user="AbCdEf123" href="https://pleroma.example/users/janitor" rel="ugc">@<span>janitor</span></a></span>';
const GOTOSOCIAL =
  '<span class="h-card"><a href="https://gts.example/@janitor" class="mention" rel="nofollow noreferrer noopener" target="_blank">@<span>janitor</span></a></span>';
const MISSKEY = '<a href="https://misskey.example/@janitor" class="u-url mention">@janitor@misskey.example</a>';

describe('mentionText', () => {
  it.each<[string, string, string]>([
    ['Mastodon: a paragraph with the h-card mention', `<p>${MASTODON} status pi1</p>`, 'status pi1'],
    [
      'Mastodon: a reply mentions everyone in the thread',
      `<p>${MASTODON} <span class="h-card" translate="no"><a href="https://other.example/@owner" class="u-url mention">@<span>owner</span></a></span> ack</p>`,
      'ack',
    ],
    [
      'Mastodon: line breaks and paragraphs are spaces',
      `<p>${MASTODON}<br />silence pi1 2h</p><p>kernel upgrade</p>`,
      'silence pi1 2h kernel upgrade',
    ],
    [
      'Mastodon: a shortened link keeps its whole text',
      `<p>${MASTODON} silence pi1 1h see <a href="https://example.org/runbook/disk" rel="nofollow noopener" target="_blank"><span class="invisible">https://</span><span class="ellipsis">example.org/runbook/d</span><span class="invisible">isk</span></a></p>`,
      'silence pi1 1h see https://example.org/runbook/disk',
    ],
    ['Pleroma: no paragraph, <br/> between lines', `${PLEROMA} graph pi1 cpu<br/>24h`, 'graph pi1 cpu 24h'],
    [
      'Akkoma: entities as Pleroma writes them',
      `${PLEROMA} silence pi1 2h Bob&#39;s &amp; Alice&#39;s work`,
      "silence pi1 2h Bob's & Alice's work",
    ],
    ['GoToSocial: a paragraph with its mention link', `<p>${GOTOSOCIAL} hosts</p>`, 'hosts'],
    ['Misskey: the mention link holds @user@domain', `<p>${MISSKEY} alerts</p>`, 'alerts'],
    ['a mention in plain text, with its domain', '@janitor@example.social status', 'status'],
    ['a fullwidth at sign', '＠janitor status', 'status'],
    [
      'a mention in the middle of the text is removed too',
      `<p>${MASTODON} silence pi1 2h ask @bob@example.org</p>`,
      'silence pi1 2h ask',
    ],
    [
      'an e-mail address is no mention',
      `<p>${MASTODON} silence pi1 2h mail ops@example.org</p>`,
      'silence pi1 2h mail ops@example.org',
    ],
    [
      'hex and decimal entities, quotes',
      `<p>${MASTODON} status &quot;Auto Git&#x27;s&quot; &#8212;</p>`,
      `status "Auto Git's" —`,
    ],
    [
      'an escaped tag stays text',
      `<p>${MASTODON} silence pi1 1h &lt;p&gt;fix&lt;/p&gt;</p>`,
      'silence pi1 1h <p>fix</p>',
    ],
    ['&nbsp; and non-breaking spaces are spaces', `<p>${MASTODON}&nbsp;status\u00a0pi1</p>`, 'status pi1'],
    ['zero-width spaces (a neutralized copy) vanish', `<p>${MASTODON} sta\u200Btus pi1</p>`, 'status pi1'],
    ['an unknown entity and a NUL stay as written', `<p>${MASTODON} ok &bogus; &#0;</p>`, 'ok &bogus; &#0;'],
    ['comments are dropped', `<p>${MASTODON} <!-- hidden -->help</p>`, 'help'],
    ['a bare mention is nothing', `<p>${MASTODON}</p>`, ''],
  ])('%s', (_what, html, expected) => {
    expect(mentionText(html)).toBe(expected);
  });
});
