/** What the working group pages share: the community and group a page is about, who may start or lead a group, the group page with a notice or an error. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { joinSettings } from '../communities/index.ts';
import { canCoordinate, isActiveIn } from '../membership/index.ts';
import { ForbiddenError, NotFoundError, formToken, sendPage, SignInRequiredError, siteFor, type AppContext } from '../platform/http/context.ts';
import type { FieldErrors } from '../web/forms.tsx';
import { canLead, findGroup, groupDelivery, personIn, type Group } from './groups.ts';
import { GroupPage } from './views.tsx';
import { archiveAccess } from '../archives/index.ts';
import { type ListedOccurrence, listOccurrences } from '../events/index.ts';
import { listOfGroup } from '../lists/index.ts';
import { listDomainOf } from '../platform/config.ts';

export const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;
export const NOTICES: Record<string, string> = {
  joined: 'You joined the working group.',
  requested: 'Your request is with the group’s leads.',
  left: 'You left the working group.',
  approved: 'Approved: they are now in the group.',
  saved: 'The working group is saved.',
  lead: 'They are now a lead.',
  declined: 'Declined.',
  deliverable: 'Added to the group page.',
  created: 'The working group is started.',
  meeting: 'The meeting is scheduled. It is on this page and in the events calendar.',
  delivery: 'Saved: this is how you get the group’s list now.',
  draft: 'The meeting is saved as a draft. Only the group’s leads see it, under “For leads”; publish it from its page.',
};

/** The group's draft events, once each, from their sessions. */
export function draftMeetings(sessions: ListedOccurrence[]): Array<{ slug: string; title: string }> {
  const seen = new Map<string, { slug: string; title: string }>();
  for (const { event } of sessions) if (event.status === 'draft' && !seen.has(event.slug)) seen.set(event.slug, { slug: event.slug, title: event.title });
  return [...seen.values()];
}

/** The route options and helpers every working group plugin uses, bound to the platform's context. */
export function groupRouteKit(ctx: AppContext, app: FastifyInstance) {
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

  async function page(
    req: FastifyRequest,
    reply: FastifyReply,
    g: Group,
    extra: { notice?: string; error?: string; deliverableErrors?: FieldErrors; deliverableValue?: string } = {},
    status = 200,
  ) {
    const v = req.viewer;
    const list = await listOfGroup(ctx.pool, g.id);
    const now = new Date();
    const past = (await listOccurrences(ctx.pool, { groupId: g.id, to: now, descending: true, limit: 20 }))
      .filter((x) => x.occurrence.endsAt <= now)
      .slice(0, 10);
    const lead = v ? await canLead(ctx.pool, v, g) : false;
    return sendPage(
      reply,
      GroupPage({
        site: siteFor(ctx, req),
        g,
        csrf: v ? formToken(reply) : undefined,
        mine: v ? await personIn(ctx.pool, g.id, v.memberId) : undefined,
        delivery: v ? await groupDelivery(ctx.pool, g.id, v.memberId) : undefined,
        communityMember: v ? await isActiveIn(ctx.pool, v, g.communityId) : false,
        canLead: lead,
        // draft meetings: only those who run the group see them, to finish and publish them
        drafts: lead ? draftMeetings(await listOccurrences(ctx.pool, { groupId: g.id, includeDrafts: true, limit: 200 })) : [],
        list: list
          ? {
              address: `${list.localPart}@${listDomainOf(ctx.config)}`,
              archive: `/archives/${list.localPart}`,
              archiveReadable: (await archiveAccess(ctx.pool, list, v ?? null)).read,
              archivePublic: list.archivePublic,
              moderated: list.moderated,
            }
          : undefined,
        meetings: { upcoming: await listOccurrences(ctx.pool, { groupId: g.id, from: now, limit: 10 }), past },
        ...extra,
      }),
      status,
    );
  }

  /** Who may start a group: active members of the community (and its coordinators and site admins). */
  async function mayStart(req: FastifyRequest, communityId: number): Promise<boolean> {
    const v = req.viewer;
    if (!v) return false;
    if (await canCoordinate(ctx.pool, v, communityId)) return true;
    return isActiveIn(ctx.pool, v, communityId);
  }

  async function ledBy(req: FastifyRequest, slug: string, groupSlug: string) {
    const v = viewerOf(req);
    const g = await group(slug, groupSlug);
    if (!(await canLead(ctx.pool, v, g))) throw new ForbiddenError('Only the group’s leads and the community’s coordinators can do this.');
    return { v, g };
  }

  return { hide, publicPage, csrf, community, group, viewerOf, page, mayStart, ledBy };
}
