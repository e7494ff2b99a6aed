/** Searching a list's archive, or every archive of its community this viewer may read. */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { sendPage, type AppContext } from '../platform/http/context.ts';
import type { FieldErrors } from '../web/forms.tsx';
import { listsOfCommunity, type List } from '../lists/index.ts';
import { archiveAccess } from './access.ts';
import { dayRange, DateRangeError, type DateRange } from './months.ts';
import { searchArchive, SearchQueryError, type SearchResult } from './search.ts';
import { SearchPage, type SearchFormValues } from './search-views.tsx';
import { archiveRouteKit, q } from './route-kit.ts';

export function archiveSearchRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const { publicPage, open } = archiveRouteKit(ctx, app);

    app.get<{ Params: { list: string } }>('/archives/:list/search', publicPage, async (req, reply) => {
      const { list, view, access } = await open(req, req.params.list);
      const values: SearchFormValues = {
        q: q(req, 'q', 300),
        from: q(req, 'from', 200),
        since: q(req, 'since', 20),
        until: q(req, 'until', 20),
        attachment: q(req, 'attachment', 5) === '1',
        scope: q(req, 'scope', 20) === 'community' ? 'community' : 'list',
      };
      const page = Math.max(1, Math.min(500, Number(q(req, 'page', 4)) || 1));
      const pageSize = 20;
      const errors: FieldErrors = {};
      let range: Partial<DateRange> = {};
      try {
        range = dayRange(values.since, undefined, list.timeZone);
      } catch (err) {
        if (err instanceof DateRangeError) errors.since = err.message;
        else throw err;
      }
      try {
        range = { ...range, ...dayRange(undefined, values.until, list.timeZone) };
        if (range.from && range.to && range.to <= range.from) errors.until = 'The end day is before the start day. Swap them, or change one of them.';
      } catch (err) {
        if (err instanceof DateRangeError) errors.until = err.message;
        else throw err;
      }
      const asked = [values.q, values.from, values.since, values.until].some((x) => x.trim()) || values.attachment;
      // Lists of the community this viewer may read, for a community-wide search.
      const lists = values.scope === 'community' ? await listsOfCommunity(ctx.pool, list.communityId) : [list];
      const readable: List[] = [];
      for (const l of lists) if ((await archiveAccess(ctx.pool, l, req.viewer)).read) readable.push(l);
      let result: SearchResult | undefined;
      if (asked && !Object.keys(errors).length) {
        try {
          result = await searchArchive(
            ctx.pool,
            {
              listIds: readable.map((l) => l.id),
              words: values.q,
              from: values.from,
              ...(range.from ? { since: range.from } : {}),
              ...(range.to ? { until: range.to } : {}),
              hasAttachment: values.attachment,
              offset: (page - 1) * pageSize,
              limit: pageSize,
            },
            { hideAddresses: access.hideAddresses },
          );
        } catch (err) {
          if (err instanceof SearchQueryError) errors[err.field] = err.message;
          else throw err;
        }
      }
      const status = Object.keys(errors).length ? 400 : 200;
      return sendPage(
        reply,
        SearchPage({
          ...view,
          values,
          errors,
          ...(result ? { result } : {}),
          page,
          pageSize,
          listNames: new Map(readable.map((l) => [l.id, l.name])),
          listParts: new Map(readable.map((l) => [l.id, l.localPart])),
        }),
        status,
      );
    });
  };
}
