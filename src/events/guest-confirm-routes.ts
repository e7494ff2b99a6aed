/** A guest confirms their address from the link in their email, and is registered. Thin: read, call, present. */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { DateTime } from '../platform/luxon.ts';
import { inTransaction } from '../platform/db/queryable.ts';
import { formToken, sendPage, siteFor, type AppContext } from '../platform/http/context.ts';
import { cleanToken } from '../platform/tokens.ts';
import { field } from '../web/forms.tsx';
import { manageUrl, seatsFor, type EventsDeps } from './registration.ts';
import { confirmGuestRegistration, GUEST_LINK_HOURS, lookupGuestLink, type GuestLink } from './guest-registration.ts';
import { ConfirmGuestPage, EventMessagePage } from './registration-views.tsx';
import { eventRouteKit } from './route-kit.ts';

export function guestConfirmRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const { csrf, hide, deps, sessionLink, registeredPage } = await eventRouteKit(ctx, app);

    // ---- A guest confirms their address -------------------------------------------------

    /** The page for a link that cannot be used (any more), saying what to do instead. */
    function guestLinkProblem(req: FastifyRequest, reply: FastifyReply, link: Exclude<GuestLink, { state: 'valid' }>, d: EventsDeps) {
      const site = siteFor(ctx, req);
      if (link.state === 'invalid') {
        return sendPage(
          reply,
          EventMessagePage({
            site,
            title: 'This link does not work',
            alert: 'warning',
            lines: [
              'This confirmation link is not valid. Copy the whole link from the email. If you registered more than once, use the link in the newest email: each new request replaces the earlier link.',
            ],
            links: [{ href: '/events', label: 'All events' }],
          }),
          404,
        );
      }
      const back = { href: sessionLink(link.event, link.occurrence), label: `Back to ${link.event.title}` };
      if (link.state === 'used') {
        return sendPage(
          reply,
          EventMessagePage({
            site,
            title: 'You already confirmed this registration',
            alert: 'info',
            lines: ['This link was used already, so nothing changed. Your registration page shows where you stand.'],
            links: [
              ...(link.registrationId ? [{ href: manageUrl({ ...d, baseUrl: '' }, link.registrationId), label: 'Your registration: change or cancel' }] : []),
              back,
            ],
          }),
          410,
        );
      }
      if (link.state === 'expired') {
        return sendPage(
          reply,
          EventMessagePage({
            site,
            title: 'This link has expired',
            alert: 'warning',
            lines: [
              `Links to confirm a registration work for ${GUEST_LINK_HOURS} hours, so you are not registered. Register again on the event page to get a new link.`,
            ],
            links: [{ href: back.href, label: `Register for ${link.event.title}` }],
          }),
          410,
        );
      }
      return sendPage(
        reply,
        EventMessagePage({
          site,
          title: 'Registration has closed',
          alert: 'warning',
          lines: [`${link.event.title} no longer takes registrations for this session, so you are not registered.`],
          links: [back],
        }),
        409,
      );
    }

    app.get<{ Querystring: { token?: string } }>('/events/registrations/confirm', hide, async (req, reply) => {
      const token = cleanToken(req.query.token);
      const now = new Date();
      const link = token ? await lookupGuestLink(ctx.pool, token, now) : ({ state: 'invalid' } as const);
      if (link.state !== 'valid') return guestLinkProblem(req, reply, link, await deps());
      const { event: e, occurrence: o, request } = link;
      return sendPage(
        reply,
        ConfirmGuestPage({
          site: siteFor(ctx, req),
          e,
          o,
          request,
          token: token!,
          csrf: formToken(reply),
          seats: await seatsFor(ctx.pool, e, o.id),
          expiresText: DateTime.fromJSDate(request.expiresAt, { zone: e.timeZone }).toFormat("cccc, LLLL d 'at' h:mm a ZZZZ"),
        }),
      );
    });

    app.post('/events/registrations/confirm', csrf, async (req, reply) => {
      const token = cleanToken(field(req.body, 'token', 60));
      const d = await deps();
      const outcome = token
        ? await inTransaction(ctx.pool, (tx) => confirmGuestRegistration(tx, d, { token, ip: req.ip, now: new Date() }))
        : ({ state: 'invalid' } as const);
      if (outcome.state !== 'confirmed') return guestLinkProblem(req, reply, outcome, d);
      const { event: e, occurrence: o, result } = outcome;
      const mine = result.registrations.find((r) => r.occurrenceId === o.id) ?? result.registrations[0]!;
      const links = [
        { href: manageUrl({ ...d, baseUrl: '' }, mine.id), label: 'Your registration: change or cancel' },
        { href: sessionLink(e, o), label: `Back to ${e.title}` },
      ];
      if (result.already) {
        return sendPage(
          reply,
          EventMessagePage({
            site: siteFor(ctx, req),
            title: 'You are already registered',
            lines: [`${mine.email} is already registered for this session, so nothing changed.`],
            alert: 'info',
            links,
          }),
        );
      }
      return registeredPage(req, reply, e, o, result, mine.email, links);
    });
  };
}
