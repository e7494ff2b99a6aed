import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ArchivedPost, ThreadSummary } from '../src/archives/browse.ts';
import { renderBody } from '../src/archives/render.ts';
import { MessagePage } from '../src/archives/views.tsx';
import type { List } from '../src/lists/store.ts';
import { rawMail } from './archive-helpers.ts';
import { chooseRepresentatives, coveringPages, evenSample, markupShape } from './archive-shapes.ts';

const list = {
  id: 1,
  localPart: 'social-media',
  name: 'Social Media',
  communitySlug: 'social-media',
  groupSlug: null,
  timeZone: 'America/New_York',
  archivePublic: false,
} as List;
const sentAt = new Date('2024-03-04T15:00:00Z');
const thread: ThreadSummary = {
  id: 1,
  subject: 'Hello',
  startedAt: sentAt,
  lastAt: sentAt,
  messages: 1,
  replies: 0,
  participants: 1,
  starter: { name: 'Jo', address: 'jo@agency.gov' },
  rootNumber: 1,
};

/** A message page as the server renders it: the mail through the real sanitizer or text folding, in the real page. */
async function messagePage(mail: { text: string; html?: string }, remoteImages = false): Promise<string> {
  const raw = Buffer.from(
    rawMail({
      id: 'm@x',
      from: 'Jo <jo@agency.gov>',
      subject: 'Hello',
      date: sentAt.toISOString(),
      text: mail.text,
      ...(mail.html ? { html: mail.html } : {}),
    }),
  );
  const post: ArchivedPost = {
    postId: 1,
    number: 1,
    threadId: 1,
    parentNumber: null,
    messageId: '<m@x>',
    subject: 'Hello',
    fromAddress: 'jo@agency.gov',
    fromName: 'Jo',
    sentAt,
    text: mail.text,
    hasHtml: !!mail.html,
    attachments: [],
  };
  const format = mail.html ? 'html' : 'text';
  const body = await renderBody(post, raw, { format, remoteImages, hideAddresses: false, postPath: '/archives/social-media/1' });
  return MessagePage({
    site: { name: 'SocialGov' },
    list,
    hideAddresses: false,
    member: true,
    rendered: { post, bodyHtml: body.html },
    month: '2024-03',
    thread,
    replies: [],
    format,
    hasHtml: !!mail.html,
    imagesShown: remoteImages,
    imagesBlocked: body.imagesBlocked,
  });
}

describe('markup shapes of archive message pages', () => {
  test('plain-text messages share a shape whatever their words', async () => {
    const a = markupShape(await messagePage({ text: 'Hello all,\nthe meeting moved to Tuesday.' }));
    const b = markupShape(await messagePage({ text: 'Thanks!\n\nJo Smith\nAgency of Examples' }));
    assert.equal(a.key, b.key);
    assert.ok(a.elements.includes('pre.archive-text[]'), a.key);
  });

  test('a table, an image, a quote, a link, a list start: each a shape of its own', async () => {
    const pages: Record<string, string> = {
      'plain text': await messagePage({ text: 'Hello all.' }),
      'plain text, a quote': await messagePage({ text: 'Yes.\n\nOn Monday Jo wrote:\n> Hello all.' }),
      'plain text, a link': await messagePage({ text: 'See https://example.gov/captions' }),
      HTML: await messagePage({ text: 'Hello all.', html: '<p>Hello all.</p>' }),
      'HTML, a table': await messagePage({ text: 'Hello all.', html: '<p>Hello all.</p><table><tr><td>Monday</td><td>Tuesday</td></tr></table>' }),
      'HTML, an image': await messagePage({ text: 'Hello all.', html: '<p>Hello all. <img src="https://example.gov/logo.png" alt="Logo"></p>' }, true),
      'HTML, a quote': await messagePage({ text: 'Hello all.', html: '<p>Hello all.</p><blockquote>Earlier words</blockquote>' }),
      'HTML, a link': await messagePage({ text: 'Hello all.', html: '<p>Hello <a href="https://example.gov/">all</a>.</p>' }),
      'HTML, a list': await messagePage({ text: 'Hello all.', html: '<p>Hello all.</p><ol><li>One</li></ol>' }),
      'HTML, a list from 3': await messagePage({ text: 'Hello all.', html: '<p>Hello all.</p><ol start="3"><li>Three</li></ol>' }),
    };
    const keys = new Map<string, string>();
    for (const [name, html] of Object.entries(pages)) {
      const key = markupShape(html).key;
      assert.ok(!keys.has(key), `${name} has the shape of ${keys.get(key)}`);
      keys.set(key, name);
    }
    assert.ok(markupShape(pages['HTML, a table']!).elements.includes('table[role]'));
    assert.ok(markupShape(pages['HTML, an image']!).elements.includes('img[alt,src]'));
  });

  test('the same elements nested otherwise: one shape, and a page of its own for the new pair', async () => {
    const plain = await messagePage({ text: 'Hello all.' });
    const apart = await messagePage(
      { text: 'Logo', html: '<p><a href="https://example.gov/">Home</a> <img src="https://example.gov/logo.png" alt="Logo"></p>' },
      true,
    );
    const linked = await messagePage(
      { text: 'Logo', html: '<p>Home <a href="https://example.gov/"><img src="https://example.gov/logo.png" alt="Logo"></a></p>' },
      true,
    );
    assert.equal(markupShape(apart).key, markupShape(linked).key);
    assert.ok(markupShape(linked).pairs.includes('a>img[alt,src]'));
    const chosen = chooseRepresentatives(
      [
        { path: '/1', shape: markupShape(plain) },
        { path: '/2', shape: markupShape(apart) },
        { path: '/3', shape: markupShape(plain) },
        { path: '/4', shape: markupShape(linked) },
      ],
      ['/3'],
    );
    assert.deepEqual(
      chosen.byShape.map((s) => [s.path, s.pages]),
      [
        ['/1', 2],
        ['/2', 2],
      ],
    );
    assert.deepEqual(chosen.forPairs, ['/4']);
    assert.deepEqual(chosen.paths, ['/1', '/2', '/4', '/3']);
    // The covering pages: every element kind and every pair any page has is on one of them, and
    // a page that adds nothing (/3 is /1 again) is not among them; `alsoOpen` comes last.
    const shaped = { '/1': markupShape(plain), '/2': markupShape(apart), '/3': markupShape(plain), '/4': markupShape(linked) };
    const cover = coveringPages(
      Object.entries(shaped).map(([path, shape]) => ({ path, shape })),
      ['/3'],
    );
    assert.ok(!cover.covering.includes('/3'));
    assert.ok(cover.covering.includes('/4'), 'the only page with a link around an image');
    assert.deepEqual(cover.paths.at(-1), '/3');
    const opened = cover.covering.map((p) => shaped[p as keyof typeof shaped]);
    for (const shape of Object.values(shaped)) {
      for (const e of shape.elements)
        assert.ok(
          opened.some((o) => o.elements.includes(e)),
          e,
        );
      for (const e of shape.pairs)
        assert.ok(
          opened.some((o) => o.pairs.includes(e)),
          e,
        );
    }
    assert.equal(cover.kinds, new Set(Object.values(shaped).flatMap((x) => x.elements)).size);
  });

  test('a page without <main> is an error; the sample is spread and fixed', () => {
    assert.throws(() => markupShape('<p>no main</p>'), /no <main>/);
    assert.deepEqual(evenSample([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 3), [3, 6, 8]);
    assert.deepEqual(evenSample([1, 2], 3), []);
  });
});
