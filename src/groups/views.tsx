/** HTML for working groups: a community's list, one group's page, and the form to start one. */
import Html from '@kitajs/html';
import { Page, toHtml, type Site } from '../web/layout.tsx';
import { CsrfField, ErrorSummary, SuccessNotice, TextArea, TextField, type FieldErrors } from '../web/forms.tsx';
import { renderLibraryMarkdown } from '../library/index.ts';
import { type ListedOccurrence, SessionList } from '../events/index.ts';
import { GROUP_STATUSES, GROUP_STATUS_TEXT, type Group, type GroupSummary } from './groups.ts';
import { DELIVERY_MODES, DELIVERY_TEXT, type DeliveryMode } from '../membership/index.ts';

function crumbs(c: { slug: string; title: string }, last?: string) {
  return [
    { href: '/', label: 'Home' },
    { href: '/communities', label: 'Communities' },
    { href: `/communities/${c.slug}`, label: c.title },
    ...(last ? [{ href: `/communities/${c.slug}/groups`, label: 'Working groups' }, { label: last }] : [{ label: 'Working groups' }]),
  ];
}

export function GroupsPage(p: { site: Site; community: { slug: string; title: string }; groups: GroupSummary[]; canStart: boolean }): string {
  return toHtml(
    <Page site={p.site} title={`Working groups of ${p.community.title}`} section="communities" breadcrumbs={crumbs(p.community)}>
      <h1 safe>{`Working groups of ${p.community.title}`}</h1>
      <p class="usa-intro">Working groups produce shared resources for all agencies to use, such as playbooks and toolkits.</p>
      {p.canStart ? (
        <p>
          <a class="usa-button" href={`/communities/${p.community.slug}/groups/new`}>
            Start a working group
          </a>
        </p>
      ) : (
        ''
      )}
      {p.groups.length ? (
        <ul class="usa-collection">
          {p.groups.map((g) => (
            <li class="usa-collection__item">
              <div class="usa-collection__body">
                <h2 class="usa-collection__heading">
                  <a class="usa-link" href={`/communities/${p.community.slug}/groups/${g.slug}`} safe>
                    {g.name}
                  </a>
                </h2>
                <ul class="usa-collection__meta" aria-label="More information">
                  <li class="usa-collection__meta-item" safe>
                    {GROUP_STATUS_TEXT[g.status]}
                  </li>
                  <li class="usa-collection__meta-item" safe>
                    {g.members === 1 ? '1 member' : `${g.members} members`}
                  </li>
                </ul>
              </div>
            </li>
          ))}
        </ul>
      ) : (
        <p>This community has no working groups yet.</p>
      )}
    </Page>,
  );
}

export interface GroupPageProps {
  site: Site;
  g: Group;
  csrf?: string;
  /** The viewer's place in the group, if any. */
  mine?: 'pending' | 'active' | 'left' | 'declined';
  /** An active member's delivery of the group list: their own choice (null: the community's). */
  delivery?: { own: DeliveryMode | null; community: DeliveryMode } | undefined;
  communityMember: boolean;
  canLead: boolean;
  notice?: string;
  error?: string;
  deliverableErrors?: FieldErrors;
  deliverableValue?: string;
  /** The group's own discussion list. */
  list?: { address: string; archive: string; archiveReadable: boolean; archivePublic: boolean; moderated: boolean } | undefined;
  meetings: { upcoming: ListedOccurrence[]; past: ListedOccurrence[] };
  /** Draft meetings, for those who run the group. */
  drafts?: Array<{ slug: string; title: string }>;
}

export function GroupPage(p: GroupPageProps): string {
  const { g } = p;
  const safeCharterHtml = renderLibraryMarkdown(g.charter);
  const community = { slug: g.communitySlug, title: g.communityTitle };
  const leads = g.people.filter((x) => x.role === 'lead' && x.status === 'active');
  const members = g.people.filter((x) => x.role === 'member' && x.status === 'active');
  const pending = g.people.filter((x) => x.status === 'pending');
  return toHtml(
    <Page site={p.site} title={g.name} section="communities" breadcrumbs={crumbs(community, g.name)}>
      <SuccessNotice text={p.notice} />
      {p.error ? (
        <div class="usa-alert usa-alert--error usa-alert--slim" role="alert">
          <div class="usa-alert__body">
            <p class="usa-alert__text" safe>
              {p.error}
            </p>
          </div>
        </div>
      ) : (
        ''
      )}
      <h1 safe>{g.name}</h1>
      <p>
        <span class="usa-tag" safe>
          {GROUP_STATUS_TEXT[g.status]}
        </span>{' '}
        A working group of{' '}
        <a href={`/communities/${g.communitySlug}`} safe>
          {g.communityTitle}
        </a>
        . {g.joinPolicy === 'open' ? 'Community members can join at once.' : 'A lead approves each request to join.'}
      </p>
      <h2>Charter</h2>
      <div class="usa-prose">{safeCharterHtml}</div>
      <h2>What the group produced</h2>
      {g.deliverables.length ? (
        <ul class="usa-list">
          {g.deliverables.map((d) => (
            <li>
              <a href={d.kind === 'guide' ? `/library/guides/${d.slug}` : `/library/articles/${d.slug}`} safe>
                {d.title}
              </a>
              {d.summary ? <span safe>{`: ${d.summary}`}</span> : ''}
            </li>
          ))}
        </ul>
      ) : (
        <p>Nothing published yet.</p>
      )}
      {p.list ? (
        <section aria-labelledby="group-list">
          <h2 id="group-list">Discussion list</h2>
          <p>
            The group talks on its own list,{' '}
            <a href={`mailto:${p.list.address}`} safe>
              {p.list.address}
            </a>
            . Everyone in the group gets its messages, as each message or in a digest: the way they chose for the community’s list on their{' '}
            <a href="/account">account page</a>, unless they choose otherwise for the group below. Joining the group puts you on the list; leaving the group
            takes you off.
          </p>
          {p.delivery && p.csrf ? (
            <form method="post" action={`/communities/${g.communitySlug}/groups/${g.slug}/delivery`} class="usa-form margin-bottom-2">
              <CsrfField token={p.csrf} />
              <label class="usa-label" for="group-delivery">
                How you get this group’s messages
              </label>
              <select class="usa-select" id="group-delivery" name="deliveryMode">
                <option value="community" selected={p.delivery.own === null} safe>
                  {`As for the community’s list (now: ${DELIVERY_TEXT[p.delivery.community].toLowerCase()})`}
                </option>
                {DELIVERY_MODES.map((d) => (
                  <option value={d} selected={p.delivery!.own === d} safe>
                    {DELIVERY_TEXT[d]}
                  </option>
                ))}
              </select>
              <button class="usa-button usa-button--outline margin-top-1" type="submit">
                Save how you get this group’s messages
              </button>
            </form>
          ) : (
            ''
          )}
          <p>
            {p.list.moderated
              ? 'To post, write to the list address from the address you joined with. A lead approves every message before it goes out.'
              : 'To post, write to the list address from the address you joined with. Messages from people outside the group wait for a lead.'}
          </p>
          {p.list.archiveReadable ? (
            <p>
              <a href={p.list.archive}>Read the list’s archive</a>
              {p.list.archivePublic ? ' (public: anyone can read it, with addresses hidden).' : ' (for the group’s members).'}
            </p>
          ) : (
            <p>The list’s archive is for the group’s members.</p>
          )}
        </section>
      ) : (
        ''
      )}
      <h2>Upcoming meetings</h2>
      <SessionList items={p.meetings.upcoming} empty="No meetings are scheduled." />
      {p.meetings.past.length ? (
        <>
          <h2>Past meetings</h2>
          <SessionList items={p.meetings.past} empty="" />
        </>
      ) : (
        ''
      )}
      <h2>Leads</h2>
      <ul class="usa-list">
        {leads.map((x) => (
          <li safe>{x.agency ? `${x.name}, ${x.agency}` : x.name}</li>
        ))}
      </ul>
      <h2 safe>{`Members (${members.length})`}</h2>
      {members.length ? (
        <ul class="usa-list">
          {members.map((x) => (
            <li safe>{x.agency ? `${x.name}, ${x.agency}` : x.name}</li>
          ))}
        </ul>
      ) : (
        <p>No members besides the leads yet.</p>
      )}
      {p.csrf ? (
        p.mine === 'active' ? (
          <form method="post" action={`/communities/${g.communitySlug}/groups/${g.slug}/leave`}>
            <CsrfField token={p.csrf} />
            <p>You are in this working group.</p>
            <button class="usa-button usa-button--outline" type="submit">
              Leave the working group
            </button>
          </form>
        ) : p.mine === 'pending' ? (
          <p>Your request to join is waiting for a lead.</p>
        ) : g.status === 'completed' ? (
          <p>This working group has finished its work.</p>
        ) : p.communityMember ? (
          <form method="post" action={`/communities/${g.communitySlug}/groups/${g.slug}/join`}>
            <CsrfField token={p.csrf} />
            <button class="usa-button" type="submit">
              {g.joinPolicy === 'open' ? 'Join the working group' : 'Ask to join the working group'}
            </button>
          </form>
        ) : (
          <p>
            Members of the community can join. <a href={`/communities/${g.communitySlug}/join`} safe>{`Join ${g.communityTitle}`}</a> first.
          </p>
        )
      ) : (
        <p>
          <a href={`/signin?next=/communities/${g.communitySlug}/groups/${g.slug}`}>Sign in</a> to join this working group.
        </p>
      )}
      {p.csrf && p.canLead ? (
        <section aria-labelledby="lead-tools" class="margin-top-4">
          <h2 id="lead-tools">For leads</h2>
          <ul class="usa-list">
            <li>
              <a href={`/communities/${g.communitySlug}/groups/${g.slug}/edit`}>Edit the name, charter, status or who can join</a>
            </li>
            <li>
              <a href={`/communities/${g.communitySlug}/groups/${g.slug}/meetings/new`}>Schedule a meeting</a>
            </li>
            {(p.drafts ?? []).map((d) => (
              <li>
                <a href={`/events/${d.slug}/manage`} safe>{`Draft meeting: ${d.title}`}</a> (not shown to others until it is published)
              </li>
            ))}
            <li>
              <a href={`/communities/${g.communitySlug}/groups/${g.slug}/admin/held`}>Messages held for a lead</a>
            </li>
            <li>
              <a href={`/communities/${g.communitySlug}/groups/${g.slug}/admin/list`}>The list’s settings</a>
            </li>
          </ul>
          {members.length ? (
            <>
              <h3>Make a member a lead</h3>
              <ul class="usa-list usa-list--unstyled">
                {members.map((x) => (
                  <li class="margin-bottom-1">
                    <form method="post" action={`/communities/${g.communitySlug}/groups/${g.slug}/leads/${x.memberId}`}>
                      <CsrfField token={p.csrf!} />
                      <span safe>{x.name}</span>{' '}
                      <button class="usa-button usa-button--unstyled" type="submit" aria-label={`Make ${x.name} a lead`}>
                        Make a lead
                      </button>
                    </form>
                  </li>
                ))}
              </ul>
            </>
          ) : (
            ''
          )}
          <h3>Requests to join</h3>
          {pending.length ? (
            <ul class="usa-list usa-list--unstyled">
              {pending.map((x) => (
                <li class="margin-bottom-2">
                  <span safe>{x.agency ? `${x.name}, ${x.agency}` : x.name}</span>
                  <form method="post" action={`/communities/${g.communitySlug}/groups/${g.slug}/requests/${x.memberId}`} class="display-inline margin-left-1">
                    <CsrfField token={p.csrf!} />
                    <button class="usa-button usa-button--unstyled" name="decision" value="approve" type="submit" aria-label={`Approve ${x.name}`}>
                      Approve
                    </button>{' '}
                    <button class="usa-button usa-button--unstyled" name="decision" value="decline" type="submit" aria-label={`Decline ${x.name}`}>
                      Decline
                    </button>
                  </form>
                </li>
              ))}
            </ul>
          ) : (
            <p>No requests waiting.</p>
          )}
          <form class="usa-form usa-form--large" method="post" action={`/communities/${g.communitySlug}/groups/${g.slug}/deliverables`} novalidate>
            <h3>Add a deliverable</h3>
            <ErrorSummary errors={p.deliverableErrors ?? {}} />
            <CsrfField token={p.csrf} />
            <TextField
              name="item"
              label="Library address of the guide or article"
              hint="For example /library/guides/public-participation"
              value={p.deliverableValue ?? ''}
              error={p.deliverableErrors?.item}
              required
              maxlength={300}
            />
            <button class="usa-button usa-button--outline" type="submit">
              Add it to the group page
            </button>
          </form>
        </section>
      ) : (
        ''
      )}
    </Page>,
  );
}

export interface GroupFormValues {
  name: string;
  slug: string;
  charter: string;
  status: string;
  joinPolicy: string;
}

export function NewGroupPage(p: {
  site: Site;
  community: { slug: string; title: string };
  csrf: string;
  values: GroupFormValues;
  errors?: FieldErrors;
  editing?: string;
}): string {
  const e = p.errors ?? {};
  const title = p.editing ? 'Edit the working group' : 'Start a working group';
  return toHtml(
    <Page site={p.site} title={title} section="communities" breadcrumbs={crumbs(p.community, title)}>
      <h1>{title}</h1>
      {p.editing ? '' : <p>You become its first lead.</p>}
      <ErrorSummary errors={e} />
      <form
        class="usa-form usa-form--large"
        method="post"
        action={p.editing ? `/communities/${p.community.slug}/groups/${p.editing}/edit` : `/communities/${p.community.slug}/groups/new`}
        novalidate
      >
        <CsrfField token={p.csrf} />
        <TextField name="name" label="Name" value={p.values.name} error={e.name} required />
        {p.editing ? (
          ''
        ) : (
          <TextField
            name="slug"
            label="Short name for the address"
            hint="Lower-case letters, digits and hyphens. Left blank, it is made from the name."
            value={p.values.slug}
            error={e.slug}
          />
        )}
        <TextArea
          name="charter"
          label="Charter (Markdown)"
          hint="Why the group exists, what it will produce, and by when."
          value={p.values.charter}
          error={e.charter}
          rows={8}
          maxlength={20000}
          required
        />
        <div class="usa-form-group">
          <label class="usa-label" for="status">
            Status
          </label>
          <select class="usa-select" id="status" name="status">
            {GROUP_STATUSES.map((s) => (
              <option value={s} selected={p.values.status === s} safe>
                {GROUP_STATUS_TEXT[s]}
              </option>
            ))}
          </select>
        </div>
        <fieldset class="usa-fieldset">
          <legend class="usa-legend">Who can join</legend>
          <div class="usa-radio">
            <input class="usa-radio__input" id="joinPolicy-open" type="radio" name="joinPolicy" value="open" checked={p.values.joinPolicy !== 'closed'} />
            <label class="usa-radio__label" for="joinPolicy-open">
              Any community member, at once
            </label>
          </div>
          <div class="usa-radio">
            <input class="usa-radio__input" id="joinPolicy-closed" type="radio" name="joinPolicy" value="closed" checked={p.values.joinPolicy === 'closed'} />
            <label class="usa-radio__label" for="joinPolicy-closed">
              Community members, after a lead approves
            </label>
          </div>
        </fieldset>
        <button class="usa-button" type="submit">
          {p.editing ? 'Save the working group' : 'Start the working group'}
        </button>
      </form>
    </Page>,
  );
}
