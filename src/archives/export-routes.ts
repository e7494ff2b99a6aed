/** A member's download of a month or a range of days of the archive, as a gzipped mbox (the form is on the archive's home page). */
import { createGzip } from 'node:zlib';
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { ForbiddenError, type AppContext } from '../platform/http/context.ts';
import type { FieldErrors } from '../web/forms.tsx';
import { countPosts, mboxrdChunks } from './export.ts';
import { dayRange, DateRangeError, monthRange, type DateRange } from './months.ts';
import { archiveRouteKit, q } from './route-kit.ts';

export function archiveExportRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const { hide, open, home } = archiveRouteKit(ctx, app);

    app.get<{ Params: { list: string } }>('/archives/:list/export', hide, async (req, reply) => {
      const { list, access } = await open(req, req.params.list);
      if (!access.member) throw new ForbiddenError('Only members can download the archive.');
      const month = q(req, 'month', 20).trim();
      const from = q(req, 'from', 20).trim();
      const to = q(req, 'to', 20).trim();
      const errors: FieldErrors = {};
      let range: Partial<DateRange> = {};
      if (month && (from || to)) errors.month = 'Choose a month, or a range of days, but not both.';
      else if (month) {
        try {
          range = monthRange(month, list.timeZone);
        } catch (err) {
          if (!(err instanceof DateRangeError)) throw err;
          errors.month = err.message;
        }
      } else if (from || to) {
        try {
          range = dayRange(from, to, list.timeZone);
        } catch (err) {
          if (!(err instanceof DateRangeError)) throw err;
          errors[err.field] = err.message;
        }
      } else errors.month = 'Choose a month (for example 2019-04) or a range of days to download.';
      if (!Object.keys(errors).length && (await countPosts(ctx.pool, { listId: list.id, ...range })) === 0) {
        errors[month ? 'month' : 'from'] = 'Nothing was posted in that time. Choose another month or range.';
      }
      if (Object.keys(errors).length) return home(req, reply, req.params.list, errors, 400);
      const name = `${list.localPart}-${month || `${from || 'start'}_${to || 'now'}`}.mbox.gz`;
      reply
        .header('content-type', 'application/gzip')
        .header('content-disposition', `attachment; filename="${name}"`)
        .header('cache-control', 'private, no-store');
      return reply.send(Readable.from(mboxrdChunks(ctx.pool, { listId: list.id, ...range })).pipe(createGzip()));
    });
  };
}
