/** Organizers manage an event's sessions: skip, restore, change one, add its recording. Thin: check who asks, validate, call, present. */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { inTransaction } from '../platform/db/queryable.ts';
import { formToken, sendPage, siteFor, type AppContext } from '../platform/http/context.ts';
import { field } from '../web/forms.tsx';
import { attendanceCounts } from './registration.ts';
import { notifyEventChange, notifySessionCancelled } from './registration-mail.ts';
import { changeOccurrence, findEvent, occurrencesOf } from './store.ts';
import { parseLocal } from './time.ts';
import { ManageEventPage, SessionPage } from './admin-views.tsx';
import { actorOf, organizerRouteKit } from './organizer-kit.ts';

export function eventSessionRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const { hide, csrf, organizedEvent, sessionOf, deps } = await organizerRouteKit(ctx, app);

    // ---- Sessions -----------------------------------------------------------------------

    app.get<{ Params: { slug: string }; Querystring: { saved?: string; done?: string } }>('/events/:slug/manage', hide, async (req, reply) => {
      const e = await organizedEvent(req, req.params.slug);
      const notice =
        req.query.saved === '1'
          ? 'The event is saved.'
          : req.query.done === 'skip'
            ? 'The session is skipped.'
            : req.query.done === 'restore'
              ? 'The session is back on.'
              : undefined;
      return sendPage(
        reply,
        ManageEventPage({
          site: siteFor(ctx, req),
          e,
          sessions: await occurrencesOf(ctx.pool, e.id),
          counts: await attendanceCounts(ctx.pool, e.id),
          csrf: formToken(reply),
          notice,
          now: new Date(),
        }),
      );
    });

    app.get<{ Params: { slug: string; id: string }; Querystring: { done?: string } }>('/events/:slug/sessions/:id', hide, async (req, reply) => {
      const e = await organizedEvent(req, req.params.slug);
      const o = await sessionOf(e, req.params.id);
      const notice = {
        move: 'The session is moved; registrants were told.',
        cancel: 'The session is cancelled; registrants were told.',
        recording: 'The recording is saved.',
      }[req.query.done ?? ''] as string | undefined;
      return sendPage(reply, SessionPage({ site: siteFor(ctx, req), e, o, csrf: formToken(reply), notice, now: new Date() }));
    });

    app.post<{ Params: { slug: string; id: string } }>('/events/:slug/sessions/:id', csrf, async (req, reply) => {
      const e = await organizedEvent(req, req.params.slug);
      const o = await sessionOf(e, req.params.id);
      const action = field(req.body, 'action', 20);
      const now = new Date();
      const d = await deps();
      const values: Record<string, string> = {};
      for (const k of ['date', 'startTime', 'endTime', 'note', 'recordingUrl', 'youtubeId', 'recordingTitle', 'slidesUrl', 'transcript'])
        values[k] = field(req.body, k, k === 'transcript' ? 200000 : 1000);
      const again = (errors: Record<string, string>) =>
        sendPage(reply, SessionPage({ site: siteFor(ctx, req), e, o, csrf: formToken(reply), values, errors, now }), 400);
      if (action === 'skip' || action === 'restore') {
        await inTransaction(ctx.pool, async (tx) => {
          const changed = await changeOccurrence(tx, actorOf(req), o, { kind: action });
          const event = (await findEvent(tx, e.slug))!;
          if (action === 'skip') await notifySessionCancelled(tx, d, event, changed, now);
        });
        return reply.redirect(`/events/${e.slug}/manage?done=${action}`, 303);
      }
      if (action === 'cancel') {
        await inTransaction(ctx.pool, async (tx) => {
          const changed = await changeOccurrence(tx, actorOf(req), o, { kind: 'cancel', ...(values.note ? { note: values.note } : {}) });
          await notifySessionCancelled(tx, d, (await findEvent(tx, e.slug))!, changed, now);
        });
        return reply.redirect(`/events/${e.slug}/sessions/${o.id}?done=cancel`, 303);
      }
      if (action === 'move') {
        const errors: Record<string, string> = {};
        const start = parseLocal(values.date!, values.startTime!, e.timeZone);
        const end = parseLocal(values.date!, values.endTime!, e.timeZone);
        if (!/^\d{4}-\d{2}-\d{2}$/.test(values.date!)) errors.date = 'Enter the date as year-month-day, like 2026-11-12.';
        else if (!start) errors.startTime = 'Enter the start time as hours:minutes on a 24-hour clock, like 10:00.';
        else if (!end) errors.endTime = 'Enter the end time as hours:minutes on a 24-hour clock, like 11:00.';
        else if (end <= start) errors.endTime = 'The end time must be after the start time.';
        else if (end <= now) errors.date = 'A session can only be moved to a time that has not passed.';
        if (Object.keys(errors).length || !start || !end) return again(errors);
        await inTransaction(ctx.pool, async (tx) => {
          await changeOccurrence(tx, actorOf(req), o, { kind: 'move', startsAt: start, endsAt: end });
          const event = (await findEvent(tx, e.slug))!;
          await notifyEventChange(tx, d, event, ['time'], now);
        });
        return reply.redirect(`/events/${e.slug}/sessions/${o.id}?done=move`, 303);
      }
      if (action === 'recording') {
        const errors: Record<string, string> = {};
        for (const k of ['recordingUrl', 'slidesUrl'])
          if (values[k] && !/^https?:\/\/\S+$/i.test(values[k]!)) errors[k] = 'Enter a full web address starting with https://';
        if (values.youtubeId && !/^[A-Za-z0-9_-]{6,20}$/.test(values.youtubeId))
          errors.youtubeId = 'A YouTube video id is the 11 letters and digits after v= in the video address.';
        if (Object.keys(errors).length) return again(errors);
        const rec: Record<string, string> = {};
        if (values.recordingUrl) rec.url = values.recordingUrl;
        if (values.youtubeId) rec.youtubeId = values.youtubeId;
        if (values.recordingTitle) rec.title = values.recordingTitle;
        if (values.slidesUrl) rec.slidesUrl = values.slidesUrl;
        if (values.transcript) rec.transcript = values.transcript;
        await changeOccurrence(ctx.pool, actorOf(req), o, { kind: 'recording', recording: rec });
        return reply.redirect(`/events/${e.slug}/sessions/${o.id}?done=recording`, 303);
      }
      return again({ action: 'Choose an action from the page.' });
    });
  };
}
