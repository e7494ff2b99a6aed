/** A working group's meetings: events linked to the group, made with the events form. Thin: check who asks, validate, call, present. */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { formToken, sendPage, siteFor, type AppContext } from '../platform/http/context.ts';
import type { Group } from './groups.ts';
import {
  createEvent,
  EventExistsError,
  EventFormPage,
  type EventFormValues,
  formValues,
  type GroupMeetingForm,
  linkPresenters,
  readEventForm,
  RuleError,
} from '../events/index.ts';
import { inTransaction } from '../platform/db/queryable.ts';

import { groupRouteKit } from './route-kit.ts';

export function groupMeetingRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const { hide, csrf, ledBy } = groupRouteKit(ctx, app);

    // ---- Meetings: events linked to the group, made with the events form ----------------

    function meetingForm(g: Group): GroupMeetingForm {
      const home = `/communities/${g.communitySlug}/groups/${g.slug}`;
      return {
        title: `Schedule a meeting of ${g.name}`,
        action: `${home}/meetings/new`,
        breadcrumbs: [
          { href: '/', label: 'Home' },
          { href: '/communities', label: 'Communities' },
          { href: `/communities/${g.communitySlug}`, label: g.communityTitle },
          { href: `/communities/${g.communitySlug}/groups`, label: 'Working groups' },
          { href: home, label: g.name },
          { label: 'Schedule a meeting' },
        ],
      };
    }

    app.get<{ Params: { slug: string; group: string } }>('/communities/:slug/groups/:group/meetings/new', hide, async (req, reply) => {
      const { g } = await ledBy(req, req.params.slug, req.params.group);
      const values: EventFormValues = {
        title: `${g.name} meeting`,
        kind: 'meeting',
        status: 'published',
        registration: 'members',
        format: 'online',
        timeZone: 'America/New_York',
      };
      return sendPage(
        reply,
        EventFormPage({
          site: siteFor(ctx, req),
          communities: [{ id: g.communityId, title: g.communityTitle }],
          checked: [g.communityId],
          values,
          errors: {},
          csrf: formToken(reply),
          meeting: meetingForm(g),
        }),
      );
    });

    app.post<{ Params: { slug: string; group: string } }>('/communities/:slug/groups/:group/meetings/new', csrf, async (req, reply) => {
      const { v, g } = await ledBy(req, req.params.slug, req.params.group);
      const values = formValues(req.body);
      // A group's meeting belongs to the group's community, whatever boxes were ticked.
      const again = (errors: Record<string, string>, status = 400) =>
        sendPage(
          reply,
          EventFormPage({
            site: siteFor(ctx, req),
            communities: [{ id: g.communityId, title: g.communityTitle }],
            checked: [g.communityId],
            values,
            errors,
            csrf: formToken(reply),
            meeting: meetingForm(g),
          }),
          status,
        );
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
