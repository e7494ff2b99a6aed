/** Organizers and their registrants: the list, CSV, check-in, a message to everyone registered. Thin: check who asks, validate, call, present. */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { toCsv } from '../platform/csv.ts';
import { inTransaction } from '../platform/db/queryable.ts';
import { NotFoundError, formToken, sendPage, siteFor, type AppContext } from '../platform/http/context.ts';
import { field } from '../web/forms.tsx';
import { unconfirmedGuestCount } from './guest-registration.ts';
import { registrationsFor, setAttendance } from './registration.ts';
import { messageRegistrants } from './registration-mail.ts';
import { occurrencesOf } from './store.ts';
import { RegistrantsPage } from './admin-views.tsx';
import { actorOf, organizerRouteKit } from './organizer-kit.ts';

export function eventRegistrantRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const { hide, csrf, organizedEvent, sessionOf, deps } = await organizerRouteKit(ctx, app);

    // ---- Registrants --------------------------------------------------------------------

    app.get<{ Params: { slug: string }; Querystring: { session?: string; done?: string } }>('/events/:slug/registrants', hide, async (req, reply) => {
      const e = await organizedEvent(req, req.params.slug);
      const o = req.query.session
        ? await sessionOf(e, req.query.session)
        : ((await occurrencesOf(ctx.pool, e.id)).find((x) => x.endsAt > new Date()) ?? (await occurrencesOf(ctx.pool, e.id)).at(-1));
      if (!o) throw new NotFoundError('This event has no sessions.');
      const notice = req.query.done === 'attendance' ? 'Attendance is saved.' : req.query.done === 'message' ? 'Your message is on its way.' : undefined;
      return sendPage(
        reply,
        RegistrantsPage({
          site: siteFor(ctx, req),
          e,
          o,
          registrations: await registrationsFor(ctx.pool, o.id),
          unconfirmed: await unconfirmedGuestCount(ctx.pool, o.id, new Date()),
          csrf: formToken(reply),
          notice,
        }),
      );
    });

    app.get<{ Params: { slug: string }; Querystring: { session?: string } }>('/events/:slug/registrants.csv', hide, async (req, reply) => {
      const e = await organizedEvent(req, req.params.slug);
      const o = await sessionOf(e, req.query.session ?? '');
      const regs = await registrationsFor(ctx.pool, o.id);
      const csv = toCsv(
        [
          'name',
          'email',
          'agency',
          'status',
          'registered_at',
          'captions',
          'asl',
          'other_accommodation',
          'recording_consent',
          'conduct_ack',
          'attended',
          ...e.questions.map((q) => q.label),
        ],
        regs.map((r) => [
          r.name,
          r.email,
          r.agency ?? '',
          r.status,
          r.createdAt.toISOString(),
          r.needsCaptions ? 'yes' : 'no',
          r.needsAsl ? 'yes' : 'no',
          r.accommodationOther ?? '',
          r.recordingConsent ? 'yes' : 'no',
          r.conductAck ? 'yes' : 'no',
          r.attended === undefined ? '' : r.attended ? 'yes' : 'no',
          ...e.questions.map((q) => r.answers[q.id] ?? ''),
        ]),
      );
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${e.slug}-${o.startsAt.toISOString().slice(0, 10)}-registrants.csv"`)
        .send(csv);
    });

    app.post<{ Params: { slug: string; id: string } }>('/events/:slug/registrants/:id/attendance', csrf, async (req, reply) => {
      const e = await organizedEvent(req, req.params.slug);
      const r = /^\d{1,12}$/.test(req.params.id)
        ? (
            await ctx.pool.query<{ occurrence_id: string }>(
              'select r.occurrence_id from event_registrations r join event_occurrences o on o.id = r.occurrence_id where r.id = $1 and o.event_id = $2',
              [req.params.id, e.id],
            )
          ).rows[0]
        : undefined;
      if (!r) throw new NotFoundError('That registration does not exist.');
      const v = field(req.body, 'attended');
      await setAttendance(ctx.pool, actorOf(req), Number(req.params.id), v === 'yes' ? true : v === 'no' ? false : null);
      return reply.redirect(`/events/${e.slug}/registrants?session=${r.occurrence_id}&done=attendance`, 303);
    });

    app.post<{ Params: { slug: string } }>('/events/:slug/message', csrf, async (req, reply) => {
      const e = await organizedEvent(req, req.params.slug);
      const o = await sessionOf(e, field(req.body, 'session', 12));
      const values = { subject: field(req.body, 'subject', 150), body: field(req.body, 'body', 10000), includeWaitlist: field(req.body, 'includeWaitlist') };
      const errors: Record<string, string> = {};
      if (!values.subject) errors.subject = 'Enter a subject.';
      if (!values.body) errors.body = 'Enter the message.';
      if (Object.keys(errors).length) {
        return sendPage(
          reply,
          RegistrantsPage({
            site: siteFor(ctx, req),
            e,
            o,
            registrations: await registrationsFor(ctx.pool, o.id),
            unconfirmed: await unconfirmedGuestCount(ctx.pool, o.id, new Date()),
            csrf: formToken(reply),
            errors,
            values,
          }),
          400,
        );
      }
      const d = await deps();
      await inTransaction(ctx.pool, (tx) =>
        messageRegistrants(tx, d, actorOf(req), {
          event: e,
          occurrence: o,
          subject: values.subject,
          body: values.body,
          includeWaitlist: values.includeWaitlist === 'yes',
          from: req.viewer!.name ?? req.viewer!.email,
        }),
      );
      return reply.redirect(`/events/${e.slug}/registrants?session=${o.id}&done=message`, 303);
    });
  };
}
