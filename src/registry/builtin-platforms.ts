/**
 * The platforms a new registry starts with. They are copied into `registry_platforms` once
 * (insert when missing), after which they are ordinary data that a reviewer may change or turn
 * off; changing this list never overwrites an operator's edits.
 */
import type { Platform, PlatformRule } from './platforms.ts';

const TAIL = '(?:/.*)?$';

function p(key: string, name: string, sort: number, hosts: string[], rules: PlatformRule[]): Platform {
  return { key, name, sort, hosts, rules, active: true, builtin: true };
}

export const BUILTIN_PLATFORMS: Platform[] = [
  p('x', 'X (Twitter)', 10, ['x.com', 'twitter.com'], [
    { kind: 'user-id', path: '^/i/user/(?<account>\\d{1,20})$', caseSensitive: true, canonical: 'https://x.com/i/user/{account}', display: 'user {account}' },
    {
      kind: 'handle', path: `^/(?<account>[A-Za-z0-9_]{1,15})${TAIL}`, canonical: 'https://x.com/{account}', display: '@{account}', posts: '^/[^/]+/status(?:es)?(?:/|$)',
      reserved: ['home', 'explore', 'search', 'i', 'intent', 'share', 'settings', 'login', 'logout', 'signup', 'messages', 'notifications', 'tos', 'privacy', 'hashtag', 'compose', 'about', 'jobs'],
    },
  ]),
  p('facebook', 'Facebook', 20, ['facebook.com', 'fb.com'], [
    { kind: 'user-id', path: '^/profile\\.php$', query: 'id', accountPattern: '\\d{1,20}', caseSensitive: true, canonical: 'https://www.facebook.com/profile.php?id={account}', display: 'facebook.com/profile.php?id={account}' },
    { kind: 'user-id', path: '^/(?:pages|people)/[^/]+/(?<account>\\d{5,20})$', caseSensitive: true, canonical: 'https://www.facebook.com/profile.php?id={account}', display: 'facebook.com/profile.php?id={account}' },
    {
      // Usernames have at least 5 characters, but older Pages have shorter names (facebook.com/CDC, /NASA, /GSA).
      kind: 'handle', path: `^/(?<account>[A-Za-z0-9.]{1,50})${TAIL}`, canonical: 'https://www.facebook.com/{account}', display: 'facebook.com/{account}',
      reserved: [
        'groups', 'events', 'watch', 'marketplace', 'login', 'help', 'sharer', 'photo', 'photos', 'hashtag', 'pages', 'people', 'policies', 'privacy', 'gaming', 'reel', 'story.php', 'permalink.php', 'profile.php',
        'me', 'home', 'home.php', 'ads', 'business', 'login.php', 'recover', 'friends', 'messages', 'notifications', 'settings', 'bookmarks', 'search', 'share', 'share.php', 'dialog', 'l.php',
        'video', 'videos', 'live', 'fundraisers', 'jobs', 'legal', 'terms', 'about', 'places', 'plugins', 'stories', 'checkpoint', 'media', 'notes', 'saved', 'memories', 'reels', 'signup', 'r.php', 'watch.php', 'photo.php',
      ],
    },
  ]),
  p('instagram', 'Instagram', 30, ['instagram.com'], [
    {
      kind: 'handle', path: `^/(?<account>[A-Za-z0-9._]{1,30})${TAIL}`, canonical: 'https://www.instagram.com/{account}', display: '@{account}',
      reserved: ['p', 'reel', 'reels', 'explore', 'stories', 'accounts', 'direct', 'tv', 'about', 'legal', 'developer'],
    },
  ]),
  p('youtube', 'YouTube', 40, ['youtube.com'], [
    { kind: 'user-id', path: `^/channel/(?<account>UC[A-Za-z0-9_-]{22})${TAIL}`, caseSensitive: true, canonical: 'https://www.youtube.com/channel/{account}', display: 'channel {account}' },
    { kind: 'handle', path: `^/@(?<account>[A-Za-z0-9._-]{3,30})${TAIL}`, key: '@{account}', canonical: 'https://www.youtube.com/@{account}', display: '@{account}' },
    { kind: 'handle', path: `^/user/(?<account>[A-Za-z0-9]{1,60})${TAIL}`, key: 'user/{account}', canonical: 'https://www.youtube.com/user/{account}', display: 'youtube.com/user/{account}' },
    { kind: 'handle', path: `^/c/(?<account>[^/]{1,100})${TAIL}`, key: 'c/{account}', canonical: 'https://www.youtube.com/c/{account}', display: 'youtube.com/c/{account}' },
  ]),
  p('linkedin', 'LinkedIn', 50, ['linkedin.com'], [
    { kind: 'handle', path: `^/company/(?<account>[A-Za-z0-9_.%-]{2,100})${TAIL}`, key: 'company/{account}', canonical: 'https://www.linkedin.com/company/{account}', display: 'linkedin.com/company/{account}' },
    { kind: 'handle', path: `^/showcase/(?<account>[A-Za-z0-9_.%-]{2,100})${TAIL}`, key: 'showcase/{account}', canonical: 'https://www.linkedin.com/showcase/{account}', display: 'linkedin.com/showcase/{account}' },
    { kind: 'handle', path: `^/school/(?<account>[A-Za-z0-9_.%-]{2,100})${TAIL}`, key: 'school/{account}', canonical: 'https://www.linkedin.com/school/{account}', display: 'linkedin.com/school/{account}' },
  ]),
  p('threads', 'Threads', 60, ['threads.net', 'threads.com'], [
    { kind: 'handle', path: `^/@(?<account>[A-Za-z0-9._]{1,30})${TAIL}`, canonical: 'https://www.threads.com/@{account}', display: '@{account}' },
  ]),
  p('bluesky', 'Bluesky', 70, ['bsky.app'], [
    { kind: 'user-id', path: `^/profile/(?<account>did:(?:plc:[a-z2-7]{24}|web:[A-Za-z0-9.-]+))${TAIL}`, caseSensitive: true, canonical: 'https://bsky.app/profile/{account}', display: '{account}' },
    { kind: 'handle', path: `^/profile/(?<account>[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)+)${TAIL}`, canonical: 'https://bsky.app/profile/{account}', display: '@{account}' },
  ]),
  p('tiktok', 'TikTok', 80, ['tiktok.com'], [
    { kind: 'handle', path: `^/@(?<account>[A-Za-z0-9._]{2,24})${TAIL}`, canonical: 'https://www.tiktok.com/@{account}', display: '@{account}' },
  ]),
  p('flickr', 'Flickr', 90, ['flickr.com'], [
    { kind: 'user-id', path: `^/(?:photos|people)/(?<account>\\d{3,15}@N\\d{2})${TAIL}`, caseSensitive: true, canonical: 'https://www.flickr.com/photos/{account}', display: 'flickr.com/photos/{account}' },
    { kind: 'handle', path: `^/(?:photos|people)/(?<account>[A-Za-z0-9_-]{2,60})${TAIL}`, canonical: 'https://www.flickr.com/photos/{account}', display: 'flickr.com/photos/{account}', reserved: ['tags', 'search'] },
  ]),
  p('pinterest', 'Pinterest', 100, ['pinterest.com'], [
    { kind: 'handle', path: `^/(?<account>[A-Za-z0-9_]{3,30})${TAIL}`, canonical: 'https://www.pinterest.com/{account}', display: 'pinterest.com/{account}', reserved: ['pin', 'search', 'ideas', 'today', 'business', 'login', 'settings', 'about'] },
  ]),
  p('medium', 'Medium', 110, ['medium.com'], [
    { kind: 'handle', path: `^/@(?<account>[A-Za-z0-9._-]{1,50})${TAIL}`, key: '@{account}', canonical: 'https://medium.com/@{account}', display: '@{account}' },
    { kind: 'handle', path: `^/(?<account>[a-z0-9-]{2,60})${TAIL}`, canonical: 'https://medium.com/{account}', display: 'medium.com/{account}', reserved: ['m', 'tag', 'topics', 'search', 'me', 'plans', 'membership', 'about', 'creators', 'p'] },
  ]),
  p('github', 'GitHub', 120, ['github.com'], [
    { kind: 'handle', path: `^/orgs/(?<account>[A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))${TAIL}`, canonical: 'https://github.com/{account}', display: 'github.com/{account}' },
    {
      kind: 'handle', path: `^/(?<account>[A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))${TAIL}`, canonical: 'https://github.com/{account}', display: 'github.com/{account}',
      reserved: ['about', 'features', 'pricing', 'login', 'join', 'marketplace', 'explore', 'topics', 'settings', 'sponsors', 'enterprise', 'search', 'notifications', 'new', 'site', 'security', 'collections', 'trending', 'apps'],
    },
  ]),
  p('reddit', 'Reddit', 130, ['reddit.com', 'old.reddit.com', 'new.reddit.com'], [
    { kind: 'handle', path: `^/(?:user|u)/(?<account>[A-Za-z0-9_-]{3,20})${TAIL}`, key: 'u/{account}', canonical: 'https://www.reddit.com/user/{account}', display: 'u/{account}' },
    { kind: 'handle', path: `^/r/(?<account>[A-Za-z0-9_]{2,21})${TAIL}`, key: 'r/{account}', canonical: 'https://www.reddit.com/r/{account}', display: 'r/{account}' },
  ]),
  p('vimeo', 'Vimeo', 140, ['vimeo.com'], [
    {
      kind: 'handle', path: '^/(?<account>[A-Za-z_][A-Za-z0-9_]{1,60})$', canonical: 'https://vimeo.com/{account}', display: 'vimeo.com/{account}',
      reserved: ['channels', 'groups', 'categories', 'watch', 'search', 'upload', 'ondemand', 'features', 'blog', 'about', 'join', 'log_in', 'help', 'showcase'],
    },
  ]),
  p('snapchat', 'Snapchat', 150, ['snapchat.com'], [
    { kind: 'handle', path: `^/(?:add/|@)(?<account>[A-Za-z][A-Za-z0-9._-]{2,14})${TAIL}`, canonical: 'https://www.snapchat.com/add/{account}', display: '{account}' },
  ]),
  p('whatsapp', 'WhatsApp channels', 160, ['whatsapp.com'], [
    { kind: 'handle', path: '^/channel/(?<account>[A-Za-z0-9]{16,40})$', caseSensitive: true, canonical: 'https://whatsapp.com/channel/{account}', display: 'WhatsApp channel {account}' },
  ]),
  p('nextdoor', 'Nextdoor', 170, ['nextdoor.com'], [
    { kind: 'handle', path: '^/agency-detail/(?<account>[a-z0-9_-]+(?:/[a-z0-9_-]+){0,3})$', key: 'agency-detail/{account}', canonical: 'https://nextdoor.com/agency-detail/{account}/', display: 'nextdoor.com/agency-detail/{account}' },
    { kind: 'handle', path: '^/pages/(?<account>[A-Za-z0-9_-]{2,100})$', key: 'pages/{account}', canonical: 'https://nextdoor.com/pages/{account}/', display: 'nextdoor.com/pages/{account}' },
  ]),
  p('giphy', 'Giphy', 180, ['giphy.com'], [
    { kind: 'handle', path: '^/(?:channel/)?(?<account>[A-Za-z0-9_-]{2,60})$', canonical: 'https://giphy.com/{account}', display: 'giphy.com/{account}', reserved: ['gifs', 'stickers', 'search', 'explore', 'trending', 'clips', 'upload', 'create', 'login', 'join', 'channel', 'artists', 'apps'] },
  ]),
  // Any other host: Mastodon and other fediverse servers, where the account is /@user on its instance.
  p('mastodon', 'Mastodon', 900, ['*'], [
    { kind: 'handle', path: `^/@(?<account>[A-Za-z0-9_]{1,30})${TAIL}`, key: '{account}@{host}', canonical: 'https://{host}/@{account}', display: '@{account}@{host}' },
    { kind: 'handle', path: '^/users/(?<account>[A-Za-z0-9_]{1,30})$', key: '{account}@{host}', canonical: 'https://{host}/@{account}', display: '@{account}@{host}' },
  ]),
];
