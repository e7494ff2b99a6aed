/** The events JSON API: sessions, one event, its sessions. Thin: read, call, present. */
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { absoluteUrl, NotFoundError, type AppContext } from '../platform/http/context.ts';
import { ApiError } from '../platform/http/schemas.ts';
import { hasRecording, type Occurrence, type StoredEvent } from './model.ts';
import { EventDetail, EventList, EventListQuery, EventOccurrence, type EventOccurrenceJson, type EventSummaryJson } from './schemas.ts';
import { findEvent, countOccurrences, listOccurrences, occurrencesOf, type EventFilter } from './store.ts';
import { eventRouteKit, filtersFrom, storeFilter } from './route-kit.ts';

export function eventApiRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const { api } = await eventRouteKit(ctx, app);

    // ---- JSON API -----------------------------------------------------------------------

    const occurrenceJson = (req: FastifyRequest, e: StoredEvent, o: Occurrence): EventOccurrenceJson => ({
      id: o.id,
      startsAt: o.startsAt.toISOString(),
      endsAt: o.endsAt.toISOString(),
      originalStart: o.originalStart.toISOString(),
      status: o.status,
      recordingUrl: hasRecording(o.recording) ? (o.recording.url ?? `https://www.youtube.com/watch?v=${o.recording.youtubeId}`) : null,
      recordingTitle: o.recording.title ?? null,
      slidesUrl: o.recording.slidesUrl ?? null,
      hasTranscript: Boolean(o.recording.transcript),
      url: absoluteUrl(ctx, e.rrule ? `/events/${e.slug}?session=${o.id}` : `/events/${e.slug}`),
    });
    const summaryJson = (req: FastifyRequest, e: StoredEvent): EventSummaryJson => ({
      slug: e.slug,
      title: e.title,
      kind: e.kind,
      status: e.status,
      summary: e.summary ?? null,
      timeZone: e.timeZone,
      startsAt: e.startsAt.toISOString(),
      endsAt: e.endsAt.toISOString(),
      rrule: e.rrule ?? null,
      format: e.format,
      topics: e.topics,
      communities: e.communities.map((c) => c.slug),
      url: absoluteUrl(ctx, `/events/${e.slug}`),
      calendarUrl: absoluteUrl(ctx, `/events/${e.slug}/calendar.ics`),
    });

    api.get(
      '/api/v1/events',
      {
        schema: {
          operationId: 'listEventSessions',
          tags: ['events'],
          summary: 'List event sessions',
          description:
            'Sessions of published events, upcoming by default (each session of a series is listed), with their events. Filter by community, kind, topic and format.',
          querystring: EventListQuery,
          response: { 200: Type.Ref(EventList), 400: Type.Ref(ApiError) },
        },
      },
      async (req) => {
        const q = req.query;
        const now = new Date();
        const limit = q.limit ?? 100;
        const offset = q.offset ?? 0;
        const f: EventFilter = { ...storeFilter(filtersFrom(q as Record<string, string>)), limit, offset };
        if (q.past) {
          const to = q.to ? new Date(q.to) : now;
          Object.assign(f, { to, endedBy: to, descending: true, ...(q.from ? { from: new Date(q.from) } : {}) });
        } else Object.assign(f, { from: q.from ? new Date(q.from) : now, ...(q.to ? { to: new Date(q.to) } : {}) });
        const [rows, total] = await Promise.all([listOccurrences(ctx.pool, f), countOccurrences(ctx.pool, f)]);
        const data = rows.map((r) => ({ event: summaryJson(req, r.event), occurrence: occurrenceJson(req, r.event, r.occurrence) }));
        // The same query with another offset: every filter as given, in the order given.
        const link = (at: number) => {
          const params = new URLSearchParams(req.url.split('?')[1] ?? '');
          params.delete('offset');
          params.set('limit', String(limit));
          params.set('offset', String(at));
          return absoluteUrl(ctx, `/api/v1/events?${params.toString()}`);
        };
        return {
          total,
          links: {
            self: link(offset),
            next: offset + limit < total ? link(offset + limit) : null,
            prev: offset > 0 ? link(Math.max(0, offset - limit)) : null,
          },
          data,
        };
      },
    );

    api.get(
      '/api/v1/events/:slug',
      {
        schema: {
          operationId: 'getEvent',
          tags: ['events'],
          summary: 'One event',
          description: 'An event with its sessions, venue, presenters and recordings. The join link is never included: it is sent to registrants only.',
          params: Type.Object({ slug: Type.String() }),
          response: { 200: Type.Ref(EventDetail), 404: Type.Ref(ApiError) },
        },
      },
      async (req) => {
        const e = await findEvent(ctx.pool, req.params.slug);
        if (!e || e.status === 'draft') throw new NotFoundError(`There is no event "${req.params.slug}". List events at /api/v1/events.`);
        const occ = await occurrencesOf(ctx.pool, e.id);
        const v = e.venue;
        return {
          ...summaryJson(req, e),
          deck: e.deck ?? null,
          body: e.body,
          host: e.host ?? null,
          organizer: e.organizer ?? null,
          venue: {
            name: v.name ?? null,
            room: v.room ?? null,
            address: v.address ?? null,
            city: v.city ?? null,
            state: v.state ?? null,
            zip: v.zip ?? null,
            map: v.map ?? null,
          },
          platform: e.platform ?? null,
          captionsUrl: e.captionsUrl ?? null,
          registration: e.registration,
          externalRegistrationUrl: e.externalRegistrationUrl ?? null,
          capacity: e.capacity ?? null,
          presenters: e.presenters.map((p) => ({ name: p.name, title: p.title ?? null, agency: p.agency ?? null })),
          occurrences: occ.map((o) => occurrenceJson(req, e, o)),
        };
      },
    );

    api.get(
      '/api/v1/events/:slug/occurrences',
      {
        schema: {
          operationId: 'listEventOccurrences',
          tags: ['events'],
          summary: 'Sessions of one event',
          description: 'Every stored session of the event, including skipped and cancelled ones, oldest first.',
          params: Type.Object({ slug: Type.String() }),
          response: { 200: Type.Object({ total: Type.Integer(), data: Type.Array(Type.Ref(EventOccurrence)) }), 404: Type.Ref(ApiError) },
        },
      },
      async (req) => {
        const e = await findEvent(ctx.pool, req.params.slug);
        if (!e || e.status === 'draft') throw new NotFoundError(`There is no event "${req.params.slug}". List events at /api/v1/events.`);
        const occ = await occurrencesOf(ctx.pool, e.id);
        return { total: occ.length, data: occ.map((o) => occurrenceJson(req, e, o)) };
      },
    );
  };
}
