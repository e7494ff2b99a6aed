/** An archive's home page (its months), a month's threads and a thread page. */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { NotFoundError, sendPage, type AppContext } from '../platform/http/context.ts';
import type { ComposeNotice } from './web-post-views.tsx';
import { archiveMonths, threadsBetween, threadsContinuedBetween } from './browse.ts';
import { monthRange, type DateRange } from './months.ts';
import { MonthContent, MonthPage } from './views.tsx';
import { archiveRouteKit } from './route-kit.ts';

export function archiveBrowseRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const { listPage, threadListPage, open, shared, home, threadPage } = archiveRouteKit(ctx, app);

    app.get<{ Params: { list: string } }>('/archives/:list', listPage, async (req, reply) => home(req, reply, req.params.list));

    app.get<{ Params: { list: string; month: string } }>('/archives/:list/months/:month', listPage, async (req, reply) => {
      const opened = await open(req, req.params.list);
      const { list, view } = opened;
      let range: DateRange;
      try {
        range = monthRange(req.params.month, list.timeZone);
      } catch {
        throw new NotFoundError(`“${req.params.month}” is not a month of this archive. Months look like 2019-04.`);
      }
      const month = req.params.month;
      // The month's content is the same for every reader allowed (checked above) who sees addresses alike: made once, kept.
      const made = await shared(opened, `month:${month}:${list.timeZone}:${view.hideAddresses}`, async () => {
        const [threads, continued, months] = await Promise.all([
          threadsBetween(ctx.pool, list.id, range.from, range.to),
          threadsContinuedBetween(ctx.pool, list.id, range.from, range.to),
          archiveMonths(ctx.pool, list.id, list.timeZone),
        ]);
        if (!months.some((m) => m.month === month) && !threads.length && !continued.length) return undefined;
        const older = months.filter((m) => m.month < month)[0]?.month;
        const newer = months.filter((m) => m.month > month).pop()?.month;
        const values = { month, threads, continued, previous: older, next: newer };
        return { values, content: await MonthContent({ ...view, ...values }) };
      });
      if (!made) throw new NotFoundError(`Nothing was posted to ${list.name} in ${month}.`);
      return sendPage(reply, MonthPage({ ...view, ...made.values, content: made.content }));
    });

    app.get<{ Params: { list: string; id: string }; Querystring: { sent?: string; muted?: string } }>(
      '/archives/:list/threads/:id',
      threadListPage,
      async (req, reply) => {
        const sent = /^\d{1,9}$/.test(req.query.sent ?? '') ? Number(req.query.sent) : undefined;
        const notice: ComposeNotice | undefined =
          sent !== undefined
            ? {
                kind: 'success',
                heading: 'Your message is on its way',
                lines: [`It went to the list as message ${sent}, and every member gets a copy by email.`],
              }
            : req.query.muted === '1'
              ? {
                  kind: 'success',
                  heading: 'Thread muted',
                  lines: ['You will get no more messages of this thread, by email or in digests. The rest of the list keeps coming.'],
                }
              : req.query.muted === '0'
                ? { kind: 'success', heading: 'Thread unmuted', lines: ['You will get this thread’s new messages again.'] }
                : undefined;
        return threadPage(req, reply, req.params.list, req.params.id, { notice });
      },
    );
  };
}
