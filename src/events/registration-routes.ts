/** A registrant's own page, from the signed link in their email: change, cancel, take an offered seat. Thin: read, call, present. */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { DateTime } from '../platform/luxon.ts';
import { inTransaction } from '../platform/db/queryable.ts';
import { formToken, sendPage, siteFor, type AppContext } from '../platform/http/context.ts';
import { field } from '../web/forms.tsx';
import { cancelRegistrations, checkManageToken, confirmOffer, findRegistration, OfferError } from './registration.ts';
import { findEventById, findOccurrence } from './store.ts';
import { EventMessagePage, ManageRegistrationPage } from './registration-views.tsx';
import { eventRouteKit } from './route-kit.ts';

export function eventRegistrationRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const { secret, csrf, hide, deps } = await eventRouteKit(ctx, app);

    async function registrationFromLink(req: FastifyRequest, id: string, token: string) {
      if (!/^\d{1,12}$/.test(id) || !/^[A-Za-z0-9_-]{43}$/.test(token) || !checkManageToken(secret, Number(id), token)) return undefined;
      const r = await findRegistration(ctx.pool, Number(id));
      if (!r) return undefined;
      const o = (await findOccurrence(ctx.pool, r.occurrenceId))!;
      const e = (await findEventById(ctx.pool, o.eventId))!;
      return { r, o, e };
    }

    const badLink = (req: FastifyRequest, reply: FastifyReply) =>
      sendPage(
        reply,
        EventMessagePage({
          site: siteFor(ctx, req),
          title: 'This link does not work',
          lines: ['This registration link is not valid. Use the whole link from your confirmation email.'],
          links: [{ href: '/events', label: 'All events' }],
          alert: 'warning',
        }),
        404,
      );

    async function showRegistration(
      req: FastifyRequest,
      reply: FastifyReply,
      found: NonNullable<Awaited<ReturnType<typeof registrationFromLink>>>,
      token: string,
      notice?: string,
      status = 200,
    ) {
      const { r, o, e } = found;
      const group = r.seriesGroup
        ? Number(
            (
              await ctx.pool.query<{ n: string }>(
                `select count(*) as n from event_registrations g join event_occurrences x on x.id = g.occurrence_id where g.series_group = $1 and g.status in ('registered','waitlisted','offered') and x.ends_at > now()`,
                [r.seriesGroup],
              )
            ).rows[0]!.n,
          )
        : 1;
      const offerText =
        r.status === 'offered' && r.offerExpiresAt
          ? DateTime.fromJSDate(r.offerExpiresAt, { zone: e.timeZone }).toFormat("cccc, LLLL d 'at' h:mm a ZZZZ")
          : undefined;
      return sendPage(
        reply,
        ManageRegistrationPage({ site: siteFor(ctx, req), e, o, r, token, csrf: formToken(reply), now: new Date(), offerText, groupSize: group, notice }),
        status,
      );
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
          ? (
              await tx.query<{ id: string }>(
                `select g.id from event_registrations g join event_occurrences x on x.id = g.occurrence_id where g.series_group = $1 and x.ends_at > $2`,
                [found.r.seriesGroup, now],
              )
            ).rows.map((x) => Number(x.id))
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
