/** HTML for the public community pages. */
import Html from '@kitajs/html';
import { Page, toHtml, type Site } from '../web/layout.tsx';
import { formatCount, formatDay } from '../web/format.ts';
import { renderMarkdown } from '../web/markdown.ts';
import type { Audience } from './community-file.ts';
import { leadName, type CommunityDetail, type CommunitySummary, type StoredChannel } from './store.ts';
import type { AgencyCount, LevelCount } from '../membership/index.ts';

export interface MemberBreakdown {
  byLevel: LevelCount[];
  byAgency: { top: AgencyCount[]; agencies: number };
}

const LEVEL_TEXT: Record<string, string> = {
  federal: 'Federal',
  state: 'State',
  local: 'Local',
  tribal: 'Tribal',
  territorial: 'Territorial',
  military: 'Military',
  other: 'Other',
  Unknown: 'Not known',
};

const AUDIENCE_TEXT: Record<Audience, string> = {
  government: 'Government employees and contractors with an official government email address',
  government_only: 'Government employees only',
  public: 'Anyone may join',
};

const PLATFORM_TEXT: Record<StoredChannel['platform'], string> = {
  listserv: 'Email list (listserv)',
  'google-group': 'Google Group',
  slack: 'Slack workspace',
};

function members(n: number): string {
  return n === 1 ? '1 member' : `${formatCount(n)} members`;
}

export function CommunityCard({ c, headingLevel = 2 }: { c: CommunitySummary; headingLevel?: 2 | 3 }) {
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <li class="usa-card tablet:grid-col-6 desktop:grid-col-4">
      <div class="usa-card__container">
        <div class="usa-card__header">
          <Heading class="usa-card__heading">
            <a href={`/communities/${c.slug}`} safe>
              {c.name}
            </a>
          </Heading>
        </div>
        <div class="usa-card__body">
          {c.summary ? <p safe>{c.summary}</p> : ''}
          <p class="sg-card-meta">
            {c.featured ? <span class="usa-tag margin-right-1">Featured</span> : ''}
            <span safe>{members(c.memberCount)}</span>
          </p>
        </div>
      </div>
    </li>
  );
}

export function CommunitiesIndexPage({ site, communities }: { site: Site; communities: CommunitySummary[] }): string {
  return toHtml(
    <Page site={site} title="Communities of practice" section="communities" breadcrumbs={[{ href: '/', label: 'Home' }, { label: 'Communities' }]}>
      <h1>Communities of practice</h1>
      <p class="usa-intro">
        Communities of practice connect people across government who do the same kind of work, so they can share what works, learn together and solve shared
        problems.
      </p>
      {communities.length === 0 ? (
        <p>There are no communities yet. An operator can add one with the command socialgov communities import.</p>
      ) : (
        <ul class="usa-card-group">
          {communities.map((c) => (
            <CommunityCard c={c} />
          ))}
        </ul>
      )}
    </Page>,
  );
}

function mailtoLink(ch: StoredChannel): string {
  const params: string[] = [];
  if (ch.subscribeSubject) params.push(`subject=${encodeURIComponent(ch.subscribeSubject)}`);
  if (ch.subscribeBody) params.push(`body=${encodeURIComponent(ch.subscribeBody)}`);
  return `mailto:${ch.subscribeEmail}${params.length ? `?${params.join('&')}` : ''}`;
}

function JoinOnlineBox({ slug, title }: { slug: string; title: string }) {
  return (
    <div class="usa-summary-box" role="region" aria-label="Join online">
      <div class="usa-summary-box__body">
        <h2 class="usa-summary-box__heading">Join this community</h2>
        <div class="usa-summary-box__text">
          <p>Use your official work email address. Government employees and contractors can join.</p>
          <p>
            <a class="usa-button" href={`/communities/${slug}/join`} safe>
              {`Join ${title}`}
            </a>
          </p>
          <p class="font-sans-2xs">
            Already a member? <a href="/signin">Sign in</a>.
          </p>
        </div>
      </div>
    </div>
  );
}

/** This install's own list addresses, which replace an imported listserv address. */
export interface ListAddressesView {
  post: string;
  request: string;
  /** The list archive: its address, whether anyone may read it, and whether this viewer may. */
  archive?: { href: string; public: boolean; readable: boolean; signedIn: boolean } | undefined;
}

/** Where the list archive is, as this viewer may use it: a link, or how to get in. */
function ArchiveLink({ archive }: { archive: NonNullable<ListAddressesView['archive']> }) {
  if (archive.readable) {
    return (
      <p>
        <a href={archive.href}>Read the list archive</a>
        {archive.public ? ': every message posted to the list, open to everyone.' : ': every message posted to the list, for members only.'}
      </p>
    );
  }
  if (!archive.signedIn) {
    return (
      <p>
        The list archive is for members. <a href={`/signin?next=${encodeURIComponent(archive.href)}`}>Sign in to read the list archive</a>.
      </p>
    );
  }
  return <p>The list archive is for members of this community. Join the community to read it.</p>;
}

/** Emails a week on the list, counted from its posts (issue 10); the imported figure only until the list has any. */
export interface ListTraffic {
  perWeek: number;
  posts: number;
  /** The list has had no post on this site yet. */
  none: boolean;
  /** digital.gov's `emails_per_week` as typed on the imported page. */
  earlier?: string | undefined;
}

function TrafficText({ t }: { t: ListTraffic }) {
  if (t.none) {
    return t.earlier ? (
      <p class="font-sans-2xs text-base-dark">
        No messages on this site’s list yet. Earlier figure: <span safe>{t.earlier}</span> emails a week, as typed on the community’s previous page.
      </p>
    ) : (
      <p>No messages on the list yet.</p>
    );
  }
  return <p safe>{`About ${formatCount(t.perWeek)} ${t.perWeek === 1 ? 'email' : 'emails'} a week (${formatCount(t.posts)} in the last four weeks).`}</p>;
}

function ListBox({ list, title, member, traffic }: { list: ListAddressesView; title: string; member: boolean; traffic?: ListTraffic | undefined }) {
  return (
    <div class="usa-summary-box" role="region" aria-label="The discussion list">
      <div class="usa-summary-box__body">
        <h2 class="usa-summary-box__heading">The discussion list</h2>
        <div class="usa-summary-box__text">
          {member ? (
            <p>
              To write to every member of <span safe>{title}</span>, send your message to{' '}
              <span class="sg-code" safe>
                {list.post}
              </span>
              .
            </p>
          ) : (
            <p>Members talk by email: a message to the list goes to every member.</p>
          )}
          {traffic ? <TrafficText t={traffic} /> : ''}
          <p>
            For help with the list, send “help” to{' '}
            <span class="sg-code" safe>
              {list.request}
            </span>
            .
          </p>
          {list.archive ? <ArchiveLink archive={list.archive} /> : ''}
        </div>
      </div>
    </div>
  );
}

function JoinChannelBox({ ch, title, list }: { ch: StoredChannel; title: string; list?: ListAddressesView | undefined }) {
  // The community's listserv is this install's list now: join at its -request address.
  if (list && ch.platform === 'listserv') ch = { ...ch, subscribeEmail: list.request };
  return (
    <div class="usa-summary-box" role="region" aria-label={`How to join: ${PLATFORM_TEXT[ch.platform]}`}>
      <div class="usa-summary-box__body">
        <h2 class="usa-summary-box__heading">Join by email</h2>
        <div class="usa-summary-box__text">
          <p>
            <strong safe>{PLATFORM_TEXT[ch.platform]}</strong>
          </p>
          <p>
            <strong>Who can join: </strong>
            <span safe>{ch.terms ?? AUDIENCE_TEXT[ch.audience]}</span>
          </p>
          {ch.subscribeEmail ? (
            <>
              <p>
                Send an email to{' '}
                <span class="sg-code" safe>
                  {ch.subscribeEmail}
                </span>
                {ch.subscribeSubject ? (
                  <>
                    {' '}
                    with the subject line “<span safe>{ch.subscribeSubject}</span>”
                  </>
                ) : (
                  ''
                )}
                .
                {ch.subscribeBody ? (
                  <>
                    {' '}
                    <span safe>{ch.subscribeBody}</span>
                  </>
                ) : (
                  ''
                )}
              </p>
              <p>
                <a class="usa-button usa-button--outline" href={mailtoLink(ch)} safe>
                  {`Join ${title} by email`}
                </a>
              </p>
            </>
          ) : (
            ''
          )}
        </div>
      </div>
    </div>
  );
}

export function CommunityPage({
  site,
  c,
  breakdown,
  viewerIsMember,
  viewerCoordinates = false,
  saved = false,
  panels = [],
  list,
  traffic,
}: {
  site: Site;
  c: CommunityDetail;
  breakdown: MemberBreakdown;
  viewerIsMember: boolean;
  viewerCoordinates?: boolean;
  saved?: boolean;
  panels?: JSX.Element[];
  list?: ListAddressesView | undefined;
  traffic?: ListTraffic | undefined;
}): string {
  const name = c.name;
  const safeBodyHtml = renderMarkdown(c.body);
  const reported = c.channels.map((ch) => ch.reported).filter((r) => r !== undefined);
  return toHtml(
    <Page
      site={site}
      title={c.title}
      section="communities"
      description={c.summary}
      breadcrumbs={[{ href: '/', label: 'Home' }, { href: '/communities', label: 'Communities' }, { label: name }]}
    >
      <div class="grid-row grid-gap-lg">
        <div class="desktop:grid-col-8">
          {saved ? (
            <div class="usa-alert usa-alert--success usa-alert--slim" role="status">
              <div class="usa-alert__body">
                <p class="usa-alert__text">The page is saved.</p>
              </div>
            </div>
          ) : (
            ''
          )}
          {viewerCoordinates ? (
            <p>
              <a class="usa-button usa-button--outline" href={`/communities/${c.slug}/admin`}>
                Manage this community
              </a>
            </p>
          ) : (
            ''
          )}
          {c.kicker ? (
            <p class="text-bold text-base-dark margin-bottom-0" safe>
              {c.kicker}
            </p>
          ) : (
            ''
          )}
          <h1 safe>{c.title}</h1>
          {c.deck ? (
            <p class="usa-intro" safe>
              {c.deck}
            </p>
          ) : (
            ''
          )}
          {c.summary && c.summary !== c.deck ? (
            <p class="text-bold" safe>
              {c.summary}
            </p>
          ) : (
            ''
          )}
          {c.redirectTo ? (
            <div class="usa-alert usa-alert--info usa-alert--slim">
              <div class="usa-alert__body">
                <p class="usa-alert__text">
                  This community now lives on another website:{' '}
                  <a href={c.redirectTo} safe>
                    {c.redirectTo}
                  </a>
                </p>
              </div>
            </div>
          ) : (
            ''
          )}
          <div class="usa-prose">{safeBodyHtml}</div>
        </div>
        <aside class="desktop:grid-col-4 sg-sidebar" aria-label="About this community">
          {c.redirectTo || viewerIsMember ? '' : <JoinOnlineBox slug={c.slug} title={name} />}
          {c.channels.map((ch) => (
            <JoinChannelBox ch={ch} title={name} list={list} />
          ))}
          {list ? <ListBox list={list} title={name} member={viewerIsMember} traffic={traffic} /> : ''}
          {/* Other features' boxes (upcoming events), from their descriptors' communityPanels */}
          {panels}
          {/* Speakers bureau hook */}
          <div class="usa-summary-box" role="region" aria-label="Speakers bureau">
            <div class="usa-summary-box__body">
              <h2 class="usa-summary-box__heading">Speakers bureau</h2>
              <ul class="usa-list usa-list--unstyled">
                <li>
                  <a href={`/communities/${c.slug}/speakers`}>Find a speaker or expert</a>
                </li>
                <li>
                  <a href={`/communities/${c.slug}/speakers/request`}>Request a speaker for your event</a>
                </li>
                {viewerIsMember ? (
                  <li>
                    <a href={`/communities/${c.slug}/consultations/new`}>Ask the experts a question</a>
                  </li>
                ) : (
                  ''
                )}
                {viewerCoordinates ? (
                  <li>
                    <a href={`/communities/${c.slug}/admin/speaker-requests`}>Speaker requests (coordinators)</a>
                  </li>
                ) : (
                  ''
                )}
              </ul>
            </div>
          </div>
          <div class="usa-summary-box" role="region" aria-label="Community facts">
            <div class="usa-summary-box__body">
              <h2 class="usa-summary-box__heading">Members</h2>
              <div class="usa-summary-box__text">
                <p class="margin-bottom-1">
                  <span class="sg-count" safe>
                    {formatCount(c.memberCount)}
                  </span>
                  <span class="display-block">{c.memberCount === 1 ? 'member' : 'members'} today</span>
                </p>
                {viewerIsMember ? (
                  <p>
                    You are a member. <a href={`/communities/${c.slug}/members`}>Member directory</a>
                  </p>
                ) : (
                  ''
                )}
                {breakdown.byLevel.length ? (
                  <>
                    <h3>By level of government</h3>
                    <ul class="usa-list usa-list--unstyled">
                      {breakdown.byLevel.map((l) => (
                        <li safe>{`${LEVEL_TEXT[l.level] ?? l.level}: ${formatCount(l.count)}`}</li>
                      ))}
                    </ul>
                  </>
                ) : (
                  ''
                )}
                {breakdown.byAgency.top.length ? (
                  <>
                    <h3 safe>{`From ${formatCount(breakdown.byAgency.agencies)} ${breakdown.byAgency.agencies === 1 ? 'agency' : 'agencies'}`}</h3>
                    <ul class="usa-list usa-list--unstyled">
                      {breakdown.byAgency.top.map((a) => (
                        <li safe>{`${a.agency}: ${formatCount(a.count)}`}</li>
                      ))}
                    </ul>
                  </>
                ) : (
                  ''
                )}
                {reported.map((r) => (
                  <p class="font-sans-2xs text-base-dark">
                    Earlier figure: <span safe>{r.text}</span> members, as typed on the community’s previous page (recorded{' '}
                    <span safe>{formatDay(r.recordedOn)}</span>).
                  </p>
                ))}
                {c.authors.length ? (
                  <>
                    <h3>Community leads</h3>
                    <ul class="usa-list usa-list--unstyled">
                      {c.authors.map((a) => (
                        <li safe>{leadName(a)}</li>
                      ))}
                    </ul>
                  </>
                ) : (
                  ''
                )}
                {c.topics.length ? (
                  <>
                    <h3>Topics</h3>
                    <ul class="usa-list usa-list--unstyled">
                      {c.topics.map((t) => (
                        <li class="display-inline-block margin-right-1">
                          <span class="usa-tag" safe>
                            {t.replace(/-/g, ' ')}
                          </span>
                        </li>
                      ))}
                    </ul>
                  </>
                ) : (
                  ''
                )}
                <p class="font-sans-2xs margin-top-2">
                  Page reviewed/updated:{' '}
                  <time datetime={c.reviewedAt.toISOString()} safe>
                    {formatDay(c.reviewedAt)}
                  </time>
                </p>
              </div>
            </div>
          </div>
        </aside>
      </div>
    </Page>,
  );
}

export function HomePage({ site, featured, total }: { site: Site; featured: CommunitySummary[]; total: number }): string {
  return toHtml(
    <Page site={site} title={site.name} section="home">
      <h1 safe>{site.name}</h1>
      <p class="usa-intro">
        Government communities of practice bring together people who do the same work across agencies. Join a community to ask questions, share what works, and
        meet others at trainings, summits and office hours.
      </p>
      <h2>Featured communities</h2>
      {featured.length ? (
        <ul class="usa-card-group">
          {featured.map((c) => (
            <CommunityCard c={c} headingLevel={3} />
          ))}
        </ul>
      ) : (
        <p>No community is featured yet.</p>
      )}
      <p>
        <a class="usa-button usa-button--outline" href="/communities">
          See all <span safe>{formatCount(total)}</span> communities
        </a>
      </p>
    </Page>,
  );
}
