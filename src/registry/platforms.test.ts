import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BUILTIN_PLATFORMS } from './builtin-platforms.ts';
import { checkPlatform, parseAccountAddress, type ParsedAccount } from './platforms.ts';

function parse(input: string): ParsedAccount {
  const r = parseAccountAddress(input, BUILTIN_PLATFORMS);
  assert.ok(r.ok, `${input}: ${r.ok ? '' : r.message}`);
  return r.parsed;
}

function key(input: string): string {
  const p = parse(input);
  return `${p.platform.key}:${p.kind}:${p.key}`;
}

describe('parseAccountAddress', () => {
  test('X: scheme, www/mobile, case, trailing slash, query noise and twitter.com all give one key', () => {
    const forms = [
      'https://twitter.com/USAGov/',
      'https://x.com/usagov?s=20',
      'https://mobile.x.com/usagov',
      'http://www.twitter.com/UsaGov',
      'x.com/usagov',
      'https://mobile.twitter.com/usagov#top',
      'HTTPS://X.COM/USAGOV',
      'https://x.com//usagov//',
      'https://x.com/usagov/media',
      'https://x.com:443/usagov',
    ];
    for (const f of forms) assert.equal(key(f), 'x:handle:usagov', f);
    assert.equal(parse('https://twitter.com/USAGov').canonicalUrl, 'https://x.com/USAGov');
    assert.equal(parse('https://twitter.com/USAGov').display, '@USAGov');
    assert.equal(key('https://x.com/i/user/123456'), 'x:user-id:123456');
  });

  test('look-alikes are different accounts or not accounts at all', () => {
    assert.equal(key('https://x.com/usagov_'), 'x:handle:usagov_');
    assert.notEqual(key('https://x.com/usag0v'), 'x:handle:usagov');
    const cyrillic = parseAccountAddress('https://x.com/usаgov', BUILTIN_PLATFORMS);
    assert.equal(cyrillic.ok, false);
    const sub = parseAccountAddress('https://x.com.evil.example/usagov', BUILTIN_PLATFORMS);
    assert.ok(!sub.ok && sub.code === 'UNKNOWN_PLATFORM');
    const fakeHost = parseAccountAddress('https://twitter.co/usagov', BUILTIN_PLATFORMS);
    assert.ok(!fakeHost.ok && fakeHost.code === 'UNKNOWN_PLATFORM');
  });

  test('YouTube: handle, channel id, /user/ and /c/', () => {
    assert.equal(key('https://www.youtube.com/@USAGov/videos'), 'youtube:handle:@usagov');
    assert.equal(key('https://m.youtube.com/channel/UCabcdefghijklmnopqrstuV'), 'youtube:user-id:UCabcdefghijklmnopqrstuV');
    assert.equal(key('https://youtube.com/user/USAgovernment'), 'youtube:handle:user/usagovernment');
    assert.equal(key('https://youtube.com/c/USAGov'), 'youtube:handle:c/usagov');
    assert.equal(parseAccountAddress('https://www.youtube.com/watch?v=x', BUILTIN_PLATFORMS).ok, false);
  });

  test('LinkedIn, Bluesky, Mastodon and the others', () => {
    assert.equal(key('https://www.linkedin.com/company/gsa/'), 'linkedin:handle:company/gsa');
    assert.equal(key('https://linkedin.com/showcase/login-gov'), 'linkedin:handle:showcase/login-gov');
    assert.equal(key('https://www.linkedin.com/school/naval-postgraduate-school'), 'linkedin:handle:school/naval-postgraduate-school');
    assert.equal(key('https://bsky.app/profile/USA.gov'), 'bluesky:handle:usa.gov');
    assert.equal(key('https://bsky.app/profile/did:plc:abcdefghijklmnopqrstuvwx'), 'bluesky:user-id:did:plc:abcdefghijklmnopqrstuvwx');
    assert.equal(key('@NASA@mastodon.social'), 'mastodon:handle:nasa@mastodon.social');
    assert.equal(key('https://mastodon.social/@NASA'), 'mastodon:handle:nasa@mastodon.social');
    assert.equal(parse('@nasa@mastodon.social').canonicalUrl, 'https://mastodon.social/@nasa');
    assert.equal(key('https://www.threads.net/@usagov'), 'threads:handle:usagov');
    assert.equal(key('https://www.facebook.com/USAgov'), 'facebook:handle:usagov');
    assert.equal(key('https://www.facebook.com/profile.php?id=100064'), 'facebook:user-id:100064');
    assert.equal(key('https://instagram.com/usagov/'), 'instagram:handle:usagov');
    assert.equal(key('https://www.tiktok.com/@cdcgov'), 'tiktok:handle:cdcgov');
    assert.equal(key('https://www.flickr.com/photos/usagov/'), 'flickr:handle:usagov');
    assert.equal(key('https://www.flickr.com/photos/12345678@N02/'), 'flickr:user-id:12345678@N02');
    assert.equal(key('https://www.pinterest.com/usagov/'), 'pinterest:handle:usagov');
    assert.equal(key('https://medium.com/@usds'), 'medium:handle:@usds');
    assert.equal(key('https://github.com/GSA/some-repo'), 'github:handle:gsa');
    assert.equal(key('https://old.reddit.com/r/NASA/'), 'reddit:handle:r/nasa');
    assert.equal(key('https://vimeo.com/usagov'), 'vimeo:handle:usagov');
    assert.equal(key('https://www.snapchat.com/add/usagov'), 'snapchat:handle:usagov');
    assert.equal(key('https://whatsapp.com/channel/0029VaABCDEFGHIJKLMNOP12'), 'whatsapp:handle:0029VaABCDEFGHIJKLMNOP12');
    assert.equal(key('https://nextdoor.com/agency-detail/ca/san-francisco/sfpd/'), 'nextdoor:handle:agency-detail/ca/san-francisco/sfpd');
    assert.equal(key('https://giphy.com/usagov'), 'giphy:handle:usagov');
  });

  test('clear errors for what is not an account address', () => {
    const notUrl = parseAccountAddress('not a url', BUILTIN_PLATFORMS);
    assert.ok(!notUrl.ok && notUrl.code === 'NOT_A_URL');
    assert.match(notUrl.message, /not a web address/);
    const ftp = parseAccountAddress('ftp://x.com/usagov', BUILTIN_PLATFORMS);
    assert.ok(!ftp.ok && ftp.code === 'NOT_A_URL');
    const unknown = parseAccountAddress('https://www.example.com/about', BUILTIN_PLATFORMS);
    assert.ok(!unknown.ok && unknown.code === 'UNKNOWN_PLATFORM');
    const page = parseAccountAddress('https://x.com/home', BUILTIN_PLATFORMS);
    assert.ok(!page.ok && page.code === 'NOT_AN_ACCOUNT');
    assert.match(page.message, /not the address of an account/);
  });

  test('a post is not an account: X shows a post under any name, so its address proves nothing', () => {
    for (const post of [
      'https://x.com/USAGov/status/1234567890',
      'https://twitter.com/anyone/status/1234567890/photo/1',
      'https://x.com/USAGov/statuses/1',
      'https://mobile.x.com/usagov/status/1?s=20',
    ]) {
      const r = parseAccountAddress(post, BUILTIN_PLATFORMS);
      assert.ok(!r.ok && r.code === 'NOT_AN_ACCOUNT', post);
      assert.match(r.message, /is the address of a post, not of an account/, post);
      assert.match(r.message, /such as https:\/\/x\.com\/USAGov/, post);
    }
  });

  test('an address with a port is not an account address', () => {
    for (const u of ['https://x.com:8443/USAGov', 'x.com:8443/USAGov', 'http://www.facebook.com:8080/CDC', 'https://example.com:8443/whatever']) {
      const r = parseAccountAddress(u, BUILTIN_PLATFORMS);
      assert.ok(!r.ok && r.code === 'NOT_AN_ACCOUNT', u);
      assert.match(r.message, /has a port number \(:(8443|8080)\); an account’s address never has one/, u);
    }
  });

  test('a user name or password in the address gets its own message, and is never repeated back', () => {
    for (const u of ['https://user:pw@x.com/USAGov', 'https://user@x.com/USAGov', 'user:secret-pw@x.com/USAGov']) {
      const r = parseAccountAddress(u, BUILTIN_PLATFORMS);
      assert.ok(!r.ok && r.code === 'CREDENTIALS_IN_URL', u);
      assert.equal(
        r.message,
        'The address has a user name or password in it (the part before “@”). An account’s address has none: leave it out, as in https://x.com/USAGov.',
      );
    }
  });

  test('short Facebook page names are pages (facebook.com/CDC, /NASA, /GSA); Facebook’s own pages are not', () => {
    for (const [u, k] of [
      ['https://www.facebook.com/CDC', 'cdc'],
      ['https://facebook.com/NASA/', 'nasa'],
      ['https://m.facebook.com/GSA', 'gsa'],
      ['https://www.facebook.com/USAgov', 'usagov'],
    ] as const) {
      assert.equal(key(u), `facebook:handle:${k}`, u);
    }
    for (const u of [
      'https://www.facebook.com/me',
      'https://www.facebook.com/home.php',
      'https://www.facebook.com/ads',
      'https://www.facebook.com/watch',
      'https://www.facebook.com/help',
    ]) {
      const r = parseAccountAddress(u, BUILTIN_PLATFORMS);
      assert.ok(!r.ok && r.code === 'NOT_AN_ACCOUNT', u);
    }
  });

  test('a platform turned off is not matched', () => {
    const off = BUILTIN_PLATFORMS.map((p) => (p.key === 'x' ? { ...p, active: false } : p));
    const r = parseAccountAddress('https://x.com/usagov', off);
    assert.equal(r.ok, false);
  });
});

describe('checkPlatform', () => {
  test('the built-in platforms are valid', () => {
    for (const p of BUILTIN_PLATFORMS) assert.deepEqual(checkPlatform(p), [], p.key);
  });
  test('reports bad patterns and templates', () => {
    const problems = checkPlatform({
      key: 'Bad Key',
      name: '',
      hosts: ['not a host'],
      rules: [{ kind: 'handle', path: '^/(', canonical: 'http://x/{acct}', display: '{account}' }],
    });
    const text = problems.map((p) => p.message).join('\n');
    assert.match(text, /lower-case/);
    assert.match(text, /not a valid regular expression/);
    assert.match(text, /canonical must contain \{account\}/);
    assert.match(text, /not a host name/);
  });
});
