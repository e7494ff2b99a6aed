/** Public event pages: the list, past events, the month calendar, the time-zone choice, "Your events" and one event. Thin: read, call, present. */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { DateTime } from '../platform/luxon.ts';
import { absoluteUrl, NotFoundError, formToken, sendPage, SignInRequiredError, siteFor, type AppContext } from '../platform/http/context.ts';
import { field } from '../web/forms.tsx';
import { coordinatesAny } from '../membership/index.ts';
import { feedToken, manageUrl, registrationsOfMember } from './registration.ts';
import { filterChoices, findEvent, listOccurrences } from './store.ts';
import { COMMON_ZONES, isValidZone } from './time.ts';
import { EventsIndexPage, MonthPage, PastEventsPage } from './list-views.tsx';
import { TimeZonePage } from './register-views.tsx';
import { MyEventsPage } from './registration-views.tsx';
import { eventRouteKit, filtersFrom, storeFilter, TZ_COOKIE } from './route-kit.ts';

export function eventPageRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const { secret, hide, standingPage, eventPage, csrf, deps, viewerZone, visibleEvent, showEvent } = await eventRouteKit(ctx, app);

    // ---- Pages --------------------------------------------------------------------------

    app.get('/events', standingPage, async (req, reply) => {
      const now = new Date();
      const filters = filtersFrom(req.query as Record<string, string>);
      const f = storeFilter(filters);
      // The same for every visitor with these filters, a few seconds old at most (ctx.recent).
      const { upcoming, past, choices } = await ctx.recent(`events-index:${JSON.stringify(f)}`, async () => ({
        upcoming: await listOccurrences(ctx.pool, { ...f, from: now, limit: 100 }),
        past: await listOccurrences(ctx.pool, { ...f, to: now, descending: true, withRecording: true, limit: 5 }),
        choices: await filterChoices(ctx.pool),
      }));
      const canCreate = req.viewer ? req.viewer.siteAdmin || (await coordinatesAny(ctx.pool, req.viewer)) : false;
      return sendPage(
        reply,
        EventsIndexPage({ site: siteFor(ctx, req), upcoming, past: past.filter((p) => p.occurrence.endsAt <= now), filters, choices, now, canCreate }),
      );
    });

    app.get('/events/past', standingPage, async (req, reply) => {
      const filters = filtersFrom(req.query as Record<string, string>);
      const past = await listOccurrences(ctx.pool, { ...storeFilter(filters), to: new Date(), descending: true, limit: 200 });
      return sendPage(reply, PastEventsPage({ site: siteFor(ctx, req), past: past.filter((p) => p.occurrence.endsAt <= new Date()), filters }));
    });

    app.get<{ Params: { year: string; month: string } }>('/events/calendar/:year/:month', standingPage, async (req, reply) => {
      const year = Number(req.params.year);
      const month = Number(req.params.month);
      if (!/^\d{4}$/.test(req.params.year) || !/^\d{1,2}$/.test(req.params.month) || month < 1 || month > 12 || year < 1990 || year > 2200) {
        throw new NotFoundError('There is no such month. Use an address like /events/calendar/2026/11.');
      }
      const zone = viewerZone(req) ?? 'America/New_York';
      const first = DateTime.fromObject({ year, month, day: 1 }, { zone });
      const sessions = await listOccurrences(ctx.pool, { from: first.minus({ days: 7 }).toJSDate(), to: first.plus({ months: 1, days: 7 }).toJSDate() });
      return sendPage(reply, MonthPage({ site: siteFor(ctx, req), year, month, zone, sessions }));
    });

    /** Where the time-zone choice goes back to: an event page on this site, else the list. */
    const backTo = (back: string | undefined) => (back && /^\/events\/[a-z0-9-?=&]*$/.test(back) ? back : '/events');

    app.get<{ Querystring: { back?: string; zone?: string } }>('/events/time-zone', hide, async (req, reply) => {
      const chosen = viewerZone(req) ?? (req.query.zone && isValidZone(req.query.zone) ? req.query.zone : undefined);
      const zones = [...new Set([...(chosen ? [chosen] : []), ...COMMON_ZONES])];
      return sendPage(reply, TimeZonePage({ site: siteFor(ctx, req), back: backTo(req.query.back), zones, chosen, csrf: formToken(reply) }));
    });

    app.post('/events/time-zone', csrf, async (req, reply) => {
      const tz = field(req.body, 'tz', 100);
      if (isValidZone(tz)) reply.setCookie(TZ_COOKIE, tz, { path: '/', sameSite: 'lax', httpOnly: true, secure: 'auto', maxAge: 365 * 86400 });
      return reply.redirect(backTo(field(req.body, 'back', 300)), 303);
    });

    app.get('/events/mine', hide, async (req, reply) => {
      const v = req.viewer;
      if (!v) throw new SignInRequiredError('Sign in to see your events.');
      const d = await deps();
      const items = (await registrationsOfMember(ctx.pool, v.memberId, v.email)).map((i) => ({
        ...i,
        manageHref: manageUrl({ ...d, baseUrl: '' }, i.registration.id),
      }));
      return sendPage(
        reply,
        MyEventsPage({
          site: siteFor(ctx, req),
          items,
          feedUrl: absoluteUrl(ctx, `/events/my/${feedToken(secret, v.memberId)}/calendar.ics`),
          now: new Date(),
        }),
      );
    });

    app.get<{ Params: { slug: string }; Querystring: { session?: string; registered?: string } }>('/events/:slug', eventPage, async (req, reply) => {
      // the event as every visitor sees it, a few seconds old at most (ctx.recent); a draft still only for its organizers
      const e = await visibleEvent(req, req.params.slug, () => ctx.recent(`event:${req.params.slug}`, () => findEvent(ctx.pool, req.params.slug)));
      return showEvent(req, reply, e, req.query.session);
    });
  };
}
