/** A guest confirms their address; a registrant's own page (change, cancel, take an offered seat). Thin: read, call, present. */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { DateTime } from 'luxon';
import { inTransaction } from '../platform/db/queryable.ts';
import { sendPage, siteFor, type AppContext } from '../platform/http/context.ts';
import { cleanToken } from '../platform/tokens.ts';
import { field } from '../web/forms.tsx';
import { cancelRegistrations, checkManageToken, confirmOffer, findRegistration, manageUrl, OfferError, seatsFor, type EventsDeps } from './registration.ts';
import { confirmGuestRegistration, GUEST_LINK_HOURS, lookupGuestLink, type GuestLink } from './guest-registration.ts';
import { findEventById, findOccurrence } from './store.ts';
import { ConfirmGuestPage, EventMessagePage, ManageRegistrationPage } from './registration-views.tsx';
import { eventRouteKit } from './route-kit.ts';

export function eventRegistrationRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const { secret, csrf, hide, deps, sessionLink, registeredPage } = await eventRouteKit(ctx, app);

    // ---- A guest confirms their address -------------------------------------------------

    /** The page for a link that cannot be used (any more), saying what to do instead. */
    function guestLinkProblem(req: FastifyRequest, reply: FastifyReply, link: Exclude<GuestLink, { state: 'valid' }>, d: EventsDeps) {
      const site = siteFor(ctx, req);
      if (link.state === 'invalid') {
        return sendPage(reply, EventMessagePage({
          site, title: 'This link does not work', alert: 'warning',
          lines: ['This confirmation link is not valid. Copy the whole link from the email. If you registered more than once, use the link in the newest email: each new request replaces the earlier link.'],
          links: [{ href: '/events', label: 'All events' }],
        }), 404);
      }
      const back = { href: sessionLink(link.event, link.occurrence), label: `Back to ${link.event.title}` };
      if (link.state === 'used') {
        return sendPage(reply, EventMessagePage({
          site, title: 'You already confirmed this registration', alert: 'info', lines: ['This link was used already, so nothing changed. Your registration page shows where you stand.'],
          links: [...(link.registrationId ? [{ href: manageUrl({ ...d, baseUrl: '' }, link.registrationId), label: 'Your registration: change or cancel' }] : []), back],
        }), 410);
      }
      if (link.state === 'expired') {
        return sendPage(reply, EventMessagePage({
          site, title: 'This link has expired', alert: 'warning',
          lines: [`Links to confirm a registration work for ${GUEST_LINK_HOURS} hours, so you are not registered. Register again on the event page to get a new link.`],
          links: [{ href: back.href, label: `Register for ${link.event.title}` }],
        }), 410);
      }
      return sendPage(reply, EventMessagePage({
        site, title: 'Registration has closed', alert: 'warning', lines: [`${link.event.title} no longer takes registrations for this session, so you are not registered.`], links: [back],
      }), 409);
    }

    app.get<{ Querystring: { token?: string } }>('/events/registrations/confirm', hide, async (req, reply) => {
      const token = cleanToken(req.query.token);
      const now = new Date();
      const link = token ? await lookupGuestLink(ctx.pool, token, now) : ({ state: 'invalid' } as const);
      if (link.state !== 'valid') return guestLinkProblem(req, reply, link, await deps());
      const { event: e, occurrence: o, request } = link;
      return sendPage(reply, ConfirmGuestPage({
        site: siteFor(ctx, req), e, o, request, token: token!, csrf: reply.generateCsrf(), seats: await seatsFor(ctx.pool, e, o.id),
        expiresText: DateTime.fromJSDate(request.expiresAt, { zone: e.timeZone }).toFormat("cccc, LLLL d 'at' h:mm a ZZZZ"),
      }));
    });

    app.post('/events/registrations/confirm', csrf, async (req, reply) => {
      const token = cleanToken(field(req.body, 'token', 60));
      const d = await deps();
      const outcome = token ? await inTransaction(ctx.pool, (tx) => confirmGuestRegistration(tx, d, { token, ip: req.ip, now: new Date() })) : ({ state: 'invalid' } as const);
      if (outcome.state !== 'confirmed') return guestLinkProblem(req, reply, outcome, d);
      const { event: e, occurrence: o, result } = outcome;
      const mine = result.registrations.find((r) => r.occurrenceId === o.id) ?? result.registrations[0]!;
      const links = [{ href: manageUrl({ ...d, baseUrl: '' }, mine.id), label: 'Your registration: change or cancel' }, { href: sessionLink(e, o), label: `Back to ${e.title}` }];
      if (result.already) {
        return sendPage(reply, EventMessagePage({ site: siteFor(ctx, req), title: 'You are already registered', lines: [`${mine.email} is already registered for this session, so nothing changed.`], alert: 'info', links }));
      }
      return registeredPage(req, reply, e, o, result, mine.email, links);
    });

    async function registrationFromLink(req: FastifyRequest, id: string, token: string) {
      if (!/^\d{1,12}$/.test(id) || !/^[A-Za-z0-9_-]{43}$/.test(token) || !checkManageToken(secret, Number(id), token)) return undefined;
      const r = await findRegistration(ctx.pool, Number(id));
      if (!r) return undefined;
      const o = (await findOccurrence(ctx.pool, r.occurrenceId))!;
      const e = (await findEventById(ctx.pool, o.eventId))!;
      return { r, o, e };
    }

    const badLink = (req: FastifyRequest, reply: FastifyReply) =>
      sendPage(reply, EventMessagePage({ site: siteFor(ctx, req), title: 'This link does not work', lines: ['This registration link is not valid. Use the whole link from your confirmation email.'], links: [{ href: '/events', label: 'All events' }], alert: 'warning' }), 404);

    async function showRegistration(req: FastifyRequest, reply: FastifyReply, found: NonNullable<Awaited<ReturnType<typeof registrationFromLink>>>, token: string, notice?: string, status = 200) {
      const { r, o, e } = found;
      const group = r.seriesGroup
        ? Number((await ctx.pool.query<{ n: string }>(`select count(*) as n from event_registrations g join event_occurrences x on x.id = g.occurrence_id where g.series_group = $1 and g.status in ('registered','waitlisted','offered') and x.ends_at > now()`, [r.seriesGroup])).rows[0]!.n)
        : 1;
      const offerText = r.status === 'offered' && r.offerExpiresAt ? DateTime.fromJSDate(r.offerExpiresAt, { zone: e.timeZone }).toFormat("cccc, LLLL d 'at' h:mm a ZZZZ") : undefined;
      return sendPage(reply, ManageRegistrationPage({ site: siteFor(ctx, req), e, o, r, token, csrf: reply.generateCsrf(), now: new Date(), offerText, groupSize: group, notice }), status);
    }

    app.get<{ Params: { id: string }; Querystring: { t?: string } }>('/events/registrations/:id', hide, async (req, reply) => {
      const found = await registrationFromLink(req, req.params.id, req.query.t ?? '');
      if (!found) return badLink(req, reply);
      return showRegistration(req, reply, found, req.query.t!);
    });

    app.post<{ Params: { id: string } }>('/events/registrations/:id/cancel', csrf, async (req, reply) => {
      const token = field(req.body, 't', 60);
      const found = await registrationFromLink(req, req.params.id, token);
      if (!found) return badLink(req, reply);
      const all = field(req.body, 'scope') === 'all' && found.r.seriesGroup;
      const now = new Date();
      const d = await deps();
      await inTransaction(ctx.pool, async (tx) => {
        const ids = all
          ? (await tx.query<{ id: string }>(`select g.id from event_registrations g join event_occurrences x on x.id = g.occurrence_id where g.series_group = $1 and x.ends_at > $2`, [found.r.seriesGroup, now])).rows.map((x) => Number(x.id))
          : [found.r.id];
        await cancelRegistrations(tx, d, { name: found.r.email, source: req.ip }, ids, now, { wholeSeries: Boolean(all) });
      });
      const again = (await registrationFromLink(req, req.params.id, token))!;
      return showRegistration(req, reply, again, token, all ? 'All your upcoming sessions are cancelled.' : 'Your registration is cancelled.');
    });

    app.post<{ Params: { id: string } }>('/events/registrations/:id/confirm', csrf, async (req, reply) => {
      const token = field(req.body, 't', 60);
      const found = await registrationFromLink(req, req.params.id, token);
      if (!found) return badLink(req, reply);
      try {
        const d = await deps();
        await inTransaction(ctx.pool, (tx) => confirmOffer(tx, d, { name: found.r.email, source: req.ip }, found.r.id, new Date()));
      } catch (err) {
        if (!(err instanceof OfferError)) throw err;
        return showRegistration(req, reply, found, token, undefined, 409);
      }
      const again = (await registrationFromLink(req, req.params.id, token))!;
      return showRegistration(req, reply, again, token, 'Your seat is confirmed. We sent you a confirmation with a calendar invitation.');
    });
  };
}
