/** Calendar feeds (iCalendar): every event, a community's, one event's, a member's own. Thin: read, call, present. */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { baseUrl, NotFoundError, type AppContext } from '../platform/http/context.ts';
import { eventVEvents, feedCalendar, occurrenceVEvent, type CalendarView } from './calendar.ts';
import { buildCalendar } from './ics.ts';
import type { StoredEvent } from './model.ts';
import { memberOfFeedToken, registrationsOfMember } from './registration.ts';
import { listEvents, occurrencesOf } from './store.ts';
import { eventRouteKit, sendCalendar } from './route-kit.ts';

export function eventFeedRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const { secret, hide, visibleEvent } = await eventRouteKit(ctx, app);

    // ---- Calendar feeds -----------------------------------------------------------------

    const view = (): CalendarView => ({ baseUrl: baseUrl(ctx), now: new Date() });
    async function withOccurrences(events: StoredEvent[]) {
      return Promise.all(events.map(async (event) => ({ event, occurrences: await occurrencesOf(ctx.pool, event.id) })));
    }

    app.get('/events/calendar.ics', hide, async (req, reply) => {
      return sendCalendar(reply, feedCalendar(`${ctx.config.siteName}: events`, await withOccurrences(await listEvents(ctx.pool)), view()), 'events.ics');
    });

    app.get<{ Params: { slug: string } }>('/communities/:slug/events.ics', hide, async (req, reply) => {
      const c = await ctx.pool.query<{ title: string }>('select coalesce(short_name, title) as title from communities where slug = $1', [req.params.slug]);
      if (!c.rows[0]) throw new NotFoundError(`There is no community called “${req.params.slug}”.`);
      return sendCalendar(
        reply,
        feedCalendar(`${c.rows[0].title}: events`, await withOccurrences(await listEvents(ctx.pool, { community: req.params.slug })), view()),
        `${req.params.slug}-events.ics`,
      );
    });

    app.get<{ Params: { slug: string } }>('/events/:slug/calendar.ics', hide, async (req, reply) => {
      const e = await visibleEvent(req, req.params.slug);
      return sendCalendar(reply, buildCalendar({ name: e.title, events: eventVEvents(e, await occurrencesOf(ctx.pool, e.id), view()) }), `${e.slug}.ics`);
    });

    app.get<{ Params: { token: string } }>('/events/my/:token/calendar.ics', hide, async (req, reply) => {
      const memberId = memberOfFeedToken(secret, req.params.token);
      if (memberId === undefined) throw new NotFoundError('This calendar address is not valid. Copy it again from “Your events”.');
      const m = await ctx.pool.query<{ email: string }>('select email from members where id = $1', [memberId]);
      if (!m.rows[0]) throw new NotFoundError('This calendar address is not valid.');
      const regs = (await registrationsOfMember(ctx.pool, memberId, m.rows[0].email)).filter((r) => r.registration.status === 'registered');
      const v = { ...view(), withJoinLink: true };
      const vevents = [];
      const seenSeries = new Set<number>();
      for (const r of regs) {
        if (r.registration.seriesGroup && r.event.rrule) {
          if (seenSeries.has(r.event.id)) continue;
          seenSeries.add(r.event.id);
          vevents.push(...eventVEvents(r.event, await occurrencesOf(ctx.pool, r.event.id), v));
        } else {
          vevents.push(occurrenceVEvent(r.event, r.occurrence, v));
        }
      }
      reply.header('cache-control', 'private, no-store');
      return sendCalendar(reply, buildCalendar({ name: `${ctx.config.siteName}: your events`, events: vevents }), 'my-events.ics');
    });
  };
}
