/** Working group routes under a community: list, page, start, join, leave, approve, deliverables, meetings. */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { joinSettings } from '../communities/index.ts';
import { canCoordinate, isActiveIn, type DeliveryMode } from '../membership/index.ts';
import { ForbiddenError, idParam, NotFoundError, sendPage, SignInRequiredError, siteFor, type AppContext } from '../platform/http/context.ts';
import { field, type FieldErrors } from '../web/forms.tsx';
import { slugFromTitle } from '../library/index.ts';
import {
  addDeliverable, canLead, createGroup, decideRequest, findGroup, GROUP_STATUSES, GroupError, groupDelivery, joinGroup, leaveGroup, listGroups, makeLead, personIn, setGroupDelivery, updateGroup,
  type Group, type GroupStatus,
} from './groups.ts';
import { GroupPage, GroupsPage, NewGroupPage, type GroupFormValues } from './views.tsx';
import { archiveAccess } from '../archives/index.ts';
import { createEvent, EventExistsError, EventFormPage, type EventFormValues, formValues, type GroupMeetingForm, linkPresenters, type ListedOccurrence, listOccurrences, readEventForm, RuleError } from '../events/index.ts';
import { listOfGroup } from '../lists/index.ts';
import { inTransaction } from '../platform/db/queryable.ts';
import { listDomainOf } from '../platform/config.ts';

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const NOTICES: Record<string, string> = {
  joined: 'You joined the working group.', requested: 'Your request is with the group’s leads.', left: 'You left the working group.',
  approved: 'Approved: they are now in the group.', saved: 'The working group is saved.', lead: 'They are now a lead.', declined: 'Declined.', deliverable: 'Added to the group page.', created: 'The working group is started.',
  meeting: 'The meeting is scheduled. It is on this page and in the events calendar.',
  delivery: 'Saved: this is how you get the group’s list now.',
  draft: 'The meeting is saved as a draft. Only the group’s leads see it, under “For leads”; publish it from its page.',
};

/** The group's draft events, once each, from their sessions. */
function draftMeetings(sessions: ListedOccurrence[]): Array<{ slug: string; title: string }> {
  const seen = new Map<string, { slug: string; title: string }>();
  for (const { event } of sessions) if (event.status === 'draft' && !seen.has(event.slug)) seen.set(event.slug, { slug: event.slug, title: event.title });
  return [...seen.values()];
}

export function groupRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const hide = { schema: { hide: true } };
    // the same for every signed-out visitor: may be kept a few seconds (platform/http/page-cache.ts)
    const publicPage = { ...hide, config: { pageCache: true } };
    const csrf = { preHandler: app.csrfProtection, schema: { hide: true } };

    async function community(slug: string) {
      const c = await joinSettings(ctx.pool, slug);
      if (!c) throw new NotFoundError(`There is no community called “${slug}”.`);
      return c;
    }

    async function group(slug: string, groupSlug: string): Promise<Group> {
      const g = await findGroup(ctx.pool, slug, groupSlug);
      if (!g) throw new NotFoundError(`There is no working group “${groupSlug}” in this community.`);
      return g;
    }

    function viewerOf(req: FastifyRequest) {
      if (!req.viewer) throw new SignInRequiredError('Sign in to take part in working groups.');
      return req.viewer;
    }

    async function page(req: FastifyRequest, reply: FastifyReply, g: Group, extra: { notice?: string; error?: string; deliverableErrors?: FieldErrors; deliverableValue?: string } = {}, status = 200) {
      const v = req.viewer;
      const list = await listOfGroup(ctx.pool, g.id);
      const now = new Date();
      const past = (await listOccurrences(ctx.pool, { groupId: g.id, to: now, descending: true, limit: 20 })).filter((x) => x.occurrence.endsAt <= now).slice(0, 10);
      const lead = v ? await canLead(ctx.pool, v, g) : false;
      return sendPage(reply, GroupPage({
        site: siteFor(ctx, req), g, csrf: v ? reply.generateCsrf() : undefined,
        mine: v ? await personIn(ctx.pool, g.id, v.memberId) : undefined,
        delivery: v ? await groupDelivery(ctx.pool, g.id, v.memberId) : undefined,
        communityMember: v ? await isActiveIn(ctx.pool, v, g.communityId) : false,
        canLead: lead,
        // draft meetings: only those who run the group see them, to finish and publish them
        drafts: lead ? draftMeetings(await listOccurrences(ctx.pool, { groupId: g.id, includeDrafts: true, limit: 200 })) : [],
        list: list ? { address: `${list.localPart}@${listDomainOf(ctx.config)}`, archive: `/archives/${list.localPart}`, archiveReadable: (await archiveAccess(ctx.pool, list, v ?? null)).read, archivePublic: list.archivePublic, moderated: list.moderated } : undefined,
        meetings: { upcoming: await listOccurrences(ctx.pool, { groupId: g.id, from: now, limit: 10 }), past },
        ...extra,
      }), status);
    }

    /** Who may start a group: active members of the community (and its coordinators and site admins). */
    async function mayStart(req: FastifyRequest, communityId: number): Promise<boolean> {
      const v = req.viewer;
      if (!v) return false;
      if (await canCoordinate(ctx.pool, v, communityId)) return true;
      return isActiveIn(ctx.pool, v, communityId);
    }

    app.get<{ Params: { slug: string } }>('/communities/:slug/groups', publicPage, async (req, reply) => {
      const c = await community(req.params.slug);
      return sendPage(reply, GroupsPage({ site: siteFor(ctx, req), community: c, groups: await listGroups(ctx.pool, c.slug), canStart: await mayStart(req, c.id) }));
    });

    app.get<{ Params: { slug: string } }>('/communities/:slug/groups/new', hide, async (req, reply) => {
      viewerOf(req);
      const c = await community(req.params.slug);
      if (!(await mayStart(req, c.id))) throw new ForbiddenError(`Members of ${c.title} can start working groups. Join the community first.`);
      const values: GroupFormValues = { name: '', slug: '', charter: '', status: 'forming', joinPolicy: 'open' };
      return sendPage(reply, NewGroupPage({ site: siteFor(ctx, req), community: c, csrf: reply.generateCsrf(), values }));
    });

    app.post<{ Params: { slug: string } }>('/communities/:slug/groups/new', csrf, async (req, reply) => {
      const v = viewerOf(req);
      const c = await community(req.params.slug);
      if (!(await mayStart(req, c.id))) throw new ForbiddenError(`Members of ${c.title} can start working groups. Join the community first.`);
      const values: GroupFormValues = {
        name: field(req.body, 'name', 200), slug: field(req.body, 'slug', 100), charter: field(req.body, 'charter', 20000),
        status: field(req.body, 'status', 20), joinPolicy: field(req.body, 'joinPolicy', 10) === 'closed' ? 'closed' : 'open',
      };
      const errors: FieldErrors = {};
      if (!values.name) errors.name = 'Enter a name for the working group.';
      const slug = values.slug || slugFromTitle(values.name);
      if (values.name && !SLUG.test(slug)) errors.slug = 'Use only lower-case letters, digits and single hyphens, for example public-participation.';
      if (!values.charter) errors.charter = 'Write the charter: why the group exists and what it will produce.';
      if (!(GROUP_STATUSES as readonly string[]).includes(values.status)) errors.status = 'Choose a status from the list.';
      const again = (e: FieldErrors) => sendPage(reply, NewGroupPage({ site: siteFor(ctx, req), community: c, csrf: reply.generateCsrf(), values, errors: e }), 400);
      if (Object.keys(errors).length) return again(errors);
      try {
        await createGroup(ctx.pool, { name: v.email, source: req.ip }, {
          communityId: c.id, slug, name: values.name, charter: values.charter, status: values.status as GroupStatus, joinPolicy: values.joinPolicy as 'open' | 'closed',
        }, [v.memberId]);
      } catch (err) {
        if (err instanceof GroupError) return again({ slug: err.message });
        throw err;
      }
      return reply.redirect(`/communities/${c.slug}/groups/${slug}?done=created`, 303);
    });

    app.get<{ Params: { slug: string; group: string }; Querystring: { done?: string } }>('/communities/:slug/groups/:group', publicPage, async (req, reply) =>
      page(req, reply, await group(req.params.slug, req.params.group), { notice: NOTICES[req.query.done ?? ''] }),
    );

    async function ledBy(req: FastifyRequest, slug: string, groupSlug: string) {
      const v = viewerOf(req);
      const g = await group(slug, groupSlug);
      if (!(await canLead(ctx.pool, v, g))) throw new ForbiddenError('Only the group’s leads and the community’s coordinators can do this.');
      return { v, g };
    }

    app.get<{ Params: { slug: string; group: string } }>('/communities/:slug/groups/:group/edit', hide, async (req, reply) => {
      const { g } = await ledBy(req, req.params.slug, req.params.group);
      const values: GroupFormValues = { name: g.name, slug: g.slug, charter: g.charter, status: g.status, joinPolicy: g.joinPolicy };
      return sendPage(reply, NewGroupPage({ site: siteFor(ctx, req), community: { slug: g.communitySlug, title: g.communityTitle }, csrf: reply.generateCsrf(), values, editing: g.slug }));
    });

    app.post<{ Params: { slug: string; group: string } }>('/communities/:slug/groups/:group/edit', csrf, async (req, reply) => {
      const { v, g } = await ledBy(req, req.params.slug, req.params.group);
      const values: GroupFormValues = {
        name: field(req.body, 'name', 200), slug: g.slug, charter: field(req.body, 'charter', 20000), status: field(req.body, 'status', 20),
        joinPolicy: field(req.body, 'joinPolicy', 10) === 'closed' ? 'closed' : 'open',
      };
      const errors: FieldErrors = {};
      if (!values.name) errors.name = 'Enter a name for the working group.';
      if (!values.charter) errors.charter = 'Write the charter: why the group exists and what it will produce.';
      if (!(GROUP_STATUSES as readonly string[]).includes(values.status)) errors.status = 'Choose a status from the list.';
      if (Object.keys(errors).length) {
        return sendPage(reply, NewGroupPage({ site: siteFor(ctx, req), community: { slug: g.communitySlug, title: g.communityTitle }, csrf: reply.generateCsrf(), values, errors, editing: g.slug }), 400);
      }
      await updateGroup(ctx.pool, { name: v.email, source: req.ip }, g, { name: values.name, charter: values.charter, status: values.status as GroupStatus, joinPolicy: values.joinPolicy as 'open' | 'closed' });
      return reply.redirect(`/communities/${g.communitySlug}/groups/${g.slug}?done=saved`, 303);
    });

    app.post<{ Params: { slug: string; group: string; member: string } }>('/communities/:slug/groups/:group/leads/:member', csrf, async (req, reply) => {
      const { v, g } = await ledBy(req, req.params.slug, req.params.group);
      try {
        await makeLead(ctx.pool, { name: v.email, source: req.ip }, g, idParam(req.params.member));
      } catch (err) {
        if (err instanceof GroupError) return page(req, reply, g, { error: err.message }, 409);
        throw err;
      }
      return reply.redirect(`/communities/${g.communitySlug}/groups/${g.slug}?done=lead`, 303);
    });

    app.post<{ Params: { slug: string; group: string } }>('/communities/:slug/groups/:group/join', csrf, async (req, reply) => {
      const v = viewerOf(req);
      const g = await group(req.params.slug, req.params.group);
      try {
        const result = await joinGroup(ctx.pool, { name: v.email, source: req.ip }, g, v.memberId);
        return reply.redirect(`/communities/${g.communitySlug}/groups/${g.slug}?done=${result}`, 303);
      } catch (err) {
        if (err instanceof GroupError) return page(req, reply, g, { error: err.message }, 409);
        throw err;
      }
    });

    app.post<{ Params: { slug: string; group: string } }>('/communities/:slug/groups/:group/leave', csrf, async (req, reply) => {
      const v = viewerOf(req);
      const g = await group(req.params.slug, req.params.group);
      await leaveGroup(ctx.pool, { name: v.email, source: req.ip }, g, v.memberId);
      return reply.redirect(`/communities/${g.communitySlug}/groups/${g.slug}?done=left`, 303);
    });

    app.post<{ Params: { slug: string; group: string } }>('/communities/:slug/groups/:group/delivery', csrf, async (req, reply) => {
      const v = viewerOf(req);
      const g = await group(req.params.slug, req.params.group);
      const chosen = field(req.body, 'deliveryMode', 20);
      try {
        await setGroupDelivery(ctx.pool, { name: v.email, source: req.ip }, g, v.memberId, chosen === 'community' ? null : (chosen as DeliveryMode));
      } catch (err) {
        if (err instanceof GroupError) return page(req, reply, g, { error: err.message }, 400);
        throw err;
      }
      return reply.redirect(`/communities/${g.communitySlug}/groups/${g.slug}?done=delivery#group-list`, 303);
    });

    app.post<{ Params: { slug: string; group: string; member: string } }>('/communities/:slug/groups/:group/requests/:member', csrf, async (req, reply) => {
      const v = viewerOf(req);
      const g = await group(req.params.slug, req.params.group);
      if (!(await canLead(ctx.pool, v, g))) throw new ForbiddenError('Only the group’s leads and the community’s coordinators can decide requests.');
      const approve = field(req.body, 'decision', 10) === 'approve';
      try {
        await decideRequest(ctx.pool, { name: v.email, source: req.ip }, g, idParam(req.params.member), approve);
      } catch (err) {
        if (err instanceof GroupError) return page(req, reply, await group(req.params.slug, req.params.group), { error: err.message }, 409);
        throw err;
      }
      return reply.redirect(`/communities/${g.communitySlug}/groups/${g.slug}?done=${approve ? 'approved' : 'declined'}`, 303);
    });

    app.post<{ Params: { slug: string; group: string } }>('/communities/:slug/groups/:group/deliverables', csrf, async (req, reply) => {
      const v = viewerOf(req);
      const g = await group(req.params.slug, req.params.group);
      if (!(await canLead(ctx.pool, v, g))) throw new ForbiddenError('Only the group’s leads and the community’s coordinators can add deliverables.');
      const item = field(req.body, 'item', 300);
      const m = /(?:^|\/library\/)(guides|articles)\/([a-z0-9-]+)\/?$/.exec(item.replace(/^https?:\/\/[^/]+/, ''));
      if (!m) return page(req, reply, g, { deliverableValue: item, deliverableErrors: { item: 'Enter a library address such as /library/guides/public-participation or /library/articles/some-article.' } }, 400);
      try {
        await addDeliverable(ctx.pool, { name: v.email, source: req.ip }, g, { kind: m[1] === 'guides' ? 'guide' : 'article', slug: m[2]! });
      } catch (err) {
        if (err instanceof GroupError) return page(req, reply, g, { deliverableValue: item, deliverableErrors: { item: err.message } }, 400);
        throw err;
      }
      return reply.redirect(`/communities/${g.communitySlug}/groups/${g.slug}?done=deliverable`, 303);
    });

    // ---- Meetings: events linked to the group, made with the events form ----------------

    function meetingForm(g: Group): GroupMeetingForm {
      const home = `/communities/${g.communitySlug}/groups/${g.slug}`;
      return {
        title: `Schedule a meeting of ${g.name}`,
        action: `${home}/meetings/new`,
        breadcrumbs: [
          { href: '/', label: 'Home' }, { href: '/communities', label: 'Communities' }, { href: `/communities/${g.communitySlug}`, label: g.communityTitle },
          { href: `/communities/${g.communitySlug}/groups`, label: 'Working groups' }, { href: home, label: g.name }, { label: 'Schedule a meeting' },
        ],
      };
    }

    app.get<{ Params: { slug: string; group: string } }>('/communities/:slug/groups/:group/meetings/new', hide, async (req, reply) => {
      const { g } = await ledBy(req, req.params.slug, req.params.group);
      const values: EventFormValues = { title: `${g.name} meeting`, kind: 'meeting', status: 'published', registration: 'members', format: 'online', timeZone: 'America/New_York' };
      return sendPage(reply, EventFormPage({
        site: siteFor(ctx, req), communities: [{ id: g.communityId, title: g.communityTitle }], checked: [g.communityId], values, errors: {}, csrf: reply.generateCsrf(), meeting: meetingForm(g),
      }));
    });

    app.post<{ Params: { slug: string; group: string } }>('/communities/:slug/groups/:group/meetings/new', csrf, async (req, reply) => {
      const { v, g } = await ledBy(req, req.params.slug, req.params.group);
      const values = formValues(req.body);
      // A group's meeting belongs to the group's community, whatever boxes were ticked.
      const again = (errors: Record<string, string>, status = 400) =>
        sendPage(reply, EventFormPage({
          site: siteFor(ctx, req), communities: [{ id: g.communityId, title: g.communityTitle }], checked: [g.communityId], values, errors, csrf: reply.generateCsrf(), meeting: meetingForm(g),
        }), status);
      const parsed = readEventForm(values, [g.communityId]);
      if (!parsed.ok) return again(parsed.errors);
      const unknown = await linkPresenters(ctx.pool, parsed.input);
      if (unknown) return again({ presenters: unknown });
      try {
        await inTransaction(ctx.pool, (tx) => createEvent(tx, { name: v.email, source: req.ip }, { ...parsed.input, groupId: g.id }, { source: 'web' }));
      } catch (err) {
        if (err instanceof EventExistsError) return again({ slug: err.message }, 409);
        if (err instanceof RuleError) return again({ rrule: err.message });
        throw err;
      }
      return reply.redirect(`/communities/${g.communitySlug}/groups/${g.slug}?done=${parsed.input.status === 'draft' ? 'draft' : 'meeting'}`, 303);
    });
  };
}
