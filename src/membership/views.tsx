/** Pages for joining, signing in, the member area, and the coordinators' tools. */
import Html from '@kitajs/html';
import { Page, toHtml, type Site } from '../web/layout.tsx';
import { Checkbox, CsrfField, ErrorSummary, SuccessNotice, TextArea, TextField, type FieldErrors } from '../web/forms.tsx';
import { formatDay } from '../web/format.ts';
import { ConfirmButtonPage, MessagePage } from '../web/pages.tsx';
import type { AwaitingApproval } from './approvals.ts';
import type { ImportCategory, ImportRow } from './bulk-import.ts';
import type { DirectoryEntry } from './directory.ts';
import { DELIVERY_MODES, type DeliveryMode, type Member, type Membership } from './members.ts';

// shared page parts, used by membership's routes through this module
export { ConfirmButtonPage, MessagePage };

export const DEFAULT_GUIDELINES = [
  'Be respectful and constructive; disagree with ideas, not people.',
  'Stay on topic: government use of social media and digital engagement.',
  'Do not promote products or services, and do not share sensitive or classified information.',
  'Speak for yourself: posts do not represent your agency’s official position unless you say so and may.',
];

export const DELIVERY_TEXT: Record<DeliveryMode, string> = {
  each: 'Each message as it is sent',
  daily: 'A daily digest',
  weekly: 'A weekly digest',
  none: 'No mail (read on the web)',
};

interface CommunityRef {
  slug: string;
  title: string;
  guidelines?: string;
}

export interface JoinFormValues {
  name: string;
  jobTitle: string;
  agency: string;
  email: string;
  reason: string;
  accept: boolean;
}

export function JoinPage(p: { site: Site; c: CommunityRef; csrf: string; values?: JoinFormValues; errors?: FieldErrors; allowExceptions: boolean }): string {
  const v = p.values;
  const errors = p.errors ?? {};
  const guidelines = p.c.guidelines?.trim() ? p.c.guidelines.split('\n').filter((l) => l.trim()) : DEFAULT_GUIDELINES;
  return toHtml(
    <Page
      site={p.site}
      title={`Join ${p.c.title}`}
      section="communities"
      scripts={['agency-lookup.js']}
      breadcrumbs={[{ href: '/communities', label: 'Communities' }, { href: `/communities/${p.c.slug}`, label: p.c.title }, { label: 'Join' }]}
    >
      <h1 safe>{`Join ${p.c.title}`}</h1>
      <p class="usa-intro">
        Membership is for government employees and contractors. Use your official work email address: we decide from it whether you can join right away.
      </p>
      {p.allowExceptions ? (
        <p>
          If your address is not a .gov or .mil address (for example, you are a contractor), you can still ask: a community coordinator will review your request
          after you confirm your email address.
        </p>
      ) : (
        ''
      )}
      <ErrorSummary errors={errors} />
      <form class="usa-form usa-form--large" method="post" action={`/communities/${p.c.slug}/join`} novalidate>
        <CsrfField token={p.csrf} />
        <TextField name="name" label="Full name" value={v?.name} error={errors.name} required autocomplete="name" />
        <TextField
          name="email"
          label="Work email address"
          type="email"
          value={v?.email}
          error={errors.email}
          required
          autocomplete="email"
          hint="For example, jane.doe@agency.gov"
        />
        <TextField name="jobTitle" label="Job title" value={v?.jobTitle} error={errors.jobTitle} required autocomplete="organization-title" />
        <TextField
          name="agency"
          label="Agency or organization"
          value={v?.agency}
          error={errors.agency}
          autocomplete="organization"
          hint="Leave blank and we fill it in from your address when we can."
        />
        {/* agency-lookup.js says here what it filled in from the .gov registry */}
        <p class="usa-hint margin-top-1" id="agency-lookup" aria-live="polite"></p>
        {p.allowExceptions ? (
          <TextArea
            name="reason"
            label="Why you should join, if your address is not .gov or .mil"
            value={v?.reason}
            error={errors.reason}
            hint="For example: the agency you support as a contractor, and your government point of contact."
          />
        ) : (
          ''
        )}
        <fieldset class="usa-fieldset margin-top-3">
          <legend class="usa-legend usa-legend--large">Community guidelines</legend>
          <ul class="usa-list">
            {guidelines.map((g) => (
              <li safe>{g}</li>
            ))}
          </ul>
          <div class="usa-alert usa-alert--info usa-alert--slim usa-alert--no-icon">
            <div class="usa-alert__body">
              <p class="usa-alert__text">
                <strong>Public records notice:</strong> messages sent to this community are government records and may be released under the Freedom of
                Information Act (FOIA).
              </p>
            </div>
          </div>
          <Checkbox
            name="accept"
            label="I accept the community guidelines and understand the public records notice."
            checked={v?.accept}
            error={errors.accept}
          />
        </fieldset>
        <button class="usa-button margin-top-3" type="submit">
          Ask to join
        </button>
      </form>
    </Page>,
  );
}

export function SignInPage(p: { site: Site; csrf: string; email?: string; error?: string; next?: string | undefined; oidcLabel?: string | undefined }): string {
  const errors: FieldErrors = p.error ? { email: p.error } : {};
  return toHtml(
    <Page site={p.site} title="Sign in" section="account" breadcrumbs={[{ href: '/', label: 'Home' }, { label: 'Sign in' }]}>
      <h1>Sign in</h1>
      <p class="usa-intro">We email you a link that signs you in. There is no password: your work mailbox proves who you are.</p>
      <ErrorSummary errors={errors} />
      <form class="usa-form" method="post" action="/signin" novalidate>
        <CsrfField token={p.csrf} />
        {p.next ? <input type="hidden" name="next" value={p.next} /> : ''}
        <TextField name="email" label="Work email address" type="email" value={p.email} error={errors.email} required autocomplete="email" />
        <button class="usa-button" type="submit">
          Email me a sign-in link
        </button>
      </form>
      {p.oidcLabel ? (
        <>
          <p class="margin-top-4">Or sign in through your government identity provider:</p>
          <p>
            <a class="usa-button usa-button--outline" href={`/signin/oidc${p.next ? `?next=${encodeURIComponent(p.next)}` : ''}`} safe>
              {p.oidcLabel}
            </a>
          </p>
        </>
      ) : (
        ''
      )}
      <p class="margin-top-3">
        Not a member yet? Choose a community on the <a href="/communities">communities page</a> and join it.
      </p>
    </Page>,
  );
}

/** Where coordinators run their communities (and site administrators the whole site): otherwise only reachable from each community's page. */
function ManageLinks(p: { memberships: Membership[]; siteAdmin: boolean }): JSX.Element | string {
  const run = p.memberships.filter((ms) => ms.role === 'coordinator' || ms.role === 'moderator');
  const admin = p.siteAdmin;
  if (!run.length && !admin) return '';
  return (
    <>
      <h2>Communities you help run</h2>
      <ul class="usa-list">
        {run.map((ms) => (
          <li>
            <a href={`/communities/${ms.communitySlug}/admin`} safe>{`Manage ${ms.communityTitle}`}</a>
            {ms.role === 'moderator' ? ' (as a moderator: held messages)' : ': join requests, members, list settings, metrics'}
          </li>
        ))}
        {admin ? (
          <>
            <li>
              <a href="/admin/metrics">Metrics for all communities</a> (site administrators)
            </li>
            <li>
              <a href="/communities">Every community</a>: as a site administrator you can manage each from its page
            </li>
          </>
        ) : (
          ''
        )}
      </ul>
    </>
  );
}

export function AccountPage(p: {
  site: Site;
  csrf: string;
  member: Member;
  memberships: Membership[];
  siteAdmin?: boolean;
  saved?: string;
  errors?: FieldErrors;
}): string {
  const m = p.member;
  const errors = p.errors ?? {};
  const active = p.memberships.filter((x) => x.status === 'active');
  return toHtml(
    <Page site={p.site} title="Your account" section="account" breadcrumbs={[{ href: '/', label: 'Home' }, { label: 'Your account' }]}>
      <h1>Your account</h1>
      <p>
        Signed in as <strong safe>{m.email}</strong>.
      </p>
      <SuccessNotice text={p.saved} />
      <h2>Your communities</h2>
      {active.length ? (
        <table class="usa-table usa-table--stacked">
          <caption class="usa-sr-only">Your memberships and how you get messages</caption>
          <thead>
            <tr>
              <th scope="col">Community</th>
              <th scope="col">Role</th>
              <th scope="col">How you get messages</th>
              <th scope="col">Leave</th>
            </tr>
          </thead>
          <tbody>
            {active.map((ms) => (
              <tr>
                <th scope="row" data-label="Community">
                  <a href={`/communities/${ms.communitySlug}`} safe>
                    {ms.communityTitle}
                  </a>
                </th>
                <td data-label="Role">{ms.role}</td>
                <td data-label="How you get messages">
                  <form method="post" action={`/account/memberships/${ms.communitySlug}`} class="display-flex flex-align-end">
                    <CsrfField token={p.csrf} />
                    <div>
                      <label class="usa-label margin-top-0" for={`delivery-${ms.communitySlug}`}>
                        Delivery<span class="usa-sr-only" safe>{` for ${ms.communityTitle}`}</span>
                      </label>
                      <select class="usa-select" id={`delivery-${ms.communitySlug}`} name="deliveryMode">
                        {DELIVERY_MODES.map((d) => (
                          <option value={d} selected={d === ms.deliveryMode} safe>
                            {DELIVERY_TEXT[d]}
                          </option>
                        ))}
                      </select>
                    </div>
                    <button class="usa-button usa-button--outline margin-left-1" type="submit">
                      Save<span class="usa-sr-only" safe>{` delivery for ${ms.communityTitle}`}</span>
                    </button>
                  </form>
                </td>
                <td data-label="Leave">
                  <form method="post" action={`/account/memberships/${ms.communitySlug}/leave`}>
                    <CsrfField token={p.csrf} />
                    <button class="usa-button usa-button--secondary" type="submit">
                      Leave<span class="usa-sr-only" safe>{` ${ms.communityTitle}`}</span>
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>
          You are not a member of any community now. <a href="/communities">Find a community to join</a>.
        </p>
      )}
      <h2>Your profile</h2>
      <ErrorSummary errors={errors} />
      <form class="usa-form usa-form--large" method="post" action="/account/profile" novalidate>
        <CsrfField token={p.csrf} />
        <TextField name="name" label="Full name" value={m.name} error={errors.name} required autocomplete="name" />
        <TextField name="jobTitle" label="Job title" value={m.jobTitle} error={errors.jobTitle} autocomplete="organization-title" />
        <TextField name="agency" label="Agency or organization" value={m.agency} error={errors.agency} autocomplete="organization" />
        <TextField
          name="expertise"
          label="Topics you know well"
          value={m.expertise.join(', ')}
          error={errors.expertise}
          hint="Separate topics with commas, for example: accessibility, analytics, crisis communication."
        />
        <TextArea name="bio" label="Short bio" value={m.bio} error={errors.bio} maxlength={1000} />
        <Checkbox name="bioPublic" label="Show my name, agency and bio to the public (your email address is never shown)." checked={m.bioPublic} />
        <button class="usa-button" type="submit">
          Save profile
        </button>
      </form>
      <p>
        <a href="/account/speaker">Speakers bureau and expert questions: your speaker profile, requests and questions for you</a>
      </p>
      <ManageLinks memberships={active} siteAdmin={!!p.siteAdmin} />
      <h2>Your data</h2>
      <p>
        <a class="usa-link" href="/account/data.json">
          Download everything we hold about you (JSON)
        </a>
      </p>
      <h2>Sign out</h2>
      <div class="display-flex">
        <form method="post" action="/signout">
          <CsrfField token={p.csrf} />
          <button class="usa-button usa-button--outline" type="submit">
            Sign out
          </button>
        </form>
        <form method="post" action="/signout/everywhere" class="margin-left-1">
          <CsrfField token={p.csrf} />
          <button class="usa-button usa-button--outline" type="submit">
            Sign out on every device
          </button>
        </form>
      </div>
    </Page>,
  );
}

export function RequestsPage(p: {
  site: Site;
  c: CommunityRef;
  csrf: string;
  requests: AwaitingApproval[];
  notice?: string;
  errors?: Record<number, string>;
}): string {
  return toHtml(
    <Page
      site={p.site}
      title={`Requests to join ${p.c.title}`}
      section="communities"
      breadcrumbs={[{ href: '/communities', label: 'Communities' }, { href: `/communities/${p.c.slug}`, label: p.c.title }, { label: 'Requests to join' }]}
    >
      <h1 safe>{`Requests to join ${p.c.title}`}</h1>
      <p>
        These people confirmed their email address, but their address alone did not show that they may join. Approve or deny each one; they are told by email.{' '}
        <a href={`/communities/${p.c.slug}/members`}>See the member directory</a>.
      </p>
      <SuccessNotice text={p.notice} />
      {p.requests.length === 0 ? <p>No requests are waiting.</p> : ''}
      {p.requests.map((r) => (
        <section class="border-top border-base-lighter padding-y-2" aria-labelledby={`request-${r.id}`}>
          <h2 id={`request-${r.id}`} class="margin-top-0" safe>
            {r.name}
          </h2>
          <dl>
            <dt class="text-bold">Email</dt>
            <dd safe>{r.email}</dd>
            <dt class="text-bold">Job title</dt>
            <dd safe>{r.jobTitle ?? '(not given)'}</dd>
            <dt class="text-bold">Agency</dt>
            <dd safe>{r.agency ?? '(not given)'}</dd>
            <dt class="text-bold">Their reason</dt>
            <dd safe>{r.reason ?? '(not given)'}</dd>
            <dt class="text-bold">Why it needs a person</dt>
            <dd>
              <span safe>{r.ruleReason}</span> (rule: <code safe>{r.rule}</code>)
            </dd>
            <dt class="text-bold">Confirmed</dt>
            <dd safe>{formatDay(r.confirmedAt)}</dd>
          </dl>
          <div class="display-flex flex-wrap flex-align-end">
            <form method="post" action={`/communities/${p.c.slug}/admin/requests/${r.id}`} class="margin-right-2">
              <CsrfField token={p.csrf} />
              <input type="hidden" name="decision" value="approve" />
              <button class="usa-button" type="submit">
                Approve<span class="usa-sr-only" safe>{` ${r.name}`}</span>
              </button>
            </form>
            <form method="post" action={`/communities/${p.c.slug}/admin/requests/${r.id}`} class="usa-form">
              <CsrfField token={p.csrf} />
              <input type="hidden" name="decision" value="deny" />
              <TextField name={`note-${r.id}`} label={`Reason for denying ${r.name}`} error={p.errors?.[r.id]} required hint="Sent to the applicant." />
              <button class="usa-button usa-button--secondary" type="submit">
                Deny<span class="usa-sr-only" safe>{` ${r.name}`}</span>
              </button>
            </form>
          </div>
        </section>
      ))}
    </Page>,
  );
}

export function DirectoryPage(p: {
  site: Site;
  c: CommunityRef;
  csrf: string;
  q: string;
  entries: DirectoryEntry[];
  coordinator: boolean;
  notice?: string;
}): string {
  return toHtml(
    <Page
      site={p.site}
      title={`Members of ${p.c.title}`}
      section="communities"
      breadcrumbs={[{ href: '/communities', label: 'Communities' }, { href: `/communities/${p.c.slug}`, label: p.c.title }, { label: 'Members' }]}
    >
      <h1 safe>{`Members of ${p.c.title}`}</h1>
      <p>This directory is for members only.</p>
      <SuccessNotice text={p.notice} />
      <form class="usa-search usa-search--small margin-bottom-2" role="search" method="get" action={`/communities/${p.c.slug}/members`}>
        <label class="usa-sr-only" for="q">
          Search members by name, agency or expertise
        </label>
        <input class="usa-input" id="q" type="search" name="q" value={p.q} />
        <button class="usa-button" type="submit">
          <span class="usa-search__submit-text">Search</span>
        </button>
      </form>
      {p.coordinator ? (
        <p>
          <a class="usa-link" href={`/communities/${p.c.slug}/members.csv`}>
            Download all members (CSV)
          </a>{' '}
          · <a href={`/communities/${p.c.slug}/admin/requests`}>Requests to join</a>
        </p>
      ) : (
        ''
      )}
      <p safe>{`${p.entries.length} ${p.entries.length === 1 ? 'member' : 'members'}${p.q ? ` match “${p.q}”` : ''}.`}</p>
      <table class="usa-table usa-table--stacked">
        <caption class="usa-sr-only">Members</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Agency</th>
            <th scope="col">Job title</th>
            <th scope="col">Expertise</th>
            {p.coordinator ? (
              <>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Actions</th>
              </>
            ) : (
              ''
            )}
          </tr>
        </thead>
        <tbody>
          {p.entries.map((e) => (
            <tr>
              <th scope="row" data-label="Name" safe>
                {e.name ?? '(no name)'}
              </th>
              <td data-label="Agency" safe>
                {e.agency ?? ''}
              </td>
              <td data-label="Job title" safe>
                {e.jobTitle ?? ''}
              </td>
              <td data-label="Expertise" safe>
                {e.expertise.join(', ')}
              </td>
              {p.coordinator ? (
                <>
                  <td data-label="Email" safe>
                    {e.email ?? ''}
                  </td>
                  <td data-label="Role">{e.role}</td>
                  <td data-label="Actions">
                    <form method="post" action={`/communities/${p.c.slug}/members/${e.memberId}`} class="display-flex flex-align-end">
                      <CsrfField token={p.csrf} />
                      <div>
                        <label class="usa-label margin-top-0" for={`action-${e.memberId}`}>
                          Action<span class="usa-sr-only" safe>{` for ${e.name ?? e.email ?? ''}`}</span>
                        </label>
                        <select class="usa-select" id={`action-${e.memberId}`} name="action">
                          <option value="member">Make member</option>
                          <option value="moderator">Make moderator</option>
                          <option value="coordinator">Make coordinator</option>
                          <option value="remove">Remove from community</option>
                          <option value="ban">Ban from community</option>
                        </select>
                      </div>
                      <button class="usa-button usa-button--outline margin-left-1" type="submit">
                        Apply
                      </button>
                    </form>
                  </td>
                </>
              ) : (
                ''
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </Page>,
  );
}

export function ImportPage(p: {
  site: Site;
  c: CommunityRef;
  csrf: string;
  csv?: string;
  error?: string;
  report?: { rows: ImportRow[]; counts: Record<ImportCategory, number>; applied?: { joined: number; queued: number } };
}): string {
  const errors: FieldErrors = p.error ? { csv: p.error } : {};
  const r = p.report;
  return toHtml(
    <Page
      site={p.site}
      title={`Import members into ${p.c.title}`}
      section="communities"
      breadcrumbs={[
        { href: '/communities', label: 'Communities' },
        { href: `/communities/${p.c.slug}`, label: p.c.title },
        { href: `/communities/${p.c.slug}/admin`, label: 'Manage' },
        { label: 'Import members' },
      ]}
    >
      <h1 safe>{`Import members into ${p.c.title}`}</h1>
      <p>
        Paste a CSV export of an existing list: one person per line with <code>email, name, title</code> (and optionally <code>agency</code>). A first line
        naming the columns is fine. Eligible addresses become members; addresses that need a person go to the{' '}
        <a href={`/communities/${p.c.slug}/admin/requests`}>requests queue</a>; the rest are listed below and skipped.
      </p>
      {r ? (
        <section aria-labelledby="report-heading" class="margin-bottom-4">
          <h2 id="report-heading">{r.applied ? 'Import finished' : 'What an import would do'}</h2>
          {r.applied ? (
            <div class="usa-alert usa-alert--success usa-alert--slim" role="status">
              <div class="usa-alert__body">
                <p class="usa-alert__text" safe>{`${r.applied.joined} new members; ${r.applied.queued} sent to the requests queue.`}</p>
              </div>
            </div>
          ) : (
            <p>Nothing has changed yet.</p>
          )}
          <ul class="usa-list">
            <li safe>{`Eligible: ${r.counts.eligible}`}</li>
            <li safe>{`Need approval: ${r.counts['needs-approval']}`}</li>
            <li safe>{`Not eligible: ${r.counts.ineligible}`}</li>
            <li safe>{`Duplicates: ${r.counts.duplicate}`}</li>
            <li safe>{`Not usable: ${r.counts.malformed}`}</li>
          </ul>
          {r.rows.length ? (
            <table class="usa-table usa-table--stacked usa-table--compact">
              <caption>Every row</caption>
              <thead>
                <tr>
                  <th scope="col">Line</th>
                  <th scope="col">Email</th>
                  <th scope="col">Result</th>
                  <th scope="col">Why</th>
                </tr>
              </thead>
              <tbody>
                {r.rows.map((row) => (
                  <tr>
                    <th scope="row" data-label="Line" safe>
                      {String(row.line)}
                    </th>
                    <td data-label="Email" safe>
                      {row.email || '(blank)'}
                    </td>
                    <td data-label="Result">{row.category}</td>
                    <td data-label="Why" safe>
                      {row.note}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            ''
          )}
        </section>
      ) : (
        ''
      )}
      <ErrorSummary errors={errors} />
      <form class="usa-form usa-form--large" method="post" action={`/communities/${p.c.slug}/admin/import`} novalidate>
        <CsrfField token={p.csrf} />
        <TextArea name="csv" label="Members (CSV)" value={p.csv} error={errors.csv} required rows={12} maxlength={2_000_000} />
        <Checkbox name="welcome" label="Send each new member the welcome email" />
        <button class="usa-button usa-button--outline" type="submit" name="intent" value="check">
          Check only
        </button>
        <button class="usa-button" type="submit" name="intent" value="import">
          Import
        </button>
      </form>
    </Page>,
  );
}
