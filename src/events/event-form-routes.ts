/** Organizers create and edit events and series. Thin: check who asks, validate, call, present. */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { inTransaction } from '../platform/db/queryable.ts';
import { ForbiddenError, formToken, sendPage, siteFor, type AppContext } from '../platform/http/context.ts';
import { formValuesOf, readEventForm } from './event-form.ts';
import { RuleError } from './recurrence.ts';
import { notifyEventChange } from './registration-mail.ts';
import { createEvent, EventExistsError, updateEvent } from './store.ts';
import { EventFormPage } from './admin-views.tsx';
import type { StoredEvent } from './model.ts';
import { actorOf, checkedCommunities, formValues, linkPresenters, organizerRouteKit } from './organizer-kit.ts';

export function eventFormRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const { hide, csrf, coordinated, organizedEvent, deps } = await organizerRouteKit(ctx, app);

    // ---- Create and edit ----------------------------------------------------------------

    app.get<{ Querystring: { community?: string } }>('/events/new', hide, async (req, reply) => {
      const communities = await coordinated(req);
      const wanted = req.query.community
        ? (await ctx.pool.query<{ id: string }>('select id from communities where slug = $1', [req.query.community])).rows[0]
        : undefined;
      const checked = wanted ? [Number(wanted.id)] : communities.length === 1 ? [communities[0]!.id] : [];
      return sendPage(
        reply,
        EventFormPage({
          site: siteFor(ctx, req),
          communities,
          checked,
          values: { timeZone: 'America/New_York', status: 'draft', registration: 'members' },
          errors: {},
          csrf: formToken(reply),
        }),
      );
    });

    async function saveForm(req: FastifyRequest, reply: FastifyReply, before?: StoredEvent) {
      const communities = await coordinated(req).catch((err) => {
        if (before && err instanceof ForbiddenError) return [];
        throw err;
      });
      const allowed = new Set([...communities.map((c) => c.id), ...(before?.communityIds ?? [])]);
      const checked = checkedCommunities(req.body).filter((id) => allowed.has(id));
      const values = formValues(req.body);
      const shown = [...communities, ...(before?.communities.filter((c) => !communities.some((x) => x.id === c.id)) ?? [])];
      const again = (errors: Record<string, string>, status = 400) =>
        sendPage(
          reply,
          EventFormPage({
            site: siteFor(ctx, req),
            communities: shown,
            checked,
            values,
            errors,
            csrf: formToken(reply),
            ...(before ? { event: before } : {}),
          }),
          status,
        );
      const parsed = readEventForm(values, checked);
      if (!parsed.ok) return again(parsed.errors);
      const unknown = await linkPresenters(ctx.pool, parsed.input);
      if (unknown) return again({ presenters: unknown });
      const now = new Date();
      try {
        const d = await deps();
        const saved = await inTransaction(ctx.pool, async (tx) => {
          if (!before) return createEvent(tx, actorOf(req), parsed.input, { source: 'web', now });
          const { event, changes } = await updateEvent(tx, actorOf(req), before, parsed.input, now);
          if (event.status !== 'draft') await notifyEventChange(tx, d, event, changes, now);
          return event;
        });
        return reply.redirect(`/events/${saved.slug}/manage?saved=1`, 303);
      } catch (err) {
        if (err instanceof EventExistsError) return again({ slug: err.message }, 409);
        if (err instanceof RuleError) return again({ rrule: err.message });
        throw err;
      }
    }

    app.post('/events/new', csrf, async (req, reply) => saveForm(req, reply));

    app.get<{ Params: { slug: string } }>('/events/:slug/edit', hide, async (req, reply) => {
      const e = await organizedEvent(req, req.params.slug);
      const mine = await coordinated(req).catch(() => []);
      const shown = [...mine, ...e.communities.filter((c) => !mine.some((m) => m.id === c.id))];
      return sendPage(
        reply,
        EventFormPage({
          site: siteFor(ctx, req),
          communities: shown,
          checked: e.communityIds,
          values: formValuesOf(e),
          errors: {},
          csrf: formToken(reply),
          event: e,
        }),
      );
    });

    app.post<{ Params: { slug: string } }>('/events/:slug/edit', csrf, async (req, reply) => saveForm(req, reply, await organizedEvent(req, req.params.slug)));
  };
}
